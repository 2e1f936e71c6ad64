import Graph
import JSON

/// How a layer call's input tensors are written into a config, per loader.
enum InboundNodes {
  /// Keras 2's list form, `[["a", 0, 0, {}], …]`. A MultiHeadAttention's value and key go in
  /// the kwargs of its query, as tf_keras itself writes them.
  static func keras2(_ layer: KerasLayer, _ call: [TensorRef]) -> JSONValue {
    func ref(_ ref: TensorRef) -> [JSONValue] {
      [.string(ref.layer), .number(Double(ref.node)), .number(Double(ref.tensor))]
    }
    if layer.className == "MultiHeadAttention", let query = call.first {
      var kwargs: [(String, JSONValue)] = []
      if call.count > 1 { kwargs.append(("value", .array(ref(call[1])))) }
      if call.count > 2 { kwargs.append(("key", .array(ref(call[2])))) }
      return [.array(ref(query) + [.object(kwargs)])]
    }
    return .array(call.map { .array(ref($0) + [[:]]) })
  }

  /// Keras 3's form, `{"args": […], "kwargs": {}}` with `__keras_tensor__` entries: a list
  /// argument for merging layers and Attention, positional tensors for MultiHeadAttention,
  /// else the one tensor.
  static func keras3(
    _ layer: KerasLayer, _ call: [TensorRef], shape: (TensorRef) -> Shape?, dtype: (TensorRef) -> String
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
    let args: [JSONValue]
    if layer.className == "MultiHeadAttention" || tensors.count == 1 {
      args = tensors
    } else {
      args = [.array(tensors)]
    }
    return ["args": .array(args), "kwargs": [:]]
  }
}
