import Foundation
import Graph

/// Comma-separated samples: one row per sample, its values flattened in C order.
public enum CSV {
  /// Reads rows into a `(rows, featureShape…)` tensor. A first row that is not all numbers
  /// is taken as a header and skipped.
  public static func read(_ text: String, featureShape: [Int], file: String = "<csv>") throws -> Tensor {
    var lines = text.split(whereSeparator: \.isNewline).map(String.init).filter {
      !$0.trimmingCharacters(in: .whitespaces).isEmpty
    }
    var header: String? = nil
    if let first = lines.first,
      first.split(separator: ",").contains(where: { Float($0.trimmingCharacters(in: .whitespaces)) == nil })
    {
      header = lines.removeFirst()
    }
    guard !lines.isEmpty else {
      throw TensorIOError(
        file: file,
        header.map { "no data rows (the only row, '\($0)', is not all numbers, so it was read as a header)" }
          ?? "no data rows")
    }
    let width = featureShape.reduce(1, *)
    var values: [Float] = []
    values.reserveCapacity(lines.count * width)
    for (index, line) in lines.enumerated() {
      let fields = line.split(separator: ",", omittingEmptySubsequences: false)
      guard fields.count == width else {
        throw TensorIOError(
          file: file, "row \(index + 1) has \(fields.count) values, the model input \(featureShape) needs \(width)")
      }
      for field in fields {
        guard let value = Float(field.trimmingCharacters(in: .whitespaces)) else {
          throw TensorIOError(file: file, "row \(index + 1): '\(field)' is not a number")
        }
        values.append(value)
      }
    }
    return Tensor(shape: [lines.count] + featureShape, data: values)
  }

  /// Reads rows of one width, that of the first all-numbers row, into a `(rows, width)` tensor.
  public static func read(_ text: String, file: String = "<csv>") throws -> Tensor {
    let first = text.split(whereSeparator: \.isNewline).first { line in
      !line.trimmingCharacters(in: .whitespaces).isEmpty
        && line.split(separator: ",").allSatisfy { Float($0.trimmingCharacters(in: .whitespaces)) != nil }
    }
    let width = first.map { $0.split(separator: ",", omittingEmptySubsequences: false).count } ?? 1
    return try read(text, featureShape: [width], file: file)
  }

  /// One row per sample; several outputs sit side by side, with a header naming each column
  /// `output[index]` so none is silently dropped.
  public static func write(_ outputs: [(name: String, tensor: Tensor)]) -> String {
    guard let rows = outputs.first?.tensor.shape.first else { return "" }
    var lines: [String] = []
    if outputs.count > 1 {
      lines.append(
        outputs.flatMap { output in (0..<(output.tensor.count / max(rows, 1))).map { "\(output.name)[\($0)]" } }.joined(
          separator: ","))
    }
    for row in 0..<rows {
      lines.append(
        outputs.map { output in
          let width = output.tensor.count / max(rows, 1)
          return output.tensor.data[(row * width)..<((row + 1) * width)].map { "\($0)" }.joined(separator: ",")
        }.joined(separator: ","))
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
