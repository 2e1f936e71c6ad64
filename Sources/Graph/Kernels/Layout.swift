/// Kernels that move values without arithmetic: transpose, repeat, concatenate, gather.
enum Layout {
  /// C-order strides of a shape.
  static func strides(_ shape: [Int]) -> [Int] {
    var strides = [Int](repeating: 1, count: shape.count)
    for axis in stride(from: shape.count - 2, through: 0, by: -1) {
      strides[axis] = strides[axis + 1] * shape[axis + 1]
    }
    return strides
  }

  /// `y` = x with its axes permuted: output axis i is input axis `perm[i]`.
  static func transpose(
    _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, shape: [Int], perm: [Int]
  ) {
    let inStrides = strides(shape)
    let outShape = perm.map { shape[$0] }
    let sourceStrides = perm.map { inStrides[$0] }
    let count = outShape.reduce(1, *)
    var index = [Int](repeating: 0, count: outShape.count)
    var source = 0
    for out in 0..<count {
      y[out] = x[source]
      var axis = outShape.count - 1
      while axis >= 0 {
        index[axis] += 1
        source += sourceStrides[axis]
        if index[axis] < outShape[axis] { break }
        source -= sourceStrides[axis] * outShape[axis]
        index[axis] = 0
        axis -= 1
      }
    }
  }

  /// `y` = the elements of x at the ranges' indices, one range per axis after the batch.
  static func slice(
    _ ranges: [StridedRange], _ x: UnsafePointer<Float>, shape: [Int], _ y: UnsafeMutablePointer<Float>
  ) {
    let inStrides = strides(shape)
    let all = [StridedRange(start: 0, stop: shape[0], step: 1)] + ranges
    let outShape = all.map(\.count)
    let count = outShape.reduce(1, *)
    var index = [Int](repeating: 0, count: outShape.count)
    var source = zip(all, inStrides).reduce(0) { $0 + $1.0.start * $1.1 }
    for out in 0..<count {
      y[out] = x[source]
      var axis = outShape.count - 1
      while axis >= 0 {
        index[axis] += 1
        source += all[axis].step * inStrides[axis]
        if index[axis] < outShape[axis] { break }
        source -= all[axis].step * inStrides[axis] * outShape[axis]
        index[axis] = 0
        axis -= 1
      }
    }
  }

  /// `(batch, n)` → `(batch, times, n)`.
  static func repeatVector(
    _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, batch: Int, width: Int, times: Int
  ) {
    for b in 0..<batch {
      for t in 0..<times { (y + (b * times + t) * width).update(from: x + b * width, count: width) }
    }
  }

  /// Concatenates along `axis`, copying contiguous blocks.
  static func concat(
    _ xs: [UnsafePointer<Float>], shapes: [[Int]], _ y: UnsafeMutablePointer<Float>, axis: Int
  ) {
    let outer = shapes[0][..<axis].reduce(1, *)
    let blocks = shapes.map { $0[axis...].reduce(1, *) }
    let total = blocks.reduce(0, +)
    for o in 0..<outer {
      var offset = o * total
      for (x, block) in zip(xs, blocks) {
        (y + offset).update(from: x + o * block, count: block)
        offset += block
      }
    }
  }

  /// `y[i, :] = table[ids[i], :]`; ids are integers stored as floats. An id outside the
  /// table is returned as the failure, and nothing past it is written.
  /// Each id one-hot over `depth`; an id that is not an integer in `0..<depth` is an error,
  /// as Keras's CategoryEncoding makes it.
  static func oneHot(_ ids: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int, depth: Int)
    -> GraphError?
  {
    y.update(repeating: 0, count: count * depth)
    for i in 0..<count {
      guard let id = Int(exactly: ids[i]), (0..<depth).contains(id) else {
        return GraphError.badInput("category id \(ids[i]) is not an integer in 0..<\(depth)")
      }
      y[i * depth + id] = 1
    }
    return nil
  }

  static func embedding(
    _ op: Embedding, _ ids: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, count: Int
  ) -> GraphError? {
    op.table.withUnsafeBufferPointer { table in
      for i in 0..<count {
        let id = Int(exactly: ids[i]) ?? -1
        guard (0..<op.vocabulary).contains(id) else {
          return GraphError.badInput("embedding index \(ids[i]) is not an integer in 0..<\(op.vocabulary)")
        }
        (y + i * op.width).update(from: table.baseAddress! + id * op.width, count: op.width)
      }
      return nil
    }
  }
}
