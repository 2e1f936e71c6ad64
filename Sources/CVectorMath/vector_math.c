#include "vector_math.h"
#include <stdint.h>
#include <string.h>

// Each public function is compiled three times; the loader picks the widest the processor has.
#define CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))

/// e^x = 2^n·e^r, n = round(x·log2 e), r = x − n·ln 2 (ln 2 in two parts), e^r by its degree-6
/// Taylor polynomial on |r| ≤ ln 2 / 2: relative error below 2e-7. x is clamped to where e^x
/// is a normal float.
static inline float exp_approx(float x) {
  x = x < -87.3f ? -87.3f : (x > 88.7f ? 88.7f : x);
  const float magic = 12582912.0f;  // 1.5·2^23: adding it rounds to an integer in the low bits
  float shifted = x * 1.44269504f + magic;
  float n = shifted - magic;
  float r = (x - n * 0.693145751953125f) - n * 1.428606765330187e-6f;
  float p = 1.0f / 720;
  p = p * r + 1.0f / 120;
  p = p * r + 1.0f / 24;
  p = p * r + 1.0f / 6;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  uint32_t bits;
  memcpy(&bits, &shifted, sizeof bits);
  bits = (bits << 23) + (127u << 23);
  float scale;
  memcpy(&scale, &bits, sizeof scale);
  return p * scale;
}

static inline float sigmoid_approx(float x) { return 1.0f / (1.0f + exp_approx(-x)); }

/// tanh x = sign(x)·(1 − 2/(e^{2|x|} + 1)); below |x| = 0.5, where that difference loses
/// digits, its Taylor series to x^17 (remainder under 1e-9).
static inline float tanh_approx(float x) {
  float magnitude = x < 0 ? -x : x;
  float far = 1.0f - 2.0f / (exp_approx(2.0f * magnitude) + 1.0f);
  far = x < 0 ? -far : far;
  float s = x * x;
  float series = -0.00059002744f;
  series = series * s + 0.0014558344f;
  series = series * s - 0.003592128f;
  series = series * s + 0.0088632355f;
  series = series * s - 0.0218694885f;
  series = series * s + 0.053968254f;
  series = series * s - 0.133333333f;
  series = series * s + 0.333333333f;
  float near = x - x * s * series;
  return magnitude < 0.5f ? near : far;
}

// y = f(x) element by element, `expression` of `v = x[i]`. In place (x == y) the loop goes
// through one pointer: through two that may overlap, the compiler's vectorised loop checks for
// overlap at run time and, when they do, falls back to scalar code.
#define ELEMENTWISE(x, y, count, expression) \
  do { \
    if ((const float *)(y) == (x)) { \
      for (size_t i = 0; i < (count); i++) { \
        float v = (y)[i]; \
        (y)[i] = (expression); \
      } \
    } else { \
      for (size_t i = 0; i < (count); i++) { \
        float v = (x)[i]; \
        (y)[i] = (expression); \
      } \
    } \
  } while (0)

/// Below the threshold with slope 0 the answer is 0 (−∞ included); NaN fails every test and
/// passes on.
static inline float relu_one(float v, float maximum, float slope, float threshold) {
  float below = slope == 0 ? 0 : slope * (v - threshold);
  return v >= maximum ? maximum : (v >= threshold ? v : (v < threshold ? below : v));
}

CLONES void ensemble_sigmoid(const float *x, float *y, size_t count) { ELEMENTWISE(x, y, count, sigmoid_approx(v)); }

CLONES void ensemble_relu(const float *x, float *y, size_t count, float maximum, float slope, float threshold) {
  ELEMENTWISE(x, y, count, relu_one(v, maximum, slope, threshold));
}

CLONES void ensemble_tanh(const float *x, float *y, size_t count) { ELEMENTWISE(x, y, count, tanh_approx(v)); }

CLONES int ensemble_all_finite(const float *x, size_t count) {
  // Non-finite floats are those whose exponent bits are all ones.
  uint32_t found = 0;
  for (size_t i = 0; i < count; i++) {
    uint32_t bits;
    memcpy(&bits, x + i, sizeof bits);
    found |= (bits & 0x7f800000u) == 0x7f800000u;
  }
  return !found;
}

CLONES void ensemble_lstm_cell(const float *gates, const float *recurrent, float *h, float *c, size_t units) {
  for (size_t j = 0; j < units; j++) {
    float i = sigmoid_approx(gates[j] + recurrent[j]);
    float f = sigmoid_approx(gates[units + j] + recurrent[units + j]);
    float g = tanh_approx(gates[2 * units + j] + recurrent[2 * units + j]);
    float o = sigmoid_approx(gates[3 * units + j] + recurrent[3 * units + j]);
    c[j] = f * c[j] + i * g;
    h[j] = o * tanh_approx(c[j]);
  }
}
