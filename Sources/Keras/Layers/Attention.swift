import Foundation
import Graph
import JSON

extension LayerKind {
  /// Attention: `softmax(scores)·v`, inputs `[query, value]` or `[query, value, key]`. Scores
  /// `q·kᵀ·scale` (dot), or `w·Σ tanh(scale·(q_i + k_j))` over the features (concat, `w` the
  /// learned `concat_score_weight`); `scale` is a learned scalar when `use_scale`, else 1.
  static let attention = LayerKind(
    slots: { config in
      ((config["use_scale"]?.bool ?? false) ? [WeightSlot("scale")] : [])
        + (config["score_mode"]?.string == "concat" ? [WeightSlot("concat_score_weight")] : [])
    },
    keys: ["use_scale", "score_mode", "dropout"],
    // Keras 3's .h5 loader turns a string naming a registered function into that function,
    // and "dot" names keras.ops.dot: the default is left out.
    adapt: { config, _, _, _ in config["score_mode"]?.string == "dot" ? config.removing("score_mode") : config },
    build: { context in
      let (query, value, key) = try context.queryValueKey()
      let useScale = context.bool("use_scale", default: false)
      let scale = try useScale ? context.weight(0, "scale", shape: []) : nil
      let scores: Graph.Value
      switch context.string("score_mode", default: "dot") {
      case "dot":
        let product = try context.add(.batchMatMul(transposeB: true), [query, key])
        scores =
          try scale.map { try context.add(.scaleShift(ScaleShift(axis: -1, scale: $0, shift: [0])), [product]) }
          ?? product
      case "concat":
        let weight = try context.weight(useScale ? 1 : 0, "concat_score_weight", shape: [])
        scores = try context.additiveScores(query, key, inside: scale, outside: weight)
      case let mode:
        throw context.error("score_mode '\(mode)' is not supported (dot and concat are)")
      }
      let weights = try context.add(
        .softmax(axis: -1, log: false), [try context.causal(try context.valueMasked(scores))])
      return [try context.queryMasked(try context.add(.batchMatMul(transposeB: false), [weights, value]))]
    })

  /// AdditiveAttention (Bahdanau): `softmax(Σ scale·tanh(q_i + k_j))·v`, the sum over the
  /// features, `scale` a learned vector over them when `use_scale` (the default), else 1.
  static let additiveAttention = LayerKind(
    slots: { config in (config["use_scale"]?.bool ?? true) ? [WeightSlot("scale")] : [] },
    keys: ["use_scale", "dropout"],
    build: { context in
      let (query, value, key) = try context.queryValueKey()
      let width = context.graph.shape(query).dims.last ?? nil
      let scale = try context.bool("use_scale", default: true) ? context.weight(0, "scale", shape: [width ?? -1]) : nil
      let scores = try context.additiveScores(query, key, perFeature: scale)
      let weights = try context.add(
        .softmax(axis: -1, log: false), [try context.causal(try context.valueMasked(scores))])
      return [try context.queryMasked(try context.add(.batchMatMul(transposeB: false), [weights, value]))]
    })

  /// MultiHeadAttention over `(batch, time, features)` (or `(batch, axes…, features)`, the
  /// axes taken as one sequence): per head h,
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
    // Keras 3's names, which written files use, then tf_keras's in its .keras archives.
    variablePaths: { _ in
      ["query_dense", "key_dense", "value_dense", "output_dense"].map { "\($0)/vars" }
        + ["_query_dense", "_key_dense", "_value_dense", "_output_dense"].map { "\($0)/vars" }
    },
    writtenShares: evenShares(4),
    caveat: { _, target in
      target == .keras3
        ? nil
        : "Keras 3 reads MultiHeadAttention from a .keras file only (tf_keras and Keras 3 want different "
          + "configs for it in .h5); write a .keras archive for Keras 3"
    },
    build: { context in
      // Over every axis between the batch and the features (the default): those axes are
      // flattened into one sequence, and the output shaped back like the query.
      let queryShape = context.graph.shape(context.inputs[0])
      let inner = Array(1..<max(queryShape.rank - 1, 1))
      if let axes = context.config["attention_axes"], !axes.isNull {
        let given = (axes.array?.compactMap(\.int) ?? [axes.int ?? 0]).map { $0 < 0 ? $0 + queryShape.rank : $0 }
        guard given.sorted() == inner else {
          throw context.error("attention_axes \(axes.text) is not supported (attention over all of \(inner) is)")
        }
      }
      func sequence(_ x: Graph.Value) throws -> Graph.Value {
        let shape = context.graph.shape(x)
        guard shape.rank > 3, let features = shape.dims.last ?? nil else { return x }
        return try context.add(.reshape(target: [-1, features]), [x])
      }
      let heads = try context.int("num_heads"), keyDim = try context.int("key_dim")
      let valueDim = context.config["value_dim"]?.int ?? keyDim
      let query = try sequence(context.inputs[0])
      let value = context.inputs.count > 1 ? try sequence(context.inputs[1]) : query
      let key = context.inputs.count > 2 ? try sequence(context.inputs[2]) : value
      let bias = context.bool("use_bias", default: true)
      var index = 0
      func projection(_ x: Graph.Value, _ part: String, width: Int) throws -> Graph.Value {
        let (kernel, offset) = try context.headWeights(&index, part, x, heads: heads, width: width, bias: bias)
        return try context.headProjection(x, kernel: kernel, bias: offset, heads: heads, width: width)
      }
      let q = try projection(query, "query", width: keyDim)
      let k = try projection(key, "key", width: keyDim)
      let v = try projection(value, "value", width: valueDim)
      let joined = try context.attendPerHead(
        q, k, v, scale: 1 / Float(keyDim).squareRoot(), width: heads * valueDim, allow: try context.attentionAllow())
      let out = try context.features(of: query, "query")
      let outputWidth = context.config["output_shape"]?.int ?? context.config["output_shape"]?[0]?.int ?? out
      let kernel = try context.weight(index, "attention_output/kernel", shape: [heads, valueDim, outputWidth])
      let offset = try bias ? context.weight(index + 1, "attention_output/bias", shape: [outputWidth]) : nil
      let output = try context.add(
        .dense(Dense(kernel: kernel, bias: offset, inputs: heads * valueDim, units: outputWidth)), [joined])
      guard queryShape.rank > 3 else { return [output] }
      let spatial = queryShape.dims.dropFirst().dropLast()
      guard spatial.filter({ $0 == nil }).count <= 1 else {
        throw context.error("attention over several axes of unknown size is not supported")
      }
      return [try context.add(.reshape(target: spatial.map { $0 ?? -1 } + [outputWidth]), [output])]
    })
}

extension LayerContext {
  /// The known feature count of a `(batch, time, features)` input of an attention layer.
  func features(of x: Graph.Value, _ part: String) throws -> Int {
    let shape = graph.shape(x)
    guard shape.rank == 3, let features = shape.dims[2] else {
      throw error("\(part) must be (batch, time, features) with known features, got \(shape)")
    }
    return features
  }

  /// The kernel `(features, heads, width)` and bias `(heads, width)` of the projection `part`
  /// of `x`, the weights at `index` (which moves past them).
  func headWeights(
    _ index: inout Int, _ part: String, _ x: Graph.Value, heads: Int, width: Int, bias: Bool
  ) throws -> (kernel: [Float], bias: [Float]?) {
    let features = try features(of: x, part)
    let kernel = try weight(index, "\(part)/kernel", shape: [features, heads, width])
    let offset = try bias ? weight(index + 1, "\(part)/bias", shape: [heads, width]) : nil
    index += bias ? 2 : 1
    return (kernel, offset)
  }

  /// `x·W + b` per head, `(batch, time, features)` → `(batch, heads, time, width)`, for a
  /// kernel `(features, heads, width)` and a bias `(heads, width)`.
  func headProjection(_ x: Graph.Value, kernel: [Float], bias: [Float]?, heads: Int, width: Int) throws
    -> Graph.Value
  {
    let split = try add(.reshape(target: [-1, heads, width]), [try headDense(x, kernel: kernel, bias: bias)])
    return try add(.transpose(perm: [0, 2, 1, 3]), [split])
  }

  /// `x·W + b` with the heads side by side, `(batch, time, heads × width)`, for a kernel
  /// `(features, heads, width)` and a bias `(heads, width)`.
  func headDense(_ x: Graph.Value, kernel: [Float], bias: [Float]?) throws -> Graph.Value {
    let features = try features(of: x, "input")
    return try add(.dense(Dense(kernel: kernel, bias: bias, inputs: features, units: kernel.count / features)), [x])
  }

  /// Per head `softmax(causal(masked(scale·q·kᵀ)))·v`, the heads joined back: `(batch, Tq,
  /// width)` (width = heads × the value's head width).
  func attendPerHead(
    _ q: Graph.Value, _ k: Graph.Value, _ v: Graph.Value, scale: Float, width: Int, allow: Graph.Value?
  ) throws -> Graph.Value {
    let scaled = try add(.scaleShift(ScaleShift(axis: -1, scale: [scale], shift: [0])), [q])
    var scores = try add(.batchMatMul(transposeB: true), [scaled, k])
    if let allow { scores = try add(.maskScores, [scores, allow]) }
    let weights = try add(.softmax(axis: -1, log: false), [try causal(scores)])
    let heads = try add(.transpose(perm: [0, 2, 1, 3]), [try add(.batchMatMul(transposeB: false), [weights, v])])
    return try add(.reshape(target: [-1, width]), [heads])
  }

  /// MultiHeadAttention's `(batch, Tq or 1, Tv or 1)` of 1 where query i may attend key j:
  /// the query's sequence mask times the value's (and the key's, when it is its own tensor),
  /// or nil with no masks; a query whose every key is masked gets the mean of the values. The
  /// output keeps the query's mask.
  mutating func attentionAllow() throws -> Graph.Value? {
    let valueIndex = inputs.count > 1 ? 1 : 0
    let keyMask = inputs.count > 2 && inputs[2] != inputs[1] ? masks[2] : nil
    let parts = try [
      masks[0].map { try add(.reshape(target: [-1, 1]), [$0]) },
      masks[valueIndex].map { try add(.reshape(target: [1, -1]), [$0]) },
      keyMask.map { try add(.reshape(target: [1, -1]), [$0]) },
    ].compactMap { $0 }
    outputMask = masks[0]
    guard var allow = parts.first else { return nil }
    if dialect == .keras3, float("dropout", default: 0) > 0 {
      // Its Softmax path gives a query whose every key is masked neither zeros nor the mean.
      throw error("a sequence mask reaching a Keras 3 MultiHeadAttention with dropout is not supported")
    }
    for part in parts.dropFirst() { allow = try add(.merge(.multiply), [allow, part]) }
    return allow
  }

  /// Attention's scores with the keys the value's sequence mask hides set to −1e9.
  func valueMasked(_ scores: Graph.Value) throws -> Graph.Value {
    guard masks.count > 1, let mask = masks[1] else { return scores }
    return try add(.maskScores, [scores, try add(.reshape(target: [1, -1]), [mask])])
  }

  /// Attention's result zeroed at the query's masked steps, which the output's mask keeps.
  mutating func queryMasked(_ result: Graph.Value) throws -> Graph.Value {
    guard let mask = masks.first ?? nil else { return result }
    outputMask = mask
    return try add(.merge(.multiply), [result, try add(.reshape(target: [-1, 1]), [mask])])
  }

  /// The inputs of Attention and AdditiveAttention: `[query, value]` (the value is the key) or
  /// `[query, value, key]`.
  func queryValueKey() throws -> (query: Graph.Value, value: Graph.Value, key: Graph.Value) {
    guard (2...3).contains(inputs.count) else {
      throw error("expected [query, value] or [query, value, key], got \(inputs.count) inputs")
    }
    return (inputs[0], inputs[1], inputs.count == 3 ? inputs[2] : inputs[1])
  }

  /// `outside·Σ_d perFeature_d·tanh(inside·(q[i, d] + k[j, d]))`, `(batch, Tq, Tv)`: the query
  /// as `(batch, Tq, 1, d)` and the key as `(batch, 1, Tv, d)` added with broadcasting.
  func additiveScores(
    _ query: Graph.Value, _ key: Graph.Value, inside: [Float]? = nil, perFeature: [Float]? = nil,
    outside: [Float]? = nil
  ) throws -> Graph.Value {
    guard let width = graph.shape(query).dims.last ?? nil, graph.shape(query).rank == 3,
      graph.shape(key).rank == 3
    else { throw error("query and key must be (batch, time, features) with known features") }
    let q = try add(.reshape(target: [-1, 1, width]), [query])
    let k = try add(.reshape(target: [1, -1, width]), [key])
    var sum = try add(.merge(.add), [q, k])
    if let inside { sum = try add(.scaleShift(ScaleShift(axis: -1, scale: inside, shift: [0])), [sum]) }
    var terms = try add(.activation(.tanh), [sum])
    if let perFeature { terms = try add(.scaleShift(ScaleShift(axis: -1, scale: perFeature, shift: [0])), [terms]) }
    let scores = try add(.reduce(Reduction(kind: .sum, axes: [3], keepDims: false)), [terms])
    guard let outside else { return scores }
    return try add(.scaleShift(ScaleShift(axis: -1, scale: outside, shift: [0])), [scores])
  }

  /// The scores with each key after its query masked out when the call asks for Keras's
  /// `use_causal_mask` (or an old Attention config says `causal`).
  func causal(_ scores: Graph.Value) throws -> Graph.Value {
    guard keywords["use_causal_mask"]?.bool == true || config["causal"]?.bool == true else { return scores }
    return try add(.causalMask, [scores])
  }
}
