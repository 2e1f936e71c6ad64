import Graph

extension LayerKind {
  /// Add, Subtract, Multiply, Average, Maximum, Minimum: element-wise over all inputs.
  static func merging(_ kind: MergeKind) -> LayerKind {
    LayerKind(propagatesMask: true, build: { context in [try context.add(.merge(kind))] })
  }

  /// Concatenate along `axis` (default −1).
  static let concatenate = LayerKind(
    keys: ["axis"],
    build: { context in [try context.add(.concat(axis: try context.axis(default: -1)))] })
}
