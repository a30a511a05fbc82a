#ifndef CURATE_BYTE_CLASS_H
#define CURATE_BYTE_CLASS_H

#include <stddef.h>
#include <stdint.h>

/// Byte classes of `curate_byte_classes`: whitespace (\t \n \v \f \r, 0x1c-0x20), ASCII punctuation, identifier byte
/// (ASCII letters, digits, '_', bytes >= 0x80), ASCII digit, ASCII uppercase (0x20, so or-ing it lowercases).
enum {
    CURATE_CLASS_SPACE = 1, CURATE_CLASS_PUNCT = 2, CURATE_CLASS_IDENT = 4, CURATE_CLASS_DIGIT = 8,
    CURATE_CLASS_UPPER = 32,
};

/// The class bits of each of the 256 byte values, as the portable classifier uses them.
const uint8_t *curate_byte_classes(void);

/// The fastest classifier level this CPU runs: 1 with AVX-512 BW and VBMI2 (and popcnt), else 0 (portable C).
int curate_classify_best_level(void);

/// Classifies `count` bytes in 64-byte blocks (bit j of block b is byte 64b+j; bits past `count` are clear):
/// `word` non-whitespace, `ident` identifier bytes (ASCII letters, digits, '_', bytes >= 0x80), `newline` '\n',
/// `kept` word bytes that are not ASCII punctuation. The kept bytes, ASCII-lowercased, are written contiguously to
/// `compact` (which needs room for `count` + 64 bytes); returns how many. `level` 0 forces the portable path.
size_t curate_classify(
    const uint8_t *bytes, size_t count, uint64_t *word, uint64_t *ident, uint64_t *newline, uint64_t *kept,
    uint8_t *compact, int level);

/// `value` unchanged, but opaque to the optimizer: a 0/1 that passes through here cannot be recognized as a
/// comparison result, so arithmetic on it (masking a keyword's value) is not turned back into a branch.
static inline uint64_t curate_opaque(uint64_t value) {
#if defined(__GNUC__) || defined(__clang__)
    __asm__("" : "+r"(value));
#endif
    return value;
}

/// The number of set bits in `value` by the `popcnt` instruction whatever the compiler's target CPU (Swift's baseline
/// x86-64 has none), so only for CPUs at classifier level 1; elsewhere the compiler's bit count.
static inline uint64_t curate_popcount(uint64_t value) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    uint64_t count;
    __asm__("popcnt %1, %0" : "=r"(count) : "r"(value) : "cc");
    return count;
#else
    return (uint64_t)__builtin_popcountll(value);
#endif
}

#endif
