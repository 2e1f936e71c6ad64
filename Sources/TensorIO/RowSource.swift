import Graph

/// Samples read a batch at a time, so a stream of any length runs in flat memory.
public protocol RowSource: AnyObject {
  /// The next at most `rows` samples of each array the source holds (one tensor per array,
  /// samples along axis 0), or nil when none are left.
  func next(rows: Int) throws -> [Tensor]?
  /// The number of samples, when known before they are read.
  var totalRows: Int? { get }
  /// How much of the source has been read, 0…1, when it can tell (a regular file's bytes).
  var fractionRead: Double? { get }
}

/// Arrays already in memory (an .npz member, an HDF5 dataset), handed out in batches.
public final class ArraySource: RowSource {
  private let arrays: [Tensor]
  private var row = 0
  public var totalRows: Int? { arrays.first?.shape.first }
  public var fractionRead: Double? { nil }

  public init(_ arrays: [Tensor]) { self.arrays = arrays }

  public func next(rows: Int) throws -> [Tensor]? {
    guard let total = totalRows, row < total else { return nil }
    let end = min(total, row + rows)
    defer { row = end }
    return arrays.map { array in
      let width = array.shape.dropFirst().reduce(1, *)
      return Tensor(
        shape: [end - row] + array.shape.dropFirst(), data: Array(array.data[(row * width)..<(end * width)]))
    }
  }
}
