import Graph

extension LayerKind {
  /// EinsumDense: `activation(einsum(equation, x, kernel) + bias)`, as one Dense product. The
  /// input is transposed so its free axes (the batch first) come before the contracted ones,
  /// which are joined into one; the kernel is laid out as `[contracted, free]`; the product's
  /// free kernel axes are split out again and everything is transposed to the output's order.
  /// `...` stands for the axes the input has beyond its letters. A bias over one output axis,
  /// or over the kernel's free axes at the end of the output, is supported.
  static let einsumDense = LayerKind(
    slots: { config in [WeightSlot("kernel")] + ((config["bias_axes"]?.string).map { _ in [WeightSlot("bias")] } ?? [])
    },
    keys: ["equation", "output_shape", "activation", "bias_axes"],
    build: { context in
      let text = context.string("equation", default: "")
      guard let equation = EinsumEquation(text, rank: context.inputShape.rank) else {
        throw context.error("equation '\(text)' is not of the form 'ab,bc->ac' (with '...') for this input")
      }
      let x = context.inputShape
      let (input, weight, output) = (equation.input, equation.weight, equation.output)
      guard input.first == output.first, let batch = input.first, !weight.contains(batch) else {
        throw context.error("the equation must keep the input's first (batch) axis first in the output")
      }
      let contracted = weight.filter { input.contains($0) && !output.contains($0) }
      let freeInput = input.filter { output.contains($0) }
      let freeWeight = output.filter { weight.contains($0) }
      guard freeInput.allSatisfy({ !weight.contains($0) }),
        input.allSatisfy({ output.contains($0) || weight.contains($0) })
      else {
        throw context.error(
          "equation '\(equation.text)': axes shared by all three, or summed over the input alone, are not supported")
      }
      guard let kernelTensor = context.layer.weights.first, kernelTensor.shape.count == weight.count else {
        throw context.error("kernel must have one axis per letter of '\(String(weight))'")
      }
      func size(_ letter: Character) -> Int? {
        if let axis = input.firstIndex(of: letter), let known = x.dims[axis] { return known }
        return weight.firstIndex(of: letter).map { kernelTensor.shape[$0] }
      }
      for letter in contracted {
        let axis = input.firstIndex(of: letter)!, stored = kernelTensor.shape[weight.firstIndex(of: letter)!]
        guard x.dims[axis] == stored else {
          throw context.error(
            "input axis '\(letter)' is \(x.dims[axis].map(String.init) ?? "unknown"), the kernel's is \(stored)")
        }
      }
      let k = contracted.map { size($0)! }.reduce(1, *), n = freeWeight.map { size($0)! }.reduce(1, *)
      // The input as (batch, free…, K).
      let order = freeInput + contracted
      var value = context.input
      let perm = order.map { input.firstIndex(of: $0)! }
      if perm != Array(0..<perm.count) { value = try context.add(.transpose(perm: perm), [value]) }
      let freeDims = freeInput.dropFirst().map { size($0) }
      guard freeDims.filter({ $0 == nil }).count <= 1 else {
        throw context.error("more than one free axis of unknown size")
      }
      value = try context.add(.reshape(target: freeDims.map { $0 ?? -1 } + [k]), [value])
      // The kernel as [K, N]: contracted letters in the input's order, then the free ones in the output's.
      let kernelOrder = (contracted + freeWeight).map { weight.firstIndex(of: $0)! }
      let kernel = kernelTensor.transposed(kernelOrder).data
      // A bias over the free kernel axes at the end of the output is the product's own.
      let biasAxes = Array(context.string("bias_axes", default: ""))
      let biasTensor = biasAxes.isEmpty ? nil : context.layer.weights.count > 1 ? context.layer.weights[1] : nil
      if !biasAxes.isEmpty, biasTensor == nil { throw context.error("weight 'bias' is missing") }
      let folded =
        !biasAxes.isEmpty && Array(output.suffix(freeWeight.count)) == freeWeight && Set(biasAxes) == Set(freeWeight)
        && biasAxes == freeWeight.filter { biasAxes.contains($0) }
      value = try context.add(
        .dense(Dense(kernel: kernel, bias: folded ? biasTensor?.data : nil, inputs: k, units: n)), [value])
      value = try context.add(.reshape(target: freeDims.map { $0 ?? -1 } + freeWeight.map { size($0)! }), [value])
      let current = freeInput + freeWeight
      let outPerm = output.map { current.firstIndex(of: $0)! }
      if outPerm != Array(0..<outPerm.count) { value = try context.add(.transpose(perm: outPerm), [value]) }
      if let biasTensor, !folded {
        guard biasAxes.count == 1, let axis = output.firstIndex(of: biasAxes[0]), biasTensor.count == size(biasAxes[0])
        else {
          throw context.error(
            "bias_axes '\(String(biasAxes))' is not supported (one output axis, or the kernel's free axes at the end)")
        }
        value = try context.add(.scaleShift(ScaleShift(axis: axis, scale: [1], shift: biasTensor.data)), [value])
      }
      return [try context.activate(value)]
    })
}

/// An EinsumDense equation `input,weight->output`, its `...` replaced by letters of its own.
struct EinsumEquation {
  let text: String
  let input: [Character]
  let weight: [Character]
  let output: [Character]

  /// Nil when the text is not of that form.
  init?(_ text: String, rank: Int) {
    self.text = text
    let sides = text.replacingOccurrences(of: " ", with: "").components(separatedBy: "->")
    guard sides.count == 2 else { return nil }
    let operands = sides[0].components(separatedBy: ",")
    guard operands.count == 2, !operands[1].contains(".") else { return nil }
    let letters = operands[0].replacingOccurrences(of: "...", with: "")
    let elided = rank - letters.count
    guard elided >= 0, operands[0].contains("...") == sides[1].contains("...") || elided == 0 else { return nil }
    // Capital letters for the elided axes: Keras's equations are lower case.
    let fresh = String("ABCDEFGHIJKLMNOPQRSTUVWXYZ".prefix(elided))
    input = Array(operands[0].replacingOccurrences(of: "...", with: fresh))
    weight = Array(operands[1])
    output = Array(sides[1].replacingOccurrences(of: "...", with: fresh))
    guard input.count == rank, Set(input).count == input.count, Set(output).count == output.count else { return nil }
  }
}
