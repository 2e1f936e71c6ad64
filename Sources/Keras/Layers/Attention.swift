import Foundation
import Graph
import JSON

extension LayerKind {
  /// Attention (dot-product): `softmax(q·kᵀ·scale)·v`, inputs `[query, value]` or
  /// `[query, value, key]`; `scale` is a learned scalar when `use_scale`.
  static let attention = LayerKind(
    slots: { config in (config["use_scale"]?.bool ?? false) ? [WeightSlot("scale")] : [] },
    keys: ["use_scale", "score_mode", "dropout"],
    build: { context in
      try context.refuseMasks()
      guard context.string("score_mode", default: "dot") == "dot" else {
        throw context.error("score_mode '\(context.string("score_mode", default: ""))' is not supported (dot)")
      }
      guard (2...3).contains(context.inputs.count) else {
        throw context.error("expected [query, value] or [query, value, key], got \(context.inputs.count) inputs")
      }
      let (query, value) = (context.inputs[0], context.inputs[1])
      let key = context.inputs.count == 3 ? context.inputs[2] : value
      var scores = try context.add(.batchMatMul(transposeB: true), [query, key])
      if context.bool("use_scale", default: false) {
        let scale = try context.weight(0, "scale", shape: [])
        scores = try context.add(.scaleShift(ScaleShift(axis: -1, scale: scale, shift: [0])), [scores])
      }
      let weights = try context.add(.softmax(axis: -1, log: false), [scores])
      return [try context.add(.batchMatMul(transposeB: false), [weights, value])]
    })

  /// MultiHeadAttention over `(batch, time, features)`: per head h,
  /// `softmax((q·Wq_h + bq_h)(k·Wk_h + bk_h)ᵀ/√key_dim)·(v·Wv_h + bv_h)`, heads joined and
  /// projected by `attention_output`. Inputs `[query]`, `[query, value]` or `[query, value, key]`.
  static let multiHeadAttention = LayerKind(
    slots: { config in
      let bias = config["use_bias"]?.bool ?? true
      return ["query", "key", "value", "attention_output"].flatMap { part in
        [WeightSlot("\(part)/kernel")] + (bias ? [WeightSlot("\(part)/bias")] : [])
      }
    },
    keys: [
      "num_heads", "key_dim", "value_dim", "dropout", "use_bias", "output_shape", "attention_axes", "query_shape",
      "key_shape", "value_shape",
    ],
    adapt: { config, _, shapes, target in
      // tf_keras builds the layer from these shapes and fails without them; Keras 3 rejects them.
      let names = ["query_shape", "value_shape", "key_shape"]
      guard target == .keras2, let query = shapes.first else { return names.reduce(config) { $0.removing($1) } }
      let value = shapes.count > 1 ? shapes[1] : query, key = shapes.count > 2 ? shapes[2] : value
      return zip(names, [query, value, key]).reduce(config) { result, pair in
        result.setting(pair.0, .array(pair.1.dims.map { $0.map { .number(Double($0)) } ?? .null }))
      }
    },
    callForm: .queryValueKey,
    variablePaths: ["query_dense/vars", "key_dense/vars", "value_dense/vars", "output_dense/vars"],
    writtenParts: 4,
    caveat: { _, target in
      target == .keras3
        ? nil
        : "Keras 3 reads MultiHeadAttention from a .keras file only (tf_keras and Keras 3 want different "
          + "configs for it in .h5); write a .keras archive for Keras 3"
    },
    build: { context in
      try context.refuseMasks()
      if let axes = context.config["attention_axes"], !axes.isNull, axes.array?.compactMap(\.int) != [1] {
        throw context.error("attention_axes \(axes.text) is not supported (only the default)")
      }
      let heads = try context.int("num_heads"), keyDim = try context.int("key_dim")
      let valueDim = context.config["value_dim"]?.int ?? keyDim
      let query = context.inputs[0]
      let value = context.inputs.count > 1 ? context.inputs[1] : query
      let key = context.inputs.count > 2 ? context.inputs[2] : value
      let bias = context.bool("use_bias", default: true)
      var index = 0
      func projection(_ x: Graph.Value, _ part: String, width: Int) throws -> Graph.Value {
        let shape = context.graph.shape(x)
        guard shape.rank == 3, let features = shape.dims[2] else {
          throw context.error("\(part) must be (batch, time, features) with known features, got \(shape)")
        }
        let kernel = try context.weight(index, "\(part)/kernel", shape: [features, heads, width])
        let offset = try bias ? context.weight(index + 1, "\(part)/bias", shape: [heads, width]) : nil
        index += bias ? 2 : 1
        let dense = try context.add(
          .dense(Dense(kernel: kernel, bias: offset, inputs: features, units: heads * width)), [x])
        let split = try context.add(.reshape(target: [-1, heads, width]), [dense])
        return try context.add(.transpose(perm: [0, 2, 1, 3]), [split])
      }
      let q = try context.add(
        .scaleShift(ScaleShift(axis: -1, scale: [1 / Float(keyDim).squareRoot()], shift: [0])),
        [try projection(query, "query", width: keyDim)])
      let k = try projection(key, "key", width: keyDim)
      let v = try projection(value, "value", width: valueDim)
      let scores = try context.add(
        .softmax(axis: -1, log: false), [try context.add(.batchMatMul(transposeB: true), [q, k])])
      let heads3 = try context.add(
        .transpose(perm: [0, 2, 1, 3]), [try context.add(.batchMatMul(transposeB: false), [scores, v])])
      let joined = try context.add(.reshape(target: [-1, heads * valueDim]), [heads3])
      guard let out = context.graph.shape(query).dims.last ?? nil else { throw context.error("query features unknown") }
      let outputWidth = context.config["output_shape"]?.int ?? context.config["output_shape"]?[0]?.int ?? out
      let kernel = try context.weight(index, "attention_output/kernel", shape: [heads, valueDim, outputWidth])
      let offset = try bias ? context.weight(index + 1, "attention_output/bias", shape: [outputWidth]) : nil
      return [
        try context.add(
          .dense(Dense(kernel: kernel, bias: offset, inputs: heads * valueDim, units: outputWidth)), [joined])
      ]
    })
}

extension LayerContext {
  /// Attention layers would mask keys; rather than compute something else, they refuse masks.
  func refuseMasks() throws {
    if masks.contains(where: { $0 != nil }) {
      throw error("a sequence mask reaching this layer is not supported")
    }
  }
}
