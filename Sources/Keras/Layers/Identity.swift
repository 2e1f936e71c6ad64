import Graph

extension LayerKind {
  /// Dropout, the noise layers and ActivityRegularization do nothing at inference.
  static let identity = LayerKind(
    keys: ["rate", "stddev", "l1", "l2"],
    propagatesMask: true,
    build: { context in [try context.add(.identity)] })
}
