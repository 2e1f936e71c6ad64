/// Renders a `Summary` as Keras 3 prints it: a box-drawn table with "Connected to" for
/// functional models, then totals with thousands separators and byte sizes. Unlike Keras,
/// columns widen to fit so no name is cut short.
extension Summary {
  public var table: String {
    var headers = ["Layer (type)", "Output Shape", "Param #", "FLOPs"]
    if !isSequential { headers.append("Connected to") }
    let body: [[[String]]] = rows.map { row in
      var cells = [
        ["\(row.name) (\(row.className))"],
        [
          row.outputShapes.count == 1
            ? row.outputShapes[0].description : "[" + row.outputShapes.map(\.description).joined(separator: ", ") + "]"
        ],
        [Summary.grouped(row.params)],
        [row.flops.map(Summary.grouped) ?? "?"],
      ]
      if !isSequential {
        cells.append(
          row.connectedTo.isEmpty
            ? ["-"] : row.connectedTo.enumerated().map { $1 + ($0 < row.connectedTo.count - 1 ? "," : "") })
      }
      return cells
    }
    let widths = headers.indices.map { column in
      max(headers[column].count, body.map { $0[column].map(\.count).max() ?? 0 }.max() ?? 0)
    }
    func line(_ left: String, _ fill: String, _ middle: String, _ right: String) -> String {
      left + widths.map { String(repeating: fill, count: $0 + 2) }.joined(separator: middle) + right
    }
    func cells(_ values: [String], _ edge: String) -> String {
      edge
        + values.enumerated().map { column, value in
          let pad = String(repeating: " ", count: widths[column] - value.count)
          return " " + (column == 2 || column == 3 ? pad + value : value + pad) + " "
        }.joined(separator: edge) + edge
    }
    var out = ["Model: \"\(modelName)\"", line("┏", "━", "┳", "┓"), cells(headers, "┃"), line("┡", "━", "╇", "┩")]
    for (index, row) in body.enumerated() {
      for part in 0..<(row.map(\.count).max() ?? 1) {
        out.append(cells(row.map { part < $0.count ? $0[part] : "" }, "│"))
      }
      if index < body.count - 1 { out.append(line("├", "─", "┼", "┤")) }
    }
    out.append(line("└", "─", "┴", "┘"))
    out.append(" Total params: \(Summary.grouped(totalParams)) (\(Summary.bytes(totalParams * 4)))")
    out.append(" Trainable params: \(Summary.grouped(trainableParams)) (\(Summary.bytes(trainableParams * 4)))")
    out.append(
      " Non-trainable params: \(Summary.grouped(nonTrainableParams)) (\(Summary.bytes(nonTrainableParams * 4)))")
    out.append(" FLOPs per sample: \(totalFlops.map(Summary.grouped) ?? "unknown (a dimension besides the batch is)")")
    out.append(" Peak activation memory per sample: \(activationBytes.map(Summary.bytes) ?? "unknown")")
    return out.joined(separator: "\n")
  }

  /// `2880` → `2,880`.
  public static func grouped(_ value: Int) -> String {
    let digits = Array(String(value))
    return String(
      digits.enumerated().flatMap { index, digit in
        (index > 0 && (digits.count - index) % 3 == 0 ? [","] : []) + [digit]
      })
  }

  /// Keras's size spelling: `11.25 KB`, `80.00 B`.
  static func bytes(_ count: Int) -> String {
    let units = ["B", "KB", "MB", "GB", "TB"]
    var value = Double(count), unit = 0
    while value >= 1024, unit < units.count - 1 {
      value /= 1024
      unit += 1
    }
    let hundredths = Int((value * 100).rounded())
    let fraction = String(hundredths % 100)
    return "\(hundredths / 100).\(fraction.count == 1 ? "0" + fraction : fraction) \(units[unit])"
  }
}
