import ArgumentParser
import Foundation
import TensorIO

/// How an `--input` is read.
enum InputFormat: String, ExpressibleByArgument, CaseIterable {
  /// NumPy `.npy`: any numeric dtype, either byte order, C order; read a batch at a time.
  case npy
  /// NumPy `.npz`: arrays by the model's input names, else in order.
  case npz
  /// Delimited text, one sample per line: comma, tab, `;` or blanks (told from the first line).
  case csv
  /// Delimited text with tabs.
  case tsv
  /// JSON Lines: an array per line, or an object of the inputs by name.
  case jsonl
  /// An HDF5 dataset, named as `FILE.h5:/group/dataset`.
  case h5

  /// The format a file name implies, or nil to tell it from the first bytes.
  init?(path: String) {
    switch URL(fileURLWithPath: path).pathExtension.lowercased() {
    case "npy": self = .npy
    case "npz": self = .npz
    case "csv", "txt": self = .csv
    case "tsv", "tab": self = .tsv
    case "jsonl", "ndjson": self = .jsonl
    case "h5", "hdf5", "keras": self = .h5
    default: return nil
    }
  }

  /// The format of data starting with `bytes`: `.npy` and `.npz` by their magic, JSON Lines by a
  /// first `[` or `{`, else delimited text.
  init(sniffing bytes: [UInt8]) {
    if bytes.starts(with: [0x93] + Array("NUMPY".utf8)) {
      self = .npy
    } else if bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]) {
      self = .npz
    } else if bytes.starts(with: [0x89] + Array("HDF".utf8)) {
      self = .h5
    } else if let first = bytes.drop(while: { [32, 9, 10, 13, 0xEF, 0xBB, 0xBF].contains($0) }).first,
      first == UInt8(ascii: "[") || first == UInt8(ascii: "{")
    {
      self = .jsonl
    } else {
      self = .csv
    }
  }
}
