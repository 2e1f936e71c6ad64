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
  }

  typealias Build = (inout LayerContext, Arguments) throws -> Graph.Value

  /// By the name tf_keras stores in `function`.
  static let tensorflow: [String: Build] = [
    "reshape": reshape("shape"), "compat.v1.reshape": reshape("shape"),
    "transpose": transpose("perm"), "compat.v1.transpose": transpose("perm"),
    "expand_dims": expandDims, "compat.v1.expand_dims": expandDims,
    "squeeze": squeeze, "compat.v1.squeeze": squeeze, "concat": concat,
    "math.reduce_mean": reduce(.mean), "math.reduce_sum": reduce(.sum), "math.reduce_max": reduce(.max),
    "math.reduce_min": reduce(.min), "clip_by_value": clip("clip_value_min", "clip_value_max"), "cast": cast,
    "linalg.matmul": matmul, "__operators__.getitem": slice,
    "math.maximum": bound(.maximum), "math.minimum": bound(.minimum), "math.negative": negative,
    "math.abs": math(.abs), "math.sqrt": math(.sqrt), "math.square": math(.square), "math.log": math(.log),
    "math.reciprocal": math(.reciprocal), "math.rsqrt": math(.rsqrt),
  ]

  /// By the operation's class name.
  static let keras: [String: Build] = [
    "Reshape": reshape("newshape"), "Transpose": transpose("axes"), "ExpandDims": expandDims, "Squeeze": squeeze,
    "Concatenate": concat, "Mean": reduce(.mean), "Sum": reduce(.sum), "Max": reduce(.max), "Min": reduce(.min),
    "Clip": clip("x_min", "x_max"), "Cast": cast, "Matmul": matmul, "GetItem": slice,
    "Maximum": bound(.maximum), "Minimum": bound(.minimum), "Negative": negative,
    "Absolute": math(.abs), "Abs": math(.abs), "Sqrt": math(.sqrt), "Square": math(.square), "Log": math(.log),
    "Reciprocal": math(.reciprocal), "Rsqrt": math(.rsqrt),
  ]

  // MARK: Reshaping and reordering

  /// A full target shape whose first entry is the batch (−1 or None), at most one other −1.
  static func reshape(_ key: String) -> Build {
    { context, arguments in
      guard let items = arguments[key]?.array, let first = items.first, first.isNull || first.int == -1 else {
        throw context.error("only a reshape that keeps the batch axis first (as -1 or None) is supported")
      }
      let target = items.dropFirst().map { $0.int ?? -1 }
      return try context.add(.reshape(target: target))
    }
  }

  /// A permutation of every axis that leaves the batch first.
  static func transpose(_ key: String) -> Build {
    { context, arguments in
      let rank = context.inputShape.rank
      let perm = arguments[key]?.array?.compactMap(\.int) ?? Array((0..<rank).reversed())
      guard perm.first == 0 else { throw context.error("a transpose that moves the batch axis is not supported") }
      return try context.add(.transpose(perm: perm))
    }
  }

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
    let given = arguments["axis"].map { $0.array?.compactMap(\.int) ?? ($0.int.map { [$0] } ?? []) }
    let axes = (given ?? (1..<x.rank).filter { x.dims[$0] == 1 }).map { $0 < 0 ? $0 + x.rank : $0 }
    guard axes.allSatisfy({ $0 >= 1 && $0 < x.rank && x.dims[$0] == 1 }) else {
      throw context.error("squeeze of axes \(axes) of shape \(x): each must be a feature axis of size 1")
    }
    let features = (1..<x.rank).filter { !axes.contains($0) }.map { x.dims[$0] }
    return try context.add(.reshape(target: try known(features, context)))
  }

  /// Feature sizes as a reshape target: at most one unknown, written −1.
  private static func known(_ features: [Int?], _ context: LayerContext) throws -> [Int] {
    guard features.filter({ $0 == nil }).count <= 1 else {
      throw context.error("the shape has more than one unknown dimension")
    }
    return features.map { $0 ?? -1 }
  }

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
      let given = arguments["axis"].map { $0.array?.compactMap(\.int) ?? ($0.int.map { [$0] } ?? []) }
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

  static func negative(_ context: inout LayerContext, _ arguments: Arguments) throws -> Graph.Value {
    try context.add(.scaleShift(ScaleShift(axis: -1, scale: [-1], shift: [0])))
  }

  static func math(_ activation: Activation) -> Build {
    { context, _ in try context.add(.activation(activation)) }
  }

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
