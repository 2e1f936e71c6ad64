import Foundation

/// Bounds on what a file may ask us to allocate, checked before any read: HDF5 is not hardened
/// against malformed files, and a damaged size must become an error, not an allocation failure.
enum Limits {
  /// Strings in one attribute (Keras's longest lists are layer and weight names).
  static let attributeItems = 1 << 24
  /// Bytes of one fixed-length string attribute.
  static let attributeBytes = 1 << 30

  /// The element count of a dataset of `shape` with `size`-byte elements, refused when the
  /// dimensions overflow or the values would not fit in this machine's memory.
  static func elements(_ shape: [Int], of size: Int, in dataset: Dataset) throws -> Int {
    var count = 1
    for dim in shape {
      let (product, overflow) = count.multipliedReportingOverflow(by: dim)
      guard dim >= 0, !overflow else {
        throw HDF5Error(
          file: dataset.file.path, path: dataset.path, message: "declares shape \(shape): the file is damaged")
      }
      count = product
    }
    let memory = ProcessInfo.processInfo.physicalMemory
    let bytes = UInt64(count).multipliedReportingOverflow(by: UInt64(size))
    guard !bytes.overflow, bytes.partialValue < memory / 2 else {
      throw HDF5Error(
        file: dataset.file.path, path: dataset.path,
        message: "declares shape \(shape), \(count) values: more than this machine's memory")
    }
    return count
  }
}
