import Foundation
import Graph
import JSON

/// JSON Lines: one sample per line, either an array of numbers (nested arrays are flattened in
/// order) or an object whose members are the model's inputs by name.
public final class JSONLinesReader: RowSource {
  private let reader: ByteReader
  private let names: [String]
  private var pending: [UInt8] = []
  /// Where the unread part of `pending` starts.
  private var cursor = 0
  private var ended = false
  private var line = 0
  private var widths: [Int]?
  public var totalRows: Int? { nil }
  public var fractionRead: Double? { reader.size.map { $0 == 0 ? 1 : Double(reader.offset) / Double($0) } }

  /// `names`: the inputs an object line must hold, in the order they are returned.
  public init(_ reader: ByteReader, names: [String]) {
    self.reader = reader
    self.names = names
  }

  public func next(rows: Int) throws -> [Tensor]? {
    var columns: [[Float]] = []
    var count = 0
    while count < rows {
      guard let text = try nextLine() else { break }
      let value: JSONValue
      do { value = try JSONValue.parse(text) } catch {
        throw TensorIOError(file: reader.name, "line \(line): \(error)")
      }
      let arrays: [[Float]]
      if let members = value.members {
        arrays = try names.map { name in
          guard let member = members.first(where: { $0.0 == name }) else {
            throw TensorIOError(
              file: reader.name,
              "line \(line): no member \"\(name)\" (the model's inputs are \(names.joined(separator: ", ")))")
          }
          return try flatten(member.1)
        }
      } else {
        arrays = [try flatten(value)]
      }
      let found = arrays.map(\.count)
      if widths == nil { widths = found }
      guard found == widths else {
        throw TensorIOError(file: reader.name, "line \(line) has \(found) values, the first line had \(widths!)")
      }
      if columns.isEmpty { columns = arrays.map { _ in [] } }
      for index in arrays.indices { columns[index] += arrays[index] }
      count += 1
      if !reader.hasDataWaiting, reader.size == nil, !pending[cursor...].contains(10) { break }
    }
    guard count > 0, let widths else { return nil }
    return zip(columns, widths).map { Tensor(shape: [count, $1], data: $0) }
  }

  private func flatten(_ value: JSONValue) throws -> [Float] {
    switch value {
    case .number(let number): return [Float(number)]
    case .array(let items): return try items.flatMap(flatten)
    default:
      throw TensorIOError(file: reader.name, "line \(line): \(value.text) is not a number or an array of numbers")
    }
  }

  /// The next non-blank line, or nil at the end.
  private func nextLine() throws -> String? {
    while true {
      if let newline = pending[cursor...].firstIndex(of: 10) {
        let text = String(decoding: pending[cursor..<newline], as: UTF8.self)
        cursor = newline + 1
        line += 1
        if text.allSatisfy(\.isWhitespace) { continue }
        return text
      }
      if ended {
        guard cursor < pending.count else { return nil }
        let text = String(decoding: pending[cursor...], as: UTF8.self)
        cursor = pending.count
        line += 1
        return text.allSatisfy(\.isWhitespace) ? nil : text
      }
      pending.removeFirst(cursor)
      cursor = 0
      if try reader.read(into: &pending, count: 1 << 16) == 0 { ended = true }
    }
  }
}
