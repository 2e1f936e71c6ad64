import Graph

/// A picture of a model as Graphviz DOT: one box per layer (name, class, output shape,
/// parameters, FLOPs, activation), one arrow per connection, each ensemble member (or
/// expanded nested model) in a cluster labelled with its file, shared inputs outside the
/// clusters, and the merge layers filled.
///
/// ```swift
/// let dot = Picture(summary: try Summary(built), model: built.model).dot
/// ```
public struct Picture {
  public enum Direction: String, CaseIterable { case TB, LR }

  let summary: Summary
  let model: KerasModel
  public var direction: Direction = .TB
  public var showShapes = true

  public init(summary: Summary, model: KerasModel) {
    self.summary = summary
    self.model = model
  }

  /// The DOT text.
  public var dot: String {
    var lines = [
      "digraph \(quoted(summary.modelName)) {", "  rankdir=\(direction.rawValue);",
      "  node [shape=box, style=\"rounded\", fontname=\"Helvetica\", fontsize=10];",
      "  edge [color=\"#555555\"];",
    ]
    let rows = Dictionary(summary.rows.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
    let merged = !model.origins.isEmpty
    var clusters: [String: [String]] = [:]
    var order: [String] = []
    var after: [String] = []
    for layer in model.layers {
      let node = "  \(quoted(layer.name)) [\(attributes(layer, rows[layer.name], merged: merged))];"
      guard let origin = model.origins[layer.name] else {
        // Inputs first, the merge layers after the members, so Graphviz keeps model order.
        if layer.className == "InputLayer" { lines.append(node) } else { after.append(node) }
        continue
      }
      if clusters[origin] == nil { order.append(origin) }
      clusters[origin, default: []].append("  " + node)
    }
    for (index, origin) in order.enumerated() {
      lines.append("  subgraph cluster_\(index) {")
      lines.append("    label=\(quoted(origin)); style=\"rounded,dashed\"; color=\"#888888\"; fontname=\"Helvetica\";")
      lines += clusters[origin] ?? []
      lines.append("  }")
    }
    lines += after
    for layer in model.layers {
      for call in layer.calls {
        for ref in call { lines.append("  \(quoted(ref.layer)) -> \(quoted(layer.name));") }
      }
    }
    lines.append("}")
    return lines.joined(separator: "\n") + "\n"
  }

  private func attributes(_ layer: KerasLayer, _ row: Summary.Row?, merged: Bool) -> String {
    var label = ["\(layer.name)", layer.className]
    if showShapes, let row {
      label.append(
        row.outputShapes.count == 1
          ? row.outputShapes[0].description : row.outputShapes.map(\.description).joined(separator: ", "))
    }
    if let row, row.params > 0 || (row.flops ?? 0) > 0 {
      label.append(
        "\(Summary.grouped(row.params)) params, \(row.flops.map(Summary.grouped) ?? "?") FLOPs")
    }
    if let activation = layer.config["activation"]?.string, activation != "linear" { label.append(activation) }
    var result = "label=\(quoted(label.joined(separator: "\n")))"
    if layer.className == "InputLayer" {
      result += ", shape=oval"
    } else if merged, model.origins[layer.name] == nil {
      result += ", style=\"rounded,filled\", fillcolor=\"#fff3c4\""
    }
    return result
  }

  /// A DOT string literal.
  private func quoted(_ text: String) -> String {
    "\""
      + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
      .replacingOccurrences(of: "\n", with: "\\n") + "\""
  }
}
