#include "GramKernels.h"

void curate_code_reset(const curate_gram_params *params, curate_code_state *state) {
    memset(state->prefix, 0, (size_t)params->n * sizeof(uint64_t));
    memset(state->concrete, 0, (size_t)params->n * sizeof(uint32_t));
    state->previous_tokens = 0;
    state->pending = 0;
    state->open = 0;
    state->previous_ident = 0;
}

/// `curate_code_value` for a token with `readable` bytes readable from its start.
static inline uint64_t code_value(
    const curate_gram_params *p, const uint8_t *bytes, intptr_t count, intptr_t readable, int32_t *concrete) {
    if ((uint8_t)(bytes[0] - '0') < 10) {
        *concrete = 1;
        return token_hash_fast(p, bytes, count, readable);
    }
    *concrete = 0;
    if (count > 16) return p->placeholder;
    uint64_t lo, hi;
    if (readable >= 16) {
        memcpy(&lo, bytes, 8);
        memcpy(&hi, bytes + 8, 8);
        lo = low_bytes(lo, count);
        hi = count > 8 ? low_bytes(hi, count - 8) : 0;
    } else {
        lo = load_partial(bytes, count);
        hi = count > 8 ? load_partial(bytes + 8, count - 8) : 0;
    }
    uint64_t slot = ((lo ^ (hi * 31) ^ (uint64_t)count) * p->keyword_multiplier) >> p->keyword_shift;
    if (p->keyword_slots[2 * slot] != lo || p->keyword_slots[2 * slot + 1] != hi) return p->placeholder;
    *concrete = 1;
    return token_hash_fast(p, bytes, count, readable);
}

uint64_t curate_code_value(const curate_gram_params *p, const uint8_t *bytes, intptr_t count, int32_t *concrete) {
    return code_value(p, bytes, count, count, concrete);
}

/// Makes the last span's final n tokens the history; an open token's start moves to the front of the new span.
static inline void shift_history(const curate_gram_params *p, curate_code_state *s) {
    const intptr_t n = p->n, from = s->pending;
    if (from == 0) return;
    intptr_t open_start = s->open ? s->starts[n + from] : 0;
    memmove(s->starts, s->starts + from, (size_t)n * sizeof(intptr_t));
    memmove(s->ends, s->ends + from, (size_t)n * sizeof(intptr_t));
    memmove(s->prefix, s->prefix + from, (size_t)n * sizeof(uint64_t));
    memmove(s->concrete, s->concrete + from, (size_t)n * sizeof(uint32_t));
    s->starts[n] = open_start;
    s->previous_tokens += from;
    s->pending = 0;
}

/// Polynomial and concrete-count prefixes of tokens [n, end) (a chain of one multiply-add per token).
__attribute__((always_inline)) static inline void accumulate(const curate_gram_params *p, curate_code_state *s, intptr_t end) {
    const intptr_t n = p->n;
    uint64_t polynomial = s->prefix[n - 1];
    uint32_t concrete = s->concrete[n - 1];
    for (intptr_t j = n; j < end; j++) {
        polynomial = polynomial * p->base + s->values[j];
        s->prefix[j] = polynomial;
        concrete += (uint32_t)s->marks[j];
        s->concrete[j] = concrete;
    }
    s->pending = end - n;
}

/// The span's tokens as pairs of start and end positions (a token open before the span keeps its start at entry n).
#define COLLECT_TOKENS(POSITIONS)                                                                                      \
    const intptr_t n = p->n;                                                                                           \
    shift_history(p, s);                                                                                               \
    intptr_t started = n + s->open, ended = n;                                                                         \
    uint64_t previous = s->previous_ident;                                                                             \
    for (intptr_t b = 0; b < blocks; b++) {                                                                            \
        uint64_t id = ident[b], shifted = id << 1 | previous;                                                          \
        started += POSITIONS(id & ~shifted, span_start + 64 * b, s->starts + started, 0, 0, NULL);                     \
        ended += POSITIONS(~id & shifted, span_start + 64 * b, s->ends + ended, 0, 0, NULL);                           \
        previous = id >> 63;                                                                                           \
    }                                                                                                                  \
    s->previous_ident = previous;                                                                                      \
    if (final && started > ended) s->ends[ended++] = count;                                                            \
    s->open = started > ended;

static size_t code_span_portable(
    const curate_gram_params *p, curate_code_state *s, const uint8_t *document, intptr_t count,
    intptr_t span_start, const uint64_t *ident, intptr_t blocks, int final, const uint64_t *filter,
    uint64_t filter_shift, int32_t minimum_concrete, int32_t *hits, uint64_t *keys) {
    COLLECT_TOKENS(positions_portable)
    for (intptr_t j = n; j < ended; j++) {
        s->values[j] = code_value(p, document + s->starts[j], s->ends[j] - s->starts[j], count - s->starts[j], &s->marks[j]);
    }
    accumulate(p, s, ended);
    return probe_windows_portable(
        p, s->prefix, s->concrete, s->previous_tokens, p->code_seed, n, ended, filter, filter_shift, minimum_concrete,
        hits, keys);
}

#if defined(__x86_64__)

/// Values and concrete marks of tokens [first, end), eight at a time: each token read as two masked words (one
/// gather each), hashed, and looked up among the keywords (two gathers from the 16 KB slot table). Tokens that cannot
/// be read whole (near the document's end) and numbers over 16 bytes are valued one by one.
KERNEL static void value_tokens(
    const curate_gram_params *p, curate_code_state *s, const uint8_t *document, intptr_t count, intptr_t first,
    intptr_t end) {
    const __m512i ones = _mm512_set1_epi64(-1);
    const __m512i keyword_multiplier = _mm512_set1_epi64((long long)p->keyword_multiplier);
    const __m512i placeholder = _mm512_set1_epi64((long long)p->placeholder);
    const __m512i limit = _mm512_set1_epi64(count - 16), sixteen = _mm512_set1_epi64(16);
    const __m128i keyword_shift = _mm_cvtsi64_si128((long long)p->keyword_shift);
    for (intptr_t j = first; j < end; j += 8) {
        __mmask8 lanes = end - j >= 8 ? 0xFF : (__mmask8)((1u << (end - j)) - 1);
        __m512i start = _mm512_maskz_loadu_epi64(lanes, s->starts + j);
        __m512i length = _mm512_sub_epi64(_mm512_maskz_loadu_epi64(lanes, s->ends + j), start);
        __mmask8 whole = lanes & _mm512_cmple_epi64_mask(start, limit);
        __m512i lo, hi;
        __m512i h = token_hashes(p, document, start, length, whole, &lo, &hi);
        __m512i first_byte = _mm512_and_si512(lo, _mm512_set1_epi64(0xFF));
        __mmask8 digit = _mm512_cmplt_epu64_mask(_mm512_sub_epi64(first_byte, _mm512_set1_epi64('0')), _mm512_set1_epi64(10));
        __m512i mixed = _mm512_xor_si512(_mm512_xor_si512(lo, _mm512_sub_epi64(_mm512_slli_epi64(hi, 5), hi)), length);
        __m512i slot = _mm512_srl_epi64(_mm512_mullo_epi64(mixed, keyword_multiplier), keyword_shift);
        __m512i slot_offset = _mm512_slli_epi64(slot, 4);
        __mmask8 candidate = whole & ~digit & _mm512_cmple_epi64_mask(length, sixteen);
        __m512i keyword_lo = _mm512_mask_i64gather_epi64(ones, candidate, slot_offset, p->keyword_slots, 1);
        __m512i keyword_hi = _mm512_mask_i64gather_epi64(ones, candidate, slot_offset, p->keyword_slots + 1, 1);
        __mmask8 keyword = candidate & _mm512_cmpeq_epi64_mask(keyword_lo, lo) & _mm512_cmpeq_epi64_mask(keyword_hi, hi);
        __mmask8 concrete = keyword | (digit & whole);
        _mm512_mask_storeu_epi64(s->values + j, lanes, _mm512_mask_blend_epi64(concrete, placeholder, h));
        _mm256_mask_storeu_epi32(s->marks + j, lanes, _mm256_maskz_mov_epi32(concrete, _mm256_set1_epi32(1)));
        __mmask8 scalar = lanes & (~whole | (digit & _mm512_cmpgt_epi64_mask(length, sixteen)));
        while (scalar) {
            intptr_t k = j + (intptr_t)__builtin_ctz(scalar);
            s->values[k] = curate_code_value(p, document + s->starts[k], s->ends[k] - s->starts[k], &s->marks[k]);
            scalar &= (__mmask8)(scalar - 1);
        }
    }
}

KERNEL static size_t code_span_avx512(
    const curate_gram_params *p, curate_code_state *s, const uint8_t *document, intptr_t count,
    intptr_t span_start, const uint64_t *ident, intptr_t blocks, int final, const uint64_t *filter,
    uint64_t filter_shift, int32_t minimum_concrete, int32_t *hits, uint64_t *keys) {
    COLLECT_TOKENS(positions)
    value_tokens(p, s, document, count, n, ended);
    accumulate(p, s, ended);
    return probe_windows(
        p, s->prefix, s->concrete, s->previous_tokens, p->code_seed, n, ended, filter, filter_shift, minimum_concrete,
        hits, keys);
}

#endif

size_t curate_code_span(
    const curate_gram_params *p, curate_code_state *s, const uint8_t *document, intptr_t count,
    intptr_t span_start, const uint64_t *ident, intptr_t blocks, int final, const uint64_t *filter,
    uint64_t filter_shift, int32_t minimum_concrete, int32_t *hits, uint64_t *keys, int level) {
#if defined(__x86_64__)
    if (level >= 1) {
        return code_span_avx512(p, s, document, count, span_start, ident, blocks, final, filter, filter_shift,
            minimum_concrete, hits, keys);
    }
#endif
    (void)level;
    return code_span_portable(p, s, document, count, span_start, ident, blocks, final, filter, filter_shift,
        minimum_concrete, hits, keys);
}
