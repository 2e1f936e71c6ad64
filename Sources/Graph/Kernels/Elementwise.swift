import CVectorMath
import Foundation

/// Element-wise activation kernels, `y[i] = f(x[i])`.
enum Elementwise {
  static func apply(_ activation: Activation, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int) {
    switch activation {
    // The common cases as plain loops the compiler vectorises; the rest through the closure.
    case .linear:
      y.update(from: x, count: count)
    case .relu(let maximum, let slope, let threshold):
      ensemble_relu(x, y, count, maximum ?? .infinity, slope, threshold)
    case .sigmoid:
      ensemble_sigmoid(x, y, count)
    case .tanh:
      ensemble_tanh(x, y, count)
    default:
      let function = activation.function
      for i in 0..<count { y[i] = function(x[i]) }
    }
  }
}

extension Elementwise {
  /// A folded ReLU on the OpenBLAS paths, in place: `ensemble_relu` with `range` as its bounds.
  static func clamp(_ y: UnsafeMutablePointer<Float>, count: Int, _ range: ClosedRange<Float>) {
    ensemble_relu(y, y, count, range.upperBound, 0, range.lowerBound)
  }
}

private func logistic(_ x: Float) -> Float { 1 / (1 + Foundation.exp(-x)) }
private func softPlus(_ x: Float) -> Float { x > 20 ? x : Foundation.log1p(Foundation.exp(x)) }

extension Activation {
  /// The scalar function, with Keras's formula for each case.
  var function: (Float) -> Float {
    switch self {
    case .linear: return { $0 }
    case .relu(let maxValue, let slope, let threshold):
      if maxValue == nil, slope == 0, threshold == 0 { return { $0 < 0 ? 0 : $0 } }  // NaN passes on
      return { x in
        if let maxValue, x >= maxValue { return maxValue }
        return x >= threshold || x.isNaN ? x : (slope == 0 ? 0 : slope * (x - threshold))
      }
    case .sigmoid: return logistic
    case .hardSigmoidKeras2: return { Swift.min(Swift.max(0.2 * $0 + 0.5, 0), 1) }
    case .hardSigmoid: return { Swift.min(Swift.max($0 / 6 + 0.5, 0), 1) }
    case .tanh: return { Foundation.tanh($0) }
    case .softplus: return softPlus
    case .softsign: return { $0 / (1 + Swift.abs($0)) }
    case .elu(let alpha): return { $0 > 0 ? $0 : alpha * (Foundation.exp($0) - 1) }
    case .selu:
      let alpha: Float = 1.6732632423543772848170429916717
      let scale: Float = 1.0507009873554804934193349852946
      return { scale * ($0 > 0 ? $0 : alpha * (Foundation.exp($0) - 1)) }
    case .exponential: return { Foundation.exp($0) }
    case .swish: return { $0 * logistic($0) }
    case .gelu(let approximate):
      if approximate {
        let c = Float((2 / Double.pi).squareRoot())
        return { 0.5 * $0 * (1 + Foundation.tanh(c * ($0 + 0.044715 * $0 * $0 * $0))) }
      }
      return { 0.5 * $0 * (1 + Foundation.erf($0 / Float(2).squareRoot())) }
    case .mish: return { $0 * Foundation.tanh(softPlus($0)) }
    case .hardSwish: return { $0 * Swift.min(Swift.max($0 + 3, 0), 6) / 6 }
    case .celu(let alpha):
      return { Swift.max(0, $0) + Swift.min(0, alpha * (Foundation.exp($0 / alpha) - 1)) }
    case .squareplus(let b): return { ($0 + ($0 * $0 + b).squareRoot()) / 2 }
    case .tanhShrink: return { $0 - Foundation.tanh($0) }
    case .hardTanh: return { Swift.min(Swift.max($0, -1), 1) }
    case .logSigmoid: return { -softPlus(-$0) }
    case .softShrink(let t): return { $0 > t ? $0 - t : ($0 < -t ? $0 + t : 0) }
    case .sparsePlus: return { $0 <= -1 ? 0 : ($0 >= 1 ? $0 : ($0 + 1) * ($0 + 1) / 4) }
    case .abs: return { Swift.abs($0) }
    case .sqrt: return { $0.squareRoot() }
    case .square: return { $0 * $0 }
    case .log: return { Foundation.log($0) }
    case .reciprocal: return { 1 / $0 }
    case .rsqrt: return { 1 / $0.squareRoot() }
    case .clip(let low, let high): return { $0.isNaN ? $0 : Swift.min(Swift.max($0, low), high) }
    case .notEqual(let c): return { $0 != c ? 1 : 0 }
    }
  }
}
