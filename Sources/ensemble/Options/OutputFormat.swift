import ArgumentParser
import Foundation
import Graph
import TensorIO

/// How predictions are written.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case csv, tsv, npy, npz, json, ndjson

  /// Whether the format is binary, so never for a terminal.
  var isBinary: Bool { self == .npy || self == .npz }

  /// The format a file name implies, if any (`.jsonl` is ndjson).
  init?(path: String) {
    let ext = URL(fileURLWithPath: path).pathExtension.lowercased()
    self.init(rawValue: ext == "jsonl" ? "ndjson" : ext)
  }

  /// Checks, before any compute, that the format can hold the output groups: `.npy` holds one
  /// array, so several need `.npz`; neither holds text labels.
  func check(groups names: [String], labels: Bool) throws {
    if self == .npy, names.count != 1 {
      throw CLIError(
        "the output has \(names.count) arrays (\(names.joined(separator: ", "))) "
          + "and .npy holds one; use --format npz (or csv, tsv, json, ndjson)", status: .usage)
    }
    if isBinary, labels {
      throw CLIError("--labels writes text; use --format csv, tsv, json or ndjson", status: .usage)
    }
  }

  /// The writer for this format. `totalRows`: the row count when known before the rows;
  /// `patchable`: whether the output's first bytes can be written again at the end.
  func writer(totalRows: Int?, patchable: Bool, precision: Int?, header: Bool) -> RowWriter {
    switch self {
    case .csv: return DelimitedWriter(delimiter: UInt8(ascii: ","), precision: precision, header: header)
    case .tsv: return DelimitedWriter(delimiter: UInt8(ascii: "\t"), precision: precision, header: header)
    case .ndjson: return NDJSONWriter(precision: precision)
    case .json: return JSONDocumentWriter(precision: precision)
    case .npy: return NPYWriter(totalRows: totalRows, patchable: patchable)
    case .npz: return NPZWriter()
    }
  }

  /// The bytes of whole `outputs` in this format (see `check`).
  func encode(_ outputs: [(name: String, tensor: Tensor)]) throws -> Data {
    try check(groups: outputs.map(\.name), labels: false)
    var writer = writer(totalRows: outputs.first?.tensor.shape.first, patchable: false, precision: nil, header: false)
    let rows = outputs.first?.tensor.shape.first ?? 0
    var bytes = try writer.write(outputs.map { OutputColumns(name: $0.name, tensor: $0.tensor) }, rows: rows)
    for piece in try writer.finish().tail { bytes += piece }
    return Data(bytes)
  }
}
