/// Turns a `JSONValue` into text, keys in their stored order. Whole numbers print without a
/// fraction; other floats print with the shortest digits that read back exactly.
extension JSONValue {
  /// Compact text, `{"a": 1, "b": [2, 3]}` (with Python's separators, as Keras writes).
  public var text: String {
    var out = ""
    write(into: &out, indent: nil, depth: 0)
    return out
  }

  /// Text indented by two spaces, for people reading `--json` output.
  public var prettyText: String {
    var out = ""
    write(into: &out, indent: "  ", depth: 0)
    return out
  }

  private func write(into out: inout String, indent: String?, depth: Int) {
    switch self {
    case .null: out += "null"
    case .bool(let value): out += value ? "true" : "false"
    case .number(let value): out += JSONValue.format(value)
    case .string(let value): JSONValue.quote(value, into: &out)
    case .array(let items):
      writeList(
        items.map { item in { item.write(into: &$0, indent: indent, depth: depth + 1) } },
        open: "[", close: "]", into: &out, indent: indent, depth: depth)
    case .object(let members):
      writeList(
        members.map { key, value in
          {
            JSONValue.quote(key, into: &$0)
            $0 += ": "
            value.write(into: &$0, indent: indent, depth: depth + 1)
          }
        }, open: "{", close: "}", into: &out, indent: indent, depth: depth)
    }
  }

  private func writeList(
    _ writers: [(inout String) -> Void], open: String, close: String, into out: inout String,
    indent: String?, depth: Int
  ) {
    out += open
    guard !writers.isEmpty else { out += close; return }
    for (index, writer) in writers.enumerated() {
      if index > 0 { out += indent == nil ? ", " : "," }
      if let indent { out += "\n" + String(repeating: indent, count: depth + 1) }
      writer(&out)
    }
    if let indent { out += "\n" + String(repeating: indent, count: depth) }
    out += close
  }

  static func format(_ value: Double) -> String {
    if value.isNaN { return "NaN" }
    if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
    if value.rounded() == value, abs(value) < 1e15 { return String(Int(value)) }
    return "\(value)"
  }

  static func quote(_ value: String, into out: inout String) {
    out += "\""
    for scalar in value.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if scalar.value < 0x20 || scalar.value > 0x7E {
          for unit in String(scalar).utf16 { out += "\\u" + hex(unit) }
        } else {
          out.unicodeScalars.append(scalar)
        }
      }
    }
    out += "\""
  }

  private static func hex(_ unit: UInt16) -> String {
    let digits = String(unit, radix: 16)
    return String(repeating: "0", count: 4 - digits.count) + digits
  }
}
