#include "CScanKernels.h"

#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

void curate_code_reset(const curate_code_params *params, curate_code_state *state) {
    memset(state->prefix, 0, (size_t)params->n * sizeof(uint64_t));
    memset(state->concrete, 0, (size_t)params->n * sizeof(int32_t));
    state->previous_tokens = 0;
    state->pending = 0;
    state->open = 0;
    state->previous_ident = 0;
}

/// Up to `count` bytes at `bytes`, as one little-endian word zero padded.
static inline uint64_t load_partial(const uint8_t *bytes, intptr_t count) {
    uint64_t word = 0;
    memcpy(&word, bytes, (size_t)(count < 8 ? count : 8));
    return word;
}

/// `GramHash.longToken`: whole words of the token, the last zero padded, at least two.
static uint64_t token_hash(const curate_code_params *p, const uint8_t *bytes, intptr_t count) {
    intptr_t words = ((count > 16 ? count : 16) + 7) >> 3;
    uint64_t h = p->seed ^ (uint64_t)count;
    for (intptr_t i = 0; i < words * 8; i += 8) {
        uint64_t word = count > i ? load_partial(bytes + i, count - i) : 0;
        h = (h ^ word) * p->word_multiplier;
    }
    return h ^ (h >> 32);
}

uint64_t curate_code_value(const curate_code_params *p, const uint8_t *bytes, intptr_t count, int32_t *concrete) {
    if ((uint8_t)(bytes[0] - '0') < 10) {
        *concrete = 1;
        return token_hash(p, bytes, count);
    }
    *concrete = 0;
    if (count > 16) return p->placeholder;
    uint64_t lo = load_partial(bytes, count), hi = count > 8 ? load_partial(bytes + 8, count - 8) : 0;
    uint64_t slot = ((lo ^ (hi * 31) ^ (uint64_t)count) * p->keyword_multiplier) >> p->keyword_shift;
    if (p->keyword_slots[2 * slot] != lo || p->keyword_slots[2 * slot + 1] != hi) return p->placeholder;
    *concrete = 1;
    return token_hash(p, bytes, count);
}

/// The portable counterparts of the vector steps below.
static intptr_t positions_portable(uint64_t mask, intptr_t base, intptr_t *out) {
    intptr_t count = 0;
    for (; mask; mask &= mask - 1) out[count++] = base + __builtin_ctzll(mask);
    return count;
}

static void value_tokens_portable(
    const curate_code_params *p, curate_code_state *s, const uint8_t *document, intptr_t first, intptr_t end) {
    for (intptr_t j = first; j < end; j++) {
        s->values[j] = curate_code_value(p, document + s->starts[j], s->ends[j] - s->starts[j], &s->marks[j]);
    }
}

static size_t probe_windows_portable(
    const curate_code_params *p, const curate_code_state *s, intptr_t first, intptr_t end, const uint64_t *filter,
    uint64_t filter_shift, int32_t minimum_concrete, int32_t *hits, uint64_t *keys) {
    const intptr_t n = p->n, first_complete = 2 * n - 1 - s->previous_tokens;
    size_t found = 0;
    for (intptr_t j = first > first_complete ? first : first_complete; j < end; j++) {
        if (s->concrete[j] - s->concrete[j - n] < minimum_concrete) continue;
        uint64_t key = ((s->prefix[j] - s->prefix[j - n] * p->window_factor) ^ p->code_seed) * p->key_multiplier;
        if (filter) {
            uint64_t bits = (1ull << ((key >> 20) & 63)) | (1ull << ((key >> 26) & 63)) | (1ull << ((key >> 32) & 63));
            if ((filter[key >> (filter_shift + 6)] & bits) != bits) continue;
        }
        hits[found] = (int32_t)j;
        keys[found++] = key;
    }
    return found;
}

/// Makes the last span's final n tokens the history; an open token's start moves to the front of the new span.
static inline void shift_history(const curate_code_params *p, curate_code_state *s) {
    const intptr_t n = p->n, from = s->pending;
    if (from == 0) return;
    intptr_t open_start = s->starts[n + from];
    memmove(s->starts, s->starts + from, (size_t)n * sizeof(intptr_t));
    memmove(s->ends, s->ends + from, (size_t)n * sizeof(intptr_t));
    memmove(s->prefix, s->prefix + from, (size_t)n * sizeof(uint64_t));
    memmove(s->concrete, s->concrete + from, (size_t)n * sizeof(int32_t));
    s->starts[n] = open_start;
    s->previous_tokens += from;
    s->pending = 0;
}

/// Polynomial and concrete-count prefixes of tokens [n, end) (a chain of one multiply-add per token).
static inline void accumulate(const curate_code_params *p, curate_code_state *s, intptr_t end) {
    const intptr_t n = p->n;
    uint64_t polynomial = s->prefix[n - 1];
    int32_t concrete = s->concrete[n - 1];
    for (intptr_t j = n; j < end; j++) {
        polynomial = polynomial * p->base + s->values[j];
        s->prefix[j] = polynomial;
        concrete += s->marks[j];
        s->concrete[j] = concrete;
    }
    s->pending = end - n;
}

/// The span's tokens: pairs of start and end positions (a token open before the span keeps its start at entry n).
#define COLLECT_TOKENS(POSITIONS)                                                                                      \
    const intptr_t n = p->n;                                                                                           \
    shift_history(p, s);                                                                                               \
    intptr_t started = n + s->open, ended = n;                                                                         \
    uint64_t previous = s->previous_ident;                                                                             \
    for (intptr_t b = 0; b < blocks; b++) {                                                                            \
        uint64_t id = ident[b], shifted = id << 1 | previous;                                                          \
        started += POSITIONS(id & ~shifted, span_start + 64 * b, s->starts + started);                                 \
        ended += POSITIONS(~id & shifted, span_start + 64 * b, s->ends + ended);                                       \
        previous = id >> 63;                                                                                           \
    }                                                                                                                  \
    s->previous_ident = previous;                                                                                      \
    if (final && started > ended) s->ends[ended++] = count;                                                            \
    s->open = started > ended;

static size_t code_span_portable(
    const curate_code_params *p, curate_code_state *s, const uint8_t *document, intptr_t count,
    intptr_t span_start, const uint64_t *ident, intptr_t blocks, int final, const uint64_t *filter,
    uint64_t filter_shift, int32_t minimum_concrete, int32_t *hits, uint64_t *keys) {
    COLLECT_TOKENS(positions_portable)
    value_tokens_portable(p, s, document, n, ended);
    accumulate(p, s, ended);
    return probe_windows_portable(p, s, n, ended, filter, filter_shift, minimum_concrete, hits, keys);
}

#if defined(__x86_64__)
#define KERNEL __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vbmi2,popcnt")))

/// Writes the positions of the set bits of `mask` plus `base` to `out` (in order; up to 15 entries past them are
/// overwritten) and returns how many: a compress of the bit indices, widened eight at a time, with no branch for
/// the common case of at most sixteen.
KERNEL static inline intptr_t positions(uint64_t mask, intptr_t base, intptr_t *out) {
    const __m512i iota = _mm512_set_epi8(
        63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36,
        35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7,
        6, 5, 4, 3, 2, 1, 0);
    __m512i packed = _mm512_maskz_compress_epi8(mask, iota);
    __m512i offset = _mm512_set1_epi64(base);
    intptr_t count = (intptr_t)_mm_popcnt_u64(mask);
    __m128i low = _mm512_castsi512_si128(packed);
    _mm512_storeu_si512(out, _mm512_add_epi64(_mm512_cvtepu8_epi64(low), offset));
    _mm512_storeu_si512(out + 8, _mm512_add_epi64(_mm512_cvtepu8_epi64(_mm_srli_si128(low, 8)), offset));
    if (count > 16) {
        uint8_t bytes[64];
        _mm512_storeu_si512(bytes, packed);
        for (intptr_t i = 16; i < count; i += 8) {
            __m128i part = _mm_loadl_epi64((const __m128i *)(bytes + i));
            _mm512_storeu_si512(out + i, _mm512_add_epi64(_mm512_cvtepu8_epi64(part), offset));
        }
    }
    return count;
}

/// Values and concrete marks of tokens [first, end), eight at a time: each token read as two masked words (one
/// gather each), hashed, and looked up among the keywords (two gathers from the 16 KB slot table).
KERNEL static void value_tokens(
    const curate_code_params *p, curate_code_state *s, const uint8_t *document, intptr_t count, intptr_t first,
    intptr_t end) {
    const __m512i ones = _mm512_set1_epi64(-1), zero = _mm512_setzero_si512();
    const __m512i seed = _mm512_set1_epi64((long long)p->seed), multiplier = _mm512_set1_epi64((long long)p->word_multiplier);
    const __m512i keyword_multiplier = _mm512_set1_epi64((long long)p->keyword_multiplier);
    const __m512i placeholder = _mm512_set1_epi64((long long)p->placeholder);
    const __m512i limit = _mm512_set1_epi64(count - 16);
    const __m512i eight = _mm512_set1_epi64(8), sixteen = _mm512_set1_epi64(16);
    for (intptr_t j = first; j < end; j += 8) {
        __mmask8 lanes = end - j >= 8 ? 0xFF : (__mmask8)((1u << (end - j)) - 1);
        __m512i start = _mm512_maskz_loadu_epi64(lanes, s->starts + j);
        __m512i length = _mm512_sub_epi64(_mm512_maskz_loadu_epi64(lanes, s->ends + j), start);
        __mmask8 whole = lanes & _mm512_cmple_epi64_mask(start, limit);
        __m512i lo = _mm512_mask_i64gather_epi64(zero, whole, start, document, 1);
        __m512i hi = _mm512_mask_i64gather_epi64(zero, whole, _mm512_add_epi64(start, eight), document, 1);
        lo = _mm512_andnot_si512(_mm512_sllv_epi64(ones, _mm512_slli_epi64(length, 3)), lo);
        __m512i over = _mm512_max_epi64(_mm512_sub_epi64(length, eight), zero);
        hi = _mm512_andnot_si512(_mm512_sllv_epi64(ones, _mm512_slli_epi64(over, 3)), hi);
        __m512i h = _mm512_mullo_epi64(_mm512_xor_si512(_mm512_xor_si512(seed, length), lo), multiplier);
        h = _mm512_mullo_epi64(_mm512_xor_si512(h, hi), multiplier);
        h = _mm512_xor_si512(h, _mm512_srli_epi64(h, 32));
        __m512i first_byte = _mm512_and_si512(lo, _mm512_set1_epi64(0xFF));
        __mmask8 digit = _mm512_cmplt_epu64_mask(_mm512_sub_epi64(first_byte, _mm512_set1_epi64('0')), _mm512_set1_epi64(10));
        __m512i mixed = _mm512_xor_si512(_mm512_xor_si512(lo, _mm512_sub_epi64(_mm512_slli_epi64(hi, 5), hi)), length);
        __m512i slot = _mm512_srl_epi64(_mm512_mullo_epi64(mixed, keyword_multiplier), _mm_cvtsi64_si128((long long)p->keyword_shift));
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

/// Keys of the windows ending at tokens [first, end) and the filter test, eight at a time; passing entries and their
/// keys are appended to `hits` and `keys`.
KERNEL static size_t probe_windows(
    const curate_code_params *p, const curate_code_state *s, intptr_t first, intptr_t end, const uint64_t *filter,
    uint64_t filter_shift, int32_t minimum_concrete, int32_t *hits, uint64_t *keys) {
    const intptr_t n = p->n;
    const __m512i factor = _mm512_set1_epi64((long long)p->window_factor);
    const __m512i code_seed = _mm512_set1_epi64((long long)p->code_seed);
    const __m512i key_multiplier = _mm512_set1_epi64((long long)p->key_multiplier);
    const __m512i low6 = _mm512_set1_epi64(63), one = _mm512_set1_epi64(1);
    const __m128i word_shift = _mm_cvtsi64_si128((long long)(filter_shift + 6));
    const __m256i minimum = _mm256_set1_epi32(minimum_concrete);
    const __m256i lane_index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    // A window is complete from the document's n-th token on.
    const intptr_t first_complete = 2 * n - 1 - s->previous_tokens;
    size_t found = 0;
    for (intptr_t j = first; j < end; j += 8) {
        __mmask8 lanes = end - j >= 8 ? 0xFF : (__mmask8)((1u << (end - j)) - 1);
        if (j + 8 <= first_complete) continue;
        __m256i index = _mm256_add_epi32(_mm256_set1_epi32((int32_t)j), lane_index);
        lanes &= _mm256_cmpge_epi32_mask(index, _mm256_set1_epi32((int32_t)first_complete));
        __m256i concrete = _mm256_sub_epi32(
            _mm256_maskz_loadu_epi32(lanes, s->concrete + j), _mm256_maskz_loadu_epi32(lanes, s->concrete + j - n));
        lanes &= _mm256_cmpge_epi32_mask(concrete, minimum);
        __m512i window = _mm512_sub_epi64(
            _mm512_maskz_loadu_epi64(lanes, s->prefix + j),
            _mm512_mullo_epi64(_mm512_maskz_loadu_epi64(lanes, s->prefix + j - n), factor));
        __m512i key = _mm512_mullo_epi64(_mm512_xor_si512(window, code_seed), key_multiplier);
        if (filter) {
            __m512i word = _mm512_mask_i64gather_epi64(
                _mm512_setzero_si512(), lanes, _mm512_srl_epi64(key, word_shift), (const void *)filter, 8);
            __m512i bits = _mm512_or_si512(
                _mm512_or_si512(
                    _mm512_sllv_epi64(one, _mm512_and_si512(_mm512_srli_epi64(key, 20), low6)),
                    _mm512_sllv_epi64(one, _mm512_and_si512(_mm512_srli_epi64(key, 26), low6))),
                _mm512_sllv_epi64(one, _mm512_and_si512(_mm512_srli_epi64(key, 32), low6)));
            lanes &= _mm512_cmpeq_epi64_mask(_mm512_and_si512(word, bits), bits);
        }
        if (lanes) {
            _mm256_storeu_si256((__m256i *)(hits + found), _mm256_maskz_compress_epi32(lanes, index));
            _mm512_storeu_si512(keys + found, _mm512_maskz_compress_epi64(lanes, key));
            found += (size_t)_mm_popcnt_u32(lanes);
        }
    }
    return found;
}

KERNEL static size_t code_span_avx512(
    const curate_code_params *p, curate_code_state *s, const uint8_t *document, intptr_t count,
    intptr_t span_start, const uint64_t *ident, intptr_t blocks, int final, const uint64_t *filter,
    uint64_t filter_shift, int32_t minimum_concrete, int32_t *hits, uint64_t *keys) {
    COLLECT_TOKENS(positions)
    value_tokens(p, s, document, count, n, ended);
    accumulate(p, s, ended);
    return probe_windows(p, s, n, ended, filter, filter_shift, minimum_concrete, hits, keys);
}
#endif

size_t curate_code_span(
    const curate_code_params *p, curate_code_state *s, const uint8_t *document, intptr_t count,
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
