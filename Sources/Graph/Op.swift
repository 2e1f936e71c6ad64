/// Every operation the engine knows. A closed enum, switched over with no `default:`, so a new
/// case shows up as compiler errors in shape inference and the kernels.
public enum Op {
  /// Graph input number `index`.
  case input(index: Int)
  /// `x·kernel + bias` over the last axis.
  case dense(Dense)
  /// An element-wise function.
  case activation(Activation)
  /// `softmax(x)` (or its log) along `axis`, max-subtracted.
  case softmax(axis: Int, log: Bool)
  /// `x·scale[c] + shift[c]` along `axis`; one-element arrays apply to every element.
  /// BatchNormalization and Rescaling both fold into this.
  case scaleShift(ScaleShift)
  /// `(x − mean)/sqrt(var + ε)·gamma + beta` over the trailing `axes` count of dimensions.
  case layerNorm(LayerNorm)
  /// `max(0,x) + alpha·min(0,x)`, alpha broadcast against the features.
  case prelu(alpha: [Float], alphaShape: [Int])
  /// C-order reshape of the features to `target` (one entry may be −1).
  case reshape(target: [Int])
  /// Axis permutation of the whole tensor, batch included (`perm[0] == 0`).
  case transpose(perm: [Int])
  /// `(batch, n)` → `(batch, times, n)`.
  case repeatVector(times: Int)
  /// Element-wise merge of two or more tensors, with numpy broadcasting, then `then` on the
  /// result: an Activation layer folded in (`Graph.folded`).
  case merge(MergeKind, then: Activation? = nil)
  /// Concatenation along `axis`.
  case concat(axis: Int)
  /// `table[ids]`: integer ids (stored as floats) to rows of the table.
  case embedding(Embedding)
  /// The input unchanged (Dropout, noise layers at inference).
  case identity
  /// The bucket of each value: the index of the first boundary above it (`upper_bound`: a
  /// value on a boundary goes to the bucket it opens, NaN to the last). Discretization.
  case discretize(boundaries: [Float])
  /// A convolution over 1 to 3 spatial axes (see `Convolution`).
  case convolution(Convolution)
  /// A transposed convolution over 1 to 3 spatial axes.
  case transposedConvolution(TransposedConvolution)
  /// Max or average pooling over 1 to 3 spatial axes.
  case pooling(Pooling)
  /// Max or mean over every spatial axis; `keepDims` keeps them as size 1.
  case globalPooling(Pooling.Kind, keepDims: Bool)
  /// Zero padding (positive) or cropping (negative) per spatial axis, `(before, after)`.
  case pad([(Int, Int)])
  /// Repeats each element `factors[i]` times along spatial axis i (nearest neighbour).
  case upsample(factors: [Int])
  /// `A·B` (or `A·Bᵀ`) over the last two axes, for every index of the leading axes.
  case batchMatMul(transposeB: Bool)
  /// An LSTM, GRU or SimpleRNN over time; inputs `[x]` or `[x, mask]`.
  case recurrent(Recurrent)
  /// A ConvLSTM over time, each step an image of 1 to 3 spatial axes; inputs `[x]` or `[x, mask]`.
  case convolutionalLSTM(ConvolutionalLSTM)
  /// A `(batch, time)` mask of 1s and 0s computed from the input.
  case mask(MaskSource)
  /// Attention scores `(batch, [heads,] Tq, Tv)` set to −1e9 where the second input, `(batch,
  /// Tq or 1, Tv or 1)`, is 0: the keys a query may not attend under the sequence masks.
  case maskScores
  /// Attention scores `(…, Tq, Tv)` with each key after its query (`j > i`) set to −1e9, so
  /// that a softmax gives it no weight: Keras's `use_causal_mask`.
  case causalMask
  /// `Σ x·m / Σ m` over time, per feature: GlobalAveragePooling1D under a mask. Inputs `[x, mask]`.
  case maskedAverage
  /// Reverses the time axis (axis 1).
  case reverseTime
  /// `(batch, time, rest…)` → `(batch·time, rest…)`, for TimeDistributed.
  case foldTime
  /// `(batch·time, rest…)` → `(batch, time, rest…)`; the second input gives batch and time.
  case unfoldTime
  /// Bilinear or nearest resize of the 2 spatial axes with half-pixel centres, as tf.image.resize.
  case resize(height: Int, width: Int, bilinear: Bool)
  /// `Πᵢ xᵢ^wᵢ` of same-shaped inputs, which must be positive (`names[i]` names input i in the
  /// error a non-positive value gives).
  case weightedProduct(weights: [Float], names: [String])
  /// Hard voting over same-shaped inputs: along the last axis, each input's argmax gets its
  /// weight in votes, and the output is the one-hot of the most voted class (ties: the lowest).
  case hardVote(weights: [Float])
  /// The sum, mean, largest or smallest value over some feature axes (see `Reduction`).
  case reduce(Reduction)
  /// `x[:, start:stop:step, …]`: one range per feature axis, positive steps.
  case slice([StridedRange])
  /// Each value, an integer id in `0..<depth` (anything else is an error), one-hot over a new
  /// last axis of `depth`.
  case oneHot(depth: Int)

  /// A short name for messages.
  public var name: String {
    switch self {
    case .input: return "Input"
    case .dense: return "Dense"
    case .activation(let activation): return "Activation(\(activation))"
    case .softmax(_, let log): return log ? "LogSoftmax" : "Softmax"
    case .scaleShift: return "ScaleShift"
    case .layerNorm: return "LayerNorm"
    case .prelu: return "PReLU"
    case .reshape: return "Reshape"
    case .transpose: return "Transpose"
    case .repeatVector: return "RepeatVector"
    case .merge(let kind, _): return kind.rawValue.capitalized
    case .concat: return "Concatenate"
    case .embedding: return "Embedding"
    case .identity: return "Identity"
    case .convolution: return "Convolution"
    case .transposedConvolution: return "TransposedConvolution"
    case .pooling(let pooling): return pooling.kind == .max ? "MaxPooling" : "AveragePooling"
    case .globalPooling(let kind, _): return kind == .max ? "GlobalMaxPooling" : "GlobalAveragePooling"
    case .pad: return "Padding"
    case .upsample: return "UpSampling"
    case .resize: return "Resize"
    case .batchMatMul: return "BatchMatMul"
    case .recurrent(let op): return "\(op.cell)".uppercased()
    case .convolutionalLSTM: return "ConvLSTM"
    case .mask: return "Mask"
    case .maskedAverage: return "MaskedAverage"
    case .causalMask: return "CausalMask"
    case .maskScores: return "MaskScores"
    case .reverseTime: return "ReverseTime"
    case .foldTime: return "FoldTime"
    case .unfoldTime: return "UnfoldTime"
    case .weightedProduct: return "WeightedProduct"
    case .hardVote: return "HardVote"
    case .discretize: return "Discretize"
    case .reduce(let op): return "Reduce\(op.kind.rawValue.capitalized)"
    case .slice: return "Slice"
    case .oneHot: return "OneHot"
    }
  }
}

/// A fully connected layer's weights, kernel in Keras's `[inputs, units]` layout.
public struct Dense {
  public let kernel: [Float]
  public let bias: [Float]?
  public let inputs: Int
  public let units: Int
  /// A ReLU folded in by the executor (`Graph.folded`): the output clamped to this range.
  public var clamp: ClosedRange<Float>?

  public init(kernel: [Float], bias: [Float]?, inputs: Int, units: Int) {
    self.kernel = kernel
    self.bias = bias
    self.inputs = inputs
    self.units = units
  }
}

/// A per-channel affine map along one axis.
public struct ScaleShift {
  public let axis: Int
  public let scale: [Float]
  public let shift: [Float]

  /// A one-element `scale` or `shift` given with a longer other is repeated to its length
  /// (the kernel reads both per channel).
  public init(axis: Int, scale: [Float], shift: [Float]) {
    let count = max(scale.count, shift.count)
    self.axis = axis
    self.scale = scale.count == 1 ? Array(repeating: scale[0], count: count) : scale
    self.shift = shift.count == 1 ? Array(repeating: shift[0], count: count) : shift
  }
}

/// Normalisation over the trailing `axes` dimensions of each sample, by one of Keras's
/// statistics, then `·gamma + beta` where given.
public struct LayerNorm {
  public enum Statistic: Equatable {
    /// LayerNormalization: `(x − mean)/√(var + ε)`, the variance biased.
    case standard
    /// LayerNormalization with `rms_scaling`: `x/√(var + ε)`.
    case varianceScaling
    /// RMSNormalization: `x/√(mean(x²) + ε)`.
    case rootMeanSquare
    /// UnitNormalization: `x·min(1/√Σx², bound)`.
    case unit(bound: Float)
    /// GroupNormalization: `(x − mean)/√(var + ε)` over every position of each of `groups`
    /// runs of channels (the last axis); `gamma` and `beta` per channel.
    case grouped(Int)
  }
  public let axes: Int
  public let gamma: [Float]?
  public let beta: [Float]?
  public let epsilon: Float
  public let statistic: Statistic

  public init(axes: Int, gamma: [Float]?, beta: [Float]?, epsilon: Float, statistic: Statistic = .standard) {
    self.axes = axes
    self.gamma = gamma
    self.beta = beta
    self.epsilon = epsilon
    self.statistic = statistic
  }
}

/// An embedding table `[vocabulary, width]`.
public struct Embedding {
  public let table: [Float]
  public let vocabulary: Int
  public let width: Int

  public init(table: [Float], vocabulary: Int, width: Int) {
    self.table = table
    self.vocabulary = vocabulary
    self.width = width
  }
}

/// How `Op.merge` combines its inputs element by element.
public enum MergeKind: String, CaseIterable {
  case add, subtract, multiply, average, maximum, minimum
}

/// A reduction over feature axes (never the batch), each removed or, with `keepDims`, kept as 1.
public struct Reduction {
  public enum Kind: String { case sum, mean, max, min }
  public let kind: Kind
  /// Axes of the whole tensor, batch 0, each at least 1, ascending.
  public let axes: [Int]
  public let keepDims: Bool

  public init(kind: Kind, axes: [Int], keepDims: Bool) {
    self.kind = kind
    self.axes = axes
    self.keepDims = keepDims
  }
}

/// `start, start + step, …` below `stop` along one axis (step ≥ 1, 0 ≤ start ≤ stop).
public struct StridedRange: Equatable {
  public let start: Int
  public let stop: Int
  public let step: Int

  public init(start: Int, stop: Int, step: Int) {
    self.start = start
    self.stop = stop
    self.step = step
  }

  /// How many indices the range takes.
  public var count: Int { stop > start ? (stop - start + step - 1) / step : 0 }
}
