import Graph
import JSON

/// Keras 3 operation nodes: `keras.ops` functions and activations called on symbolic tensors
/// (`x + 3.0`, `ops.sigmoid(x)`, `x * (1/6)`), saved as nodes of op classes whose numbers sit
/// among the call's arguments. The classes below run; any other is refused with its name.
extension LayerKind {
  static let kerasOperation = LayerKind(
    unwritable: "this Keras 3 operation node has no stock layer that both loaders read (merged files hold "
      + "arithmetic and the common activations as Rescaling, Activation, ReLU, Add, Subtract or Multiply)",
    build: { context in
      let name = context.layer.className
      if let call = TensorFunctions.keras[name] {
        let positional = Array((context.keywords["args"]?.array ?? []).dropFirst())
        return try call.build(&context, TensorFunctions.Arguments(named: context.config, positional: positional))
      }
      return [
        try Elementwise.build(
          &context, name: name, activation: KerasOperation.activations[name],
          arithmetic: KerasOperation.arithmetic[name], operand: KerasOperation.operand(context.keywords))
      ]
    })
}

/// The Keras 3 operation classes ensemble runs.
enum KerasOperation {
  static func isOperation(module: String) -> Bool {
    module.hasPrefix("keras.src.ops") || module.hasPrefix("keras.src.activations")
  }

  /// The operations of float tensors that Keras 3 records for masks, which a model passes
  /// only as `mask` keywords: an Embedding's or a Masking layer's (NotEqual), and the
  /// stand-in of an unmasked input to a concatenation (ZerosLike, OnesLike). The other mask
  /// operations take boolean tensors (see `ModelConfig.booleanTensors`).
  static let maskClasses: Set<String> = ["NotEqual", "ZerosLike", "OnesLike"]

  static func runs(_ className: String) -> Bool {
    activations[className] != nil || arithmetic[className] != nil || TensorFunctions.keras[className] != nil
  }

  static let activations: [String: Activation] = [
    "Relu": .relu(max: nil, slope: 0, threshold: 0), "ReLU": .relu(max: nil, slope: 0, threshold: 0),
    "Relu6": .relu(max: 6, slope: 0, threshold: 0), "Sigmoid": .sigmoid, "Tanh": .tanh, "Silu": .swish,
    "Swish": .swish, "Softplus": .softplus, "Softsign": .softsign, "Elu": .elu(alpha: 1), "Selu": .selu,
    "Exp": .exponential, "HardSigmoid": .hardSigmoid, "HardSilu": .hardSwish,
    "HardSwish": .hardSwish, "Mish": .mish, "LogSigmoid": .logSigmoid,
  ]

  static let arithmetic: [String: Elementwise.Arithmetic] = [
    "Add": .add, "Subtract": .subtract, "Multiply": .multiply, "Divide": .divide, "TrueDivide": .divide,
  ]

  /// The call's number: the first number among its arguments, on either side of the tensor.
  static func operand(_ call: JSONValue) -> Elementwise.Operand? {
    let arguments = call["args"]?.array ?? []
    guard let index = arguments.firstIndex(where: { $0.double != nil }), let number = arguments[index].double
    else { return nil }
    return Elementwise.Operand(value: Float(number), first: index == 0)
  }
}
