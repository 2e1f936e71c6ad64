import Graph

/// One named group of output columns for a batch of rows: an output's values, or what was
/// made of them (class indices, their labels).
public struct OutputColumns {
  public enum Values {
    case floats([Float])
    case indices([Int])
    case labels([String])
  }

  public let name: String
  /// Each row's shape (`[width]` for indices and labels).
  public let rowShape: [Int]
  public let values: Values
  /// Column names for a text header, one per value of a row.
  public let columnNames: [String]

  public var width: Int { rowShape.reduce(1, *) }

  public init(name: String, rowShape: [Int], values: Values, columnNames: [String]? = nil) {
    self.name = name
    self.rowShape = rowShape
    self.values = values
    let width = rowShape.reduce(1, *)
    self.columnNames = columnNames ?? (0..<width).map { "\(name)[\($0)]" }
  }

  /// An output tensor of `(rows, …)`.
  public init(name: String, tensor: Tensor) {
    self.init(name: name, rowShape: Array(tensor.shape.dropFirst()), values: .floats(tensor.data))
  }

  /// The index of each row's largest value (the first, on ties), as `numpy.argmax` gives.
  public static func argmax(_ tensor: Tensor, name: String) -> OutputColumns {
    topK(tensor, k: 1, name: name).indices
  }

  /// Each row's `k` largest values, largest first (ties: the lower index first), and their
  /// indices.
  public static func topK(_ tensor: Tensor, k: Int, name: String) -> (indices: OutputColumns, scores: OutputColumns) {
    let rows = tensor.shape.first ?? 0
    let width = rows == 0 ? tensor.shape.dropFirst().reduce(1, *) : tensor.count / rows
    let k = min(k, width)
    var indices: [Int] = []
    var scores: [Float] = []
    indices.reserveCapacity(rows * k)
    scores.reserveCapacity(rows * k)
    tensor.data.withUnsafeBufferPointer { data in
      var chosen = [Int](repeating: 0, count: k)
      for row in 0..<rows {
        let base = row * width
        var filled = 0
        for column in 0..<width {
          let value = data[base + column]
          // Insertion into the k best so far; a NaN never beats a number.
          var position = filled
          while position > 0, value > data[base + chosen[position - 1]] { position -= 1 }
          guard position < k else { continue }
          var move = min(filled, k - 1)
          while move > position {
            chosen[move] = chosen[move - 1]
            move -= 1
          }
          chosen[position] = column
          filled = min(filled + 1, k)
        }
        for index in 0..<k {
          indices.append(chosen[index])
          scores.append(data[base + chosen[index]])
        }
      }
    }
    let suffix = k == 1 ? [""] : (0..<k).map { "[\($0)]" }
    return (
      OutputColumns(
        name: name + (k == 1 ? ":class" : ":classes"), rowShape: [k], values: .indices(indices),
        columnNames: suffix.map { "\(name):class\($0)" }),
      OutputColumns(
        name: name + ":scores", rowShape: [k], values: .floats(scores),
        columnNames: suffix.map { "\(name):score\($0)" })
    )
  }

  /// The same columns with each index replaced by `labels[index]`.
  public func labelled(_ labels: [String]) -> OutputColumns {
    guard case .indices(let indices) = values else { return self }
    return OutputColumns(
      name: name, rowShape: rowShape, values: .labels(indices.map { labels[$0] }), columnNames: columnNames)
  }
}
