// ReLU, exp, sigmoid and tanh over arrays, and the LSTM cell of Keras's default activations, as
// loops the C compiler vectorises for the processor it finds at run time (AVX-512, AVX2 or
// SSE2; Swift's SIMD types compiled for baseline x86-64 ran these lane by lane).
#ifndef ENSEMBLE_VECTOR_MATH_H
#define ENSEMBLE_VECTOR_MATH_H
#include <stddef.h>

/// y[i] = 1 / (1 + exp(-x[i])); y may be x.
void ensemble_sigmoid(const float *x, float *y, size_t count);
/// Keras's ReLU: y[i] = x ≥ maximum ? maximum : (x ≥ threshold ? x : slope·(x − threshold)),
/// 0 below the threshold when slope is 0 (−∞ too), NaN passed on; y may be x.
void ensemble_relu(const float *x, float *y, size_t count, float maximum, float slope, float threshold);
/// y[i] = tanh(x[i]); y may be x.
void ensemble_tanh(const float *x, float *y, size_t count);
/// One LSTM step of one row, gates (i, f, g, o) of `units` each being gates[j] + recurrent[j]:
/// c = σ(f)·c + σ(i)·tanh(g), h = σ(o)·tanh(c).
void ensemble_lstm_cell(const float *gates, const float *recurrent, float *h, float *c, size_t units);
/// Whether every x[i] is finite (no NaN, no infinity).
int ensemble_all_finite(const float *x, size_t count);
#endif
