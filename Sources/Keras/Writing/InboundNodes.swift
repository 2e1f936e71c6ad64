import Graph
import JSON

/// How a layer's call lists its input tensors in `inbound_nodes`; a layer kind says which.
enum CallForm {
  /// One tensor, or a list of them (merging layers, Attention).
  case tensors
  /// Query, then value and key: positional in Keras 3; in tf_keras the value and key sit in
  /// the query's kwargs under these names (MultiHeadAttention).
  case queryValueKey

  /// The kwargs that hold further tensors in tf_keras's list form.
  var keywordTensors: [String] {
    switch self {
    case .tensors: return []
    case .queryValueKey: return ["value", "key"]
    }
  }
}

/// How a layer call's input tensors are written into a config, per loader.
enum InboundNodes {
  /// The call options a written call keeps (the others are tensors, masks and `training`).
  static let keptOptions = ["use_causal_mask"]

  /// A call's keywords reduced to `keptOptions`.
  static func options(_ keywords: JSONValue) -> [(String, JSONValue)] {
    keptOptions.compactMap { key in keywords[key].map { (key, $0) } }
  }

  /// Keras 2's list form, `[["a", 0, 0, {}], …]`, the options in every tensor's kwargs (or
  /// with the form's keyword tensors in the kwargs of the first), as tf_keras writes them.
  static func keras2(_ form: CallForm, _ call: [TensorRef], options: [(String, JSONValue)] = []) -> JSONValue {
    func ref(_ ref: TensorRef) -> [JSONValue] {
      [.string(ref.layer), .number(Double(ref.node)), .number(Double(ref.tensor))]
    }
    let keywords = form.keywordTensors
    guard !keywords.isEmpty, let first = call.first else {
      return .array(call.map { .array(ref($0) + [.object(options)]) })
    }
    let kwargs = zip(keywords, call.dropFirst()).map { ($0, JSONValue.array(ref($1))) }
    return [.array(ref(first) + [.object(kwargs + options)])]
  }

  /// Keras 3's form, `{"args": […], "kwargs": {}}` with `__keras_tensor__` entries: positional
  /// tensors for `queryValueKey`, else the one tensor or a list argument.
  static func keras3(
    _ form: CallForm, _ call: [TensorRef], options: [(String, JSONValue)] = [], shape: (TensorRef) -> Shape?,
    dtype: (TensorRef) -> String
  )
    -> JSONValue
  {
    let tensors: [JSONValue] = call.map { ref in
      [
        "class_name": "__keras_tensor__",
        "config": [
          "shape": .array((shape(ref)?.dims ?? []).map { $0.map { .number(Double($0)) } ?? .null }),
          "dtype": .string(dtype(ref)),
          "keras_history": [.string(ref.layer), .number(Double(ref.node)), .number(Double(ref.tensor))],
        ],
      ]
    }
    let args: [JSONValue] = form == .queryValueKey || tensors.count == 1 ? tensors : [.array(tensors)]
    return ["args": .array(args), "kwargs": .object(options)]
  }
}
