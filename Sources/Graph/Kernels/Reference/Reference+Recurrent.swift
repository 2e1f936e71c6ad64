extension Reference {
  /// An LSTM, GRU or SimpleRNN stepped one sample and one time step at a time, with the
  /// formulas of `Recurrent` and every product as an explicit sum. Returns the op's outputs:
  /// the sequence (or last output), then the states when `returnState`.
  public static func recurrent(_ op: Recurrent, _ x: Tensor, mask: Tensor? = nil) -> [Tensor] {
    let (batch, steps, u, width) = (x.shape[0], x.shape[1], op.units, op.cell.gates * op.units)
    let act = op.activation.function, gate = op.recurrentActivation.function
    var sequence = [Float](repeating: 0, count: batch * steps * u)
    var lastH = [Float](), lastC = [Float]()
    for b in 0..<batch {
      var h = [Float](repeating: 0, count: u), c = [Float](repeating: 0, count: u)
      for step in 0..<steps {
        let t = op.goBackwards ? steps - 1 - step : step
        let row = Array(x.data[((b * steps + t) * op.inputs)..<((b * steps + t + 1) * op.inputs)])
        // x·W + b₀ and h·U + b₁ over all gates (b₁ only for a reset-after GRU).
        func xw(_ j: Int) -> Float {
          var sum = op.bias?[j] ?? 0
          for i in 0..<op.inputs { sum += row[i] * op.kernel[i * width + j] }
          return sum
        }
        func hu(_ state: [Float], _ j: Int) -> Float {
          var sum = op.bias.flatMap { $0.count == 2 * width ? $0[width + j] : nil } ?? 0
          for i in 0..<u { sum += state[i] * op.recurrentKernel[i * width + j] }
          return sum
        }
        let keep = mask.map { $0.data[b * steps + t] != 0 } ?? true
        if keep {
          switch op.cell {
          case .lstm:
            let z = (0..<width).map { xw($0) + hu(h, $0) }
            for j in 0..<u {
              c[j] = gate(z[u + j]) * c[j] + gate(z[j]) * act(z[2 * u + j])
              h[j] = gate(z[3 * u + j]) * act(c[j])
            }
          case .gru(let resetAfter):
            let previous = h
            let r = (0..<u).map { gate(xw(u + $0) + hu(previous, u + $0)) }
            let reset = (0..<u).map { r[$0] * previous[$0] }
            for j in 0..<u {
              let z = gate(xw(j) + hu(previous, j))
              let candidate =
                resetAfter
                ? act(xw(2 * u + j) + r[j] * hu(previous, 2 * u + j)) : act(xw(2 * u + j) + hu(reset, 2 * u + j))
              h[j] = z * previous[j] + (1 - z) * candidate
            }
          case .simple:
            h = (0..<u).map { act(xw($0) + hu(h, $0)) }
          }
        }
        for j in 0..<u { sequence[(b * steps + step) * u + j] = keep || !op.zeroOutputForMask ? h[j] : 0 }
      }
      lastH += h
      lastC += c
    }
    let output =
      op.returnSequences
      ? Tensor(shape: [batch, steps, u], data: sequence) : Tensor(shape: [batch, u], data: lastH)
    guard op.returnState else { return [output] }
    let states =
      [Tensor(shape: [batch, u], data: lastH)] + (op.cell == .lstm ? [Tensor(shape: [batch, u], data: lastC)] : [])
    return [output] + states
  }
}
