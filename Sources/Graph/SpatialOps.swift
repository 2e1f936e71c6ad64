/// Payloads of the spatial operations. Tensors are channels-last: `(batch, width, channels)`
/// for 1D, `(batch, height, width, channels)` for 2D (1D runs as 2D with height 1), and
/// `(batch, depth, height, width, channels)` for Conv3D and 3D pooling.

/// How a window meets the border.
public enum Padding: String {
  /// No padding: `out = floor((n − k_eff)/s) + 1`.
  case valid
  /// `out = ceil(n/s)`, padding split with the extra at the end.
  case same
  /// Conv1D only: `(k − 1)·d` zeros on the left, then valid.
  case causal
}

/// A (grouped, dilated, strided) convolution: cross-correlation with no kernel flip,
/// `y[i,j,o] = b[o] + Σ x[i·s+a·d, j·s+c·d, ch]·W[a,c,ch,o]`, each group of `in/groups`
/// input channels feeding `filters/groups` outputs. Kernel `(kh, kw, in/groups, filters)`.
public struct Convolution {
  public let kernel: [Float]
  public let bias: [Float]?
  /// `[kh, kw]` (1D: `[k]`, 3D: `[kd, kh, kw]`).
  public let size: [Int]
  public let strides: [Int]
  public let dilation: [Int]
  public let padding: Padding
  public let groups: Int
  public let inputs: Int
  public let filters: Int
  /// A ReLU folded in by the executor (`Graph.folded`): the output clamped to this range.
  public var clamp: ClosedRange<Float>?

  public init(
    kernel: [Float], bias: [Float]?, size: [Int], strides: [Int], dilation: [Int], padding: Padding, groups: Int,
    inputs: Int, filters: Int
  ) {
    (self.kernel, self.bias, self.size, self.strides, self.dilation) = (kernel, bias, size, strides, dilation)
    (self.padding, self.groups, self.inputs, self.filters) = (padding, groups, inputs, filters)
  }
}

/// A transposed convolution, `full[i·s + a·d, j·s + c·d, o] += Σ x[i, j, ci]·W[a, c, o, ci]`,
/// then cropped to the Keras output length. Kernel `(kh, kw, filters, in)`.
public struct TransposedConvolution {
  public let kernel: [Float]
  public let bias: [Float]?
  public let size: [Int]
  public let strides: [Int]
  public let dilation: [Int]
  public let padding: Padding
  /// Per spatial axis, or nil for Keras's default.
  public let outputPadding: [Int]?
  public let inputs: Int
  public let filters: Int

  public init(
    kernel: [Float], bias: [Float]?, size: [Int], strides: [Int], dilation: [Int], padding: Padding,
    outputPadding: [Int]?, inputs: Int, filters: Int
  ) {
    (self.kernel, self.bias, self.size, self.strides, self.dilation) = (kernel, bias, size, strides, dilation)
    (self.padding, self.outputPadding, self.inputs, self.filters) = (padding, outputPadding, inputs, filters)
  }
}

/// Max or average pooling over windows. Max pads with −∞; average divides by the number of
/// valid (unpadded) cells.
public struct Pooling {
  public enum Kind { case max, average }
  public let kind: Kind
  public let size: [Int]
  public let strides: [Int]
  public let padding: Padding

  public init(kind: Kind, size: [Int], strides: [Int], padding: Padding) {
    (self.kind, self.size, self.strides, self.padding) = (kind, size, strides, padding)
  }
}

/// Spatial window arithmetic shared by convolutions and pooling, with Keras's padding rules.
public enum Window {
  /// Output length for input length `n` (nil stays nil).
  public static func outputLength(_ n: Int?, size: Int, stride: Int, dilation: Int, padding: Padding) -> Int? {
    guard let n else { return nil }
    let effective = (size - 1) * dilation + 1
    switch padding {
    case .valid: return n >= effective ? (n - effective) / stride + 1 : 0
    case .same, .causal: return (n + stride - 1) / stride
    }
  }

  /// Padding before the first element.
  public static func padBefore(_ n: Int, size: Int, stride: Int, dilation: Int, padding: Padding) -> Int {
    let effective = (size - 1) * dilation + 1
    switch padding {
    case .valid: return 0
    case .causal: return effective - 1
    case .same:
      let out = (n + stride - 1) / stride
      return max((out - 1) * stride + effective - n, 0) / 2
    }
  }

  /// Keras's transposed-convolution output length.
  public static func transposedLength(
    _ n: Int?, size: Int, stride: Int, dilation: Int, padding: Padding, outputPadding: Int?
  ) -> Int? {
    guard let n else { return nil }
    let effective = (size - 1) * dilation + 1
    guard let outputPadding else {
      return padding == .valid ? n * stride + max(effective - stride, 0) : n * stride
    }
    let pad = padding == .same ? effective / 2 : 0
    return (n - 1) * stride + effective - 2 * pad + outputPadding
  }
}
