// Helpers shared by the code-token and word kernels (not part of the module's interface).
#ifndef CURATE_GRAM_KERNELS_H
#define CURATE_GRAM_KERNELS_H

#include "CScanKernels.h"

#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define KERNEL __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx512vbmi2,avx512vpopcntdq,popcnt")))
#endif

/// Up to `count` bytes at `bytes`, as one little-endian word zero padded.
static inline uint64_t load_partial(const uint8_t *bytes, intptr_t count) {
    uint64_t word = 0;
    memcpy(&word, bytes, (size_t)(count < 8 ? count : 8));
    return word;
}

/// `GramHash.longToken`: whole words of the token, the last zero padded, at least two; reads only the token's bytes.
static inline uint64_t token_hash(const curate_gram_params *p, const uint8_t *bytes, intptr_t count) {
    intptr_t words = ((count > 16 ? count : 16) + 7) >> 3;
    uint64_t h = p->seed ^ (uint64_t)count;
    for (intptr_t i = 0; i < words * 8; i += 8) {
        uint64_t word = count > i ? load_partial(bytes + i, count - i) : 0;
        h = (h ^ word) * p->word_multiplier;
    }
    return h ^ (h >> 32);
}

/// The first `count` (0...8) bytes of a little-endian word.
static inline uint64_t low_bytes(uint64_t word, intptr_t count) {
    return count >= 8 ? word : word & ((1ull << (count * 8)) - 1);
}

/// `token_hash` for a token with `readable` bytes readable from its start: tokens of up to 16 bytes with 16 readable
/// are read as two masked words.
static inline uint64_t token_hash_fast(const curate_gram_params *p, const uint8_t *bytes, intptr_t count, intptr_t readable) {
    if (count > 16 || readable < 16) return token_hash(p, bytes, count);
    uint64_t lo, hi;
    memcpy(&lo, bytes, 8);
    memcpy(&hi, bytes + 8, 8);
    lo = low_bytes(lo, count);
    hi = count > 8 ? low_bytes(hi, count - 8) : 0;
    uint64_t h = (p->seed ^ (uint64_t)count ^ lo) * p->word_multiplier;
    h = (h ^ hi) * p->word_multiplier;
    return h ^ (h >> 32);
}

/// Writes the positions of the set bits of `mask` plus `base` to `out` and returns how many; with `counted`, also
/// writes to `counts` each position's number of set bits of `counted` below it plus `count_base`.
static inline intptr_t positions_portable(
    uint64_t mask, intptr_t base, intptr_t *out, uint64_t counted, intptr_t count_base, intptr_t *counts) {
    intptr_t found = 0;
    for (; mask; mask &= mask - 1) {
        int bit = __builtin_ctzll(mask);
        out[found] = base + bit;
        if (counts) counts[found] = count_base + __builtin_popcountll(counted & ((1ull << bit) - 1));
        found++;
    }
    return found;
}

/// Entries [first, end) of a window scan: the windows of n tokens ending there (complete from the document's n-th
/// token, `previous` tokens lying before entry n), with at least `minimum_concrete` concrete tokens when `concrete` is
/// given, keyed by `seed`; those passing `filter` (all without one) appended to `hits` and `keys`.
static inline size_t probe_windows_portable(
    const curate_gram_params *p, const uint64_t *prefix, const uint32_t *concrete, intptr_t previous, uint64_t seed,
    intptr_t first, intptr_t end, const uint64_t *filter, uint64_t filter_shift, int32_t minimum_concrete,
    int32_t *hits, uint64_t *keys) {
    const intptr_t n = p->n, first_complete = 2 * n - 1 - previous;
    size_t found = 0;
    for (intptr_t j = first > first_complete ? first : first_complete; j < end; j++) {
        if (concrete && (int32_t)(concrete[j] - concrete[j - n]) < minimum_concrete) continue;
        uint64_t key = ((prefix[j] - prefix[j - n] * p->window_factor) ^ seed) * p->key_multiplier;
        if (filter) {
            uint64_t bits = curate_prefilter_bits(key);
            if ((filter[curate_prefilter_word(key, filter_shift)] & bits) != bits) continue;
        }
        hits[found] = (int32_t)j;
        keys[found++] = key;
    }
    return found;
}

#if defined(__x86_64__)

/// `positions_portable` with a compress of the bit indices, widened eight at a time (up to 16 entries past the last
/// are overwritten), with no branch for the common case of at most sixteen; counts by a vector popcount.
KERNEL static inline intptr_t positions(
    uint64_t mask, intptr_t base, intptr_t *out, uint64_t counted, intptr_t count_base, intptr_t *counts) {
    const __m512i iota = _mm512_set_epi8(
        63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36,
        35, 34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7,
        6, 5, 4, 3, 2, 1, 0);
    const __m512i one = _mm512_set1_epi64(1);
    __m512i packed = _mm512_maskz_compress_epi8(mask, iota);
    __m512i offset = _mm512_set1_epi64(base), count_offset = _mm512_set1_epi64(count_base);
    __m512i counted_bits = _mm512_set1_epi64((long long)counted);
    intptr_t found = (intptr_t)_mm_popcnt_u64(mask);
    uint8_t bytes[64];
    _mm512_storeu_si512(bytes, packed);
    intptr_t i = 0;
    do {
        __m512i bit = _mm512_cvtepu8_epi64(_mm_loadl_epi64((const __m128i *)(bytes + i)));
        _mm512_storeu_si512(out + i, _mm512_add_epi64(bit, offset));
        if (counts) {
            __m512i below = _mm512_and_si512(counted_bits, _mm512_sub_epi64(_mm512_sllv_epi64(one, bit), one));
            _mm512_storeu_si512(counts + i, _mm512_add_epi64(_mm512_popcnt_epi64(below), count_offset));
        }
        i += 8;
    } while (i < 16 || i < found);
    return found;
}

/// The lanes of `lanes` whose key passes the prefilter (a gather of their filter words).
KERNEL static inline __mmask8 passing(__m512i key, __mmask8 lanes, const uint64_t *filter, uint64_t filter_shift) {
    const __m512i low6 = _mm512_set1_epi64(63), one = _mm512_set1_epi64(1);
    __m512i word = _mm512_mask_i64gather_epi64(
        _mm512_setzero_si512(), lanes, _mm512_srl_epi64(key, _mm_cvtsi64_si128((long long)(filter_shift + 6))),
        (const void *)filter, 8);
    __m512i bits = _mm512_or_si512(
        _mm512_or_si512(
            _mm512_sllv_epi64(one, _mm512_and_si512(_mm512_srli_epi64(key, CURATE_PREFILTER_BIT_A), low6)),
            _mm512_sllv_epi64(one, _mm512_and_si512(_mm512_srli_epi64(key, CURATE_PREFILTER_BIT_B), low6))),
        _mm512_sllv_epi64(one, _mm512_and_si512(_mm512_srli_epi64(key, CURATE_PREFILTER_BIT_C), low6)));
    return lanes & _mm512_cmpeq_epi64_mask(_mm512_and_si512(word, bits), bits);
}

/// `probe_windows_portable` eight windows at a time (a gather of their filter words).
KERNEL static inline size_t probe_windows(
    const curate_gram_params *p, const uint64_t *prefix, const uint32_t *concrete, intptr_t previous, uint64_t seed,
    intptr_t first, intptr_t end, const uint64_t *filter, uint64_t filter_shift, int32_t minimum_concrete,
    int32_t *hits, uint64_t *keys) {
    const intptr_t n = p->n;
    const __m512i factor = _mm512_set1_epi64((long long)p->window_factor);
    const __m512i kind_seed = _mm512_set1_epi64((long long)seed);
    const __m512i key_multiplier = _mm512_set1_epi64((long long)p->key_multiplier);
    const __m256i minimum = _mm256_set1_epi32(minimum_concrete);
    const __m256i lane_index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    // Clamped to the span, so the 32-bit lane comparison below cannot wrap however long the document.
    const intptr_t first_complete = 2 * n - 1 - previous > first ? 2 * n - 1 - previous : first;
    size_t found = 0;
    for (intptr_t j = first; j < end; j += 8) {
        if (j + 8 <= first_complete) continue;
        __mmask8 lanes = end - j >= 8 ? 0xFF : (__mmask8)((1u << (end - j)) - 1);
        __m256i index = _mm256_add_epi32(_mm256_set1_epi32((int32_t)j), lane_index);
        lanes &= _mm256_cmpge_epi32_mask(index, _mm256_set1_epi32((int32_t)first_complete));
        if (concrete) {
            __m256i count = _mm256_sub_epi32(
                _mm256_maskz_loadu_epi32(lanes, concrete + j), _mm256_maskz_loadu_epi32(lanes, concrete + j - n));
            lanes &= _mm256_cmpge_epi32_mask(count, minimum);
        }
        __m512i window = _mm512_sub_epi64(
            _mm512_maskz_loadu_epi64(lanes, prefix + j), _mm512_mullo_epi64(_mm512_maskz_loadu_epi64(lanes, prefix + j - n), factor));
        __m512i key = _mm512_mullo_epi64(_mm512_xor_si512(window, kind_seed), key_multiplier);
        if (filter) lanes = passing(key, lanes, filter, filter_shift);
        if (lanes) {
            _mm256_storeu_si256((__m256i *)(hits + found), _mm256_maskz_compress_epi32(lanes, index));
            _mm512_storeu_si512(keys + found, _mm512_maskz_compress_epi64(lanes, key));
            found += (size_t)_mm_popcnt_u32(lanes);
        }
    }
    return found;
}

/// Token hashes of up to eight tokens of `length` bytes at `bytes + offset` whose 16 bytes there are readable (lanes
/// `whole`), read as two masked words; also the first words (for keyword and digit tests) through `lo_out`/`hi_out`.
KERNEL static inline __m512i token_hashes(
    const curate_gram_params *p, const void *bytes, __m512i offset, __m512i length, __mmask8 whole, __m512i *lo_out,
    __m512i *hi_out) {
    const __m512i ones = _mm512_set1_epi64(-1), zero = _mm512_setzero_si512(), eight = _mm512_set1_epi64(8);
    const __m512i multiplier = _mm512_set1_epi64((long long)p->word_multiplier);
    __m512i lo = _mm512_mask_i64gather_epi64(zero, whole, offset, bytes, 1);
    __m512i hi = _mm512_mask_i64gather_epi64(zero, whole, _mm512_add_epi64(offset, eight), bytes, 1);
    lo = _mm512_andnot_si512(_mm512_sllv_epi64(ones, _mm512_slli_epi64(length, 3)), lo);
    __m512i over = _mm512_max_epi64(_mm512_sub_epi64(length, eight), zero);
    hi = _mm512_andnot_si512(_mm512_sllv_epi64(ones, _mm512_slli_epi64(over, 3)), hi);
    __m512i h = _mm512_mullo_epi64(_mm512_xor_si512(_mm512_xor_si512(_mm512_set1_epi64((long long)p->seed), length), lo), multiplier);
    h = _mm512_mullo_epi64(_mm512_xor_si512(h, hi), multiplier);
    *lo_out = lo;
    *hi_out = hi;
    return _mm512_xor_si512(h, _mm512_srli_epi64(h, 32));
}

#endif

#endif
