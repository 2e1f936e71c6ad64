import Graph
import JSON

/// The facts of `model.summary()`: one row per layer of `model.layers`, and parameter totals
/// (BatchNormalization's moving statistics count as non-trainable, as in Keras); and beyond
/// Keras, each layer's floating-point operations per sample (see `Op.flops`) and the peak
/// activation memory of one sample as the executor plans it.
public struct Summary {
  public struct Row {
    public let name: String
    public let className: String
    public let outputShapes: [Shape]
    public let params: Int
    public let trainableParams: Int
    /// Per sample; nil when a dimension besides the batch is unknown.
    public let flops: Int?
    public let connectedTo: [String]
  }

  public let modelName: String
  public let isSequential: Bool
  public let rows: [Row]
  public let inputs: [Shape]
  public let outputs: [Shape]
  public let kerasVersion: String?
  /// Bytes of one sample's activations at their peak; nil when an input dimension is unknown.
  public let activationBytes: Int?

  public var totalParams: Int { rows.reduce(0) { $0 + $1.params } }
  public var trainableParams: Int { rows.reduce(0) { $0 + $1.trainableParams } }
  public var nonTrainableParams: Int { totalParams - trainableParams }
  /// FLOPs per sample of the whole model; nil when any layer's are unknown.
  public var totalFlops: Int? {
    rows.reduce(Int?(0)) { total, row in total.flatMap { sum in row.flops.map { sum + $0 } } }
  }

  public init(_ built: BuiltModel) throws {
    let model = built.model
    activationBytes = Executor(built.graph).sampleActivationBytes
    /// A value's shape for one sample, or nil when a dimension besides the batch is unknown.
    func sample(_ value: Graph.Value) -> [Int]? {
      let features = built.graph.shape(value).features
      return features.allSatisfy { $0 != nil } ? [1] + features.map { $0 ?? 0 } : nil
    }
    func flops(_ layer: KerasLayer) -> Int? {
      built.nodes(of: layer.name).reduce(Int?(0)) { total, node in
        let inputs = node.inputs.map(sample), outputs = node.outputs.map(sample)
        guard let total, inputs.allSatisfy({ $0 != nil }), outputs.allSatisfy({ $0 != nil }) else { return nil }
        return total + node.op.flops(inputs: inputs.compactMap { $0 }, outputs: outputs.compactMap { $0 })
      }
    }
    modelName = model.name
    isSequential = model.isSequential
    kerasVersion = model.kerasVersion
    inputs = built.graph.inputs.map(built.graph.shape)
    outputs = built.graph.outputs.map(built.graph.shape)
    rows = try model.orderedLayers.map { layer in
      let slots = try LayerTable.slots(for: layer)
      let sizes = layer.weights.map(\.count)
      let trainable = zip(slots, sizes).filter { $0.0.trainable }.reduce(0) { $0 + $1.1 }
      let values = built.outputs[layer.name]?.first ?? []
      return Row(
        name: layer.name, className: layer.className, outputShapes: values.map(built.graph.shape),
        params: sizes.reduce(0, +), trainableParams: trainable, flops: flops(layer),
        connectedTo: layer.calls.flatMap { $0.map(\.description) })
    }
  }

  /// The facts for scripts.
  public var json: JSONValue {
    func shapeJSON(_ shape: Shape) -> JSONValue { .array(shape.dims.map { $0.map { .number(Double($0)) } ?? .null }) }
    return [
      "name": .string(modelName),
      "keras_version": kerasVersion.map(JSONValue.string) ?? .null,
      "inputs": .array(inputs.map(shapeJSON)),
      "outputs": .array(outputs.map(shapeJSON)),
      "layers": .array(
        rows.map { row in
          [
            "name": .string(row.name), "class_name": .string(row.className),
            "output_shape": row.outputShapes.count == 1
              ? shapeJSON(row.outputShapes[0]) : .array(row.outputShapes.map(shapeJSON)),
            "params": .number(Double(row.params)), "trainable_params": .number(Double(row.trainableParams)),
            "flops": row.flops.map { .number(Double($0)) } ?? .null,
            "connected_to": .array(row.connectedTo.map(JSONValue.string)),
          ]
        }),
      "total_params": .number(Double(totalParams)),
      "trainable_params": .number(Double(trainableParams)),
      "non_trainable_params": .number(Double(nonTrainableParams)),
      "param_bytes": .number(Double(totalParams * 4)),
      "total_flops": totalFlops.map { .number(Double($0)) } ?? .null,
      "activation_bytes": activationBytes.map { .number(Double($0)) } ?? .null,
    ]
  }
}
