import Foundation

/// Element-wise activation functions, with Keras's formulas.
public enum Activation: Equatable {
  case linear
  /// `x < t ? slope·(x − t) : min(x, max)`; plain relu is `max: nil, slope: 0, threshold: 0`.
  case relu(max: Float?, slope: Float, threshold: Float)
  case sigmoid
  /// Keras 2: `clip(0.2x + 0.5, 0, 1)`.
  case hardSigmoidKeras2
  /// Keras 3: `clip(x/6 + 0.5, 0, 1)`.
  case hardSigmoid
  case tanh
  /// `log(1 + eˣ)`.
  case softplus
  /// `x / (1 + |x|)`.
  case softsign
  /// `x > 0 ? x : alpha·(eˣ − 1)`.
  case elu(alpha: Float)
  /// `scale·elu(x, alpha)` with Keras's constants.
  case selu
  case exponential
  /// `x·sigmoid(x)` (also called silu).
  case swish
  /// Exact `0.5·x·(1 + erf(x/√2))`, or the tanh approximation.
  case gelu(approximate: Bool)
  /// `x·tanh(softplus(x))`.
  case mish
  /// `x·relu6(x + 3)/6`.
  case hardSwish
  /// `max(0,x) + min(0, alpha·(exp(x/alpha) − 1))`.
  case celu(alpha: Float)
  /// `(x + sqrt(x² + b))/2`.
  case squareplus(b: Float)
  /// `x − tanh(x)`.
  case tanhShrink
  /// `clip(x, −1, 1)`.
  case hardTanh
  /// `log(sigmoid(x))`.
  case logSigmoid
  /// `x − t` if `x > t`, `x + t` if `x < −t`, else 0.
  case softShrink(threshold: Float)
  /// 0 for `x ≤ −1`, x for `x ≥ 1`, `(x + 1)²/4` between.
  case sparsePlus
  /// The math functions TensorFlow and `keras.ops` call on tensors: `|x|`, `√x`, `x²`, `ln x`,
  /// `1/x`, `1/√x`, and `min(max(x, low), high)` (NaN passed on).
  case abs, sqrt, square, log, reciprocal, rsqrt
  case clip(low: Float, high: Float)
  /// `x ≠ c` as 1 or 0 (Keras 3 records the mask of an Embedding as this comparison).
  case notEqual(Float)
}
