import Graph

/// Turns a `KerasModel` into a `Graph`, calling each layer's builder once per call, in an
/// order where every call's inputs exist. Records each call's outputs for the summary.
public struct BuiltModel {
  public let graph: Graph
  /// Output values of every call, by layer name: `outputs[name][call][tensor]`.
  public let outputs: [String: [[Graph.Value]]]
}

enum ModelBuilder {
  static func build(_ model: KerasModel) throws -> BuiltModel {
    let builder = Builder(graph: Graph())
    builder.graph.outputs = try builder.run(model, inputs: nil)
    return BuiltModel(graph: builder.graph, outputs: builder.recorded)
  }

  /// The tensors made so far inside one model: `done[layer][call]` are that call's outputs.
  final class Scope {
    var done: [String: [Int: [Graph.Value]]] = [:]
    let offsets: NodeOffsets

    init(_ model: KerasModel) { offsets = NodeOffsets(model) }

    func resolve(_ ref: TensorRef) -> Graph.Value? {
      guard let outputs = done[ref.layer]?[offsets.call(for: ref)], outputs.indices.contains(ref.tensor) else {
        return nil
      }
      return outputs[ref.tensor]
    }
  }

  final class Builder {
    let graph: Graph
    /// Outputs of the top-level model's calls, by layer name (inner layers of nested models
    /// may share names with outer ones, so they are not recorded).
    var recorded: [String: [[Graph.Value]]] = [:]
    private var depth = 0
    /// The sequence mask each value carries, by value id.
    var maskOf: [Int: Graph.Value] = [:]

    init(graph: Graph) { self.graph = graph }

    /// Builds `model` on `inputs` (nil: new graph inputs) and returns its output values.
    func run(_ model: KerasModel, inputs: [Graph.Value]?) throws -> [Graph.Value] {
      let scope = Scope(model)
      for (position, ref) in model.inputs.enumerated() {
        let value: Graph.Value
        if let inputs {
          guard inputs.indices.contains(position) else {
            throw KerasError(layer: model.name, "called with \(inputs.count) inputs, expects \(model.inputs.count)")
          }
          value = inputs[position]
        } else {
          guard let layer = model.layer(named: ref.layer), layer.className == "InputLayer" else {
            throw KerasError("the model's input '\(ref.layer)' has no shape (no InputLayer)")
          }
          value = graph.input(try InputShape.of(layer))
        }
        scope.done[ref.layer] = [0: [value]]
        if depth == 0 { recorded[ref.layer] = [[value]] }
      }
      var pending = model.layers.flatMap { layer in layer.calls.indices.map { (layer, $0) } }
      while !pending.isEmpty {
        let before = pending.count
        var waiting: [(KerasLayer, Int)] = []
        for (layer, call) in pending {
          let refs = layer.calls[call]
          let values = refs.compactMap(scope.resolve)
          guard values.count == refs.count else {
            waiting.append((layer, call))
            continue
          }
          let outputs = try callLayer(layer, inputs: values, dialect: model.dialect)
          scope.done[layer.name, default: [:]][call] = outputs
          if depth == 0 { recorded[layer.name, default: []].append(outputs) }
        }
        pending = waiting
        if pending.count == before {
          let missing = pending.flatMap { layer, call in
            layer.calls[call].filter { scope.resolve($0) == nil }.map(\.description)
          }
          throw KerasError(
            layer: pending[0].0.name, className: pending[0].0.className,
            "its inputs \(missing.joined(separator: ", ")) are never computed")
        }
      }
      return try model.outputs.map { ref in
        guard let value = scope.resolve(ref) else { throw KerasError("model output \(ref) is never computed") }
        return value
      }
    }

    private func callLayer(_ layer: KerasLayer, inputs: [Graph.Value], dialect: Dialect) throws -> [Graph.Value] {
      if let submodel = layer.submodel {
        depth += 1
        defer { depth -= 1 }
        do {
          return try run(submodel, inputs: inputs)
        } catch var error as KerasError {
          if error.layer == nil { error.layer = layer.name }
          throw error
        }
      }
      let kind = try LayerTable.kind(for: layer)
      var context = LayerContext(layer: layer, inputs: inputs, graph: graph, dialect: dialect)
      context.masks = inputs.map { maskOf[$0.id] }
      let outputs = try kind.build(&context)
      let carried = context.outputMask ?? (kind.propagatesMask ? context.masks.compactMap { $0 }.first : nil)
      if let carried {
        for output in outputs where graph.shape(output).rank >= 2 { maskOf[output.id] = carried }
      }
      return outputs
    }
  }
}

/// The shape of an InputLayer: `batch_input_shape` (Keras 2) or `batch_shape` (Keras 3).
enum InputShape {
  static func of(_ layer: KerasLayer) throws -> Shape {
    guard let dims = (layer.config["batch_input_shape"] ?? layer.config["batch_shape"])?.array else {
      throw KerasError(layer: layer.name, className: layer.className, "no batch_input_shape or batch_shape")
    }
    return Shape(dims.map(\.int))
  }
}
