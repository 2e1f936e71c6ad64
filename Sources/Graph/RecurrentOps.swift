/// A recurrent layer over `(batch, time, features)`, with an optional `(batch, time)` mask
/// as second input (1 keeps a step; 0 carries the state over it unchanged).
///
/// Gates are packed along the last axis of `kernel (in, g·u)`, `recurrentKernel (u, g·u)`, `bias`:
/// - LSTM (i, f, c, o): `z = x·W + h·U + b`; `c = σ(zf)⊙c + σ(zi)⊙act(zc)`; `h = σ(zo)⊙act(c)`.
/// - GRU (z, r, h), reset after: `[xz,xr,xh] = x·W + b₀`, `[hz,hr,hh] = h·U + b₁`, `z = σ(xz+hz)`,
///   `r = σ(xr+hr)`, `ĥ = act(xh + r⊙hh)`; reset before: `ĥ = act(xh + (r⊙h)·U_h)`;
///   both `h = z⊙h + (1−z)⊙ĥ`.
/// - SimpleRNN: `h = act(x·W + h·U + b)`.
public struct Recurrent {
  public enum Cell: Equatable {
    case lstm
    case gru(resetAfter: Bool)
    case simple

    /// Gates per unit.
    public var gates: Int {
      switch self {
      case .lstm: return 4
      case .gru: return 3
      case .simple: return 1
      }
    }
  }

  public let cell: Cell
  public let units: Int
  public let inputs: Int
  public let kernel: [Float]
  public let recurrentKernel: [Float]
  /// `g·u` values, or `2·g·u` (input bias, then recurrent bias) for a reset-after GRU.
  public let bias: [Float]?
  public let activation: Activation
  public let recurrentActivation: Activation
  public let returnSequences: Bool
  public let returnState: Bool
  public let goBackwards: Bool
  /// Masked steps output zeros instead of the previous output (Bidirectional with sequences).
  public let zeroOutputForMask: Bool

  public init(
    cell: Cell, units: Int, inputs: Int, kernel: [Float], recurrentKernel: [Float], bias: [Float]?,
    activation: Activation, recurrentActivation: Activation, returnSequences: Bool, returnState: Bool,
    goBackwards: Bool, zeroOutputForMask: Bool
  ) {
    (self.cell, self.units, self.inputs, self.kernel, self.recurrentKernel) = (
      cell, units, inputs, kernel, recurrentKernel
    )
    (self.bias, self.activation, self.recurrentActivation) = (bias, activation, recurrentActivation)
    (self.returnSequences, self.returnState, self.goBackwards) = (returnSequences, returnState, goBackwards)
    self.zeroOutputForMask = zeroOutputForMask
  }

  /// The output shapes for input `(batch, time, features)`: the sequence or last output, then
  /// the states (h, and c for LSTM) when `returnState`.
  func outputShapes(_ x: Shape) -> [Shape] {
    let last = Shape([x.dims[0], units])
    let first = returnSequences ? Shape([x.dims[0], x.dims[1], units]) : last
    guard returnState else { return [first] }
    return [first] + Array(repeating: last, count: cell == .lstm ? 2 : 1)
  }
}

/// A convolutional LSTM over `(batch, time, spatial…, channels)`: the LSTM of `Recurrent` with
/// convolutions for products, `z = conv(x, W) + b + conv(h, U)` with gates (i, f, c, o) along
/// the last axis of the kernels, h and c of shape `(batch, spatial′…, filters)`. The input
/// convolution has the layer's strides, dilation and padding; the recurrent one stride 1 and
/// "same" padding, so the state keeps its shape.
public struct ConvolutionalLSTM {
  /// Kernel `(k…, channels, 4·filters)` and the bias.
  public let input: Convolution
  /// Kernel `(k…, filters, 4·filters)`, no bias.
  public let recurrent: Convolution
  public let activation: Activation
  public let recurrentActivation: Activation
  public let returnSequences: Bool
  public let returnState: Bool
  public let goBackwards: Bool

  public init(
    input: Convolution, recurrent: Convolution, activation: Activation, recurrentActivation: Activation,
    returnSequences: Bool, returnState: Bool, goBackwards: Bool
  ) {
    (self.input, self.recurrent, self.activation, self.recurrentActivation) = (
      input, recurrent, activation, recurrentActivation
    )
    (self.returnSequences, self.returnState, self.goBackwards) = (returnSequences, returnState, goBackwards)
  }

  public var filters: Int { input.filters / 4 }
}

/// How a sequence mask is made from a layer's input.
public enum MaskSource {
  /// Embedding(mask_zero): ids `!= 0`, `(batch, time)` from `(batch, time)`.
  case nonZeroIds
  /// Masking(mask_value): any feature `!= value`, `(batch, time)` from `(batch, time, features)`.
  case notAllEqual(Float)
}
