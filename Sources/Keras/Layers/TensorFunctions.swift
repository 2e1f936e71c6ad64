import Graph
import JSON

/// Tensor functions beyond arithmetic and activations, shared by tf_keras's TFOpLambda (its
/// arguments are the call's keywords) and Keras 3 operation nodes (the node's config, and the
/// call's positional arguments): reshaping, reordering, joining, slicing, reducing, clipping,
/// casting, matrix products and math functions. Each entry builds its nodes from the
/// arguments by name; anything else they could be given is refused with the reason.
enum TensorFunctions {
  /// A call's arguments: by name, and (Keras 3) the positional ones after the first tensor.
  struct Arguments {
    let named: JSONValue
    var positional: [JSONValue] = []

    subscript(_ key: String) -> JSONValue? {
      guard let value = named[key], !value.isNull else { return nil }
      return value
    }

    /// An axis or a list of them, nil when not given.
    func axes(_ key: String) -> [Int]? {
      self[key].map { $0.array?.compactMap(\.int) ?? ($0.int.map { [$0] } ?? []) }
    }
  }

  typealias Build = (inout LayerContext, Arguments) throws -> Graph.Value
  /// A function of several outputs (`split`, `unstack`).
  typealias BuildOutputs = (inout LayerContext, Arguments) throws -> [Graph.Value]
  /// The stock Keras layer (class name and config) that computes the same, for merged files.
  typealias Stock = (Arguments) -> (String, [String: JSONValue])?

  /// A function's nodes, and the stock layer a merged file holds it as, where there is one.
  struct Function {
    let build: BuildOutputs
    var stock: Stock? = nil

    init(_ build: @escaping Build, stock: Stock? = nil) {
      self.build = { context, arguments in [try build(&context, arguments)] }
      self.stock = stock
    }

    init(outputs build: @escaping BuildOutputs) { self.build = build }
  }

  /// By the name tf_keras stores in `function`.
  static let tensorflow: [String: Function] = [
    "reshape": reshape("shape"), "compat.v1.reshape": reshape("shape"),
    "transpose": transpose("perm"), "compat.v1.transpose": transpose("perm"),
    "expand_dims": .init(expandDims), "compat.v1.expand_dims": .init(expandDims),
    "squeeze": .init(squeeze), "compat.v1.squeeze": .init(squeeze), "concat": concatenation,
    "math.reduce_mean": .init(reduce(.mean)), "math.reduce_sum": .init(reduce(.sum)),
    "math.reduce_max": .init(reduce(.max)),
    "math.reduce_min": .init(reduce(.min)), "clip_by_value": .init(clip("clip_value_min", "clip_value_max")),
    "cast": castToFloat,
    "linalg.matmul": .init(matmul), "__operators__.getitem": .init(slice),
    "math.maximum": .init(bound(.maximum)), "math.minimum": .init(bound(.minimum)), "math.negative": .init(negative),
    "math.abs": .init(math(.abs)), "math.sqrt": .init(math(.sqrt)), "math.square": .init(math(.square)),
    "math.log": .init(math(.log)),
    "math.reciprocal": .init(math(.reciprocal)), "math.rsqrt": .init(math(.rsqrt)),
    "stack": .init(stack), "split": .init(outputs: split(sizes)), "unstack": .init(outputs: unstack),
    "math.not_equal": .init(notEqual),
  ]

  /// By the operation's class name.
  static let keras: [String: Function] = [
    "Reshape": reshape("newshape"), "Transpose": transpose("axes"), "ExpandDims": .init(expandDims),
    "Squeeze": .init(squeeze),
    "Concatenate": concatenation, "Mean": .init(reduce(.mean)), "Sum": .init(reduce(.sum)), "Max": .init(reduce(.max)),
    "Min": .init(reduce(.min)),
    "Clip": .init(clip("x_min", "x_max")), "Cast": castToFloat, "Matmul": .init(matmul), "GetItem": .init(slice),
    "Maximum": .init(bound(.maximum)), "Minimum": .init(bound(.minimum)), "Negative": .init(negative),
    "Absolute": .init(math(.abs)), "Abs": .init(math(.abs)), "Sqrt": .init(math(.sqrt)), "Square": .init(math(.square)),
    "Log": .init(math(.log)),
    "Reciprocal": .init(math(.reciprocal)), "Rsqrt": .init(math(.rsqrt)),
    "Stack": .init(stack), "Split": .init(outputs: split(sections)), "Unstack": .init(outputs: unstack),
    "NotEqual": .init(notEqual),
  ]

  // MARK: Reshaping and reordering

  /// A full target shape whose first entry is the batch (−1 or None), at most one other −1.
  /// (As the stock Reshape layer.)
  static func reshape(_ key: String) -> Function {
    func target(_ arguments: Arguments) -> [Int]? {
      guard let items = arguments[key]?.array, let first = items.first, first.isNull || first.int == -1 else {
        return nil
      }
      return items.dropFirst().map { $0.int ?? -1 }
    }
    return Function(
      { context, arguments in
        guard let target = target(arguments) else {
          throw context.error("only a reshape that keeps the batch axis first (as -1 or None) is supported")
        }
        return try context.add(.reshape(target: target))
      },
      stock: { arguments in target(arguments).map { ("Reshape", ["target_shape": numbers($0)]) } })
  }

  /// A permutation of every axis that leaves the batch first.
  /// (As the stock Permute layer, whose dims count from 1 after the batch.)
  static func transpose(_ key: String) -> Function {
    Function(
      { context, arguments in
        let rank = context.inputShape.rank
        let perm = arguments[key]?.array?.compactMap(\.int) ?? Array((0..<rank).reversed())
        guard perm.first == 0 else { throw context.error("a transpose that moves the batch axis is not supported") }
        return try context.add(.transpose(perm: perm))
      },
      stock: { arguments in
        guard let perm = arguments[key]?.array?.compactMap(\.int), perm.first == 0 else { return nil }
        return ("Permute", ["dims": numbers(Array(perm.dropFirst()))])
      })
  }

  private static func numbers(_ values: [Int]) -> JSONValue { .array(values.map { .number(Double($0)) }) }

  static func expandDims(_ context: inout LayerContext, _ arguments: Arguments) throws -> Graph.Value {
    let x = context.inputShape
    var axis = arguments["axis"]?.int ?? 0
    if axis < 0 { axis += x.rank + 1 }
    guard axis >= 1, axis <= x.rank else {
      throw context.error("expand_dims at axis \(axis) (the batch) is not supported")
    }
    var features = x.features
    features.insert(1, at: axis - 1)
    return try context.add(.reshape(target: try known(features, context)))
  }

  static func squeeze(_ context: inout LayerContext, _ arguments: Arguments) throws -> Graph.Value {
    let x = context.inputShape
    let given = arguments.axes("axis")
    let axes = (given ?? (1..<x.rank).filter { x.dims[$0] == 1 }).map { $0 < 0 ? $0 + x.rank : $0 }
    guard axes.allSatisfy({ $0 >= 1 && $0 < x.rank && x.dims[$0] == 1 }) else {
      throw context.error("squeeze of axes \(axes) of shape \(x): each must be a feature axis of size 1")
    }
    let features = (1..<x.rank).filter { !axes.contains($0) }.map { x.dims[$0] }
    return try context.add(.reshape(target: try known(features, context)))
  }

  /// Feature sizes as a reshape target: at most one unknown, written −1.
  static func known(_ features: [Int?], _ context: LayerContext) throws -> [Int] {
    guard features.filter({ $0 == nil }).count <= 1 else {
      throw context.error("the shape has more than one unknown dimension")
    }
    return features.map { $0 ?? -1 }
  }

  /// (As the stock Concatenate layer.)
  static let concatenation = Function(
    concat, stock: { arguments in ("Concatenate", ["axis": .number(Double(arguments["axis"]?.int ?? -1))]) })

  static func concat(_ context: inout LayerContext, _ arguments: Arguments) throws -> Graph.Value {
    let axis = arguments["axis"]?.int ?? 0
    guard axis != 0, axis >= -context.inputShape.rank else {
      throw context.error("concatenation along the batch axis is not supported")
    }
    return try context.add(.concat(axis: axis))
  }

  // MARK: Slicing

  /// `x[…]` by a list of slices (`{start, stop, step}`, Keras 3 `__slice__`) and indices, the
  /// first taking the whole batch; axes not given are kept whole, an index removes its axis.
  static func slice(_ context: inout LayerContext, _ arguments: Arguments) throws -> Graph.Value {
    let x = context.inputShape
    let given = arguments["slice_spec"] ?? arguments.positional.first ?? .null
    let specs = given.array ?? [given]
    func bounds(_ spec: JSONValue) -> JSONValue? {
      spec["class_name"]?.string == "__slice__" ? spec["config"] : (spec["start"] != nil ? spec : nil)
    }
    guard let batch = specs.first.flatMap(bounds),
      [batch["start"], batch["stop"], batch["step"]].allSatisfy({ $0 == nil || $0!.isNull })
    else { throw context.error("a slice must take the whole batch axis first") }
    guard specs.count <= x.rank else { throw context.error("\(specs.count) slices for a tensor of rank \(x.rank)") }
    var ranges: [StridedRange] = []
    var removed: [Int] = []
    for axis in 1..<x.rank {
      guard let size = x.dims[axis] else { throw context.error("slicing an axis of unknown size is not supported") }
      guard axis < specs.count else {
        ranges.append(StridedRange(start: 0, stop: size, step: 1))
        continue
      }
      if let index = specs[axis].int {
        let at = index < 0 ? index + size : index
        guard (0..<size).contains(at) else { throw context.error("index \(index) is out of range for size \(size)") }
        ranges.append(StridedRange(start: at, stop: at + 1, step: 1))
        removed.append(axis)
        continue
      }
      guard let spec = bounds(specs[axis]) else {
        throw context.error("slice \(specs[axis].text) is not supported (slices and indices are)")
      }
      let step = spec["step"]?.int ?? 1
      guard step >= 1 else { throw context.error("slices with a step below 1 are not supported") }
      func clamped(_ value: JSONValue?, _ fallback: Int) -> Int {
        guard let value = value?.int else { return fallback }
        return min(max(value < 0 ? value + size : value, 0), size)
      }
      let start = clamped(spec["start"], 0)
      ranges.append(StridedRange(start: start, stop: max(clamped(spec["stop"], size), start), step: step))
    }
    let sliced = try context.add(.slice(ranges))
    guard !removed.isEmpty else { return sliced }
    let target = ranges.enumerated().filter { !removed.contains($0.offset + 1) }.map(\.element.count)
    return try context.add(.reshape(target: target), [sliced])
  }

  // MARK: Reductions, bounds and math

  /// Over the `axis` given (an axis or a list; every feature axis when None in Keras 3),
  /// `keepdims` as given.
  static func reduce(_ kind: Reduction.Kind) -> Build {
    { context, arguments in
      let rank = context.inputShape.rank
      let given = arguments.axes("axis")
      guard let given, !given.isEmpty else {
        throw context.error("a reduction over every axis, the batch included, is not supported")
      }
      let axes = Array(Set(given.map { $0 < 0 ? $0 + rank : $0 })).sorted()
      guard axes.allSatisfy({ $0 >= 1 && $0 < rank }) else {
        throw context.error("a reduction over the batch axis is not supported")
      }
      let keepDims = arguments["keepdims"]?.bool ?? false
      return try context.add(.reduce(Reduction(kind: kind, axes: axes, keepDims: keepDims)))
    }
  }

  /// `clip(x, low, high)` with numbers for bounds.
  static func clip(_ lowKey: String, _ highKey: String) -> Build {
    { context, arguments in
      guard let low = arguments[lowKey]?.double, let high = arguments[highKey]?.double else {
        throw context.error("clipping by tensors is not supported (by numbers it is)")
      }
      return try context.add(.activation(.clip(low: Float(low), high: Float(high))))
    }
  }

  /// `max(x, y)` or `min(x, y)` of two tensors, or of a tensor and a number.
  static func bound(_ kind: MergeKind) -> Build {
    { context, arguments in
      if context.inputs.count == 2 { return try context.add(.merge(kind)) }
      guard let number = (arguments["y"] ?? arguments.positional.first)?.double else {
        throw context.error("needs a number or a tensor as its second argument")
      }
      let c = Float(number)
      return try context.add(
        .activation(kind == .maximum ? .clip(low: c, high: .infinity) : .clip(low: -.infinity, high: c)))
    }
  }

  /// `x ≠ c` with a number, as 1 or 0.
  static func notEqual(_ context: inout LayerContext, _ arguments: Arguments) throws -> Graph.Value {
    guard context.inputs.count == 1, let c = (arguments["y"] ?? arguments.positional.first)?.double else {
      throw context.error("not_equal is supported with a number (an Embedding's mask), not between tensors")
    }
    return try context.add(.activation(.notEqual(Float(c))))
  }

  static func negative(_ context: inout LayerContext, _ arguments: Arguments) throws -> Graph.Value {
    try context.add(.scaleShift(ScaleShift(axis: -1, scale: [-1], shift: [0])))
  }

  static func math(_ activation: Activation) -> Build {
    { context, _ in try context.add(.activation(activation)) }
  }

  /// (A cast to float32 as the stock Identity layer.)
  static let castToFloat = Function(
    cast, stock: { arguments in arguments["dtype"]?.string == "float32" ? ("Identity", [:]) : nil })

  /// To a float type: the values are float32 already (float16 would round, and is refused).
  static func cast(_ context: inout LayerContext, _ arguments: Arguments) throws -> Graph.Value {
    let dtype = arguments["dtype"]?.string ?? "?"
    guard dtype == "float32" || dtype == "float64" else {
      throw context.error("a cast to \(dtype) is not a float32 computation ensemble runs")
    }
    return try context.add(.identity)
  }

  /// `a·b` of two tensors of rank 3 or more (`transpose_b` allowed).
  static func matmul(_ context: inout LayerContext, _ arguments: Arguments) throws -> Graph.Value {
    guard context.inputs.count == 2 else { throw context.error("a product with a constant matrix is not supported") }
    for key in ["transpose_a", "adjoint_a", "adjoint_b"] where arguments[key]?.bool == true {
      throw context.error("matmul with \(key) is not supported (transpose_b is)")
    }
    return try context.add(.batchMatMul(transposeB: arguments["transpose_b"]?.bool ?? false))
  }
}
