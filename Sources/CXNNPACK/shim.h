// XNNPACK's operator API (NHWC convolutions, fully connected layers), and its flag macros as functions: macros do
// not import into Swift.
#ifndef ENSEMBLE_XNNPACK_SHIM_H
#define ENSEMBLE_XNNPACK_SHIM_H
#include <stdint.h>
#include <xnnpack.h>

/// A fully connected kernel given as [inputs, outputs], as Keras stores it.
static inline uint32_t ensemble_xnn_flag_transpose_weights(void) { return XNN_FLAG_TRANSPOSE_WEIGHTS; }
#endif
