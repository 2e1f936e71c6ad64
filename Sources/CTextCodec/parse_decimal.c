#include "text_codec.h"
#include <stdlib.h>
#include <string.h>

// Each public function is compiled three times; the loader picks the widest the processor has.
#define CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))

/// 10^e for e in 0...22, each exact in a double.
static const double powers[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
/// 10^-e for e in 0...22, rounded to the nearest double.
static const double reciprocals[23] = {1e0,   1e-1,  1e-2,  1e-3,  1e-4,  1e-5,  1e-6,  1e-7,
                                       1e-8,  1e-9,  1e-10, 1e-11, 1e-12, 1e-13, 1e-14, 1e-15,
                                       1e-16, 1e-17, 1e-18, 1e-19, 1e-20, 1e-21, 1e-22};

/// strtof on a NUL-terminated copy of the `length` bytes, all of which must be consumed.
static int parse_slowly(const uint8_t *text, size_t length, float *out) {
  char small[64];
  char *copy = length < sizeof small ? small : malloc(length + 1);
  if (copy == NULL) return 0;
  memcpy(copy, text, length);
  copy[length] = 0;
  char *end;
  float value = strtof(copy, &end);
  int whole = length > 0 && end == copy + length;
  if (copy != small) free(copy);
  if (whole) *out = value;
  return whole;
}

enum { NUMBER = 1, INVALID = 0, NO_DIGITS = -1 };

/// 10^n for n in 0...8.
static const uint64_t small_powers[9] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};

/// The digits leading the 8 bytes of `v` (little-endian, first byte lowest), 0...8. A byte is
/// flagged when adding 0x46 or subtracting 0x30 sets its top bit (above '9' or below '0');
/// carries and borrows only move upwards from a flagged byte, so the lowest flag is exact.
static inline int leading_digits(uint64_t v) {
  uint64_t flags = ((v + 0x4646464646464646ull) | (v - 0x3030303030303030ull)) & 0x8080808080808080ull;
  return flags == 0 ? 8 : __builtin_ctzll(flags) >> 3;
}

/// The value of the first `n` (1...8) digits of `v`: their bytes minus '0' moved to the top
/// (the first digit the highest), then pairs, quads and the whole combined by multiplications
/// that keep each partial sum in its own lane.
static inline uint64_t leading_digits_value(uint64_t v, int n) {
  v = (v - 0x3030303030303030ull) << (64 - 8 * n);
  v = v * 10 + (v >> 8);
  return (((v & 0x000000FF000000FFull) * (100 + (1000000ull << 32))) +
          (((v >> 16) & 0x000000FF000000FFull) * (1 + (10000ull << 32)))) >>
         32;
}

/// Reads `[+-]digits[.digits][e[+-]digits]` from `p` (at least one mantissa digit), up to the
/// first byte that cannot continue it, `*next`. A decimal m·10^e with m ≤ 2^53 and |e| ≤ 22 is
/// m·10^e or m·(10^-e) in double precision, within 1.5 double ulps of the decimal; a float is
/// 29 bits shorter, so rounding that double gives the correctly rounded float unless it lies
/// within a few ulps of a point halfway between two floats. That case, and longer or larger
/// decimals, go to strtof.
static inline __attribute__((always_inline)) int parse_number(const uint8_t *p, const uint8_t *end, float *out,
                                                            const uint8_t **next, int *near_halfway) {
  const uint8_t *start = p;
  // Signs without a branch: random signs would mispredict half the time.
  const int negative = p < end && *p == '-';
  p += negative | (p < end && *p == '+');
  uint64_t mantissa = 0;
  int exponent = 0;
  int dropped = 0;  // digits beyond what 64 bits keep: the fast path does not apply
  const uint8_t *digits = p;
  while (p < end && (uint8_t)(*p - '0') < 10) {
    if (mantissa < 100000000000000000ull) {
      mantissa = mantissa * 10 + (uint8_t)(*p - '0');
    } else {
      exponent++;
      dropped = 1;
    }
    p++;
  }
  int saw_digit = p > digits;
  if (p < end && *p == '.') {
    p++;
    const uint8_t *fraction = p;
    // The digits leading the next 8 bytes at once, without a branch per digit, while all of
    // them are kept (below 10^9, eight more stay below 10^17, the bound the loop after keeps
    // each digit under).
    while (mantissa < 1000000000ull && end - p >= 8) {
      uint64_t chunk;
      memcpy(&chunk, p, 8);
      const int n = leading_digits(chunk);
      if (n == 0) break;
      mantissa = mantissa * small_powers[n] + leading_digits_value(chunk, n);
      exponent -= n;
      p += n;
      if (n < 8) break;
    }
    while (p < end && (uint8_t)(*p - '0') < 10) {
      if (mantissa < 100000000000000000ull) {
        mantissa = mantissa * 10 + (uint8_t)(*p - '0');
        exponent--;
      } else {
        dropped = 1;
      }
      p++;
    }
    saw_digit |= p > fraction;
  }
  if (!saw_digit) return NO_DIGITS;
  if (p < end && (*p | 0x20) == 'e') {
    p++;
    int exponent_negative = 0;
    if (p < end && (*p == '-' || *p == '+')) {
      exponent_negative = *p == '-';
      p++;
    }
    const uint8_t *exponent_start = p;
    int written = 0;
    while (p < end && (uint8_t)(*p - '0') < 10) {
      if (written < 10000) written = written * 10 + (*p - '0');
      p++;
    }
    if (p == exponent_start) return INVALID;
    exponent += exponent_negative ? -written : written;
  }
  *next = p;
  if (dropped || mantissa > (1ull << 53) || exponent < -22 || exponent > 22) {
    return parse_slowly(start, (size_t)(p - start), out) ? NUMBER : INVALID;
  }
  double magnitude = (double)mantissa * (exponent < 0 ? reciprocals[-exponent] : powers[exponent]);
  uint64_t bits;
  memcpy(&bits, &magnitude, sizeof bits);
  // Near halfway: the low 29 bits of the double's mantissa near 1 followed by zeros.
  // With `near_halfway` given, the case is only flagged there (without a branch on the
  // product, which would wait for it) and the caller reads the field again.
  uint64_t low = (bits + 4) & 0x1FFFFFFF;
  if (near_halfway) {
    *near_halfway |= low - 0x10000000 <= 8;
  } else if (low >= 0x10000000 && low <= 0x10000008) {
    return parse_slowly(start, (size_t)(p - start), out) ? NUMBER : INVALID;
  }
  float value = (float)magnitude;
  *out = negative ? -value : value;
  return NUMBER;
}

int ensemble_parse_float(const uint8_t *text, size_t length, float *out) {
  if (length == 0) return 0;
  const uint8_t *next = text;
  float value;
  switch (parse_number(text, text + length, &value, &next, NULL)) {
    case NO_DIGITS: return parse_slowly(text, length, out);
    case NUMBER:
      if (next != text + length) return 0;
      *out = value;
      return 1;
    default: return 0;
  }
}

CLONES size_t ensemble_parse_plain_lines(const uint8_t *text, size_t length, uint8_t separator, size_t width,
                                         float *out, size_t *lines) {
  const uint8_t *p = text, *end = text + length;
  size_t taken = 0;
  while (p < end && width > 0) {
    const uint8_t *line = p;
    float *row = out + taken * width;
    size_t column = 0;
    int whole = 0, near_halfway = 0;
    while (column < width) {
      const uint8_t *next;
      if (parse_number(p, end, &row[column], &next, &near_halfway) != NUMBER) break;
      p = next;
      column++;
      if (p == end) {
        whole = column == width;
        break;
      }
      if (*p == separator && column < width) {
        p++;
        continue;
      }
      if (*p == '\n') {
        p++;
        whole = column == width;
      } else if (*p == '\r' && p + 1 < end && p[1] == '\n') {
        p += 2;
        whole = column == width;
      }
      break;
    }
    if (!whole || near_halfway) {
      *lines = taken;
      return (size_t)(line - text);
    }
    taken++;
  }
  *lines = taken;
  return (size_t)(p - text);
}

CLONES size_t ensemble_count_lines(const uint8_t *text, size_t length, size_t limit, size_t *after) {
  size_t count = 0, offset = 0, last_block = SIZE_MAX;
  // Whole blocks of 64 bytes while the limit is out of reach, counted by a loop the compiler
  // vectorises; the last line end is looked for once, in the last block that had one.
  while (offset + 64 <= length) {
    uint8_t block = 0;
    for (size_t i = 0; i < 64; i++) block += text[offset + i] == '\n';
    if (count + block >= limit) break;
    if (block != 0) last_block = offset;
    count += block;
    offset += 64;
  }
  *after = 0;
  if (last_block != SIZE_MAX) {
    size_t last = last_block + 63;
    while (text[last] != '\n') last--;
    *after = last + 1;
  }
  for (; offset < length && count < limit; offset++) {
    if (text[offset] == '\n') {
      count++;
      *after = offset + 1;
    }
  }
  return count;
}
