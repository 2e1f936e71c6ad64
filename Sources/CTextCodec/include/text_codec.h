// The hot loops of the text formats: decimal numbers parsed where they lie in delimited lines,
// and line ends counted, compiled for the processor found at run time. Swift keeps the rules
// for everything unusual (headers, quotes, blanks, errors); these take the plain common case.
#ifndef ENSEMBLE_TEXT_CODEC_H
#define ENSEMBLE_TEXT_CODEC_H
#include <stddef.h>
#include <stdint.h>

/// The Float32 nearest the decimal `text` (all `length` bytes of it, as strtof reads them:
/// digits, point, exponent, or `nan`/`inf`): 1 and `*out`, or 0 when it is not a number.
int ensemble_parse_float(const uint8_t *text, size_t length, float *out);

/// Parses whole lines of exactly `width` plain numbers, each followed by one `separator` or
/// the line end (`\n`, `\r\n`, or the end of the text), storing `width` floats per line at
/// `out`. Stops at the first line that is anything else (blank, quoted, padded, short, long,
/// not a number), leaving it to the caller; returns the bytes of the lines taken, their count
/// in `*lines`.
size_t ensemble_parse_plain_lines(const uint8_t *text, size_t length, uint8_t separator, size_t width,
                                  float *out, size_t *lines);

/// The line ends (`\n`) in the first `length` bytes, at most `limit` of them; `*after` is the
/// offset just past the last one counted (0 when there is none).
size_t ensemble_count_lines(const uint8_t *text, size_t length, size_t limit, size_t *after);
#endif
