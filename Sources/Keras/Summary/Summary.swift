import Graph
import JSON

/// The facts of `model.summary()`: one row per layer of `model.layers`, and parameter totals
/// (BatchNormalization's moving statistics count as non-trainable, as in Keras).
public struct Summary {
  public struct Row {
    public let name: String
    public let className: String
    public let outputShapes: [Shape]
    public let params: Int
    public let trainableParams: Int
    public let connectedTo: [String]
  }

  public let modelName: String
  public let isSequential: Bool
  public let rows: [Row]
  public let inputs: [Shape]
  public let outputs: [Shape]
  public let kerasVersion: String?

  public var totalParams: Int { rows.reduce(0) { $0 + $1.params } }
  public var trainableParams: Int { rows.reduce(0) { $0 + $1.trainableParams } }
  public var nonTrainableParams: Int { totalParams - trainableParams }

  public init(_ built: BuiltModel) throws {
    let model = built.model
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
        params: sizes.reduce(0, +), trainableParams: trainable,
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
            "connected_to": .array(row.connectedTo.map(JSONValue.string)),
          ]
        }),
      "total_params": .number(Double(totalParams)),
      "trainable_params": .number(Double(trainableParams)),
      "non_trainable_params": .number(Double(nonTrainableParams)),
    ]
  }
}
