/// Floating-point operations of one node, from its concrete input and output shapes; a
/// multiply and an add count as two, as most papers count them.
///
/// - Dense: `2·in·units` per output row, plus `units` for the bias.
/// - Convolution: `2·taps·(in/groups)·filters` per output pixel, plus `filters` for the bias;
///   transposed: `2·taps·filters·in` per input pixel, plus the bias per output element.
/// - Recurrent, per step: `2·(in + units)·gates·units` for the two products, plus the biases;
///   the element-wise gate arithmetic is not counted. ConvLSTM, per step and state pixel:
///   `2·taps·(in + filters)·4·filters`, plus the bias.
/// - Batched matrix product: `2·m·k·n` per matrix.
/// - Pooling: one per window tap per output element; global pooling and reductions one per
///   input element.
/// - Element-wise: 1 per output element for activations, 2 for scale-and-shift (folded
///   BatchNormalization, Rescaling), 5 for softmax (as TensorFlow's profiler counts it), 5 for
///   layer normalisation, N − 1 for a
///   merge of N inputs (N for an average), 2·N for the weighted product; hard votes count one
///   per input element.
/// - Data movement (reshape, transpose, slicing, padding, concatenation, embedding lookup,
///   masks): 0.
extension Op {
  public func flops(inputs: [[Int]], outputs: [[Int]]) -> Int {
    let input = inputs.first ?? [], output = outputs.first ?? []
    let inCount = input.reduce(1, *), outCount = output.reduce(1, *)
    switch self {
    case .input, .reshape, .transpose, .repeatVector, .concat, .embedding, .identity, .pad, .upsample, .mask,
      .reverseTime, .foldTime, .unfoldTime, .slice, .oneHot, .causalMask, .maskScores:
      return 0
    case .reduce:
      return inCount
    case .dense(let op):
      let rows = outCount / max(op.units, 1)
      return rows * (2 * op.inputs * op.units + (op.bias == nil ? 0 : op.units))
    case .convolution(let op):
      let pixels = outCount / max(op.filters, 1)
      let taps = op.size.reduce(1, *)
      return pixels * (2 * taps * (op.inputs / max(op.groups, 1)) * op.filters + (op.bias == nil ? 0 : op.filters))
    case .transposedConvolution(let op):
      let pixels = inCount / max(op.inputs, 1)
      return pixels * 2 * op.size.reduce(1, *) * op.filters * op.inputs + (op.bias == nil ? 0 : outCount)
    case .recurrent(let op):
      let steps = input.count > 1 ? input[1] : 1
      let batch = input.first ?? 1
      let width = op.cell.gates * op.units
      return batch * steps * (2 * (op.inputs + op.units) * width + (op.bias?.count ?? 0))
    case .convolutionalLSTM(let op):
      // Per step the two convolutions, counted as Convolution counts them, on the state's pixels.
      let steps = input.count > 1 ? input[1] : 1
      let state = output.dropFirst(op.returnSequences ? 2 : 1)
      let pixels = (input.first ?? 1) * state.dropLast().reduce(1, *)
      let taps = op.input.size.reduce(1, *)
      let perPixel = 2 * taps * (op.input.inputs + op.filters) * op.input.filters + (op.input.bias?.count ?? 0)
      return steps * pixels * perPixel
    case .batchMatMul(let transposeB):
      guard inputs.count == 2, input.count >= 2 else { return 0 }
      let (m, k) = (input[input.count - 2], input[input.count - 1])
      let b = inputs[1]
      let n = transposeB ? b[b.count - 2] : b[b.count - 1]
      return 2 * m * k * n * (inCount / max(m * k, 1))
    case .pooling(let op):
      return outCount * op.size.suffix(max(input.count - 2, 1)).reduce(1, *)
    case .globalPooling, .maskedAverage:
      return inCount
    case .activation, .prelu, .resize, .discretize:
      return outCount
    case .scaleShift:
      return 2 * outCount
    case .softmax:
      return 5 * outCount
    case .layerNorm:
      return 5 * outCount
    case .merge(let kind, let then):
      return outCount * (kind == .average ? inputs.count : inputs.count - 1) + (then == nil ? 0 : outCount)
    case .weightedProduct(let weights, _):
      return 2 * weights.count * outCount
    case .hardVote:
      return inputs.reduce(0) { $0 + $1.reduce(1, *) }
    }
  }
}
