import CVectorMath

/// The recurrent kernel: the input projection of every step in one product, then per step one
/// product `h·U` for the whole batch and the gate arithmetic (an LSTM with Keras's default
/// activations through `ensemble_lstm_cell`, vectorised). Scratch memory only, nothing
/// allocated per step.
enum RecurrentKernel {
  static func run(
    _ op: Recurrent, _ x: UnsafePointer<Float>, mask: UnsafePointer<Float>?, shape: [Int],
    _ outputs: [UnsafeMutablePointer<Float>], scratch: Scratch
  ) {
    let (n, steps, u) = (shape[0], shape[1], op.units)
    let width = op.cell.gates * u
    let projected = scratch.buffer(0, n * steps * width), recurrent = scratch.buffer(1, n * width)
    let h = scratch.buffer(2, n * u), c = scratch.buffer(3, n * u), gated = scratch.buffer(4, n * u)
    h.update(repeating: 0, count: n * u)
    c.update(repeating: 0, count: n * u)
    // x·W + b over every step at once, then per step h·U (+ the recurrent bias), both as Dense
    // layers on XNNPACK: operators 0 and 1 of this node.
    let inputs = Dense(
      kernel: op.kernel, bias: op.bias.map { Array($0.prefix(width)) }, inputs: op.inputs, units: width)
    let recurrentBias: [Float]? = op.bias.flatMap { $0.count == 2 * width ? Array($0.suffix(width)) : nil }
    let hidden = Dense(kernel: op.recurrentKernel, bias: recurrentBias, inputs: u, units: width)
    MatMul.dense(inputs, x, projected, rows: n * steps, scratch: scratch)
    let act = op.activation.function, gate = op.recurrentActivation.function
    let standard = op.activation == .tanh && op.recurrentActivation == .sigmoid
    let sequence = outputs[0]
    op.recurrentKernel.withUnsafeBufferPointer { uPointer in
      let uk = uPointer.baseAddress!
      for step in 0..<steps {
        let t = op.goBackwards ? steps - 1 - step : step
        switch op.cell {
        case .gru(resetAfter: false):
          // z and r from h·U[:, :2u]; the candidate needs (r⊙h)·U[:, 2u:].
          MatMul.gemm(h, lda: u, uk, ldb: width, recurrent, ldc: width, m: n, k: u, n: 2 * u, accumulate: false)
        default:
          MatMul.dense(hidden, h, recurrent, rows: n, scratch: scratch, slot: 1)
        }
        if case .gru(resetAfter: false) = op.cell {
          for b in 0..<n {
            let xp = projected + (b * steps + t) * width, hp = recurrent + b * width
            for j in 0..<u { gated[b * u + j] = gate(xp[u + j] + hp[u + j]) * h[b * u + j] }
          }
          MatMul.gemm(
            gated, lda: u, uk + 2 * u, ldb: width, recurrent + 2 * u, ldc: width, m: n, k: u, n: u, accumulate: false)
        }
        for b in 0..<n {
          let keep = mask.map { $0[b * steps + t] != 0 } ?? true
          let xp = projected + (b * steps + t) * width, hp = recurrent + b * width
          let hb = h + b * u, cb = c + b * u
          if keep {
            switch op.cell {
            case .lstm where standard:
              ensemble_lstm_cell(xp, hp, hb, cb, u)
            case .lstm:
              for j in 0..<u {
                let i = gate(xp[j] + hp[j]), f = gate(xp[u + j] + hp[u + j])
                let candidate = act(xp[2 * u + j] + hp[2 * u + j]), o = gate(xp[3 * u + j] + hp[3 * u + j])
                cb[j] = f * cb[j] + i * candidate
                hb[j] = o * act(cb[j])
              }
            case .gru(let resetAfter):
              for j in 0..<u {
                let z = gate(xp[j] + hp[j])
                let candidate: Float
                if resetAfter {
                  let r = gate(xp[u + j] + hp[u + j])
                  candidate = act(xp[2 * u + j] + r * hp[2 * u + j])
                } else {
                  candidate = act(xp[2 * u + j] + hp[2 * u + j])
                }
                hb[j] = z * hb[j] + (1 - z) * candidate
              }
            case .simple:
              for j in 0..<u { hb[j] = act(xp[j] + hp[j]) }
            }
          }
          if op.returnSequences {
            let out = sequence + (b * steps + step) * u
            if keep || !op.zeroOutputForMask {
              out.update(from: hb, count: u)
            } else {
              out.update(repeating: 0, count: u)
            }
          }
        }
      }
    }
    if !op.returnSequences { sequence.update(from: h, count: n * u) }
    if op.returnState {
      outputs[1].update(from: h, count: n * u)
      if op.cell == .lstm { outputs[2].update(from: c, count: n * u) }
    }
  }
}
