import Graph

extension LayerKind {
  /// Discretization with `output_mode="int"`: each value's bucket, the index of the first of
  /// `bin_boundaries` above it (a value on a boundary opens the next bucket). The boundaries
  /// are in the config, given or set by `adapt()`.
  static let discretization = LayerKind(
    keys: ["bin_boundaries", "output_mode"],
    build: { context in
      let mode = context.config["output_mode"]?.string ?? "int"
      guard mode == "int" else {
        throw context.error("output_mode '\(mode)' is not supported (only 'int', the bucket index)")
      }
      guard let boundaries = context.config["bin_boundaries"]?.array?.compactMap(\.double) else {
        throw context.error("the layer has no bin_boundaries (it was never adapted)")
      }
      return [try context.add(.discretize(boundaries: boundaries.map(Float.init)))]
    })
}
