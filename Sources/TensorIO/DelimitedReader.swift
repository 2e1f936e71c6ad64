import CTextCodec
import Foundation
import Graph

/// Delimited text (CSV, TSV, `;`-separated, or numbers separated by blanks as `numpy.savetxt`
/// writes them), one sample per line, read a batch at a time and parsed on every core.
///
/// - The delimiter is the first of tab, `;` and `,` found in the first line, else runs of blanks.
/// - A UTF-8 byte order mark is dropped; `\r\n` line ends and blank lines are accepted; a field may
///   be quoted (`"1.5"`) and surrounded by blanks.
/// - Header rule (`Header.automatic`): the first line is a header when none of its fields is a
///   number, or when it is `0,1,…,n−1` (pandas' default column names) and the next line holds
///   a number that is not an integer.
public final class DelimitedReader: RowSource {
  public enum Header { case automatic, present, absent }

  private let reader: ByteReader
  private let headerChoice: Header
  private var width: Int?
  /// Bytes read but not yet parsed, from the start of a line.
  private var pending: [UInt8] = []
  /// Lines consumed so far, so the next line is `consumedLines + 1`.
  private var consumedLines = 0
  private var ended = false
  /// Where the unread text of a memory-mapped file starts (after the header).
  private var mappedCursor = 0
  /// The bytes a byte order mark and a header took at the start.
  private var skippedBytes = 0
  /// Values parsed but not handed out yet, from `parsedCursor` on.
  private var parsed: [Float] = []
  private var parsedCursor = 0
  private var started = false
  /// nil: runs of blanks.
  private var delimiter: UInt8?
  private let workers = ProcessInfo.processInfo.activeProcessorCount
  /// The header line that was dropped, if any.
  public private(set) var droppedHeader: String?

  public var totalRows: Int? { nil }
  public var fractionRead: Double? { reader.size.map { $0 == 0 ? 1 : Double(reader.offset) / Double($0) } }
  private var file: String { reader.name }

  /// Rows of `width` fields (any width, fixed by the first row, when nil).
  public init(_ reader: ByteReader, width: Int?, header: Header = .automatic, delimiter: UInt8? = nil) {
    self.reader = reader
    self.width = width
    self.headerChoice = header
    self.delimiter = delimiter
  }

  /// Every row of `text`, as a `(rows, featureShape…)` tensor.
  public static func read(_ text: String, featureShape: [Int], file: String = "<text>") throws -> Tensor {
    let reader = DelimitedReader(ByteReader(bytes: Array(text.utf8), name: file), width: featureShape.reduce(1, *))
    var values: [Float] = []
    while let batch = try reader.next(rows: 1 << 16) { values += batch[0].data }
    return Tensor(shape: [values.count / max(featureShape.reduce(1, *), 1)] + featureShape, data: values)
  }

  public func next(rows: Int) throws -> [Tensor]? {
    if !started { try start() }
    let width = max(self.width ?? 0, 1)
    if let map = reader.mapped() { return try next(rows: rows, width: width, in: map) }
    // Parse four megabytes of text at a time (both cores busy, few handovers); a stream that has
    // nothing more right now hands on the rows it has.
    while (parsed.count - parsedCursor) / width < rows, !(ended && pending.isEmpty) {
      var lastLineEnd = pending.lastIndex(of: 10)
      while !ended, pending.count < 1 << 22 || lastLineEnd == nil {
        if lastLineEnd != nil, reader.size == nil, !reader.hasDataWaiting { break }
        let before = pending.count
        if try reader.read(into: &pending, count: 1 << 20) == 0 { ended = true }
        lastLineEnd = pending[before...].lastIndex(of: 10) ?? lastLineEnd
      }
      let end = ended ? pending.count : (lastLineEnd.map { $0 + 1 } ?? 0)
      guard end > 0 else { continue }
      let values = try pending.withUnsafeBufferPointer {
        try parseInParallel(UnsafeBufferPointer(rebasing: $0[0..<end]))
      }
      pending.removeFirst(end)
      if parsedCursor > 0 {
        parsed.removeFirst(parsedCursor)
        parsedCursor = 0
      }
      parsed += values
      if parsed.count >= width, reader.size == nil, !reader.hasDataWaiting { break }
    }
    let take = min(rows, (parsed.count - parsedCursor) / width)
    guard take > 0 else { return nil }
    defer { parsedCursor += take * width }
    return [Tensor(shape: [take, width], data: Array(parsed[parsedCursor..<(parsedCursor + take * width)]))]
  }

  /// The next `rows` lines of a memory-mapped file, parsed where they lie.
  private func next(rows: Int, width: Int, in map: UnsafeRawBufferPointer) throws -> [Tensor]? {
    let text = map.bindMemory(to: UInt8.self)
    guard mappedCursor < text.count else { return nil }
    var after = 0
    let lines = ensemble_count_lines(text.baseAddress! + mappedCursor, text.count - mappedCursor, rows, &after)
    let end = lines < rows ? text.count : mappedCursor + after
    let values = try parseInParallel(UnsafeBufferPointer(rebasing: text[mappedCursor..<end]), lineEnds: lines)
    mappedCursor = end
    guard values.count >= width else { return try next(rows: rows, width: width, in: map) }
    return [Tensor(shape: [values.count / width, width], data: values)]
  }

  /// Reads the first line (and the second, when the first could be pandas' column names), then
  /// fixes the delimiter, the header and the width.
  private func start() throws {
    started = true
    func read(lines: Int) throws {
      while firstLines(lines).count < lines, !ended {
        if try reader.read(into: &pending, count: 1 << 16) == 0 { ended = true }
      }
    }
    try read(lines: 1)
    if pending.starts(with: [0xEF, 0xBB, 0xBF]) {
      pending.removeFirst(3)
      skippedBytes = 3
    }
    defer {
      // A mapped file is parsed where it lies, from just after what was skipped.
      if reader.mapped() != nil {
        mappedCursor = skippedBytes
        pending = []
      }
    }
    guard let first = firstLines(1).first else { return }
    if delimiter == nil {
      delimiter = [UInt8(ascii: "\t"), UInt8(ascii: ";"), UInt8(ascii: ",")].first { first.bytes.contains($0) }
    }
    if headerChoice == .automatic, Self.arePandasNames(fields(first.bytes)) { try read(lines: 2) }
    let lines = firstLines(2)
    let firstFields = fields(first.bytes)
    let isHeader: Bool
    switch headerChoice {
    case .present: isHeader = true
    case .absent: isHeader = false
    case .automatic:
      let numbers = firstFields.map(Self.number)
      let pandasNames = Self.arePandasNames(firstFields)
      let nextHasFraction =
        lines.count > 1 && fields(lines[1].bytes).contains { Self.number($0).map { $0 != $0.rounded() } ?? false }
      isHeader = numbers.allSatisfy { $0 == nil } || (pandasNames && nextHasFraction)
    }
    if isHeader {
      droppedHeader = String(decoding: first.bytes, as: UTF8.self)
      pending.removeFirst(first.end)
      skippedBytes += first.end
      consumedLines = first.line
    }
    if width == nil, let data = isHeader ? lines.dropFirst().first : first {
      width = fields(data.bytes).count
    }
  }

  /// Whether fields read `0,1,…,n−1`, the names pandas gives unnamed columns.
  private static func arePandasNames(_ fields: [[UInt8]]) -> Bool {
    fields.enumerated().allSatisfy { String(decoding: $0.element, as: UTF8.self) == "\($0.offset)" }
  }

  /// The first complete non-blank lines of `pending`: their bytes (without the line end), their line
  /// numbers and the offset just past each.
  private func firstLines(_ count: Int) -> [(bytes: [UInt8], line: Int, end: Int)] {
    var found: [(bytes: [UInt8], line: Int, end: Int)] = []
    var start = 0
    var line = 0
    while start < pending.count, found.count < count {
      let newline = pending[start...].firstIndex(of: 10)
      // A line still arriving is not one yet.
      if newline == nil, !ended { break }
      let stop = newline ?? pending.count
      line += 1
      var bytes = Array(pending[start..<stop])
      if bytes.last == 13 { bytes.removeLast() }
      if !bytes.allSatisfy({ $0 == 32 || $0 == 9 }) { found.append((bytes, line, min(stop + 1, pending.count))) }
      start = stop + 1
    }
    return found
  }

  private func fields(_ line: [UInt8]) -> [[UInt8]] {
    line.withUnsafeBufferPointer { buffer in
      var result: [[UInt8]] = []
      forEachField(buffer) { field in result.append(Array(field)) }
      return result
    }
  }

  private static func number(_ field: [UInt8]) -> Float? {
    field.withUnsafeBufferPointer { FloatParsing.parse($0) }
  }

  /// Calls `body` with each field of one line (no line end), blanks and quotes around it removed.
  @inline(__always)
  private func forEachField(_ line: UnsafeBufferPointer<UInt8>, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void)
    rethrows
  {
    var index = 0
    let count = line.count
    @inline(__always) func isBlank(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 }
    if let delimiter {
      while true {
        var start = index
        while index < count, line[index] != delimiter { index += 1 }
        var stop = index
        while start < stop, isBlank(line[start]) && line[start] != delimiter { start += 1 }
        while stop > start, isBlank(line[stop - 1]) && line[stop - 1] != delimiter { stop -= 1 }
        if stop - start >= 2, line[start] == 34, line[stop - 1] == 34 {
          start += 1
          stop -= 1
        }
        try body(UnsafeBufferPointer(rebasing: line[start..<stop]))
        if index >= count { return }
        index += 1
      }
    } else {
      while true {
        while index < count, isBlank(line[index]) { index += 1 }
        if index >= count { return }
        let start = index
        while index < count, !isBlank(line[index]) { index += 1 }
        try body(UnsafeBufferPointer(rebasing: line[start..<index]))
      }
    }
  }

  /// Parses whole lines, split at line ends into one part per core, each part's values stored
  /// straight into its place in the one array returned.
  private func parseInParallel(_ text: UnsafeBufferPointer<UInt8>, lineEnds known: Int? = nil) throws -> [Float] {
    let end = text.count
    var cuts = [0]
    let parts = end < 1 << 16 ? 1 : workers
    for part in 1..<max(parts, 1) {
      var cut = end * part / parts
      while cut < end, text[cut - 1] != 10 { cut += 1 }
      if cut > cuts.last! && cut < end { cuts.append(cut) }
    }
    cuts.append(end)
    let pieces = (0..<(cuts.count - 1)).map { UnsafeBufferPointer(rebasing: text[cuts[$0]..<cuts[$0 + 1]]) }
    // Each part's lines bound its rows (blank lines give none), so parts never overlap.
    let width = self.width ?? 0
    var starts = [0]
    // With the line ends of the whole text known, each part is given room for all of them
    // rather than counting its own (the room a part does not use is never touched).
    for piece in pieces.dropLast() { starts.append(starts.last! + ((known ?? Self.lineEnds(piece)) + 1) * width) }
    let capacity = starts.last! + ((known ?? Self.lineEnds(pieces.last!)) + 1) * width
    var results = [Part](repeating: Part(count: 0, lines: 0, problem: nil), count: pieces.count)
    let lock = NSLock()
    var values = [Float](unsafeUninitializedCapacity: capacity) { buffer, initialized in
      let base = buffer.baseAddress!
      DispatchQueue.concurrentPerform(iterations: pieces.count) { part in
        let result = parse(pieces[part], into: base + starts[part])
        lock.withLock { results[part] = result }
      }
      // Close the gaps that blank lines left.
      var filled = 0
      for (part, result) in results.enumerated() {
        if filled != starts[part] { (base + filled).update(from: base + starts[part], count: result.count) }
        filled += result.count
      }
      initialized = filled
    }
    for result in results {
      if let (line, problem) = result.problem {
        values.removeAll()
        let number = consumedLines + line
        switch problem {
        case .notNumber(let column, let text):
          throw TensorIOError(
            file: file,
            "line \(number), column \(column): '\(text)' is not a number"
              + (number == 1 ? " (if the first line is a header, pass --header)" : ""))
        case .count(let found):
          throw TensorIOError(file: file, "line \(number) has \(found) values, expected \(width)")
        }
      }
      consumedLines += result.lines
    }
    return values
  }

  /// The line ends in `text`.
  private static func lineEnds(_ text: UnsafeBufferPointer<UInt8>) -> Int {
    guard let base = text.baseAddress else { return 0 }
    var after = 0
    return ensemble_count_lines(base, text.count, .max, &after)
  }

  /// What one part of the text gave: its values, its lines, and the first problem, with its
  /// line counted from 1 in the part.
  private struct Part {
    enum Problem {
      case notNumber(column: Int, text: String)
      case count(Int)
    }
    /// Values written.
    var count: Int
    var lines: Int
    var problem: (line: Int, Problem)?
  }

  /// The values of whole lines, checked against the width, written at `output` (room for the
  /// width times one more than the line ends): one pass over the bytes, each value parsed where
  /// it lies and stored into place.
  private func parse(_ text: UnsafeBufferPointer<UInt8>, into output: UnsafeMutablePointer<Float>) -> Part {
    let width = self.width ?? 0
    var filled = 0
    var line = 1
    var problem: (line: Int, Part.Problem)?
    // Blank-separated text splits fields at blanks; a delimiter splits them at itself alone.
    let blanks = delimiter == nil
    let separator = delimiter ?? 32
    do {
      guard let base = text.baseAddress else { return Part(count: 0, lines: 0, problem: nil) }
      let end = base + text.count
      var cursor = base
      @inline(__always) func isBlank(_ byte: UInt8) -> Bool { byte == 32 || byte == 9 }
      lineLoop: while cursor < end {
        // Plain lines in C; this loop takes the first line that is not plain, then C goes on.
        if width > 0 {
          var lines = 0
          cursor += ensemble_parse_plain_lines(cursor, end - cursor, separator, width, output + filled, &lines)
          filled += lines * width
          line += lines
          if cursor == end { break }
        }
        var column = 0
        var lineStart = true
        while true {
          // One field: blanks, an optional quote, the value, an optional quote, blanks.
          while cursor < end, isBlank(cursor.pointee), blanks || cursor.pointee != separator { cursor += 1 }
          if cursor == end || cursor.pointee == 10 || cursor.pointee == 13 {
            if blanks || lineStart { break }
          }
          lineStart = false
          var start = cursor
          if blanks {
            while cursor < end, !isBlank(cursor.pointee), cursor.pointee != 10 { cursor += 1 }
          } else {
            while cursor < end, cursor.pointee != separator, cursor.pointee != 10 { cursor += 1 }
          }
          var stop = cursor
          while stop > start, isBlank((stop - 1).pointee) || (stop - 1).pointee == 13 { stop -= 1 }
          if stop - start >= 2, start.pointee == 34, (stop - 1).pointee == 34 {
            start += 1
            stop -= 1
          }
          column += 1
          if column <= width {
            let field = UnsafeBufferPointer(start: start, count: stop - start)
            guard let value = FloatParsing.parse(field) else {
              problem = (line, .notNumber(column: column, text: String(decoding: field, as: UTF8.self)))
              break lineLoop
            }
            output[filled + column - 1] = value
          }
          if cursor < end, cursor.pointee != 10, !blanks {
            cursor += 1
            continue
          }
          if blanks, cursor < end, cursor.pointee != 10 { continue }
          break
        }
        while cursor < end, cursor.pointee != 10 { cursor += 1 }
        cursor += 1
        if column > 0 {
          guard column == width else {
            problem = (line, .count(column))
            break
          }
          filled += width
        }
        line += 1
      }
    }
    return Part(count: filled, lines: line - 1, problem: problem)
  }
}
