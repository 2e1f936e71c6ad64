/// Labelled data's targets, checked against the outputs and turned into the form the metrics
/// use: for classes, one probability row per sample (one-hot for indices) and the class each
/// row names; for binary, 0/1; for values, the values.
public struct Targets {
  public let task: Task
  /// `rows × classes` for classification, `rows × 1` for binary, the outputs' shape for values.
  public let table: Table
  /// The class of each row (its largest probability), for classification and binary.
  public let labels: [Int]

  /// Why targets cannot be used, in one line.
  public struct Problem: Error, CustomStringConvertible {
    public let description: String
  }

  /// Checks `targets` (class indices, probability rows, 0/1, or values) against outputs of
  /// `outputWidth` columns for `rows` samples; `task` overrides the inferred one.
  public init(_ targets: Table, rows: Int, outputWidth: Int, outputsAreProbabilities: Bool, task given: Task?) throws {
    guard targets.rows == rows else {
      throw Problem(description: "the targets have \(targets.rows) rows and the inputs \(rows)")
    }
    if let bad = targets.values.firstIndex(where: { !$0.isFinite }) {
      throw Problem(
        description: "the target in row \(bad / max(targets.width, 1) + 1) is \(targets.values[bad]), not a number")
    }
    let inferred = Task.infer(
      targets: targets, outputWidth: outputWidth, outputsAreProbabilities: outputsAreProbabilities)
    let task = given ?? inferred
    if task == .regression, given == nil, outputsAreProbabilities, outputWidth >= 2 {
      throw Problem(
        description: "the targets are values (of \(targets.width) columns) but the models give class probabilities "
          + "(softmax over \(outputWidth)); give class indices or probability rows, or --task regression")
    }
    self.task = task
    switch task {
    case .classification:
      if targets.width == 1 {
        guard outputWidth >= 2 else { throw Problem(description: "classification needs outputs of 2 or more classes") }
        if let row = targets.values.indices.first(where: { index in
          let value = targets.values[index]
          return value != value.rounded() || value < 0 || value >= Double(outputWidth)
        }) {
          throw Problem(
            description:
              "the target in row \(row + 1) is \(targets.values[row]), not a class index in 0..<\(outputWidth)")
        }
        let labels = targets.values.map { Int($0) }
        var oneHot = [Double](repeating: 0, count: rows * outputWidth)
        for (row, label) in labels.enumerated() { oneHot[row * outputWidth + label] = 1 }
        table = Table(rows: rows, width: outputWidth, values: oneHot)
        self.labels = labels
      } else {
        guard targets.width == outputWidth, Targets.areDistributions(targets) else {
          throw Problem(
            description:
              "class targets are indices or probability rows of \(outputWidth) columns; got \(targets.width) columns")
        }
        table = targets
        labels = (0..<rows).map { row in (0..<outputWidth).max { targets[row, $0] < targets[row, $1] } ?? 0 }
      }
    case .binary:
      guard targets.width == 1, outputWidth == 1, targets.values.allSatisfy({ $0 == 0 || $0 == 1 }) else {
        throw Problem(description: "binary targets are 0 or 1, one per row, for models with one (sigmoid) output")
      }
      table = targets
      labels = targets.values.map { Int($0) }
    case .regression:
      guard targets.width == outputWidth else {
        throw Problem(description: "the targets have \(targets.width) columns and the outputs \(outputWidth)")
      }
      table = targets
      labels = []
    }
  }

  private init(task: Task, table: Table, labels: [Int]) {
    (self.task, self.table, self.labels) = (task, table, labels)
  }

  /// The targets of the rows at `indices` (a fold).
  public func rows(_ indices: [Int]) -> Targets {
    Targets(task: task, table: table.rows(indices), labels: labels.isEmpty ? [] : indices.map { labels[$0] })
  }

  /// Whether every row is non-negative and sums to 1.
  static func areDistributions(_ table: Table) -> Bool {
    (0..<table.rows).allSatisfy { row in
      let values = (0..<table.width).map { table[row, $0] }
      return values.allSatisfy { $0 >= 0 } && abs(values.reduce(0, +) - 1) < 1e-4
    }
  }

  /// Whether outputs look like probabilities: rows of one softmax, or sigmoid values in [0, 1].
  public static func areProbabilities(_ outputs: Table) -> Bool {
    outputs.width == 1 ? outputs.values.allSatisfy { (0...1).contains($0) } : areDistributions(outputs)
  }
}
