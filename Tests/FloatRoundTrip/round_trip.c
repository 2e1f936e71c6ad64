// Every `stride`-th float bit pattern, spelled by the CSV row writer 4 to a line and read back
// by the plain-line reader, must come back bit for bit: the writer's shortest digits and the
// reader's correct rounding checked together on every exponent and mantissa pattern. NaN and
// ±inf are not plain lines (the Swift reader takes them; TensorIOTests covers them).
//
//   round_trip STRIDE      (1: all 2^32 patterns, about 2 minutes a core)
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text_codec.h"

enum { BLOCK = 4096 };

int main(int argc, char **argv) {
  const uint64_t stride = argc > 1 ? strtoull(argv[1], NULL, 10) : 1;
  float in[BLOCK], out[BLOCK];
  static uint8_t text[BLOCK * (ENSEMBLE_FLOAT_TEXT_MAX + 1) + BLOCK / 4];
  uint64_t checked = 0, bad = 0, bits = 0;
  while (bits < (1ull << 32)) {
    int filled = 0;
    for (; filled < BLOCK && bits < (1ull << 32); bits += stride) {
      const uint32_t pattern = (uint32_t)bits;
      float value;
      memcpy(&value, &pattern, sizeof value);
      if (isfinite(value)) in[filled++] = value;
    }
    filled -= filled % 4;
    const size_t length = ensemble_format_rows(in, (size_t)filled / 4, 4, ',', -1, text);
    // The plain-line reader leaves a line to its caller when a value is near halfway between
    // two floats; that line's fields are read one by one, as DelimitedReader does.
    size_t offset = 0, row = 0;
    while (offset < length) {
      size_t lines;
      offset += ensemble_parse_plain_lines(text + offset, length - offset, ',', 4, out + 4 * row, &lines);
      row += lines;
      if (offset == length) break;
      for (int column = 0; column < 4; column++) {
        size_t field = 0;
        while (text[offset + field] != ',' && text[offset + field] != '\n') field++;
        if (!ensemble_parse_float(text + offset, field, &out[4 * row + column])) {
          fprintf(stderr, "not read as a number: %.*s\n", (int)field, text + offset);
          return 1;
        }
        offset += field + 1;
      }
      row++;
    }
    if (row != (size_t)filled / 4) {
      fprintf(stderr, "%zu lines read back, %d written\n", row, filled / 4);
      return 1;
    }
    for (int i = 0; i < filled; i++) {
      uint32_t expected, actual;
      memcpy(&expected, &in[i], sizeof expected);
      memcpy(&actual, &out[i], sizeof actual);
      if (expected != actual && bad++ < 10) fprintf(stderr, "%08x was read back as %08x\n", expected, actual);
    }
    checked += (uint64_t)filled;
  }
  printf("%llu floats written and read back, %llu differ\n", (unsigned long long)checked, (unsigned long long)bad);
  return bad != 0;
}
