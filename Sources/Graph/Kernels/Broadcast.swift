/// Element-wise merges of two or more tensors with numpy broadcasting.
enum Broadcast {
  /// `y = x₀ ∘ x₁ ∘ …` for add, subtract, multiply, maximum, minimum; average divides the sum by
  /// N; then `then`. When every input has the output's shape (a residual addition) the output
  /// goes a block at a time, so each element is read once from each input and written once,
  /// and the activation runs while the block is in L1.
  static func merge(
    _ kind: MergeKind, _ xs: [UnsafePointer<Float>], shapes: [[Int]], _ y: UnsafeMutablePointer<Float>,
    outShape: [Int], then activation: Activation? = nil
  ) {
    let count = outShape.reduce(1, *)
    let shapes = shapes.map { expanded($0, rank: outShape.count, one: 1) }
    let combine: (Float, Float) -> Float
    switch kind {
    case .add, .average: combine = (+)
    case .subtract: combine = (-)
    case .multiply: combine = (*)
    case .maximum: combine = { Swift.max($0, $1) }
    case .minimum: combine = { Swift.min($0, $1) }
    }
    let scale = kind == .average ? 1 / Float(xs.count) : nil
    guard shapes.allSatisfy({ $0 == outShape }) else {
      copy(xs[0], shape: shapes[0], into: y, outShape: outShape)
      for (x, shape) in zip(xs.dropFirst(), shapes.dropFirst()) {
        let offsets = sourceOffsets(shape, outShape)
        for i in 0..<count { y[i] = combine(y[i], x[offsets[i]]) }
      }
      finish(y, count: count, scale: scale, activation)
      return
    }
    for start in stride(from: 0, to: count, by: 4096) {
      let (out, n) = (y + start, min(4096, count - start))
      out.update(from: xs[0] + start, count: n)
      for x in xs.dropFirst() {
        let x = x + start
        if kind == .add || kind == .average {
          for i in 0..<n { out[i] += x[i] }  // a loop that vectorises
        } else {
          for i in 0..<n { out[i] = combine(out[i], x[i]) }
        }
      }
      finish(out, count: n, scale: scale, activation)
    }
  }

  /// The average's division and the folded activation, in place.
  private static func finish(_ y: UnsafeMutablePointer<Float>, count: Int, scale: Float?, _ activation: Activation?) {
    if let scale { for i in 0..<count { y[i] *= scale } }
    if let activation { Elementwise.apply(activation, y, y, count: count) }
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
