import Foundation
import Graph
import HDF5
import TensorIO
import ZIPFoundation

/// The model's inputs read from the `--input` paths a batch of samples at a time, shaped and
/// checked against the model's input shapes.
///
/// A path is a file, `-` (standard input), any stream (a FIFO, `/dev/fd/N`), or `FILE.h5:/dataset`.
/// Its format is `--input-format`, else its extension, else told from its first bytes. There is
/// one path per model input, or one path for all: an `.npz` or JSON Lines objects holding them by
/// name, or text whose columns are the inputs' values side by side, split by their widths.
/// Everything that can be checked before the first sample is read is checked when opening.
final class InputRows {
  private var sources: [Opened] = []
  private let shapes: [Shape]
  private let anyShape: Bool
  /// The text headers that were skipped, as (file, line).
  var droppedHeaders: [(file: String, line: String)] {
    sources.compactMap { opened in
      (opened.source as? DelimitedReader)?.droppedHeader.map { (opened.name, $0) }
    }
  }
  var totalRows: Int? { sources.first?.source.totalRows }
  var fractionRead: Double? { sources.first?.source.fractionRead }

  private struct Opened {
    let source: RowSource
    let name: String
    /// Rows read but not handed out yet (when sources gave batches of different sizes).
    var held: [Tensor] = []
  }

  /// `anyShape`: take arrays as they are, text rows of any width (targets).
  init(
    _ paths: [String], format: InputFormat?, header: DelimitedReader.Header, shapes: [Shape], names: [String],
    anyShape: Bool = false
  ) throws {
    self.shapes = shapes
    self.anyShape = anyShape
    guard paths.count == shapes.count || paths.count == 1 else {
      throw CLIError(
        "the model takes \(shapes.count) input\(shapes.count == 1 ? "" : "s") "
          + "(\(shapes.map(\.description).joined(separator: ", "))), got \(paths.count) --input", status: .usage)
    }
    let together = paths.count == 1 && shapes.count > 1
    for (index, path) in paths.enumerated() {
      let shape = together ? nil : shapes[index]
      let widths =
        together ? try shapes.map { try Self.width($0, path, "to split one file's columns between inputs") } : nil
      sources.append(
        Opened(
          source: try Self.open(
            path, format: format, header: header, shape: anyShape ? nil : shape, width: widths?.reduce(0, +),
            names: names),
          name: path == "-" ? "standard input" : path))
    }
    for (opened, shape) in zip(sources, shapes) where !together {
      if let source = opened.source as? NPYReader { try checkArray(source.header.shape, shape, opened.name) }
    }
  }

  /// The next at most `rows` samples of every model input, or nil when the inputs are done.
  func next(rows: Int) throws -> [Tensor]? {
    guard let first = try take(0, rows) else {
      for index in sources.indices.dropFirst() where try take(index, 1) != nil {
        throw CLIError(
          "\(sources[index].name) has more samples than \(sources[0].name)", status: .dataError)
      }
      return nil
    }
    let count = first[0].shape.first ?? 0
    var arrays = first
    for index in sources.indices.dropFirst() {
      guard let more = try take(index, count), more[0].shape.first == count else {
        throw CLIError("\(sources[index].name) has fewer samples than \(sources[0].name)", status: .dataError)
      }
      arrays += more
    }
    if anyShape { return arrays }
    if arrays.count == 1, shapes.count > 1 { arrays = split(arrays[0]) }
    guard arrays.count == shapes.count else {
      throw CLIError(
        "\(sources[0].name) holds \(arrays.count) arrays, the model takes \(shapes.count) inputs", status: .dataError)
    }
    return try arrays.indices.map { try fit(arrays[$0], shapes[$0], sources[min($0, sources.count - 1)].name) }
  }

  /// Every sample at once.
  func readAll() throws -> [Tensor] {
    var parts: [[Tensor]] = []
    while let batch = try next(rows: 1 << 16) { parts.append(batch) }
    guard let first = parts.first else {
      return shapes.map { Tensor(shape: [0] + $0.features.map { $0 ?? 0 }, data: []) }
    }
    return first.indices.map { Self.concatenate(parts, $0) }
  }

  /// `count` samples from source `index` (fewer only at its end), joining batches as needed.
  private func take(_ index: Int, _ count: Int) throws -> [Tensor]? {
    var parts: [[Tensor]] = sources[index].held.isEmpty ? [] : [sources[index].held]
    sources[index].held = []
    var have = parts.first?.first?.shape.first ?? 0
    while have < count || (index == 0 && have == 0) {
      guard let batch = try sources[index].source.next(rows: count - have) else { break }
      parts.append(batch)
      have += batch[0].shape.first ?? 0
      if index == 0 { break }
    }
    guard !parts.isEmpty else { return nil }
    let joined = parts.count == 1 ? parts[0] : parts[0].indices.map { Self.concatenate(parts, $0) }
    if have > count {
      sources[index].held = joined.map { Self.rows($0, count..<have) }
      return joined.map { Self.rows($0, 0..<count) }
    }
    return joined
  }

  /// Array `array` of every part, one after the other.
  private static func concatenate(_ parts: [[Tensor]], _ array: Int) -> Tensor {
    var data: [Float] = []
    for part in parts { data += part[array].data }
    let rows = parts.reduce(0) { $0 + ($1[array].shape.first ?? 0) }
    return Tensor(shape: [rows] + parts[0][array].shape.dropFirst(), data: data)
  }

  private static func rows(_ tensor: Tensor, _ range: Range<Int>) -> Tensor {
    let width = tensor.shape.dropFirst().reduce(1, *)
    return Tensor(
      shape: [range.count] + tensor.shape.dropFirst(),
      data: Array(tensor.data[(range.lowerBound * width)..<(range.upperBound * width)]))
  }

  /// One table's columns split into the inputs, by their widths.
  private func split(_ table: Tensor) -> [Tensor] {
    let rows = table.shape.first ?? 0
    let widths = shapes.map { $0.features.reduce(1) { $0 * ($1 ?? 1) } }
    let total = widths.reduce(0, +)
    var start = 0
    return widths.map { width in
      defer { start += width }
      var data: [Float] = []
      data.reserveCapacity(rows * width)
      for row in 0..<rows { data += table.data[(row * total + start)..<(row * total + start + width)] }
      return Tensor(shape: [rows, width], data: data)
    }
  }

  /// A batch shaped as the model input: text rows are reshaped from their flat values, arrays
  /// must match (a single sample without its batch axis is given one).
  private func fit(_ tensor: Tensor, _ shape: Shape, _ name: String) throws -> Tensor {
    let features = shape.features
    var tensor = tensor
    if tensor.shape.count == 2, features.count != 1, features.allSatisfy({ $0 != nil }) {
      let needed = features.reduce(1) { $0 * ($1 ?? 1) }
      guard tensor.shape[1] == needed else {
        throw CLIError(
          "\(name): rows of \(tensor.shape[1]) values, the model input \(shape) needs \(needed)", status: .dataError)
      }
      tensor.shape = [tensor.shape[0]] + features.map { $0 ?? 0 }
    }
    guard tensor.shape.count == shape.rank,
      zip(tensor.shape.dropFirst(), features).allSatisfy({ $1 == nil || $0 == $1 })
    else {
      throw CLIError(
        "\(name): samples of shape \(Array(tensor.shape.dropFirst())) do not fit the model input \(shape)",
        status: .dataError)
    }
    return tensor
  }

  /// An `.npy` header's shape checked against the input before any sample is read.
  private func checkArray(_ arrayShape: [Int], _ shape: Shape, _ name: String) throws {
    let features = shape.features
    let fits = { (dims: ArraySlice<Int>) in
      dims.count == features.count && zip(dims, features).allSatisfy { $1 == nil || $0 == $1 }
    }
    guard anyShape || fits(arrayShape.dropFirst()) || fits(arrayShape[...]) else {
      throw CLIError("\(name): array shape \(arrayShape) does not fit the model input \(shape)", status: .dataError)
    }
  }

  /// The number of values in one sample of `shape`, which must be fully known.
  private static func width(_ shape: Shape, _ path: String, _ why: String) throws -> Int {
    guard shape.features.allSatisfy({ $0 != nil }) else {
      throw CLIError(
        "\(path): the input \(shape) has unknown dimensions, so its values cannot be read from text "
          + "(\(why)); give it as .npy", status: .dataError)
    }
    return shape.features.reduce(1) { $0 * ($1 ?? 1) }
  }

  /// The source for one path. `shape`: the input it feeds (nil when it feeds them all);
  /// `width`: the values per text row when known.
  private static func open(
    _ path: String, format: InputFormat?, header: DelimitedReader.Header, shape: Shape?, width: Int?, names: [String]
  ) throws -> RowSource {
    if let (file, dataset) = datasetPath(path) {
      return ArraySource([try readDataset(file, dataset)])
    }
    _ = try InputBytes.kind(path, what: "an input file")
    let descriptor = path == "-" ? STDIN_FILENO : Glibc.open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      throw CLIError("\(path): cannot open: \(String(cString: strerror(errno)))", status: .noInput)
    }
    let reader = ByteReader(descriptor: descriptor, name: path == "-" ? "standard input" : path, owned: path != "-")
    let chosen = try format ?? InputFormat(path: path) ?? InputFormat(sniffing: reader.peek(64))
    switch chosen {
    case .npy:
      let source = try NPYReader(reader)
      if let shape, source.header.shape.count == shape.rank - 1 {
        // One sample without its batch axis.
        guard let batch = try source.next(rows: Int.max) else { return ArraySource([]) }
        return ArraySource([Tensor(shape: [1] + batch[0].shape, data: batch[0].data)])
      }
      return source
    case .csv, .tsv:
      let rowWidth = try width ?? shape.map { try Self.width($0, path, "a text row is flat") }
      return DelimitedReader(
        reader, width: rowWidth, header: header, delimiter: chosen == .tsv ? UInt8(ascii: "\t") : nil)
    case .jsonl:
      return JSONLinesReader(reader, names: names)
    case .npz:
      var bytes: [UInt8] = []
      while try reader.read(into: &bytes, count: 1 << 20) > 0 {}
      return ArraySource(try readArchive(Data(bytes), path, names: shape == nil ? names : nil))
    case .h5:
      throw CLIError(
        "\(path): name the dataset to read, as \(path):/group/dataset", status: .usage)
    }
  }

  /// `FILE:/dataset` when FILE exists, split.
  private static func datasetPath(_ path: String) -> (String, String)? {
    guard let colon = path.range(of: ":/", options: .backwards) else { return nil }
    let file = String(path[..<colon.lowerBound])
    guard FileManager.default.fileExists(atPath: file) else { return nil }
    return (file, String(path[path.index(after: colon.lowerBound)...]))
  }

  private static func readDataset(_ file: String, _ dataset: String) throws -> Tensor {
    Cleanup.reading(file)
    defer { Cleanup.reading(nil) }
    do {
      let data = try HDF5.File(reading: file).root.dataset(String(dataset.dropFirst()))
      let shape = data.shape
      return Tensor(shape: shape.isEmpty ? [1] : shape, data: try data.readFloats())
    } catch {
      throw CLIError("\(file):\(dataset): \(error)", status: .dataError)
    }
  }

  /// An `.npz`'s arrays: those named after the model's inputs, in input order, when `names` is
  /// given and all are there; else every array in archive order.
  private static func readArchive(_ data: Data, _ path: String, names: [String]?) throws -> [Tensor] {
    let archive: Archive
    do { archive = try Archive(data: data, accessMode: .read) } catch {
      throw CLIError("\(path): not a readable .npz (zip) archive", status: .dataError)
    }
    var arrays: [(name: String, tensor: Tensor)] = []
    for entry in archive where entry.path.hasSuffix(".npy") {
      var bytes = Data()
      do { _ = try archive.extract(entry, skipCRC32: false) { bytes.append($0) } } catch {
        throw CLIError("\(path): member \(entry.path) is damaged", status: .dataError)
      }
      arrays.append((String(entry.path.dropLast(4)), try NPY.read(bytes, file: "\(path):\(entry.path)")))
    }
    if let names, names.allSatisfy({ name in arrays.contains { $0.name == name } }) {
      return names.map { name in arrays.first { $0.name == name }!.tensor }
    }
    return arrays.map(\.tensor)
  }
}
