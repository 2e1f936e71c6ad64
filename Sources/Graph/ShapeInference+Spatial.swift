/// Shape rules of the spatial operations: `(batch, spatial…, channels)` with 1 or 2 spatial axes.
extension Op {
  func spatialShape(_ x: Shape) throws -> [Shape] {
    let spatial = Array(x.dims.dropFirst().dropLast())
    guard (1...2).contains(spatial.count) || isGlobalOrPad || (spatial.count == 3 && isVolumetric), x.rank >= 3 else {
      throw GraphError.shapeMismatch(op: name, shapes: [x], reason: "expected (batch, spatial…, channels)")
    }
    let channels = x.dims.last ?? nil
    // 1D runs as 2D with height 1: window parameters are given for the last `spatial.count` axes.
    func tail(_ values: [Int]) -> [Int] { Array(values.suffix(spatial.count)) }
    switch self {
    case .convolution(let op):
      guard channels == op.inputs else {
        throw GraphError.shapeMismatch(op: name, shapes: [x], reason: "expected \(op.inputs) input channels")
      }
      let out = zip(spatial, zip(tail(op.size), zip(tail(op.strides), tail(op.dilation)))).map { n, p in
        Window.outputLength(n, size: p.0, stride: p.1.0, dilation: p.1.1, padding: op.padding)
      }
      return [Shape([x.dims[0]] + out + [op.filters])]
    case .transposedConvolution(let op):
      guard channels == op.inputs else {
        throw GraphError.shapeMismatch(op: name, shapes: [x], reason: "expected \(op.inputs) input channels")
      }
      let out = spatial.enumerated().map { axis, n in
        let index = op.size.count - spatial.count + axis
        return Window.transposedLength(
          n, size: op.size[index], stride: op.strides[index], dilation: op.dilation[index], padding: op.padding,
          outputPadding: op.outputPadding?[index])
      }
      return [Shape([x.dims[0]] + out + [op.filters])]
    case .pooling(let op):
      let out = zip(spatial, zip(tail(op.size), tail(op.strides))).map { n, p in
        Window.outputLength(n, size: p.0, stride: p.1, dilation: 1, padding: op.padding)
      }
      return [Shape([x.dims[0]] + out + [channels])]
    case .globalPooling(_, let keepDims):
      return [Shape([x.dims[0]] + (keepDims ? spatial.map { _ in 1 } : []) + [channels])]
    case .pad(let pads):
      guard pads.count == spatial.count else {
        throw GraphError.shapeMismatch(op: name, shapes: [x], reason: "expected \(pads.count) spatial axes")
      }
      let out = zip(spatial, pads).map { n, p in n.map { $0 + p.0 + p.1 } }
      if out.contains(where: { ($0 ?? 1) <= 0 }) {
        throw GraphError.shapeMismatch(op: name, shapes: [x], reason: "cropping removes every element")
      }
      return [Shape([x.dims[0]] + out + [channels])]
    case .upsample(let factors):
      guard factors.count == spatial.count else {
        throw GraphError.shapeMismatch(op: name, shapes: [x], reason: "expected \(factors.count) spatial axes")
      }
      return [Shape([x.dims[0]] + zip(spatial, factors).map { n, f in n.map { $0 * f } } + [channels])]
    case .resize(let height, let width, _):
      guard spatial.count == 2 else {
        throw GraphError.shapeMismatch(op: name, shapes: [x], reason: "expected (batch, height, width, channels)")
      }
      return [Shape([x.dims[0], height, width, channels])]
    default:
      throw GraphError.invalid("\(name) is not a spatial operation")
    }
  }

  /// Operations with 3D kernels (Conv3D, 3D pooling).
  private var isVolumetric: Bool {
    switch self {
    case .convolution, .pooling: return true
    default: return false
    }
  }

  private var isGlobalOrPad: Bool {
    if case .globalPooling = self { return true }
    return false
  }
}
