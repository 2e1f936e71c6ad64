/// Element-wise merges of two or more tensors with numpy broadcasting.
enum Broadcast {
  /// `y = x₀ ∘ x₁ ∘ …` for add, subtract, multiply, maximum, minimum; average divides the sum by N.
  static func merge(
    _ kind: MergeKind, _ xs: [UnsafePointer<Float>], shapes: [[Int]], _ y: UnsafeMutablePointer<Float>,
    outShape: [Int]
  ) {
    let count = outShape.reduce(1, *)
    let shapes = shapes.map { expanded($0, rank: outShape.count, one: 1) }
    copy(xs[0], shape: shapes[0], into: y, outShape: outShape)
    let combine: (Float, Float) -> Float
    switch kind {
    case .add, .average: combine = (+)
    case .subtract: combine = (-)
    case .multiply: combine = (*)
    case .maximum: combine = { Swift.max($0, $1) }
    case .minimum: combine = { Swift.min($0, $1) }
    }
    for (x, shape) in zip(xs.dropFirst(), shapes.dropFirst()) {
      if shape == outShape, kind == .add || kind == .average {
        for i in 0..<count { y[i] += x[i] }  // the common residual case, as a loop that vectorises
      } else if shape == outShape {
        for i in 0..<count { y[i] = combine(y[i], x[i]) }
      } else {
        let offsets = sourceOffsets(shape, outShape)
        for i in 0..<count { y[i] = combine(y[i], x[offsets[i]]) }
      }
    }
    if kind == .average {
      let scale = 1 / Float(xs.count)
      for i in 0..<count { y[i] *= scale }
    }
  }

  private static func copy(
    _ x: UnsafePointer<Float>, shape: [Int], into y: UnsafeMutablePointer<Float>, outShape: [Int]
  ) {
    if shape == outShape {
      y.update(from: x, count: outShape.reduce(1, *))
      return
    }
    for (i, offset) in sourceOffsets(shape, outShape).enumerated() { y[i] = x[offset] }
  }

  /// `dims` of a lower-rank input as Keras's merge layers see it: axes of size `one` inserted
  /// after the batch axis up to `rank`.
  static func expanded<T>(_ dims: [T], rank: Int, one: T) -> [T] {
    guard dims.count < rank, let batch = dims.first else { return dims }
    return [batch] + Array(repeating: one, count: rank - dims.count) + dims.dropFirst()
  }

  /// For each output element, the offset of the input element that broadcasts to it.
  static func sourceOffsets(_ shape: [Int], _ outShape: [Int]) -> [Int] {
    let strides = Layout.strides(shape).enumerated().map { shape[$0.offset] == 1 ? 0 : $0.element }
    var offsets = [0]
    for (axis, size) in outShape.enumerated() {
      offsets = offsets.flatMap { base in (0..<size).map { base + $0 * strides[axis] } }
    }
    return offsets
  }
}
