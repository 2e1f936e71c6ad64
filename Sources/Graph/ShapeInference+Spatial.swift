/// Shape rules of the spatial operations: `(batch, spatial…, channels)`, one function per op,
/// called from the exhaustive switch in ShapeInference.swift.
extension Op {
  /// The spatial axes of `x`, checked against how many the op can take.
  private func spatialAxes(_ x: Shape, allowed: ClosedRange<Int>) throws -> [Int?] {
    let spatial = Array(x.dims.dropFirst().dropLast())
    guard x.rank >= 3, allowed.contains(spatial.count) else {
      throw GraphError.shapeMismatch(
        op: name, shapes: [x], reason: "expected (batch, spatial…, channels) with \(allowed) spatial axes")
    }
    return spatial
  }

  func convolutionShape(_ op: Convolution, _ x: Shape) throws -> Shape {
    let spatial = try spatialAxes(x, allowed: 1...3)
    guard x.dims.last == op.inputs else {
      throw GraphError.shapeMismatch(op: name, shapes: [x], reason: "expected \(op.inputs) input channels")
    }
    // 1D runs as 2D with height 1: window parameters are given for the last `spatial.count` axes.
    let tail = { (values: [Int]) in Array(values.suffix(spatial.count)) }
    let out = zip(spatial, zip(tail(op.size), zip(tail(op.strides), tail(op.dilation)))).map { n, p in
      Window.outputLength(n, size: p.0, stride: p.1.0, dilation: p.1.1, padding: op.padding)
    }
    return Shape([x.dims[0]] + out + [op.filters])
  }

  func transposedConvolutionShape(_ op: TransposedConvolution, _ x: Shape) throws -> Shape {
    let spatial = try spatialAxes(x, allowed: 1...3)
    guard x.dims.last == op.inputs else {
      throw GraphError.shapeMismatch(op: name, shapes: [x], reason: "expected \(op.inputs) input channels")
    }
    let out = spatial.enumerated().map { axis, n in
      let index = op.size.count - spatial.count + axis
      return Window.transposedLength(
        n, size: op.size[index], stride: op.strides[index], dilation: op.dilation[index], padding: op.padding,
        outputPadding: op.outputPadding?[index])
    }
    return Shape([x.dims[0]] + out + [op.filters])
  }

  func poolingShape(_ op: Pooling, _ x: Shape) throws -> Shape {
    let spatial = try spatialAxes(x, allowed: 1...3)
    let tail = { (values: [Int]) in Array(values.suffix(spatial.count)) }
    let out = zip(spatial, zip(tail(op.size), tail(op.strides))).map { n, p in
      Window.outputLength(n, size: p.0, stride: p.1, dilation: 1, padding: op.padding)
    }
    return Shape([x.dims[0]] + out + [x.dims.last ?? nil])
  }

  func globalPoolingShape(keepDims: Bool, _ x: Shape) throws -> Shape {
    let spatial = try spatialAxes(x, allowed: 1...Int.max)
    return Shape([x.dims[0]] + (keepDims ? spatial.map { _ in 1 } : []) + [x.dims.last ?? nil])
  }

  func padShape(_ pads: [(Int, Int)], _ x: Shape) throws -> Shape {
    let spatial = try spatialAxes(x, allowed: 1...Int.max)
    guard pads.count == spatial.count else {
      throw GraphError.shapeMismatch(op: name, shapes: [x], reason: "expected \(pads.count) spatial axes")
    }
    let out = zip(spatial, pads).map { n, p in n.map { $0 + p.0 + p.1 } }
    if out.contains(where: { ($0 ?? 1) <= 0 }) {
      throw GraphError.shapeMismatch(op: name, shapes: [x], reason: "cropping removes every element")
    }
    return Shape([x.dims[0]] + out + [x.dims.last ?? nil])
  }

  func upsampleShape(_ factors: [Int], _ x: Shape) throws -> Shape {
    let spatial = try spatialAxes(x, allowed: 1...3)
    guard factors.count == spatial.count else {
      throw GraphError.shapeMismatch(op: name, shapes: [x], reason: "expected \(factors.count) spatial axes")
    }
    return Shape([x.dims[0]] + zip(spatial, factors).map { n, f in n.map { $0 * f } } + [x.dims.last ?? nil])
  }

  func resizeShape(height: Int, width: Int, _ x: Shape) throws -> Shape {
    _ = try spatialAxes(x, allowed: 2...2)
    return Shape([x.dims[0], height, width, x.dims.last ?? nil])
  }
}
