import ArgumentParser
import Foundation

/// How an `--input` file is read.
enum InputFormat: String, ExpressibleByArgument, CaseIterable {
  /// NumPy `.npy`: any numeric dtype, either byte order, C order.
  case npy
  /// One sample per row, values flattened to the input shape; a header row is skipped.
  case csv

  /// The format a file name implies: `.csv` is CSV, anything else (and `-`) `.npy`.
  init(path: String) {
    self = URL(fileURLWithPath: path).pathExtension.lowercased() == "csv" ? .csv : .npy
  }
}
