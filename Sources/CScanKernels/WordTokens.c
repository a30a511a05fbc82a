#include "GramKernels.h"

void curate_word_reset(const curate_gram_params *p, curate_word_state *s) {
    memset(s->text_prefix, 0, (size_t)p->n * sizeof(uint64_t));
    s->text_previous = 0;
    s->text_pending = 0;
    s->open = 0;
    s->words = 0;
    s->janitor_ends[0] = 0;
    s->newlines_before[0] = 0;
    s->previous_word = 0;
    s->janitor_offset = 0;
    s->newline_count = 0;
    s->line_open = 0;
    s->line_hash = p->seed;
    s->line_start = 0;
    s->line_end = 0;
}

uint64_t curate_token_value(const curate_gram_params *p, const uint8_t *bytes, intptr_t count) {
    return token_hash(p, bytes, count);
}

/// Makes the last span's final word entry 0 and moves an open word to entry 1; makes its final n text tokens the
/// text history.
static inline void carry(const curate_gram_params *p, curate_word_state *s) {
    const intptr_t words = s->words, n = p->n, from = s->text_pending;
    if (words > 0) {
        s->janitor_ends[0] = s->janitor_ends[words];
        s->newlines_before[0] = s->newlines_before[words];
        if (s->open) {
            s->word_starts[1] = s->word_starts[words + 1];
            s->newlines_before[1] = s->newlines_before[words + 1];
        }
        s->words = 0;
    }
    if (from > 0) {
        memmove(s->text_starts, s->text_starts + from, (size_t)n * sizeof(intptr_t));
        memmove(s->text_ends, s->text_ends + from, (size_t)n * sizeof(intptr_t));
        memmove(s->text_prefix, s->text_prefix + from, (size_t)n * sizeof(uint64_t));
        s->text_previous += from;
        s->text_pending = 0;
    }
}

/// Lines and text tokens of words [1, end) in order (a chain of multiply-adds, with no branch on the data): a word after
/// a newline closes the open line (its polynomial and range appended to the line arrays); a word with janitor bytes
/// extends the text prefix. Returns the lines closed.
__attribute__((always_inline)) static inline intptr_t assemble(const curate_gram_params *p, curate_word_state *s, intptr_t end, int final) {
    const intptr_t n = p->n;
    uint64_t line = s->line_hash, text = s->text_prefix[n - 1];
    intptr_t line_start = s->line_start, line_end = s->line_end, open = s->line_open, tokens = n, closed = 0;
    for (intptr_t j = 1; j < end; j++) {
        uint64_t value = s->values[j];
        intptr_t breaks = (s->newlines_before[j] != s->newlines_before[j - 1]) & open;
        s->line_keys[closed] = line;
        s->line_starts[closed] = line_start;
        s->line_ends[closed] = line_end;
        closed += breaks;
        intptr_t fresh = breaks | !open;
        line = fresh ? p->seed : line;
        line_start = fresh ? s->word_starts[j] : line_start;
        open = 1;
        line = line * p->base + value;
        line_end = s->word_ends[j];
        uint64_t extended = text * p->base + value;
        s->text_prefix[tokens] = extended;
        s->text_starts[tokens] = s->word_starts[j];
        s->text_ends[tokens] = s->word_ends[j];
        intptr_t kept = s->janitor_ends[j] > s->janitor_ends[j - 1];
        text = kept ? extended : text;
        tokens += kept;
    }
    if (final && open) {
        s->line_keys[closed] = line;
        s->line_starts[closed] = line_start;
        s->line_ends[closed] = line_end;
        closed++;
        open = 0;
        line = p->seed;
    }
    s->line_hash = line;
    s->line_start = line_start;
    s->line_end = line_end;
    s->line_open = open;
    s->text_pending = tokens - n;
    return closed;
}

/// The span's words: starts with the newlines before them, ends with the janitor bytes before them (a word open
/// before the span keeps its start at entry 1).
#define COLLECT_WORDS(POSITIONS)                                                                                       \
    carry(p, s);                                                                                                       \
    intptr_t started = 1 + s->open, ended = 1;                                                                         \
    uint64_t previous = s->previous_word;                                                                              \
    intptr_t janitor = s->janitor_offset, newlines = s->newline_count;                                                 \
    for (intptr_t b = 0; b < blocks; b++) {                                                                            \
        uint64_t w = word[b], shifted = w << 1 | previous, k = kept[b], nl = newline[b];                               \
        intptr_t base = span_start + 64 * b;                                                                           \
        started += POSITIONS(w & ~shifted, base, s->word_starts + started, nl, newlines, s->newlines_before + started); \
        ended += POSITIONS(~w & shifted, base, s->word_ends + ended, k, janitor, s->janitor_ends + ended);             \
        janitor += __builtin_popcountll(k);                                                                            \
        newlines += __builtin_popcountll(nl);                                                                          \
        previous = w >> 63;                                                                                            \
    }                                                                                                                  \
    s->previous_word = previous;                                                                                       \
    s->janitor_offset = janitor;                                                                                       \
    s->newline_count = newlines;                                                                                       \
    if (final && started > ended) {                                                                                    \
        s->word_ends[ended] = count;                                                                                   \
        s->janitor_ends[ended++] = janitor;                                                                            \
    }                                                                                                                  \
    s->open = started > ended;                                                                                         \
    s->words = ended - 1;

static void word_span_portable(
    const curate_gram_params *p, curate_word_state *s, intptr_t count, intptr_t span_start, const uint64_t *word,
    const uint64_t *kept, const uint64_t *newline, intptr_t blocks, int final, const uint8_t *compact,
    intptr_t compact_origin, intptr_t compact_capacity, int text, int lines, const uint64_t *filter, uint64_t filter_shift, int32_t *text_hits,
    uint64_t *text_keys, size_t *text_found, size_t *lines_found) {
    COLLECT_WORDS(positions_portable)
    for (intptr_t j = 1; j < ended; j++) {
        intptr_t from = s->janitor_ends[j - 1];
        s->values[j] = token_hash_fast(
            p, compact + (from - compact_origin), s->janitor_ends[j] - from, compact_capacity - (from - compact_origin));
    }
    intptr_t closed = assemble(p, s, ended, final);
    const intptr_t n = p->n;
    *text_found = text ? probe_windows_portable(
        p, s->text_prefix, NULL, s->text_previous, p->text_seed, n, n + s->text_pending, filter, filter_shift, 0,
        text_hits, text_keys) : 0;
    size_t found = 0;
    for (intptr_t i = 0; lines && i < closed; i++) {
        uint64_t key = (s->line_keys[i] ^ p->line_seed) * p->key_multiplier;
        if (filter) {
            uint64_t bits = curate_prefilter_bits(key);
            if ((filter[curate_prefilter_word(key, filter_shift)] & bits) != bits) continue;
        }
        s->line_keys[found] = key;
        s->line_starts[found] = s->line_starts[i];
        s->line_ends[found++] = s->line_ends[i];
    }
    *lines_found = found;
}

#if defined(__x86_64__)

/// Janitor values of words [1, end), eight at a time (two gathers from `compact` each); words over 16 janitor bytes or
/// too near the end of `compact` are valued one by one.
KERNEL static void value_words(
    const curate_gram_params *p, curate_word_state *s, const uint8_t *compact, intptr_t compact_origin,
    intptr_t compact_capacity, intptr_t end) {
    const __m512i origin = _mm512_set1_epi64(compact_origin);
    const __m512i limit = _mm512_set1_epi64(compact_capacity - 16), sixteen = _mm512_set1_epi64(16);
    for (intptr_t j = 1; j < end; j += 8) {
        __mmask8 lanes = end - j >= 8 ? 0xFF : (__mmask8)((1u << (end - j)) - 1);
        __m512i from = _mm512_maskz_loadu_epi64(lanes, s->janitor_ends + j - 1);
        __m512i length = _mm512_sub_epi64(_mm512_maskz_loadu_epi64(lanes, s->janitor_ends + j), from);
        __m512i offset = _mm512_sub_epi64(from, origin);
        __mmask8 whole = lanes & _mm512_cmple_epi64_mask(offset, limit) & _mm512_cmple_epi64_mask(length, sixteen);
        __m512i lo, hi;
        __m512i h = token_hashes(p, compact, offset, length, whole, &lo, &hi);
        _mm512_mask_storeu_epi64(s->values + j, lanes, h);
        for (__mmask8 scalar = lanes & ~whole; scalar; scalar &= (__mmask8)(scalar - 1)) {
            intptr_t k = j + (intptr_t)__builtin_ctz(scalar), start = s->janitor_ends[k - 1];
            s->values[k] = token_hash(p, compact + (start - compact_origin), s->janitor_ends[k] - start);
        }
    }
}

/// Keys of the lines [0, closed) and the filter test, eight at a time; the passing lines are compacted to the front.
KERNEL static size_t probe_lines(
    const curate_gram_params *p, curate_word_state *s, intptr_t closed, const uint64_t *filter, uint64_t filter_shift) {
    const __m512i line_seed = _mm512_set1_epi64((long long)p->line_seed);
    const __m512i key_multiplier = _mm512_set1_epi64((long long)p->key_multiplier);
    size_t found = 0;
    for (intptr_t i = 0; i < closed; i += 8) {
        __mmask8 lanes = closed - i >= 8 ? 0xFF : (__mmask8)((1u << (closed - i)) - 1);
        __m512i key = _mm512_mullo_epi64(
            _mm512_xor_si512(_mm512_maskz_loadu_epi64(lanes, s->line_keys + i), line_seed), key_multiplier);
        __m512i starts = _mm512_maskz_loadu_epi64(lanes, s->line_starts + i);
        __m512i ends = _mm512_maskz_loadu_epi64(lanes, s->line_ends + i);
        if (filter) lanes = passing(key, lanes, filter, filter_shift);
        if (lanes) {
            _mm512_storeu_si512(s->line_keys + found, _mm512_maskz_compress_epi64(lanes, key));
            _mm512_storeu_si512(s->line_starts + found, _mm512_maskz_compress_epi64(lanes, starts));
            _mm512_storeu_si512(s->line_ends + found, _mm512_maskz_compress_epi64(lanes, ends));
            found += (size_t)_mm_popcnt_u32(lanes);
        }
    }
    return found;
}

KERNEL static void word_span_avx512(
    const curate_gram_params *p, curate_word_state *s, intptr_t count, intptr_t span_start, const uint64_t *word,
    const uint64_t *kept, const uint64_t *newline, intptr_t blocks, int final, const uint8_t *compact,
    intptr_t compact_origin, intptr_t compact_capacity, int text, int lines, const uint64_t *filter,
    uint64_t filter_shift, int32_t *text_hits, uint64_t *text_keys, size_t *text_found, size_t *lines_found) {
    COLLECT_WORDS(positions)
    value_words(p, s, compact, compact_origin, compact_capacity, ended);
    intptr_t closed = assemble(p, s, ended, final);
    const intptr_t n = p->n;
    *text_found = text ? probe_windows(
        p, s->text_prefix, NULL, s->text_previous, p->text_seed, n, n + s->text_pending, filter, filter_shift, 0,
        text_hits, text_keys) : 0;
    *lines_found = lines ? probe_lines(p, s, closed, filter, filter_shift) : 0;
}

#endif

void curate_word_span(
    const curate_gram_params *p, curate_word_state *s, intptr_t count, intptr_t span_start, const uint64_t *word,
    const uint64_t *kept, const uint64_t *newline, intptr_t blocks, int final, const uint8_t *compact,
    intptr_t compact_origin, intptr_t compact_capacity, int text, int lines, const uint64_t *filter,
    uint64_t filter_shift, int32_t *text_hits, uint64_t *text_keys, size_t *text_found, size_t *lines_found, int level) {
#if defined(__x86_64__)
    if (level >= 1) {
        word_span_avx512(p, s, count, span_start, word, kept, newline, blocks, final, compact, compact_origin,
            compact_capacity, text, lines, filter, filter_shift, text_hits, text_keys, text_found, lines_found);
        return;
    }
#endif
    (void)level;
    word_span_portable(p, s, count, span_start, word, kept, newline, blocks, final, compact, compact_origin,
        compact_capacity, text, lines, filter, filter_shift, text_hits, text_keys, text_found, lines_found);
}
