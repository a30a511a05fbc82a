#include "CScanKernels.h"

#if defined(__x86_64__)
#include <immintrin.h>
#endif

enum {
    SPACE = CURATE_CLASS_SPACE, PUNCT = CURATE_CLASS_PUNCT, IDENT = CURATE_CLASS_IDENT,
    UPPER = CURATE_CLASS_UPPER,
};

static const uint8_t classes[256] = {
    [9 ... 13] = SPACE, [28 ... 32] = SPACE,
    [33 ... 47] = PUNCT, [58 ... 64] = PUNCT, [91 ... 94] = PUNCT, [95] = PUNCT | IDENT, [96] = PUNCT,
    [123 ... 126] = PUNCT,
    ['0' ... '9'] = IDENT, ['A' ... 'Z'] = IDENT | UPPER, ['a' ... 'z'] = IDENT, [128 ... 255] = IDENT,
};

const uint8_t *curate_byte_classes(void) { return classes; }

static size_t classify_portable(
    const uint8_t *bytes, size_t count, uint64_t *word, uint64_t *ident, uint64_t *newline, uint64_t *kept,
    uint8_t *compact) {
    size_t out = 0;
    for (size_t start = 0, b = 0; start < count; start += 64, b++) {
        uint64_t w = 0, id = 0, nl = 0, kp = 0;
        size_t end = count - start < 64 ? count : start + 64;
        for (size_t i = start; i < end; i++) {
            uint8_t c = bytes[i], k = classes[c];
            uint64_t bit = (uint64_t)1 << (i - start);
            uint64_t keep = (k & (SPACE | PUNCT)) == 0;
            w |= (k & SPACE) ? 0 : bit;
            id |= (k & IDENT) ? bit : 0;
            nl |= c == '\n' ? bit : 0;
            kp |= keep ? bit : 0;
            compact[out] = c | (k & UPPER);
            out += keep;
        }
        word[b] = w;
        ident[b] = id;
        newline[b] = nl;
        kept[b] = kp;
    }
    return out;
}

#if defined(__x86_64__)
#define RANGE(v, low, span) _mm512_cmple_epu8_mask(_mm512_sub_epi8(v, _mm512_set1_epi8(low)), _mm512_set1_epi8(span))

__attribute__((target("avx512f,avx512bw,avx512vbmi2,popcnt")))
static size_t classify_avx512(
    const uint8_t *bytes, size_t count, uint64_t *word, uint64_t *ident, uint64_t *newline, uint64_t *kept,
    uint8_t *compact) {
    size_t out = 0;
    for (size_t start = 0, b = 0; start < count; start += 64, b++) {
        __mmask64 valid = count - start >= 64 ? ~(__mmask64)0 : (((__mmask64)1 << (count - start)) - 1);
        __m512i v = _mm512_maskz_loadu_epi8(valid, bytes + start);
        __mmask64 space = RANGE(v, 9, 4) | RANGE(v, 28, 4);
        __mmask64 upper = RANGE(v, 'A', 25);
        __mmask64 alnum = upper | RANGE(v, 'a', 25) | RANGE(v, '0', 9);
        __mmask64 punct = RANGE(v, 0x21, 0x5D) & ~alnum;
        __mmask64 w = valid & ~space;
        __mmask64 kp = w & ~punct;
        word[b] = w;
        ident[b] = alnum | _mm512_movepi8_mask(v) | _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('_'));
        newline[b] = _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8('\n'));
        kept[b] = kp;
        __m512i lowered = _mm512_mask_add_epi8(v, upper, v, _mm512_set1_epi8(32));
        _mm512_storeu_si512(compact + out, _mm512_maskz_compress_epi8(kp, lowered));
        out += (size_t)_mm_popcnt_u64(kp);
    }
    return out;
}
#endif

int curate_classify_best_level(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")
        && __builtin_cpu_supports("avx512vbmi2") && __builtin_cpu_supports("avx512vpopcntdq") && __builtin_cpu_supports("popcnt") ? 1 : 0;
#else
    return 0;
#endif
}

size_t curate_classify(
    const uint8_t *bytes, size_t count, uint64_t *word, uint64_t *ident, uint64_t *newline, uint64_t *kept,
    uint8_t *compact, int level) {
#if defined(__x86_64__)
    if (level >= 1) return classify_avx512(bytes, count, word, ident, newline, kept, compact);
#endif
    (void)level;
    return classify_portable(bytes, count, word, ident, newline, kept, compact);
}
