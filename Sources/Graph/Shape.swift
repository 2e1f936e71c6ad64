/// A tensor shape, batch first and channels last as in Keras; `nil` is an unknown dimension
/// (always the batch at build time, sometimes a sequence length).
public struct Shape: Equatable, Hashable, CustomStringConvertible {
  public var dims: [Int?]

  public init(_ dims: [Int?]) { self.dims = dims }

  public var rank: Int { dims.count }

  /// The dimensions past the batch.
  public var features: [Int?] { Array(dims.dropFirst()) }

  /// The number of elements, when every dimension is known.
  public var count: Int? {
    dims.reduce(Int?(1)) { total, dim in total.flatMap { t in dim.map { t * $0 } } }
  }

  /// Concrete dimensions; only valid after every dimension is known.
  public var concrete: [Int] { dims.map { $0 ?? 0 } }

  /// Keras's spelling: `(None, 28, 28, 1)`.
  public var description: String {
    let parts = dims.map { $0.map(String.init) ?? "None" }
    return "(" + parts.joined(separator: ", ") + (dims.count == 1 ? ",)" : ")")
  }

  /// A negative axis counted from the end, as Keras and numpy do.
  public func axis(_ axis: Int) throws -> Int {
    let resolved = axis < 0 ? axis + rank : axis
    guard (0..<rank).contains(resolved) else {
      throw GraphError.invalid("axis \(axis) is out of range for shape \(self)")
    }
    return resolved
  }
}
