/// Why a graph could not be built or run.
public enum GraphError: Error, CustomStringConvertible, Equatable {
  /// Input shapes that the operation cannot take.
  case shapeMismatch(op: String, shapes: [Shape], reason: String)
  /// Anything else that makes an operation invalid.
  case invalid(String)
  /// Run-time input that does not fit the graph.
  case badInput(String)
  /// Run-time values of one sample (`row`, counting from 0 in the whole input) that an
  /// operation cannot take.
  case badRow(Int, String)

  public var description: String {
    switch self {
    case .shapeMismatch(let op, let shapes, let reason):
      return "\(op) cannot take \(shapes.map(\.description).joined(separator: " and ")): \(reason)"
    case .invalid(let message), .badInput(let message): return message
    case .badRow(let row, let message): return "row \(row + 1) of the input: \(message)"
    }
  }
}
