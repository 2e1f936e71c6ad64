/// Output shapes from input shapes for every operation. The same rules serve at build time
/// (with unknown `nil` dimensions) and at run time (all dimensions known).
extension Op {
  public func outputShapes(_ inputs: [Shape]) throws -> [Shape] {
    switch self {
    case .input:
      throw GraphError.invalid("an input is added with Graph.input")
    case .dense(let dense):
      let x = try single(inputs)
      guard x.rank >= 2, x.dims.last == dense.inputs else {
        throw GraphError.shapeMismatch(
          op: name, shapes: inputs, reason: "expected last dimension \(dense.inputs)")
      }
      return [Shape(x.dims.dropLast() + [dense.units])]
    case .activation, .identity, .discretize:
      return [try single(inputs)]
    case .softmax(let axis, _):
      let x = try single(inputs)
      _ = try x.axis(axis)
      return [x]
    case .scaleShift(let op):
      let x = try single(inputs)
      let axis = try x.axis(op.axis)
      guard op.scale.count == op.shift.count else {
        throw GraphError.shapeMismatch(
          op: name, shapes: inputs, reason: "\(op.scale.count) scales, \(op.shift.count) shifts")
      }
      if op.scale.count > 1, let length = x.dims[axis], length != op.scale.count {
        throw GraphError.shapeMismatch(
          op: name, shapes: inputs, reason: "expected \(op.scale.count) channels on axis \(axis)")
      }
      return [x]
    case .layerNorm(let op):
      let x = try single(inputs)
      guard op.axes < x.rank else {
        throw GraphError.shapeMismatch(op: name, shapes: inputs, reason: "too few dimensions")
      }
      return [x]
    case .prelu(_, let alphaShape):
      let x = try single(inputs)
      guard alphaShape.count == x.rank - 1 else {
        throw GraphError.shapeMismatch(op: name, shapes: inputs, reason: "alpha shape \(alphaShape)")
      }
      return [x]
    case .reshape(let target):
      let x = try single(inputs)
      return [try reshape(x, target)]
    case .transpose(let perm):
      let x = try single(inputs)
      guard perm.sorted() == Array(0..<x.rank), perm.first == 0 else {
        throw GraphError.shapeMismatch(op: name, shapes: inputs, reason: "bad permutation \(perm)")
      }
      return [Shape(perm.map { x.dims[$0] })]
    case .repeatVector(let times):
      let x = try single(inputs)
      guard x.rank == 2 else {
        throw GraphError.shapeMismatch(op: name, shapes: inputs, reason: "expected (batch, features)")
      }
      return [Shape([x.dims[0], times, x.dims[1]])]
    case .merge(let kind, _):
      return [try mergeShape(kind, inputs)]
    case .weightedProduct(let weights, _), .hardVote(let weights):
      guard inputs.count == weights.count, inputs.count >= 2, Set(inputs).count == 1, inputs[0].rank >= 2 else {
        throw GraphError.shapeMismatch(
          op: name, shapes: inputs, reason: "expected \(weights.count) inputs of one shape (batch, …, classes)")
      }
      return [inputs[0]]
    case .concat(let axis):
      return [try concatShape(axis, inputs)]
    case .embedding(let op):
      let x = try single(inputs)
      return [Shape(x.dims + [op.width])]
    case .batchMatMul(let transposeB):
      guard inputs.count == 2, inputs[0].rank >= 3, inputs[0].rank == inputs[1].rank,
        inputs[0].dims.dropLast(2).elementsEqual(inputs[1].dims.dropLast(2), by: { $0 == nil || $1 == nil || $0 == $1 })
      else {
        throw GraphError.shapeMismatch(op: name, shapes: inputs, reason: "expected two tensors of equal rank ≥ 3")
      }
      let (a, b) = (inputs[0].dims, inputs[1].dims)
      let inner = transposeB ? b[b.count - 1] : b[b.count - 2]
      guard a[a.count - 1] == nil || inner == nil || a[a.count - 1] == inner else {
        throw GraphError.shapeMismatch(op: name, shapes: inputs, reason: "inner dimensions differ")
      }
      return [Shape(a.dropLast() + [transposeB ? b[b.count - 2] : b[b.count - 1]])]
    case .convolution(let op):
      return [try convolutionShape(op, try single(inputs))]
    case .transposedConvolution(let op):
      return [try transposedConvolutionShape(op, try single(inputs))]
    case .pooling(let op):
      return [try poolingShape(op, try single(inputs))]
    case .globalPooling(_, let keepDims):
      return [try globalPoolingShape(keepDims: keepDims, try single(inputs))]
    case .pad(let pads):
      return [try padShape(pads, try single(inputs))]
    case .upsample(let factors):
      return [try upsampleShape(factors, try single(inputs))]
    case .resize(let height, let width, _):
      return [try resizeShape(height: height, width: width, try single(inputs))]
    case .recurrent(let op):
      return try recurrentShapes(op, inputs)
    case .convolutionalLSTM(let op):
      return try convolutionalLSTMShapes(op, inputs)
    case .mask:
      return [try maskShape(inputs)]
    case .maskedAverage:
      return [try maskedAverageShape(inputs)]
    case .reverseTime:
      return [try sequenceInput(inputs)]
    case .maskScores:
      guard inputs.count == 2, inputs[0].rank >= 3, inputs[1].rank == 3 else {
        throw GraphError.shapeMismatch(op: name, shapes: inputs, reason: "expected scores and a (batch, Tq, Tv) mask")
      }
      return [inputs[0]]
    case .causalMask:
      let x = try single(inputs)
      guard x.rank >= 3 else {
        throw GraphError.shapeMismatch(op: name, shapes: inputs, reason: "expected (…, Tq, Tv)")
      }
      return [x]
    case .foldTime:
      return [try foldTimeShape(inputs)]
    case .unfoldTime:
      return [try unfoldTimeShape(inputs)]
    case .reduce(let op):
      let x = try single(inputs)
      guard !op.axes.isEmpty, op.axes.allSatisfy({ (1..<x.rank).contains($0) }), op.axes == op.axes.sorted(),
        Set(op.axes).count == op.axes.count
      else {
        throw GraphError.shapeMismatch(op: name, shapes: inputs, reason: "bad feature axes \(op.axes)")
      }
      var dims: [Int?] = [x.dims[0]]
      for axis in 1..<x.rank {
        if !op.axes.contains(axis) { dims.append(x.dims[axis]) } else if op.keepDims { dims.append(1) }
      }
      return [Shape(dims)]
    case .oneHot(let depth):
      let x = try single(inputs)
      guard depth >= 1 else { throw GraphError.shapeMismatch(op: name, shapes: inputs, reason: "depth \(depth)") }
      return [Shape(x.dims + [depth])]
    case .slice(let ranges):
      let x = try single(inputs)
      guard ranges.count == x.rank - 1,
        zip(ranges, x.features).allSatisfy({ range, size in
          range.step >= 1 && range.start >= 0 && range.start <= range.stop && size.map { range.stop <= $0 } ?? false
        })
      else {
        throw GraphError.shapeMismatch(op: name, shapes: inputs, reason: "ranges \(ranges) do not fit")
      }
      var dims: [Int?] = [x.dims[0]]
      for range in ranges { dims.append(range.count) }
      return [Shape(dims)]
    }
  }

  private func single(_ inputs: [Shape]) throws -> Shape {
    guard inputs.count == 1 else {
      throw GraphError.invalid("\(name) takes one input, got \(inputs.count)")
    }
    return inputs[0]
  }

  @inline(never)
  private func reshape(_ x: Shape, _ target: [Int]) throws -> Shape {
    let known = target.filter { $0 != -1 }.reduce(1, *)
    let unknowns = target.filter { $0 == -1 }.count
    guard unknowns <= 1, known > 0 else {
      throw GraphError.shapeMismatch(op: name, shapes: [x], reason: "bad target shape \(target)")
    }
    // Dimensions built element by element: the optimised build of Swift 6.3 miscompiled the
    // implicit [Int] → [Int?] array conversion here (a crash in release builds only).
    var dims: [Int?] = [x.dims[0]]
    guard let total = Shape(x.features).count else {
      for size in target { dims.append(size == -1 ? nil : size) }
      return Shape(dims)
    }
    guard total % known == 0, unknowns == 1 || total == known else {
      throw GraphError.shapeMismatch(
        op: name, shapes: [x], reason: "\(total) values do not fit target shape \(target)")
    }
    for size in target { dims.append(size == -1 ? total / known : size) }
    return Shape(dims)
  }

  private func mergeShape(_ kind: MergeKind, _ inputs: [Shape]) throws -> Shape {
    guard inputs.count >= 2 else {
      throw GraphError.invalid("\(name) needs at least two inputs, got \(inputs.count)")
    }
    if kind == .subtract, inputs.count != 2 {
      throw GraphError.invalid("Subtract takes exactly two inputs, got \(inputs.count)")
    }
    // Keras gives a lower-rank input new axes of size 1 after the batch axis, then broadcasts.
    let rank = inputs.map(\.rank).max() ?? 0
    guard inputs.allSatisfy({ $0.rank >= 1 }) else {
      throw GraphError.shapeMismatch(op: name, shapes: inputs, reason: "an input has no batch axis")
    }
    let inputs = inputs.map { Shape(Broadcast.expanded($0.dims, rank: rank, one: 1)) }
    let dims = try (0..<rank).map { axis -> Int? in
      let known = Set(inputs.compactMap { $0.dims[axis] }.filter { $0 != 1 })
      guard known.count <= 1 else {
        throw GraphError.shapeMismatch(op: name, shapes: inputs, reason: "dimension \(axis) differs")
      }
      if let size = known.first { return size }
      return inputs.allSatisfy { $0.dims[axis] == 1 } ? 1 : nil
    }
    return Shape(dims)
  }

  private func concatShape(_ axis: Int, _ inputs: [Shape]) throws -> Shape {
    guard inputs.count >= 1, Set(inputs.map(\.rank)).count == 1 else {
      throw GraphError.shapeMismatch(op: name, shapes: inputs, reason: "ranks differ")
    }
    let resolved = try inputs[0].axis(axis)
    var dims = inputs[0].dims
    dims[resolved] = inputs.reduce(Int?(0)) { total, shape in
      total.flatMap { t in shape.dims[resolved].map { t + $0 } }
    }
    for shape in inputs.dropFirst() {
      for (index, dim) in shape.dims.enumerated() where index != resolved && index != 0 {
        guard dim == inputs[0].dims[index] else {
          throw GraphError.shapeMismatch(
            op: name, shapes: inputs,
            reason: "dimension \(index) differs, and only axis \(resolved) may")
        }
      }
    }
    return Shape(dims)
  }
}
