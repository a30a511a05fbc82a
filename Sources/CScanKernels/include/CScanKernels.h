#ifndef CURATE_SCAN_KERNELS_H
#define CURATE_SCAN_KERNELS_H

#include <stddef.h>
#include <stdint.h>

/// Byte classes of `curate_byte_classes`: whitespace (\t \n \v \f \r, 0x1c-0x20), ASCII punctuation, identifier byte
/// (ASCII letters, digits, '_', bytes >= 0x80), ASCII uppercase (0x20, so or-ing it lowercases).
enum { CURATE_CLASS_SPACE = 1, CURATE_CLASS_PUNCT = 2, CURATE_CLASS_IDENT = 4, CURATE_CLASS_UPPER = 32 };

/// The class bits of each of the 256 byte values, as the portable classifier uses them.
const uint8_t *curate_byte_classes(void);

/// The fastest kernel level this CPU runs: 1 with AVX-512 BW, DQ, VL, VBMI2 and VPOPCNTDQ (and popcnt), else 0
/// (portable C).
int curate_classify_best_level(void);

/// Classifies `count` bytes in 64-byte blocks (bit j of block b is byte 64b+j; bits past `count` are clear):
/// `word` non-whitespace, `ident` identifier bytes (ASCII letters, digits, '_', bytes >= 0x80), `newline` '\n',
/// `kept` word bytes that are not ASCII punctuation. The kept bytes, ASCII-lowercased, are written contiguously to
/// `compact` (which needs room for `count` + 64 bytes); returns how many. `level` 0 forces the portable path.
size_t curate_classify(
    const uint8_t *bytes, size_t count, uint64_t *word, uint64_t *ident, uint64_t *newline, uint64_t *kept,
    uint8_t *compact, int level);

/// The prefilter, a blocked Bloom filter of 2^b bits: a key sets three bits, chosen by its bits 20–37 (a key is a
/// product, so its low bits carry little of the gram), of the word its top b - 6 bits address. Index and scan share
/// these definitions.
enum { CURATE_PREFILTER_BIT_A = 20, CURATE_PREFILTER_BIT_B = 26, CURATE_PREFILTER_BIT_C = 32 };

/// The word of `key` in a prefilter of 2^(64 - `filter_shift`) bits.
static inline uint64_t curate_prefilter_word(uint64_t key, uint64_t filter_shift) { return key >> (filter_shift + 6); }

/// The three bits `key` sets in its word.
static inline uint64_t curate_prefilter_bits(uint64_t key) {
    return (1ull << ((key >> CURATE_PREFILTER_BIT_A) & 63)) | (1ull << ((key >> CURATE_PREFILTER_BIT_B) & 63))
        | (1ull << ((key >> CURATE_PREFILTER_BIT_C) & 63));
}

/// Constants of the gram hashes, given by the Swift side (`GramHash`, `GramKind`, `KeywordSet`) so both agree.
typedef struct curate_gram_params {
    /// Token hash: start state (also a line's) and per-word multiplier; a gram key's multiplier and each kind's seed.
    uint64_t seed, word_multiplier, key_multiplier, text_seed, code_seed, line_seed;
    /// Value of an abstracted identifier; the polynomial base and base^n.
    uint64_t placeholder, base, window_factor;
    /// Keywords by slot, two words each (first and next 8 bytes, zero padded; an empty slot is zeros), the slot of
    /// bytes (lo, hi) of length c being ((lo ^ hi * 31 ^ c) * keyword_multiplier) >> keyword_shift.
    const uint64_t *keyword_slots;
    uint64_t keyword_multiplier, keyword_shift;
    /// Tokens per window.
    intptr_t n;
} curate_gram_params;

/// Entries a state's token arrays need for spans of `blocks` 64-byte blocks and windows of n tokens.
static inline intptr_t curate_span_capacity(intptr_t n, intptr_t blocks) { return n + 32 * blocks + 32; }

/// Code tokens of one document carried from span to span. Entries [0, n) of the arrays are the document's last n
/// tokens before the current span (zero prefixes before its start), the span's tokens follow.
typedef struct curate_code_state {
    /// Byte range of each token in the document.
    intptr_t *starts, *ends;
    /// Polynomial over the document's token values up to and including each token (mod 2^64).
    uint64_t *prefix;
    /// Concrete (not abstracted) tokens of the document up to and including each token (mod 2^32: only differences
    /// over a window are read).
    uint32_t *concrete;
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

/// Starts a document.
void curate_code_reset(const curate_gram_params *params, curate_code_state *state);

/// Code tokens (identifier runs) of `blocks` blocks of `ident` (the classifier's identifier masks) starting at byte
/// `span_start` of `document` (`count` bytes), valued (numbers and keywords by their bytes, other identifiers the
/// placeholder) and rolled into n-token windows. Writes the entry index (into the state's arrays) and key of every
/// window with at least `minimum_concrete` concrete tokens whose key passes `filter` (all of them without one) to
/// `hits` and `keys` (room for `curate_span_capacity(n, blocks)` entries each: vector stores write past the last), in
/// order; returns how many. With `final`, a token still open ends at `count`. `level` as for `curate_classify` (1:
/// AVX-512 gathers and compresses, 0: portable C).
size_t curate_code_span(
    const curate_gram_params *params, curate_code_state *state, const uint8_t *document, intptr_t count,
    intptr_t span_start, const uint64_t *ident, intptr_t blocks, int final, const uint64_t *filter,
    uint64_t filter_shift, int32_t minimum_concrete, int32_t *hits, uint64_t *keys, int level);

/// The value of the code token `bytes[0..<count]`: a number's or keyword's own token hash (`concrete` set to 1), else
/// the placeholder (`concrete` 0). Reads only the token's bytes.
uint64_t curate_code_value(const curate_gram_params *params, const uint8_t *bytes, intptr_t count, int32_t *concrete);

/// The janitor token value of `bytes[0..<count]` (kept bytes, lowercased): the token hash.
uint64_t curate_token_value(const curate_gram_params *params, const uint8_t *bytes, intptr_t count);

/// Words (runs of non-space bytes) of one document carried from span to span, with their text n-grams (words with
/// janitor bytes) and lines. Word arrays hold the span's words from entry 1 (entry 0: the word before); text arrays
/// hold n entries of history, as in `curate_code_state`.
typedef struct curate_word_state {
    /// Per word of the span: byte range, janitor offset of its end, newlines of the document before its start, value.
    intptr_t *word_starts, *word_ends, *janitor_ends, *newlines_before;
    uint64_t *values;
    /// Per text token (word with janitor bytes): byte range and polynomial prefix, as for code tokens.
    intptr_t *text_starts, *text_ends;
    uint64_t *text_prefix;
    intptr_t text_previous, text_pending;
    /// Lines closed in the span: polynomial (then key), first and last byte; compacted to the hits.
    uint64_t *line_keys;
    intptr_t *line_starts, *line_ends;
    /// 1 when a word is open after the last span (its start and newline count are at entry `words + 1`).
    intptr_t open, words;
    /// Word bit of the byte before the next span; document janitor bytes and newlines before it.
    uint64_t previous_word;
    intptr_t janitor_offset, newline_count;
    /// The open line: whether there is one, its polynomial and byte range.
    intptr_t line_open;
    uint64_t line_hash;
    intptr_t line_start, line_end;
} curate_word_state;

/// Starts a document.
void curate_word_reset(const curate_gram_params *params, curate_word_state *state);

/// Words of `blocks` blocks of the classifier's `word`, `kept` and `newline` masks, starting at byte `span_start` of a
/// document of `count` bytes. Janitor bytes are read from `compact`, which holds the document's janitor bytes from
/// offset `compact_origin` on (`compact_capacity` bytes readable). With `text`, text windows whose key passes `filter`
/// (all without one) are written as entry index and key to `text_hits`/`text_keys` (room for
/// `curate_span_capacity(n, blocks)` entries each), their count to `text_found`; with
/// `lines`, lines closed in the span (a word after a newline closes the line before it; `final` closes the last and
/// ends an open word at `count`) whose key passes are left in the state's line arrays, their count in `lines_found`.
void curate_word_span(
    const curate_gram_params *params, curate_word_state *state, intptr_t count, intptr_t span_start,
    const uint64_t *word, const uint64_t *kept, const uint64_t *newline, intptr_t blocks, int final,
    const uint8_t *compact, intptr_t compact_origin, intptr_t compact_capacity, int text, int lines,
    const uint64_t *filter, uint64_t filter_shift, int32_t *text_hits, uint64_t *text_keys, size_t *text_found,
    size_t *lines_found, int level);

#endif
