#include "text_codec.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

// Float32 to text: the shortest digits that read back as the same float (Ryu, Adams 2018: the
// interval of decimals that round to the value, scaled by exact 5^k multipliers), spelled as
// Swift's `Float.description` spells them (`0.1`, `1.0`, `1e-05`, `1.6777218e+07`), or with a
// given number of significant digits (`%.*g`).

#define CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))

enum { INVERSE_BITS = 59, POWER_BITS = 61 };

/// floor(2^(bits(5^i) - 1 + 59) / 5^i) + 1 for i < 31 (Ryu's table).
static const uint64_t inverse_powers[31] = {
    0x0800000000000001ull, 0x0666666666666667ull, 0x051EB851EB851EB9ull,
    0x04189374BC6A7EFAull, 0x068DB8BAC710CB2Aull, 0x053E2D6238DA3C22ull,
    0x0431BDE82D7B634Eull, 0x06B5FCA6AF2BD216ull, 0x055E63B88C230E78ull,
    0x044B82FA09B5A52Dull, 0x06DF37F675EF6EAEull, 0x057F5FF85E592558ull,
    0x0465E6604B7A8447ull, 0x0709709A125DA071ull, 0x05A126E1A84AE6C1ull,
    0x0480EBE7B9D58567ull, 0x0734ACA5F6226F0Bull, 0x05C3BD5191B525A3ull,
    0x049C97747490EAE9ull, 0x0760F253EDB4AB0Eull, 0x05E72843249088D8ull,
    0x04B8ED0283A6D3E0ull, 0x078E480405D7B966ull, 0x060B6CD004AC9452ull,
    0x04D5F0A66A23A9DBull, 0x07BCB43D769F762Bull, 0x063090312BB2C4EFull,
    0x04F3A68DBC8F03F3ull, 0x07EC3DAF94180651ull, 0x065697BFA9ACD1DAull,
    0x051212FFBAF0A7E2ull,
};

/// 5^i scaled to 61 bits, for i < 47.
static const uint64_t powers[47] = {
    0x1000000000000000ull, 0x1400000000000000ull, 0x1900000000000000ull,
    0x1F40000000000000ull, 0x1388000000000000ull, 0x186A000000000000ull,
    0x1E84800000000000ull, 0x1312D00000000000ull, 0x17D7840000000000ull,
    0x1DCD650000000000ull, 0x12A05F2000000000ull, 0x174876E800000000ull,
    0x1D1A94A200000000ull, 0x12309CE540000000ull, 0x16BCC41E90000000ull,
    0x1C6BF52634000000ull, 0x11C37937E0800000ull, 0x16345785D8A00000ull,
    0x1BC16D674EC80000ull, 0x1158E460913D0000ull, 0x15AF1D78B58C4000ull,
    0x1B1AE4D6E2EF5000ull, 0x10F0CF064DD59200ull, 0x152D02C7E14AF680ull,
    0x1A784379D99DB420ull, 0x108B2A2C28029094ull, 0x14ADF4B7320334B9ull,
    0x19D971E4FE8401E7ull, 0x1027E72F1F128130ull, 0x1431E0FAE6D7217Cull,
    0x193E5939A08CE9DBull, 0x1F8DEF8808B02452ull, 0x13B8B5B5056E16B3ull,
    0x18A6E32246C99C60ull, 0x1ED09BEAD87C0378ull, 0x13426172C74D822Bull,
    0x1812F9CF7920E2B6ull, 0x1E17B84357691B64ull, 0x12CED32A16A1B11Eull,
    0x178287F49C4A1D66ull, 0x1D6329F1C35CA4BFull, 0x125DFA371A19E6F7ull,
    0x16F578C4E0A060B5ull, 0x1CB2D6F618C878E3ull, 0x11EFC659CF7D4B8Dull,
    0x166BB7F0435C9E71ull, 0x1C06A5EC5433C60Dull,
};

static inline int pow5bits(int e) { return ((e * 1217359) >> 19) + 1; }
static inline int log10_pow2(int e) { return (e * 78913) >> 18; }
static inline int log10_pow5(int e) { return (e * 732923) >> 20; }

static inline uint32_t mul_shift(uint32_t m, uint64_t factor, int shift) {
  return (uint32_t)(((unsigned __int128)m * factor) >> shift);
}

static inline int multiple_of_power_of_5(uint32_t value, int p) {
  int count = 0;
  while (value != 0 && value % 5 == 0) {
    value /= 5;
    count++;
  }
  return count >= p;
}

/// The shortest digits x 10^*exponent inside the rounding interval of a finite, non-zero float.
static inline __attribute__((always_inline)) uint32_t shortest(uint32_t ieee_mantissa, int ieee_exponent, int *exponent) {
  int e2;
  uint32_t m2;
  if (ieee_exponent == 0) {
    e2 = 1 - 127 - 23 - 2;
    m2 = ieee_mantissa;
  } else {
    e2 = ieee_exponent - 127 - 23 - 2;
    m2 = (1u << 23) | ieee_mantissa;
  }
  const int accept_bounds = (m2 & 1) == 0;
  const uint32_t mv = 4 * m2, mp = 4 * m2 + 2;
  const uint32_t mm_shift = ieee_mantissa != 0 || ieee_exponent <= 1;
  const uint32_t mm = 4 * m2 - 1 - mm_shift;
  uint32_t vr, vp, vm;
  int e10;
  int vm_trailing_zeros = 0, vr_trailing_zeros = 0;
  uint32_t last_removed = 0;
  if (e2 >= 0) {
    const int q = log10_pow2(e2);
    e10 = q;
    const int k = INVERSE_BITS + pow5bits(q) - 1;
    const int i = -e2 + q + k;
    vr = mul_shift(mv, inverse_powers[q], i);
    vp = mul_shift(mp, inverse_powers[q], i);
    vm = mul_shift(mm, inverse_powers[q], i);
    if (q != 0 && (vp - 1) / 10 <= vm / 10) {
      const int l = INVERSE_BITS + pow5bits(q - 1) - 1;
      last_removed = mul_shift(mv, inverse_powers[q - 1], -e2 + q - 1 + l) % 10;
    }
    if (q <= 9) {
      if (mv % 5 == 0) {
        vr_trailing_zeros = multiple_of_power_of_5(mv, q);
      } else if (accept_bounds) {
        vm_trailing_zeros = multiple_of_power_of_5(mm, q);
      } else if (multiple_of_power_of_5(mp, q)) {
        vp -= 1;
      }
    }
  } else {
    const int q = log10_pow5(-e2);
    e10 = q + e2;
    const int i = -e2 - q;
    const int k = pow5bits(i) - POWER_BITS;
    int j = q - k;
    vr = mul_shift(mv, powers[i], j);
    vp = mul_shift(mp, powers[i], j);
    vm = mul_shift(mm, powers[i], j);
    if (q != 0 && (vp - 1) / 10 <= vm / 10) {
      j = q - 1 - (pow5bits(i + 1) - POWER_BITS);
      last_removed = mul_shift(mv, powers[i + 1], j) % 10;
    }
    if (q <= 1) {
      vr_trailing_zeros = 1;
      if (accept_bounds) {
        vm_trailing_zeros = mm_shift == 1;
      } else {
        vp -= 1;
      }
    } else if (q < 31) {
      vr_trailing_zeros = (mv & ((1u << (q - 1)) - 1)) == 0;
    }
  }
  int removed = 0;
  uint32_t output;
// Drops the last digit of the interval's three ends.
#define REMOVE_DIGIT()                                            \
  do {                                                            \
    vr_trailing_zeros = vr_trailing_zeros && last_removed == 0;   \
    last_removed = vr % 10;                                       \
    vr /= 10;                                                     \
    vp /= 10;                                                     \
    vm /= 10;                                                     \
    removed++;                                                    \
  } while (0)
  if (vm_trailing_zeros || vr_trailing_zeros) {
    while (vp / 10 > vm / 10) {
      vm_trailing_zeros = vm_trailing_zeros && vm % 10 == 0;
      REMOVE_DIGIT();
    }
    if (vm_trailing_zeros) {
      while (vm % 10 == 0) REMOVE_DIGIT();
    }
    if (vr_trailing_zeros && last_removed == 5 && vr % 2 == 0) last_removed = 4;
    output = vr + (((vr == vm && (!accept_bounds || !vm_trailing_zeros)) || last_removed >= 5) ? 1 : 0);
  } else {
    // vr_trailing_zeros is 0 here, so REMOVE_DIGIT leaves it so; only the last digit removed
    // decides the rounding, so two can go at once.
    if (vp / 100 > vm / 100) {
      last_removed = vr % 100 / 10;
      vr /= 100;
      vp /= 100;
      vm /= 100;
      removed += 2;
    }
    while (vp / 10 > vm / 10) REMOVE_DIGIT();
    output = vr + ((vr == vm || last_removed >= 5) ? 1 : 0);
  }
#undef REMOVE_DIGIT
  *exponent = e10 + removed;
  return output;
}

/// The decimal digits of `value` < 10^9.
static inline int digit_count(uint32_t value) {
  if (value < 10000) {
    if (value < 100) return value < 10 ? 1 : 2;
    return value < 1000 ? 3 : 4;
  }
  if (value < 10000000) {
    if (value < 100000) return 5;
    return value < 1000000 ? 6 : 7;
  }
  return value < 100000000 ? 8 : 9;
}

/// "00" to "99", two bytes each.
static const char pairs[201] =
    "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
    "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/// The 8 digits of `n` < 10^8 as ASCII, the first in the lowest byte, by multiplications
/// that split it into lanes: two of 4 digits, four of 2, eight of 1 (x·10486 >> 20 is x/100
/// for x < 10^4, x·103 >> 10 is x/10 for x < 100).
static inline uint64_t eight_digits(uint32_t n) {
  uint64_t x = n / 10000 | (uint64_t)(n % 10000) << 32;
  uint64_t hundreds = ((x * 10486) >> 20) & 0x0000007F0000007Full;
  x = (x - hundreds * 100) << 16 | hundreds;
  uint64_t tens = ((x * 103) >> 10) & 0x000F000F000F000Full;
  x = (x - tens * 10) << 8 | tens;
  return x + 0x3030303030303030ull;
}

/// Writes the `count` (1...9) digits of `digits` at `cursor`, with a point after the first
/// `point` of them when 0 < point < count, by stores of whole words (up to 18 bytes are
/// touched); returns the end of the text.
static inline uint8_t *put_digits(uint32_t digits, int count, int point, uint8_t *cursor) {
  if (count == 9) {
    *cursor++ = (uint8_t)('0' + digits / 100000000);
    digits %= 100000000;
    count = 8;
    if (point == 1) *cursor++ = '.';
    point = point > 1 ? point - 1 : 0;
  }
  const uint64_t text = eight_digits(digits) >> (8 * (8 - count));
  memcpy(cursor, &text, 8);
  if (point > 0 && point < count) {
    cursor[point] = '.';
    const uint64_t tail = text >> (8 * point);
    memcpy(cursor + point + 1, &tail, 8);
    return cursor + count + 1;
  }
  return cursor + count;
}

/// digits x 10^exponent as Swift spells a Float: positional from 10^-4 up to 2^24 (`large`
/// beyond), else `d.ddde+XX`, at `out` (room for 32 bytes: copies of fixed size may write past
/// the text); returns the bytes written.
static inline __attribute__((always_inline)) size_t spell(uint32_t digits, int exponent, int large, uint8_t *out) {
  const int count = digit_count(digits);
  const int scientific = exponent + count - 1;
  uint8_t *cursor = out;
  if (large || scientific < -4) {
    cursor = put_digits(digits, count, 1, cursor);
    cursor[0] = 'e';
    cursor[1] = scientific < 0 ? '-' : '+';
    cursor += 2;
    const int magnitude = scientific < 0 ? -scientific : scientific;
    if (magnitude >= 100) *cursor++ = (uint8_t)('0' + magnitude / 100);
    memcpy(cursor, pairs + (magnitude % 100) * 2, 2);
    cursor += 2;
  } else if (scientific < 0) {
    // "0." and up to three zeros (scientific >= -4).
    memcpy(cursor, "0.000", 5);
    cursor = put_digits(digits, count, 0, cursor + 1 - scientific);
  } else if (exponent >= 0) {
    // At most 2^24 here: the digits and the zeros after them are at most 8.
    cursor = put_digits(digits, count, 0, cursor);
    memcpy(cursor, "00000000", 8);
    cursor += exponent;
    memcpy(cursor, ".0", 2);
    cursor += 2;
  } else {
    cursor = put_digits(digits, count, scientific + 1, cursor);
  }
  return (size_t)(cursor - out);
}

static inline __attribute__((always_inline)) size_t format_float(float value, int precision, uint8_t *out) {
  if (precision >= 0) {
    int count = snprintf((char *)out, ENSEMBLE_FLOAT_TEXT_MAX, "%.*g", precision, (double)value);
    return count < 0 ? 0 : (size_t)(count < ENSEMBLE_FLOAT_TEXT_MAX - 1 ? count : ENSEMBLE_FLOAT_TEXT_MAX - 1);
  }
  uint32_t bits;
  memcpy(&bits, &value, sizeof bits);
  const int sign = bits >> 31;
  const int exponent_bits = (bits >> 23) & 0xFF;
  const uint32_t mantissa_bits = bits & 0x7FFFFF;
  if (exponent_bits == 0xFF) {
    const char *text = mantissa_bits != 0 ? "nan" : (sign ? "-inf" : "inf");
    size_t length = strlen(text);
    memcpy(out, text, length);
    return length;
  }
  uint8_t *cursor = out;
  if (sign) *cursor++ = '-';
  if (exponent_bits == 0 && mantissa_bits == 0) {
    memcpy(cursor, "0.0", 3);
    return (size_t)(cursor - out) + 3;
  }
  int exponent;
  const uint32_t digits = shortest(mantissa_bits, exponent_bits, &exponent);
  return (size_t)(cursor - out) + spell(digits, exponent, fabsf(value) > 16777216.0f, cursor);
}

size_t ensemble_format_float(float value, int precision, uint8_t *out) { return format_float(value, precision, out); }

CLONES size_t ensemble_format_rows(const float *values, size_t rows, size_t width, uint8_t delimiter, int precision,
                                   uint8_t *out) {
  uint8_t *cursor = out;
  for (size_t row = 0; row < rows; row++) {
    for (size_t column = 0; column < width; column++) {
      if (column > 0) *cursor++ = delimiter;
      cursor += format_float(values[row * width + column], precision, cursor);
    }
    *cursor++ = '\n';
  }
  return (size_t)(cursor - out);
}
