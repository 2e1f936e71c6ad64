/// A dense float32 array in C order, batch first: what goes into and comes out of a graph.
public struct Tensor: Equatable {
  public var shape: [Int]
  public var data: [Float]

  public init(shape: [Int], data: [Float]) {
    precondition(shape.reduce(1, *) == data.count, "shape \(shape) does not hold \(data.count) values")
    self.shape = shape
    self.data = data
  }

  public init(zeros shape: [Int]) {
    self.init(shape: shape, data: [Float](repeating: 0, count: shape.reduce(1, *)))
  }

  /// The tensor with its axes reordered: axis i of the result is axis `perm[i]` of this one.
  public func transposed(_ perm: [Int]) -> Tensor {
    let values = [Float](unsafeUninitializedCapacity: data.count) { buffer, initialized in
      data.withUnsafeBufferPointer { Layout.transpose($0.baseAddress!, buffer.baseAddress!, shape: shape, perm: perm) }
      initialized = data.count
    }
    return Tensor(shape: perm.map { shape[$0] }, data: values)
  }

  public var count: Int { data.count }
}
