import Foundation
import Graph

/// An `.npy` stream read a batch of rows at a time: the header first, then each batch's bytes
/// read straight into the batch (little-endian float32) or converted from them.
public final class NPYReader: RowSource {
  private let reader: ByteReader
  public let header: NPY.Header
  private let rowValues: Int
  private var row = 0
  public var totalRows: Int? { header.shape.first ?? 1 }
  public var fractionRead: Double? { nil }

  public init(_ reader: ByteReader) throws {
    self.reader = reader
    var prefix: [UInt8] = []
    while prefix.count < NPY.Header.prefix, try reader.read(into: &prefix, count: NPY.Header.prefix - prefix.count) > 0
    {}
    let length = try NPY.Header.length(prefix, file: reader.name)
    while prefix.count < length, try reader.read(into: &prefix, count: length - prefix.count) > 0 {}
    header = try NPY.Header(prefix, file: reader.name)
    // A 0-d array is one sample of one value.
    let (values, overflow) = header.shape.dropFirst().reduce((1, false)) { partial, dim in
      let (product, flag) = partial.0.multipliedReportingOverflow(by: dim)
      return (product, partial.1 || flag)
    }
    guard !overflow, values.multipliedReportingOverflow(by: header.element.size).overflow == false else {
      throw TensorIOError(file: reader.name, "shape \(header.shape) is too large")
    }
    rowValues = header.shape.isEmpty ? 1 : values
  }

  public func next(rows: Int) throws -> [Tensor]? {
    let total = totalRows ?? 0
    guard row < total else { return nil }
    let count = min(rows, total - row)
    let bytes = count * rowValues * header.element.size
    var got = 0
    let values: [Float]
    if header.element.nativeFloat {
      var floats = [Float](repeating: 0, count: count * rowValues)
      got = try floats.withUnsafeMutableBytes { try reader.readFully($0) }
      values = floats
    } else {
      var raw = [UInt8](repeating: 0, count: bytes)
      got = try raw.withUnsafeMutableBytes { try reader.readFully($0) }
      values = raw.withUnsafeBytes { header.element.floats($0, count * rowValues) }
    }
    guard got == bytes else {
      throw TensorIOError(
        file: reader.name,
        "ends after \(row + got / max(rowValues * header.element.size, 1)) of the \(total) rows its header "
          + "announces (shape \(header.shape))")
    }
    let shape = header.shape.isEmpty ? [1] : [count] + header.shape.dropFirst()
    row += count
    return [Tensor(shape: shape, data: values)]
  }
}
