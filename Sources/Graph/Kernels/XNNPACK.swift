import CVectorMath
import CXNNPACK

/// Convolutions and Dense layers as XNNPACK operators: the weights packed once, then run on
/// channels-last buffers as they are, the bias added as the output is written. XNNPACK clamps
/// every output (to ±∞ here), which turns NaN into a number: only finite weights and inputs
/// go to it, and the rest to OpenBLAS, which passes NaN and infinities on as Keras does. One
/// operator per node and executor worker (`Scratch.packed`): an operator
/// keeps its buffers between setup and run, so two threads never share one.
///
/// Measured on one core of the bench machine against OpenBLAS sgemm (im2col for
/// convolutions): 3×3 convolutions 85 → 110 GFLOP/s, 1×1 ones 70 → 99, a first layer with
/// one input channel 11 → 31; Dense 512×784×2048 96 → 108, 48×9216×128 68 → 111. oneDNN 2.6
/// (`libdnnl-dev`), on one thread too, was as fast on 3×3, faster on the first layer (50),
/// slower on 1×1 (82, and 47 where XNNPACK gave 74), and brings an OpenMP runtime to hold to
/// one thread per worker.
final class PackedOperator {
  private let handle: xnn_operator_t?
  private let isConvolution: Bool
  /// The image size a convolution's padding was computed for (Dense: 1 × 1).
  let size: (h: Int, w: Int)

  /// Whether XNNPACK started on this processor; when not, every kernel runs on OpenBLAS.
  static let available = xnn_initialize(nil) == xnn_status_success

  /// Kernels of more weights than this stay on OpenBLAS: XNNPACK streams all the packed
  /// weights for every block of rows, and at 2048×2048 it fell to 44 GFLOP/s against 94.
  static let largestDense = 2 << 20

  /// A 2D convolution (1D as height 1) on images of `h × w`, padded by Keras's rule (XNNPACK's
  /// own "same" flag goes wrong where the stride exceeds the kernel); nil `handle` when
  /// XNNPACK refuses it.
  init(_ op: Convolution, h: Int, w: Int) {
    (isConvolution, size) = (true, (h, w))
    guard PackedOperator.available, op.size.count <= 2, finite(op.kernel), finite(op.bias ?? []) else {
      handle = nil
      return
    }
    let (kh, kw) = ConvolutionKernel.pair(op.size), (sh, sw) = ConvolutionKernel.pair(op.strides)
    let (dh, dw) = ConvolutionKernel.pair(op.dilation)
    let (cg, f, taps) = (op.inputs / op.groups, op.filters, kh * kw)
    // Keras: W[t][ci][o]; XNNPACK: W[o][t][ci], o running over the groups in order.
    var packed = [Float](repeating: 0, count: op.kernel.count)
    for t in 0..<taps {
      for ci in 0..<cg { for o in 0..<f { packed[(o * taps + t) * cg + ci] = op.kernel[(t * cg + ci) * f + o] } }
    }
    func padding(_ n: Int, _ k: Int, _ s: Int, _ d: Int) -> (UInt32, UInt32) {
      guard op.padding == .same else { return (op.padding == .causal ? UInt32((k - 1) * d) : 0, 0) }
      let total = max(
        (Window.outputLength(n, size: k, stride: s, dilation: d, padding: .same)! - 1) * s + (k - 1) * d + 1 - n, 0)
      return (UInt32(total / 2), UInt32(total - total / 2))
    }
    let (top, bottom) = padding(h, kh, sh, dh), (left, right) = padding(w, kw, sw, dw)
    var created: xnn_operator_t?
    let status = packed.withUnsafeBufferPointer { kernel in
      (op.bias ?? []).withUnsafeBufferPointer { bias in
        xnn_create_convolution2d_nhwc_f32(
          top, right, bottom, left, UInt32(kh), UInt32(kw), UInt32(sh), UInt32(sw), UInt32(dh), UInt32(dw),
          UInt32(op.groups), cg,
          f / op.groups, op.inputs, f, kernel.baseAddress, op.bias == nil ? nil : bias.baseAddress, -.infinity,
          .infinity, 0, &created)
      }
    }
    handle = status == xnn_status_success ? created : nil
  }

  /// A Dense layer, its kernel `[inputs, units]` as Keras stores it; nil `handle` when XNNPACK
  /// refuses it or it is larger than `largestDense`.
  init(_ op: Dense) {
    (isConvolution, size) = (false, (1, 1))
    guard PackedOperator.available, op.kernel.count <= PackedOperator.largestDense, finite(op.kernel),
      finite(op.bias ?? [])
    else {
      handle = nil
      return
    }
    var created: xnn_operator_t?
    let status = op.kernel.withUnsafeBufferPointer { kernel in
      (op.bias ?? []).withUnsafeBufferPointer { bias in
        xnn_create_fully_connected_nc_f32(
          op.inputs, op.units, op.inputs, op.units, kernel.baseAddress, op.bias == nil ? nil : bias.baseAddress,
          -.infinity, .infinity, ensemble_xnn_flag_transpose_weights(), &created)
      }
    }
    handle = status == xnn_status_success ? created : nil
  }

  deinit { if let handle { xnn_delete_operator(handle) } }

  /// Runs on `n` images of `h × w` of `channels` (a Dense layer: `n` rows of `channels`);
  /// false, with y untouched, when XNNPACK refused the operator or x holds a non-finite value.
  func run(
    _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, n: Int, h: Int = 1, w: Int = 1, channels: Int
  ) -> Bool {
    guard let handle, ensemble_all_finite(x, n * h * w * channels) != 0 else { return false }
    let status =
      isConvolution
      ? xnn_setup_convolution2d_nhwc_f32(handle, n, h, w, x, y, nil)
      : xnn_setup_fully_connected_nc_f32(handle, n, x, y, nil)
    return status == xnn_status_success && xnn_run_operator(handle, nil) == xnn_status_success
  }
}

private func finite(_ values: [Float]) -> Bool {
  values.withUnsafeBufferPointer { ensemble_all_finite($0.baseAddress, $0.count) != 0 }
}
