#ifndef CURATE_SCAN_KERNELS_H
#define CURATE_SCAN_KERNELS_H

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

/// Constants of the code-token n-gram hash, given by the Swift side (`GramHash`, `KeywordSet`) so both agree.
typedef struct curate_code_params {
    /// Token hash: start state and per-word multiplier; a gram key's multiplier and the code kind's seed.
    uint64_t seed, word_multiplier, key_multiplier, code_seed;
    /// Value of an abstracted identifier; the polynomial base and base^n.
    uint64_t placeholder, base, window_factor;
    /// Keywords by slot, two words each (first and next 8 bytes, zero padded; an empty slot is zeros), the slot of
    /// bytes (lo, hi) of length c being ((lo ^ hi * 31 ^ c) * keyword_multiplier) >> keyword_shift.
    const uint64_t *keyword_slots;
    uint64_t keyword_multiplier, keyword_shift;
    /// Tokens per window.
    intptr_t n;
} curate_code_params;

/// Code tokens of one document carried from span to span. Entries [0, n) of the arrays are the document's last n
/// tokens before the current span (zero prefixes before its start), the span's tokens follow.
typedef struct curate_code_state {
    /// Byte range of each token in the document.
    intptr_t *starts, *ends;
    /// Polynomial over the document's token values up to and including each token (mod 2^64).
    uint64_t *prefix;
    /// Concrete (not abstracted) tokens of the document up to and including each token.
    int32_t *concrete;
    /// Scratch per token: value and whether concrete.
    uint64_t *values;
    int32_t *marks;
    /// Document tokens before entry n; tokens of the last span (entries n ..< n + pending).
    intptr_t previous_tokens, pending;
    /// 1 when a token is open after the last span (its start follows the span's tokens).
    intptr_t open;
    /// Identifier bit of the byte before the next span.
    uint64_t previous_ident;
} curate_code_state;

/// Entries the state's arrays need for spans of `blocks` 64-byte blocks and windows of n tokens.
static inline intptr_t curate_code_capacity(intptr_t n, intptr_t blocks) { return n + 32 * blocks + 32; }

/// Starts a document.
void curate_code_reset(const curate_code_params *params, curate_code_state *state);

/// Code tokens (identifier runs) of `blocks` blocks of `ident` (the classifier's identifier masks) starting at byte
/// `span_start` of `document` (`count` bytes), valued (numbers and keywords by their bytes, other identifiers the
/// placeholder) and rolled into n-token windows. Writes the entry index (into the state's arrays) and key of every
/// window with at least `minimum_concrete` concrete tokens whose key passes `filter` (all of them without one) to
/// `hits` and `keys`, in order; returns how many. With `final`, a token still open ends at `count`. `level` as for
/// `curate_classify` (1: AVX-512 gathers and compresses, 0: portable C).
size_t curate_code_span(
    const curate_code_params *params, curate_code_state *state, const uint8_t *document, intptr_t count,
    intptr_t span_start, const uint64_t *ident, intptr_t blocks, int final, const uint64_t *filter,
    uint64_t filter_shift, int32_t minimum_concrete, int32_t *hits, uint64_t *keys, int level);

/// The value of the code token `bytes[0..<count]`: a number's or keyword's own token hash (`concrete` set to 1), else
/// the placeholder (`concrete` 0). Reads only the token's bytes.
uint64_t curate_code_value(const curate_code_params *params, const uint8_t *bytes, intptr_t count, int32_t *concrete);

#endif
