import Graph

extension LayerKind {
  /// Embedding: `out = embeddings[ids]`, integer ids to rows of `(input_dim, output_dim)`.
  static let embedding = LayerKind(
    slots: { _ in [WeightSlot("embeddings")] },
    keys: ["input_dim", "output_dim", "mask_zero"],
    build: { context in
      let vocabulary = try context.int("input_dim"), width = try context.int("output_dim")
      let table = try context.weight(0, "embeddings", shape: [vocabulary, width])
      if context.bool("mask_zero", default: false) { context.outputMask = try context.add(.mask(.nonZeroIds)) }
      return [try context.add(.embedding(Embedding(table: table, vocabulary: vocabulary, width: width)))]
    })
}
