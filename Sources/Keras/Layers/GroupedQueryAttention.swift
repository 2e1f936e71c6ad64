import Graph
import JSON

extension LayerKind {
  /// Keras 3's GroupQueryAttention: MultiHeadAttention with `num_query_heads` query heads and
  /// `num_key_value_heads` key and value heads, each of those shared by `q/kv` consecutive query
  /// heads (`ops.repeat` along the heads), scores scaled by `1/√head_dim`; with `use_gate`, the
  /// joined heads are multiplied by `sigmoid(query·W_gate + b_gate)` before the output
  /// projection. Inputs `[query, value]` or `[query, value, key]`. The repeat is done on the
  /// key and value kernels, so each query head has its own copy.
  static let groupedQueryAttention = LayerKind(
    slots: { config in
      let bias = config["use_bias"]?.bool ?? true
      let parts =
        ["query", "key"] + ((config["use_gate"]?.bool ?? false) ? ["gate"] : []) + ["value", "attention_output"]
      return parts.flatMap { part in [WeightSlot("\(part)/kernel")] + (bias ? [WeightSlot("\(part)/bias")] : []) }
    },
    keys: ["head_dim", "num_query_heads", "num_key_value_heads", "use_bias", "use_gate", "dropout"],
    callForm: .queryValueKey,
    variablePaths: { config in
      let gate = (config["use_gate"]?.bool ?? false) ? ["_gate_dense"] : []
      return (["_query_dense", "_key_dense"] + gate + ["_value_dense", "_output_dense"]).map { "\($0)/vars" }
    },
    writtenShares: { config, count in
      evenShares((config["use_gate"]?.bool ?? false) ? 5 : 4)(config, count)
    },
    locatedByModule: true,
    caveat: { layer, target in
      target == .keras3
        ? nil : "layer '\(layer.name)': only Keras 3 has GroupQueryAttention: tf_keras cannot load this file"
    },
    build: { context in
      if let window = context.config["sliding_window"], !window.isNull {
        throw context.error("sliding_window attention is not supported")
      }
      let (queryHeads, kvHeads) = (try context.int("num_query_heads"), try context.int("num_key_value_heads"))
      let width = try context.int("head_dim")
      guard kvHeads > 0, queryHeads % kvHeads == 0 else {
        throw context.error("\(queryHeads) query heads do not share \(kvHeads) key and value heads evenly")
      }
      guard (2...3).contains(context.inputs.count) else {
        throw context.error("expected [query, value] or [query, value, key], got \(context.inputs.count) inputs")
      }
      let query = context.inputs[0], value = context.inputs[1]
      let key = context.inputs.count == 3 ? context.inputs[2] : value
      let bias = context.bool("use_bias", default: true)
      var index = 0
      /// The next projection's kernel `(features, heads, width)` and bias, the key and value
      /// heads repeated to one per query head.
      func projection(_ x: Graph.Value, _ part: String, heads: Int) throws -> Graph.Value {
        var (kernel, offset) = try context.headWeights(&index, part, x, heads: heads, width: width, bias: bias)
        let features = kernel.count / (heads * width)
        let repeats = queryHeads / heads
        if repeats > 1 {
          kernel = (0..<(features * queryHeads * width)).map { i in
            let (row, head, column) = (i / (queryHeads * width), (i / width) % queryHeads, i % width)
            return kernel[(row * heads + head / repeats) * width + column]
          }
          offset = offset.map { b in (0..<(queryHeads * width)).map { b[(($0 / width) / repeats) * width + $0 % width] }
          }
        }
        return try context.headProjection(x, kernel: kernel, bias: offset, heads: queryHeads, width: width)
      }
      let q = try projection(query, "query", heads: queryHeads)
      let k = try projection(key, "key", heads: kvHeads)
      var gate: Graph.Value? = nil
      if context.bool("use_gate", default: false) {
        let (kernel, offset) = try context.headWeights(
          &index, "gate", query, heads: queryHeads, width: width, bias: bias)
        gate = try context.add(.activation(.sigmoid), [try context.headDense(query, kernel: kernel, bias: offset)])
      }
      let v = try projection(value, "value", heads: kvHeads)
      // Keras 3 hands this layer no sequence masks (it reads only explicit mask arguments), and
      // the query's passes on.
      context.outputMask = context.masks.first ?? nil
      var joined = try context.attendPerHead(
        q, k, v, scale: 1 / Float(width).squareRoot(), width: queryHeads * width, allow: nil)
      if let gate { joined = try context.add(.merge(.multiply), [joined, gate]) }
      let out = try context.features(of: query, "query")
      let kernel = try context.weight(index, "attention_output/kernel", shape: [queryHeads, width, out])
      let offset = try bias ? context.weight(index + 1, "attention_output/bias", shape: [out]) : nil
      return [
        try context.add(.dense(Dense(kernel: kernel, bias: offset, inputs: queryHeads * width, units: out)), [joined])
      ]
    })
}
