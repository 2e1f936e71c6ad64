import Graph

extension LayerKind {
  /// Discretization: each value's bucket, the index of the first of `bin_boundaries` above it
  /// (a value on a boundary opens the next bucket), as the index (`output_mode="int"`) or
  /// encoded over the buckets as CategoryEncoding encodes ids (`one_hot`, `multi_hot`, `count`).
  /// The boundaries are in the config, given or set by `adapt()`.
  static let discretization = LayerKind(
    keys: ["bin_boundaries", "output_mode"],
    build: { context in
      let mode = context.config["output_mode"]?.string ?? "int"
      if context.bool("sparse", default: false) { throw context.error("sparse output is not supported") }
      guard let boundaries = context.config["bin_boundaries"]?.array?.compactMap(\.double) else {
        throw context.error("the layer has no bin_boundaries (it was never adapted)")
      }
      let buckets = try context.add(.discretize(boundaries: boundaries.map(Float.init)))
      return [mode == "int" ? buckets : try context.encodeCategories(buckets, mode: mode, depth: boundaries.count + 1)]
    })
}
