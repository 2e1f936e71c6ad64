import Graph

extension LayerKind {
  /// Flatten: a C-order reshape to `(batch, n)`; channels-first input is moved to channels-last first.
  static let flatten = LayerKind(
    keys: ["data_format"],
    build: { context in
      var value = context.input
      let rank = context.inputShape.rank
      if context.string("data_format", default: "channels_last") == "channels_first", rank >= 3 {
        value = try context.add(.transpose(perm: [0] + Array(2..<rank) + [1]))
      }
      return [try context.add(.reshape(target: [-1]), [value])]
    })

  /// Reshape to `target_shape` (no batch dimension; one entry may be −1).
  static let reshape = LayerKind(
    keys: ["target_shape"],
    build: { context in [try context.add(.reshape(target: try context.ints("target_shape")))] })

  /// Permute: `dims` are 1-based and leave the batch in place.
  static let permute = LayerKind(
    keys: ["dims"],
    build: { context in [try context.add(.transpose(perm: [0] + (try context.ints("dims"))))] })

  /// RepeatVector: `(batch, n)` → `(batch, times, n)`.
  static let repeatVector = LayerKind(
    keys: ["n"],
    build: { context in [try context.add(.repeatVector(times: try context.int("n")))] })
}
