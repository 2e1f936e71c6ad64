/// What a model's outputs predict, which decides the metrics and the objectives.
public enum Task: String, CaseIterable {
  /// One probability per class (softmax), targets as class indices or probability rows.
  case classification
  /// One probability of the positive class (sigmoid), targets 0 or 1.
  case binary
  /// Values, targets of the outputs' shape.
  case regression

  /// The task that targets of `width` columns (1 for indices) and outputs of `outputWidth`
  /// columns imply, with class indices in `labels` when the targets are indices.
  static func infer(targets: Table, outputWidth: Int, outputsAreProbabilities: Bool) -> Task {
    let integral = targets.values.allSatisfy { $0 == $0.rounded() && $0 >= 0 }
    if targets.width == 1, outputWidth >= 2, integral { return .classification }
    if targets.width == 1, outputWidth == 1, outputsAreProbabilities, targets.values.allSatisfy({ $0 == 0 || $0 == 1 })
    {
      return .binary
    }
    if targets.width == outputWidth, outputWidth >= 2, Targets.areDistributions(targets) { return .classification }
    return .regression
  }
}
