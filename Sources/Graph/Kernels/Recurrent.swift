import CVectorMath

/// The recurrent kernels. LSTM, GRU and SimpleRNN: the input projection of every step in one product, then per step one
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
            case .lstm:
              lstmStep(xp, hp, hb, cb, units: u, activation: op.activation, gate: op.recurrentActivation)
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

  /// One LSTM step of one row from its gate inputs `xp + hp` (i, f, c, o of `units` each):
  /// `c = σ(zf)⊙c + σ(zi)⊙act(zc)`, `h = σ(zo)⊙act(c)`; Keras's default activations through
  /// the vectorised `ensemble_lstm_cell`.
  @inline(__always)
  static func lstmStep(
    _ xp: UnsafePointer<Float>, _ hp: UnsafePointer<Float>, _ h: UnsafeMutablePointer<Float>,
    _ c: UnsafeMutablePointer<Float>, units u: Int, activation: Activation, gate: Activation
  ) {
    if activation == .tanh && gate == .sigmoid {
      ensemble_lstm_cell(xp, hp, h, c, u)
      return
    }
    let act = activation.function, sigma = gate.function
    for j in 0..<u {
      let i = sigma(xp[j] + hp[j]), f = sigma(xp[u + j] + hp[u + j])
      let candidate = act(xp[2 * u + j] + hp[2 * u + j]), o = sigma(xp[3 * u + j] + hp[3 * u + j])
      c[j] = f * c[j] + i * candidate
      h[j] = o * act(c[j])
    }
  }

  /// ConvLSTM: the input convolution of every step at once, the `(batch·time)` frames taken as
  /// one batch; then per step the recurrent convolution of h for the whole batch and the LSTM
  /// step at each pixel. A masked step keeps the state and repeats the last output.
  static func convolutional(
    _ op: ConvolutionalLSTM, _ x: UnsafePointer<Float>, mask: UnsafePointer<Float>?, shape: [Int],
    outShapes: [[Int]], _ outputs: [UnsafeMutablePointer<Float>], scratch: Scratch
  ) {
    let (n, steps, f) = (shape[0], shape[1], op.filters)
    let width = 4 * f
    let spatial = Array((op.returnSequences ? outShapes[0].dropFirst(2) : outShapes[0].dropFirst()).dropLast())
    let pixels = spatial.reduce(1, *)
    // Buffer 0 is the convolutions' own im2col scratch.
    let projected = scratch.buffer(1, n * steps * pixels * width), recurrent = scratch.buffer(2, n * pixels * width)
    let h = scratch.buffer(3, n * pixels * f), c = scratch.buffer(4, n * pixels * f)
    h.update(repeating: 0, count: n * pixels * f)
    c.update(repeating: 0, count: n * pixels * f)
    ConvolutionKernel.convolve(
      op.input, x, inShape: [n * steps] + shape.dropFirst(2), projected, outShape: [n * steps] + spatial + [width],
      scratch: scratch)
    let (stateShape, gatesShape) = ([n] + spatial + [f], [n] + spatial + [width])
    for step in 0..<steps {
      let t = op.goBackwards ? steps - 1 - step : step
      ConvolutionKernel.convolve(
        op.recurrent, h, inShape: stateShape, recurrent, outShape: gatesShape, scratch: scratch, slot: 1)
      for b in 0..<n {
        if mask.map({ $0[b * steps + t] != 0 }) ?? true {
          for p in 0..<pixels {
            lstmStep(
              projected + ((b * steps + t) * pixels + p) * width, recurrent + (b * pixels + p) * width,
              h + (b * pixels + p) * f, c + (b * pixels + p) * f, units: f, activation: op.activation,
              gate: op.recurrentActivation)
          }
        }
        if op.returnSequences {
          (outputs[0] + (b * steps + step) * pixels * f).update(from: h + b * pixels * f, count: pixels * f)
        }
      }
    }
    if !op.returnSequences { outputs[0].update(from: h, count: n * pixels * f) }
    if op.returnState {
      outputs[1].update(from: h, count: n * pixels * f)
      outputs[2].update(from: c, count: n * pixels * f)
    }
  }
}
