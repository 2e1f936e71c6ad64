import Graph

extension LayerKind {
  /// CategoryEncoding: integer ids (stored as floats) of `(batch, k)` encoded over
  /// `num_tokens` classes (see `encodeCategories`).
  static let categoryEncoding = LayerKind(
    keys: ["num_tokens", "output_mode"],
    build: { context in
      if context.bool("sparse", default: false) { throw context.error("sparse output is not supported") }
      let tokens = try context.int("num_tokens")
      return [
        try context.encodeCategories(
          context.input, mode: context.string("output_mode", default: "multi_hot"), depth: tokens)
      ]
    })
}

extension LayerContext {
  /// Ids `(batch, k)` as Keras's preprocessing layers encode them over `depth` classes:
  /// `one_hot` (k = 1: `(batch, depth)`; else Keras 3's `(batch, k, depth)`), `multi_hot` (1
  /// where an id occurs in the row), `count` (how often). An id outside `0..<depth` is an
  /// error, as in Keras.
  func encodeCategories(_ ids: Graph.Value, mode: String, depth: Int) throws -> Graph.Value {
    let shape = graph.shape(ids)
    guard shape.rank == 2, let width = shape.dims[1] else {
      throw error("expected ids of shape (batch, k) with k known, got \(shape)")
    }
    let hot = try add(.oneHot(depth: depth), [ids])
    switch mode {
    case "one_hot":
      return width == 1 ? try add(.reshape(target: [depth]), [hot]) : hot
    case "multi_hot":
      return try add(.reduce(Reduction(kind: .max, axes: [1], keepDims: false)), [hot])
    case "count":
      return try add(.reduce(Reduction(kind: .sum, axes: [1], keepDims: false)), [hot])
    default:
      throw error("output_mode '\(mode)' is not supported (int, one_hot, multi_hot and count are)")
    }
  }
}
