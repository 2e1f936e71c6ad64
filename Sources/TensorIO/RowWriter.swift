import Foundation
import Graph

/// Turns batches of output rows into bytes, batch by batch, so they can leave as they are
/// computed. `finish` gives the bytes after the last batch (in pieces, written in order, so
/// rows held back are not copied again) and, for a format whose header holds the row count
/// (`.npy` written before the count was known), the header to write over the first bytes.
public protocol RowWriter {
  mutating func write(_ batch: [OutputColumns], rows: Int) throws -> [UInt8]
  mutating func finish() throws -> (tail: [[UInt8]], header: [UInt8]?)
}

/// CSV or TSV: one line per row, the groups side by side; a header line naming each column
/// when there is more than one group (or `header`). Large batches are formatted on every core.
public struct DelimitedWriter: RowWriter {
  let delimiter: UInt8
  let precision: Int?
  var header: Bool
  private var wroteHeader = false

  public init(delimiter: UInt8, precision: Int?, header: Bool) {
    self.delimiter = delimiter
    self.precision = precision
    self.header = header
  }

  public mutating func write(_ batch: [OutputColumns], rows: Int) throws -> [UInt8] {
    var header: [UInt8] = []
    if !wroteHeader, self.header || batch.count > 1 {
      header = Array(batch.flatMap(\.columnNames).joined(separator: String(UnicodeScalar(delimiter))).utf8) + [10]
    }
    wroteHeader = true
    let parts = rows < 1024 ? 1 : ProcessInfo.processInfo.activeProcessorCount
    let rowBound = Self.rowBound(batch)
    let (delimiter, precision) = (self.delimiter, self.precision)
    // Each part's lines are written at its own place in one buffer, then moved up to close the gaps.
    return [UInt8](unsafeUninitializedCapacity: header.count + rows * rowBound) { buffer, initialized in
      let base = buffer.baseAddress!
      _ = UnsafeMutableBufferPointer(start: base, count: header.count).initialize(from: header)
      let ranges = (0..<parts).map { (rows * $0 / parts)..<(rows * ($0 + 1) / parts) }
      var written = [Int](repeating: 0, count: parts)
      let lock = NSLock()
      DispatchQueue.concurrentPerform(iterations: parts) { part in
        let count = Self.format(
          batch, ranges[part], delimiter: delimiter, precision: precision,
          to: base + header.count + ranges[part].lowerBound * rowBound)
        lock.withLock { written[part] = count }
      }
      var filled = header.count
      for part in 0..<parts {
        let start = header.count + ranges[part].lowerBound * rowBound
        if filled != start { (base + filled).update(from: base + start, count: written[part]) }
        filled += written[part]
      }
      initialized = filled
    }
  }

  /// The most bytes one row takes, every value at its longest spelling.
  private static func rowBound(_ batch: [OutputColumns]) -> Int {
    var bound = 1
    for columns in batch {
      switch columns.values {
      case .floats: bound += columns.width * (FloatFormatting.maximumLength + 1)
      case .indices: bound += columns.width * 21
      case .labels(let labels): bound += columns.width * (2 * (labels.map(\.utf8.count).max() ?? 0) + 3)
      }
    }
    return bound
  }

  /// Writes the lines of `rows` at `out` (room for `rowBound` bytes a row); returns the bytes written.
  private static func format(
    _ batch: [OutputColumns], _ rows: Range<Int>, delimiter: UInt8, precision: Int?, to out: UnsafeMutablePointer<UInt8>
  ) -> Int {
    // The common case, one group of floats, is one C loop.
    if batch.count == 1, case .floats(let values) = batch[0].values {
      let width = batch[0].width
      return values.withUnsafeBufferPointer { values in
        FloatFormatting.writeRows(
          values.baseAddress! + rows.lowerBound * width, rows: rows.count, width: width, delimiter: delimiter,
          precision: precision, to: out)
      }
    }
    var cursor = out
    for row in rows {
      var first = true
      for columns in batch {
        let width = columns.width
        if !first {
          cursor.pointee = delimiter
          cursor += 1
        }
        first = false
        switch columns.values {
        case .floats(let values):
          values.withUnsafeBufferPointer { values in
            for column in 0..<width {
              if column > 0 {
                cursor.pointee = delimiter
                cursor += 1
              }
              cursor += FloatFormatting.write(values[row * width + column], to: cursor, precision: precision)
            }
          }
        case .indices(let values):
          for column in 0..<width {
            if column > 0 {
              cursor.pointee = delimiter
              cursor += 1
            }
            for byte in String(values[row * width + column]).utf8 {
              cursor.pointee = byte
              cursor += 1
            }
          }
        case .labels(let values):
          for column in 0..<width {
            if column > 0 {
              cursor.pointee = delimiter
              cursor += 1
            }
            var field: [UInt8] = []
            appendField(values[row * width + column], delimiter: delimiter, to: &field)
            for byte in field {
              cursor.pointee = byte
              cursor += 1
            }
          }
        }
      }
      cursor.pointee = 10
      cursor += 1
    }
    return cursor - out
  }

  public mutating func finish() throws -> (tail: [[UInt8]], header: [UInt8]?) { ([], nil) }

  /// A label, quoted (RFC 4180) when it holds the delimiter, a quote or a line end.
  static func appendField(_ text: String, delimiter: UInt8, to out: inout [UInt8]) {
    let bytes = Array(text.utf8)
    guard bytes.contains(where: { $0 == delimiter || $0 == 34 || $0 == 10 || $0 == 13 }) else {
      out += bytes
      return
    }
    out.append(34)
    for byte in bytes {
      if byte == 34 { out.append(34) }
      out.append(byte)
    }
    out.append(34)
  }
}

/// Newline-delimited JSON: per row, the value of the single group (a number, a string or an
/// array nested to the row's shape), or an object of the groups by name.
public struct NDJSONWriter: RowWriter {
  let precision: Int?

  public init(precision: Int?) { self.precision = precision }

  public mutating func write(_ batch: [OutputColumns], rows: Int) throws -> [UInt8] {
    var out: [UInt8] = []
    for row in 0..<rows {
      if batch.count == 1 {
        JSONText.appendRow(batch[0], row, precision: precision, to: &out)
      } else {
        out.append(UInt8(ascii: "{"))
        for (index, columns) in batch.enumerated() {
          if index > 0 { out.append(UInt8(ascii: ",")) }
          JSONText.appendString(columns.name, to: &out)
          out.append(UInt8(ascii: ":"))
          JSONText.appendRow(columns, row, precision: precision, to: &out)
        }
        out.append(UInt8(ascii: "}"))
      }
      out.append(10)
    }
    return out
  }

  public mutating func finish() throws -> (tail: [[UInt8]], header: [UInt8]?) { ([], nil) }
}

/// One JSON document, `{"name": [row, …], …}`, written when the rows are all in.
public struct JSONDocumentWriter: RowWriter {
  let precision: Int?
  private var groups: [(name: String, rows: [[UInt8]])] = []

  public init(precision: Int?) { self.precision = precision }

  public mutating func write(_ batch: [OutputColumns], rows: Int) throws -> [UInt8] {
    if groups.isEmpty { groups = batch.map { ($0.name, []) } }
    for (index, columns) in batch.enumerated() {
      for row in 0..<rows {
        var text: [UInt8] = []
        JSONText.appendRow(columns, row, precision: precision, to: &text)
        groups[index].rows.append(text)
      }
    }
    return []
  }

  public mutating func finish() throws -> (tail: [[UInt8]], header: [UInt8]?) {
    var out: [UInt8] = [UInt8(ascii: "{")]
    for (index, group) in groups.enumerated() {
      if index > 0 { out += Array(", ".utf8) }
      JSONText.appendString(group.name, to: &out)
      out += Array(": [".utf8)
      for (row, text) in group.rows.enumerated() {
        if row > 0 { out += Array(", ".utf8) }
        out += text
      }
      out.append(UInt8(ascii: "]"))
    }
    out += Array("}\n".utf8)
    return ([out], nil)
  }
}

/// `.npy` of the single group: float32, or int64 for class indices. The header goes first when
/// the row count is known; else a header sized for any count is written first and replaced at
/// the end (`patchable`, a regular file), or the rows are kept until the end (a stream).
public struct NPYWriter: RowWriter {
  let totalRows: Int?
  let patchable: Bool
  private var rows = 0
  private var rowShape: [Int] = []
  private var integers = false
  /// Each batch's bytes, kept as they came (written after the header at the end).
  private var held: [[UInt8]] = []
  private var started = false
  private var reserved = 0

  public init(totalRows: Int?, patchable: Bool) {
    self.totalRows = totalRows
    self.patchable = patchable
  }

  public mutating func write(_ batch: [OutputColumns], rows count: Int) throws -> [UInt8] {
    let columns = batch[0]
    var out: [UInt8] = []
    if !started {
      started = true
      rowShape = columns.rowShape
      if case .labels = columns.values {
        throw TensorIOError(file: ".npy", "class labels are text; write them as csv, tsv, json or ndjson")
      }
      if case .indices = columns.values { integers = true }
      if let totalRows {
        out = NPY.header(shape: [totalRows] + rowShape, integers: integers)
      } else if patchable {
        out = NPY.header(shape: [Int(Int32.max)] + rowShape, integers: integers, minimumLength: 128)
        reserved = out.count
      }
    }
    rows += count
    switch columns.values {
    case .floats(let values): values.withUnsafeBytes { out += $0 }
    case .indices(let values): values.map { Int64($0).littleEndian }.withUnsafeBytes { out += $0 }
    case .labels: break
    }
    if totalRows == nil, !patchable {
      held.append(out)
      return []
    }
    return out
  }

  public mutating func finish() throws -> (tail: [[UInt8]], header: [UInt8]?) {
    if let totalRows, totalRows != rows {
      throw TensorIOError(file: ".npy", "wrote \(rows) rows, the header announced \(totalRows)")
    }
    if !started {
      return ([NPY.header(shape: [0] + rowShape, integers: integers)], nil)
    }
    if totalRows == nil, !patchable {
      defer { held = [] }
      return ([NPY.header(shape: [rows] + rowShape, integers: integers)] + held, nil)
    }
    if totalRows == nil {
      return ([], NPY.header(shape: [rows] + rowShape, integers: integers, minimumLength: reserved))
    }
    return ([], nil)
  }
}

/// `.npz`, one member per group, written when the rows are all in (a zip archive's directory
/// comes last and its members need their sizes).
public struct NPZWriter: RowWriter {
  private var groups: [(name: String, rowShape: [Int], values: [Float])] = []
  private var rows = 0

  public init() {}

  public mutating func write(_ batch: [OutputColumns], rows count: Int) throws -> [UInt8] {
    if groups.isEmpty { groups = batch.map { ($0.name, $0.rowShape, []) } }
    for (index, columns) in batch.enumerated() {
      switch columns.values {
      case .floats(let values): groups[index].values += values
      case .indices(let values): groups[index].values += values.map(Float.init)
      case .labels:
        throw TensorIOError(file: ".npz", "class labels are text; write them as csv, tsv, json or ndjson")
      }
    }
    rows += count
    return []
  }

  public mutating func finish() throws -> (tail: [[UInt8]], header: [UInt8]?) {
    let arrays = groups.map { (name: $0.name, tensor: Tensor(shape: [rows] + $0.rowShape, data: $0.values)) }
    return ([[UInt8](try NPZ.write(arrays))], nil)
  }
}

/// JSON spellings on bytes.
enum JSONText {
  static func appendRow(_ columns: OutputColumns, _ row: Int, precision: Int?, to out: inout [UInt8]) {
    let width = columns.width
    let shape = columns.rowShape
    func nested(_ start: Int, _ axis: Int) {
      guard axis < shape.count else {
        switch columns.values {
        case .floats(let values):
          let value = values[start]
          if value.isFinite {
            FloatFormatting.append(value, to: &out, precision: precision)
          } else {
            out += Array((value.isNaN ? "NaN" : value < 0 ? "-Infinity" : "Infinity").utf8)
          }
        case .indices(let values): out += Array(String(values[start]).utf8)
        case .labels(let values): appendString(values[start], to: &out)
        }
        return
      }
      let stride = shape[(axis + 1)...].reduce(1, *)
      out.append(UInt8(ascii: "["))
      for index in 0..<shape[axis] {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        nested(start + index * stride, axis + 1)
      }
      out.append(UInt8(ascii: "]"))
    }
    // Class indices and labels of width 1 are written bare, not as one-element arrays.
    if case .floats = columns.values {
      nested(row * width, 0)
    } else if width == 1 {
      nested(row, shape.count)
    } else {
      nested(row * width, 0)
    }
  }

  static func appendString(_ text: String, to out: inout [UInt8]) {
    out.append(34)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += [92, 34]
      case "\\": out += [92, 92]
      case "\n": out += [92, UInt8(ascii: "n")]
      case "\t": out += [92, UInt8(ascii: "t")]
      case "\r": out += [92, UInt8(ascii: "r")]
      default:
        if scalar.value < 0x20 {
          out += Array(String(format: "\\u%04x", scalar.value).utf8)
        } else {
          out += Array(String(scalar).utf8)
        }
      }
    }
    out.append(34)
  }
}
