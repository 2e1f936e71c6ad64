import Graph
import JSON

/// Which Keras wrote a file; a few formulas and conventions differ between the two.
public enum Dialect: Equatable {
  /// Keras 2.x, tf.keras, tf_keras.
  case keras2
  /// Keras 3.
  case keras3

  init(version: String?) {
    self = (version?.hasPrefix("3") ?? false) ? .keras3 : .keras2
  }
}

/// A reference to one output tensor of one call of a layer: `["dense", 0, 0]`.
public struct TensorRef: Hashable, CustomStringConvertible {
  public var layer: String
  public var node: Int
  public var tensor: Int

  public init(layer: String, node: Int, tensor: Int) {
    self.layer = layer
    self.node = node
    self.tensor = tensor
  }

  /// Keras's summary spelling, `dense[0][0]`.
  public var description: String { "\(layer)[\(node)][\(tensor)]" }
}

/// One layer entry of a model config, with its calls and (once loaded) its weights.
public struct KerasLayer {
  public var className: String
  public var name: String
  /// The layer's `config` object, Keras spellings kept.
  public var config: JSONValue
  /// One element per call of the layer: the tensors it was called on.
  public var calls: [[TensorRef]]
  /// The keyword arguments of each call (tf_keras's TFOpLambda: `{"y": 2.0}`; an attention
  /// layer's `use_causal_mask`); for a Keras 3 operation node, the whole node.
  public var callKeywords: [JSONValue] = []
  /// Whether this is a Keras 3 operation node (`x + 3.0`, `ops.sigmoid(x)`, saved with a
  /// `keras.src.ops` or `keras.src.activations` module), not a layer of that class name.
  public var isOperation = false
  /// Weights in the layer's own order (trainable first for nested models).
  public var weights: [Tensor] = []
  /// The model inside, when this layer is a nested Sequential or Functional.
  public var submodel: KerasModel?

  public var trainable: Bool { config["trainable"]?.bool ?? true }

  public init(className: String, name: String, config: JSONValue, calls: [[TensorRef]]) {
    self.className = className
    self.name = name
    self.config = config
    self.calls = calls
  }
}

/// A Keras model: layers, how they connect, and weights. Sequential models are held in
/// functional form (an input layer, then one call per layer), flagged `isSequential`.
public struct KerasModel {
  public var name: String
  public var isSequential: Bool
  public var layers: [KerasLayer]
  public var inputs: [TensorRef]
  public var outputs: [TensorRef]
  public var dialect: Dialect
  /// The `keras_version` the file carries, if any.
  public var kerasVersion: String?
  /// Where layers came from, for pictures: the ensemble member's file, or the nested model
  /// that inlining flattened; layers of the model itself are absent.
  public var origins: [String: String] = [:]
  /// In an ensemble, each member's output, in member order (for metrics per member).
  public var memberOutputs: [TensorRef] = []

  public init(
    name: String, isSequential: Bool, layers: [KerasLayer], inputs: [TensorRef], outputs: [TensorRef],
    dialect: Dialect, kerasVersion: String?
  ) {
    self.name = name
    self.isSequential = isSequential
    self.layers = layers
    self.inputs = inputs
    self.outputs = outputs
    self.dialect = dialect
    self.kerasVersion = kerasVersion
  }

  /// A unique name per output, for files and columns: the layer's name, `name_1` for its
  /// second tensor, and a numeric suffix if a name would repeat.
  public var outputNames: [String] {
    var names: [String] = []
    for ref in outputs {
      let base = ref.tensor == 0 ? ref.layer : "\(ref.layer)_\(ref.tensor)"
      var name = base, counter = 2
      while names.contains(name) {
        name = "\(base)_\(counter)"
        counter += 1
      }
      names.append(name)
    }
    return names
  }

  public func layer(named name: String) -> KerasLayer? { layers.first { $0.name == name } }

}
