// The hot loops of the text formats: decimal numbers parsed where they lie in delimited lines,
// line ends counted, and floats spelled, compiled for the processor found at run time. Swift keeps the rules
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
/// not a number) or holds a value too near halfway between two floats for the fast rounding
/// (ensemble_parse_float reads it exactly), leaving that line to the caller; returns the bytes
/// of the lines taken, their count in `*lines`.
size_t ensemble_parse_plain_lines(const uint8_t *text, size_t length, uint8_t separator, size_t width,
                                  float *out, size_t *lines);

/// The line ends (`\n`) in the first `length` bytes, at most `limit` of them; `*after` is the
/// offset just past the last one counted (0 when there is none).
size_t ensemble_count_lines(const uint8_t *text, size_t length, size_t limit, size_t *after);
/// The most bytes a float's text takes: `%.17g` with sign and exponent, and a NUL for snprintf.
#define ENSEMBLE_FLOAT_TEXT_MAX 32

/// Writes `value` at `out` (room for ENSEMBLE_FLOAT_TEXT_MAX bytes): the shortest digits that
/// read back as the same float, spelled as Swift's `Float.description`, or with `precision`
/// significant digits (`%.*g`) when it is 0 or more; returns the bytes written.
size_t ensemble_format_float(float value, int precision, uint8_t *out);

/// Writes `rows` lines of `width` values each (row-major `values`), separated by `delimiter`,
/// each line ended by `\n`, at `out` (room for rows·(width·(ENSEMBLE_FLOAT_TEXT_MAX + 1) + 1)
/// bytes); returns the bytes written.
size_t ensemble_format_rows(const float *values, size_t rows, size_t width, uint8_t delimiter, int precision,
                            uint8_t *out);
#endif
