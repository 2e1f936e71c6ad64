import Graph

extension LayerKind {
  /// MaxPooling1D/2D and AveragePooling1D/2D: 'same' pads with −∞ for max and averages over
  /// valid cells only. `strides` defaults to `pool_size`.
  static func pooling(_ kind: Pooling.Kind, axes: Int) -> LayerKind {
    LayerKind(
      keys: ["pool_size", "strides", "padding", "data_format"],
      build: { context in
        [
          try context.channelsLast { x in
            let size = try context.window("pool_size", axes: axes, default: 2)
            let strides = try context.window("strides", axes: axes, default: size[0])
            let op = Pooling(kind: kind, size: size, strides: strides, padding: try context.padding())
            return try context.add(.pooling(op), [x])
          }
        ]
      })
  }

  /// GlobalMax/GlobalAveragePooling1D/2D: over every spatial position, `keepdims` optional.
  static func globalPooling(_ kind: Pooling.Kind) -> LayerKind {
    LayerKind(
      keys: ["data_format", "keepdims"],
      build: { context in
        let keepDims = context.bool("keepdims", default: false)
        let transposedInput = context.string("data_format", default: "channels_last") == "channels_first"
        if transposedInput && keepDims {
          return [try context.channelsLast { x in try context.add(.globalPooling(kind, keepDims: true), [x]) }]
        }
        if kind == .average, !keepDims, !transposedInput, let mask = context.inputMask, context.inputShape.rank == 3 {
          return [try context.add(.maskedAverage, [context.input, mask])]
        }
        var x = context.input
        if transposedInput {
          let rank = context.inputShape.rank
          x = try context.add(.transpose(perm: [0] + Array(2..<rank) + [1]))
        }
        return [try context.add(.globalPooling(kind, keepDims: keepDims), [x])]
      })
  }
}
