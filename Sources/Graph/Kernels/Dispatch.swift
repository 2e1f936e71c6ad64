/// Runs one operation on concrete buffers: the switch from `Op` to its kernel.
///
/// It returns a failure instead of throwing: Swift 6.3.1's optimiser miscompiled this large
/// throwing switch, returning from it with a garbage error register (the release build
/// crashed on every model with a Reshape), so no error register is used here at all.
extension Op {
  func run(
    _ inputs: [UnsafePointer<Float>], _ inShapes: [[Int]], _ outputs: [UnsafeMutablePointer<Float>],
    _ outShapes: [[Int]], scratch: Scratch
  ) -> GraphError? {
    let x = inputs.first, y = outputs[0], shape = inShapes.first ?? []
    let count = shape.reduce(1, *)
    switch self {
    case .input:
      break
    case .dense(let op):
      MatMul.dense(op, x!, y, rows: count / op.inputs, scratch: scratch)
    case .activation(let activation):
      Elementwise.apply(activation, x!, y, count: count)
    case .softmax(let axis, let log):
      Normalization.softmax(x!, y, shape: shape, axis: axis < 0 ? axis + shape.count : axis, log: log)
    case .scaleShift(let op):
      Normalization.scaleShift(op, x!, y, shape: shape, axis: op.axis < 0 ? op.axis + shape.count : op.axis)
    case .layerNorm(let op):
      Normalization.layerNorm(op, x!, y, shape: shape)
    case .prelu(let alpha, let alphaShape):
      let offsets = Broadcast.sourceOffsets(alphaShape, Array(shape.dropFirst()))
      for i in 0..<count {
        let value = x![i]
        y[i] = value > 0 ? value : alpha[offsets[i % offsets.count]] * value
      }
    case .reshape, .identity:
      y.update(from: x!, count: count)
    case .transpose(let perm):
      Layout.transpose(x!, y, shape: shape, perm: perm)
    case .repeatVector(let times):
      Layout.repeatVector(x!, y, batch: shape[0], width: shape[1], times: times)
    case .merge(let kind, let then):
      Broadcast.merge(kind, inputs, shapes: inShapes, y, outShape: outShapes[0], then: then)
    case .concat(let axis):
      Layout.concat(inputs, shapes: inShapes, y, axis: axis < 0 ? axis + shape.count : axis)
    case .embedding(let op):
      return Layout.embedding(op, x!, y, count: count)
    case .convolution(let op):
      ConvolutionKernel.convolve(op, x!, inShape: shape, y, outShape: outShapes[0], scratch: scratch)
    case .transposedConvolution(let op) where shape.count == 5:
      VolumeKernel.transposed(op, x!, inShape: shape, y, outShape: outShapes[0], scratch: scratch)
    case .transposedConvolution(let op):
      ConvolutionKernel.transposed(op, x!, inShape: shape, y, outShape: outShapes[0], scratch: scratch)
    case .pooling(let op) where shape.count == 5:
      VolumeKernel.pooling(op, x!, inShape: shape, y, outShape: outShapes[0])
    case .pooling(let op):
      PoolingKernel.run(op, x!, inShape: shape, y, outShape: outShapes[0], scratch: scratch)
    case .globalPooling(let kind, _):
      PoolingKernel.global(kind, x!, inShape: shape, y)
    case .pad(let pads):
      SpatialKernel.pad(pads, x!, inShape: shape, y, outShape: outShapes[0])
    case .upsample:
      SpatialKernel.upsample(x!, inShape: shape, y, outShape: outShapes[0])
    case .resize(_, _, let bilinear):
      SpatialKernel.resize(bilinear: bilinear, x!, inShape: shape, y, outShape: outShapes[0])
    case .batchMatMul(let transposeB):
      MatMul.batched(x!, aShape: shape, inputs[1], bShape: inShapes[1], y, transposeB: transposeB)
    case .recurrent(let op):
      RecurrentKernel.run(op, x!, mask: inputs.count > 1 ? inputs[1] : nil, shape: shape, outputs, scratch: scratch)
    case .convolutionalLSTM(let op):
      RecurrentKernel.convolutional(
        op, x!, mask: inputs.count > 1 ? inputs[1] : nil, shape: shape, outShapes: outShapes, outputs,
        scratch: scratch)
    case .mask(let source):
      SequenceKernel.mask(source, x!, shape: shape, y)
    case .maskedAverage:
      SequenceKernel.maskedAverage(x!, inputs[1], shape: shape, y)
    case .reverseTime:
      SequenceKernel.reverseTime(x!, shape: shape, y)
    case .maskScores:
      SequenceKernel.maskScores(x!, shape: shape, inputs[1], allowShape: inShapes[1], y)
    case .causalMask:
      SequenceKernel.causalMask(x!, shape: shape, y)
    case .foldTime, .unfoldTime:
      y.update(from: x!, count: count)
    case .reduce(let op):
      ReductionKernel.run(op, x!, shape: shape, y)
    case .slice(let ranges):
      Layout.slice(ranges, x!, shape: shape, y)
    case .oneHot(let depth):
      return Layout.oneHot(x!, y, count: count, depth: depth)
    case .weightedProduct(let weights, let names):
      return Voting.weightedProduct(weights, names: names, inputs, y, shape: shape)
    case .discretize(let boundaries):
      for i in 0..<count {
        var (low, high) = (0, boundaries.count)
        while low < high {
          let middle = (low + high) / 2
          if x![i] < boundaries[middle] { high = middle } else { low = middle + 1 }
        }
        y[i] = Float(low)
      }
    case .hardVote(let weights):
      Voting.hardVote(weights, inputs, y, shape: shape)
    }
    return nil
  }
}
