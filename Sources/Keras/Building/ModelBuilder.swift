import Graph

/// A model and the graph built from it: the one value that `summary`, the writers and the
/// executor share, so a run builds its graph once. Each call's outputs are recorded for the
/// summary and for shape questions.
public struct BuiltModel {
  public let model: KerasModel
  public let graph: Graph
  /// Output values of every call, by layer name: `outputs[name][call][tensor]`.
  public var outputs: [String: [[Graph.Value]]] { builder.recorded }
  /// Kept so that layers appended to the model are built onto the same graph.
  let builder: ModelBuilder.Builder
  /// Which call each reference's node index stands for, computed once for every lookup.
  private let offsets: NodeOffsets

  init(model: KerasModel, builder: ModelBuilder.Builder) {
    self.model = model
    self.graph = builder.graph
    self.builder = builder
    offsets = NodeOffsets(model)
  }

  /// The graph nodes that a top-level layer's calls added.
  public func nodes(of layer: String) -> [Graph.Node] {
    (builder.nodesOf[layer] ?? []).flatMap { graph.nodes[$0] }
  }

  /// The graph value of the tensor `ref` names, if the model computes it.
  public func value(of ref: TensorRef) -> Graph.Value? {
    outputs[ref.layer]?[safe: offsets.call(for: ref)]?[safe: ref.tensor]
  }

  /// The shape of the tensor `ref` names, if the model computes it.
  public func shape(of ref: TensorRef) -> Shape? { value(of: ref).map(graph.shape) }

  /// The model with `layers` appended and `outputs` as its outputs, built onto the same graph
  /// (the layers already built are not built again). The graph is shared: use the result, not
  /// this value, afterwards.
  public func appending(_ layers: [KerasLayer], outputs: [TensorRef]) throws -> BuiltModel {
    var extended = model
    extended.layers += layers
    extended.outputs = outputs
    graph.outputs = try builder.extend(extended, adding: layers)
    return BuiltModel(model: extended, builder: builder)
  }
}

extension KerasModel {
  /// The model as an engine graph; fails before any compute on unknown layers, bad weight
  /// shapes or shapes that do not connect.
  public func build() throws -> BuiltModel {
    let builder = ModelBuilder.Builder(graph: Graph())
    builder.graph.outputs = try builder.run(self, inputs: nil)
    return BuiltModel(model: self, builder: builder)
  }
}

enum ModelBuilder {
  /// The tensors made so far inside one model: `done[layer][call]` are that call's outputs.
  final class Scope {
    var done: [String: [Int: [Graph.Value]]] = [:]
    var offsets: NodeOffsets

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
    /// The graph nodes each top-level layer's calls added, by layer name.
    var nodesOf: [String: [Range<Int>]] = [:]
    private var depth = 0
    /// The sequence mask each value carries, by value id.
    var maskOf: [Int: Graph.Value] = [:]
    /// The top-level model's scope, for `extend`.
    private var top: Scope?

    init(graph: Graph) { self.graph = graph }

    /// Builds `model` on `inputs` (nil: new graph inputs) and returns its output values.
    func run(_ model: KerasModel, inputs: [Graph.Value]?) throws -> [Graph.Value] {
      let scope = Scope(model)
      if depth == 0 { top = scope }
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
      try runLayers(model.layers, in: scope, dialect: model.dialect)
      return try model.outputs.map { ref in
        guard let value = scope.resolve(ref) else { throw KerasError("model output \(ref) is never computed") }
        return value
      }
    }

    /// Builds `layers`, appended to the top-level model `extended`, in the top-level scope,
    /// and returns `extended`'s outputs.
    func extend(_ extended: KerasModel, adding layers: [KerasLayer]) throws -> [Graph.Value] {
      guard let top else { throw KerasError("the model was never built") }
      top.offsets = NodeOffsets(extended)
      try runLayers(layers, in: top, dialect: extended.dialect)
      return try extended.outputs.map { ref in
        guard let value = top.resolve(ref) else { throw KerasError("model output \(ref) is never computed") }
        return value
      }
    }

    /// Calls every layer of `layers`, each call once its inputs exist in `scope`.
    private func runLayers(_ layers: [KerasLayer], in scope: Scope, dialect: Dialect) throws {
      var pending = layers.flatMap { layer in layer.calls.indices.map { (layer, $0) } }
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
          let first = graph.nodes.count
          let outputs = try callLayer(layer, call: call, inputs: values, dialect: dialect)
          scope.done[layer.name, default: [:]][call] = outputs
          if depth == 0 {
            recorded[layer.name, default: []].append(outputs)
            nodesOf[layer.name, default: []].append(first..<graph.nodes.count)
          }
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
    }

    private func callLayer(_ layer: KerasLayer, call: Int, inputs: [Graph.Value], dialect: Dialect) throws
      -> [Graph.Value]
    {
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
      guard !inputs.isEmpty else {
        throw KerasError(layer: layer.name, className: layer.className, "a call of the layer has no input tensors")
      }
      var context = LayerContext(layer: layer, inputs: inputs, graph: graph, dialect: dialect)
      context.masks = inputs.map { maskOf[$0.id] }
      if layer.callKeywords.indices.contains(call) { context.keywords = layer.callKeywords[call] }
      let outputs = try kind.build(&context)
      let carried = context.outputMask ?? (kind.propagatesMask ? context.masks.compactMap { $0 }.first : nil)
      if let carried {
        for output in outputs where graph.shape(output).rank >= 2 { maskOf[output.id] = carried }
      }
      return outputs
    }
  }
}

extension KerasModel {
  /// One `shape/dtype` key per model input, from the InputLayers' configs: two models with the
  /// same signature can share their inputs.
  public func inputSignature() throws -> [String] {
    try inputs.map { ref in
      guard let layer = layer(named: ref.layer), layer.className == "InputLayer" else {
        throw KerasError("the model's input '\(ref.layer)' has no shape (no InputLayer)")
      }
      let dtype = ModelWriter.dtypeName(layer.config["dtype"]) ?? "float32"
      return "\(Shape(try InputShape.of(layer).features))/\(dtype)"
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
