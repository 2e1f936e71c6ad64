import CVectorMath
import CXNNPACK

/// Convolutions, Dense layers and max pooling as XNNPACK operators: the weights packed once,
/// then run on channels-last buffers as they are, the bias and a folded ReLU (`clamp`) applied
/// as the output is written. XNNPACK clamps every output (to ±∞ when no ReLU), which turns NaN
/// into a number: only finite weights and inputs go to it (their outputs are finite, or ±∞ on
/// overflow, which the clamp treats as Keras's ReLU does), and the rest to OpenBLAS, which
/// passes NaN and infinities on as Keras does. One operator per node and executor worker
/// (`Scratch.packed`): an operator keeps its buffers between setup and run, so two threads
/// never share one.
///
/// Measured on one core of the bench machine against OpenBLAS sgemm (im2col for
/// convolutions): 3×3 convolutions 85 → 110 GFLOP/s, 1×1 ones 70 → 99, a first layer with
/// one input channel 11 → 31; Dense 512×784×2048 96 → 108, 48×9216×128 68 → 111. oneDNN 2.6
/// (`libdnnl-dev`), on one thread too, was as fast on 3×3, faster on the first layer (50),
/// slower on 1×1 (82, and 47 where XNNPACK gave 74), and brings an OpenMP runtime to hold to
/// one thread per worker.
final class PackedOperator {
  /// The operators, each with the first output column it writes (slices; else 0).
  private var handles: [(operator: xnn_operator_t, column: Int)] = []
  private let kind: Kind
  private enum Kind { case convolution, dense, maxPooling }
  /// The image size the padding was computed for (Dense: 1 × 1).
  let size: (h: Int, w: Int)

  /// Whether XNNPACK started on this processor; when not, every kernel runs on OpenBLAS.
  static let available = xnn_initialize(nil) == xnn_status_success

  /// Weights of one operator at most: a Dense or (ungrouped) convolution kernel of more runs as
  /// slices of output columns, each an operator writing its own columns of the output.
  /// XNNPACK streams all of an operator's packed weights once for every block of rows; slices
  /// of 512 KB (half a core's L2 here) are streamed from L2 instead of memory. In whole runs
  /// (thread CPU time of the layer, bench/ workloads): W2's Dense 9216 → 128 on 28 rows
  /// 245–283 → 212–227 ms, W5's Dense 2048 → 1000 53–56 → 26–31 ms, ResNet50's 3×3
  /// convolution of 512 channels on 7×7 409 → 340 ms; W3's 2048 × 2048 unchanged.
  static let sliceWeights = 1 << 17

  /// The output columns of each slice of a kernel of `units` columns and `perColumn` weights
  /// each: all, or a multiple of 16 (XNNPACK's tile) within `sliceWeights`.
  private static func sliceWidth(units: Int, perColumn: Int) -> Int {
    units * perColumn <= sliceWeights ? units : max(16, sliceWeights / perColumn / 16 * 16)
  }

  /// A 2D convolution (1D as height 1) on images of `h × w`, whole or in slices of output
  /// channels (`sliceWeights`; grouped ones whole); no operator when XNNPACK refuses it.
  init(_ op: Convolution, h: Int, w: Int) {
    (kind, size) = (.convolution, (h, w))
    guard PackedOperator.available, op.size.count <= 2, finite(op.kernel), finite(op.bias ?? []) else {
      return
    }
    let (kh, kw) = ConvolutionKernel.pair(op.size), (sh, sw) = ConvolutionKernel.pair(op.strides)
    let (dh, dw) = ConvolutionKernel.pair(op.dilation)
    let (cg, f, taps) = (op.inputs / op.groups, op.filters, kh * kw)
    // Keras: W[t][ci][o]; XNNPACK: W[o][t][ci], o running over the groups in order, so that a
    // slice of output channels is a contiguous run.
    var packed = [Float](repeating: 0, count: op.kernel.count)
    for t in 0..<taps {
      for ci in 0..<cg { for o in 0..<f { packed[(o * taps + t) * cg + ci] = op.kernel[(t * cg + ci) * f + o] } }
    }
    let (top, bottom) = PackedOperator.padding(op.padding, h, kh, sh, dh)
    let (left, right) = PackedOperator.padding(op.padding, w, kw, sw, dw)
    let clamp = op.clamp ?? -.infinity...(.infinity)
    let width = op.groups > 1 ? f : PackedOperator.sliceWidth(units: f, perColumn: taps * cg)
    makeSlices(units: f, width: width) { start, count, created in
      packed.withUnsafeBufferPointer { kernel in
        (op.bias ?? []).withUnsafeBufferPointer { bias in
          xnn_create_convolution2d_nhwc_f32(
            top, right, bottom, left, UInt32(kh), UInt32(kw), UInt32(sh), UInt32(sw), UInt32(dh), UInt32(dw),
            UInt32(op.groups), cg, count / op.groups, op.inputs, f, kernel.baseAddress! + start * taps * cg,
            op.bias == nil ? nil : bias.baseAddress! + start, clamp.lowerBound, clamp.upperBound, 0, &created)
        }
      }
    }
  }

  /// A Dense layer, its kernel `[inputs, units]` as Keras stores it, whole or in slices of
  /// columns (`sliceWeights`); no operator when XNNPACK refuses it.
  init(_ op: Dense) {
    (kind, size) = (.dense, (1, 1))
    guard PackedOperator.available, finite(op.kernel), finite(op.bias ?? []) else { return }
    let clamp = op.clamp ?? -.infinity...(.infinity)
    makeSlices(units: op.units, width: PackedOperator.sliceWidth(units: op.units, perColumn: op.inputs)) {
      start, count, created in
      var slice = [Float](repeating: 0, count: op.inputs * count)
      for i in 0..<op.inputs { for j in 0..<count { slice[i * count + j] = op.kernel[i * op.units + start + j] } }
      let bias = op.bias.map { Array($0[start..<(start + count)]) }
      return slice.withUnsafeBufferPointer { kernel in
        (bias ?? []).withUnsafeBufferPointer { b in
          xnn_create_fully_connected_nc_f32(
            op.inputs, count, op.inputs, op.units, kernel.baseAddress, bias == nil ? nil : b.baseAddress,
            clamp.lowerBound, clamp.upperBound, ensemble_xnn_flag_transpose_weights(), &created)
        }
      }
    }
  }

  /// One operator per slice of `width` of the `units` output columns, made by `create(start,
  /// count, &operator)`; none at all when XNNPACK refuses one.
  private func makeSlices(
    units: Int, width: Int, _ create: (Int, Int, inout xnn_operator_t?) -> xnn_status
  ) {
    for start in stride(from: 0, to: units, by: width) {
      var created: xnn_operator_t?
      guard create(start, min(width, units - start), &created) == xnn_status_success, let created else {
        handles.forEach { xnn_delete_operator($0.operator) }
        handles = []
        return
      }
      handles.append((created, start))
    }
  }

  /// A 2D max pooling (1D as height 1) of `channels` on images of `h × w`; padded cells are
  /// left out of the maximum, as Keras's −∞ padding does.
  init(_ op: Pooling, channels: Int, h: Int, w: Int) {
    (kind, size) = (.maxPooling, (h, w))
    guard PackedOperator.available, op.kind == .max, op.size.count <= 2 else {
      return
    }
    let (kh, kw) = ConvolutionKernel.pair(op.size), (sh, sw) = ConvolutionKernel.pair(op.strides)
    let (top, bottom) = PackedOperator.padding(op.padding, h, kh, sh, 1)
    let (left, right) = PackedOperator.padding(op.padding, w, kw, sw, 1)
    var created: xnn_operator_t?
    let status = xnn_create_max_pooling2d_nhwc_f32(
      top, right, bottom, left, UInt32(kh), UInt32(kw), UInt32(sh), UInt32(sw), 1, 1, channels, channels, channels,
      -.infinity, .infinity, 0, &created)
    if status == xnn_status_success, let created { handles = [(created, 0)] }
  }

  deinit { handles.forEach { xnn_delete_operator($0.operator) } }

  /// Cells before and after along one axis of length n: `Window.padBefore`, and what the
  /// output length still needs after (XNNPACK's own "same" flag goes wrong where the stride
  /// exceeds the kernel).
  private static func padding(_ padding: Padding, _ n: Int, _ k: Int, _ s: Int, _ d: Int) -> (UInt32, UInt32) {
    let before = Window.padBefore(n, size: k, stride: s, dilation: d, padding: padding)
    let out = Window.outputLength(n, size: k, stride: s, dilation: d, padding: padding)!
    return (UInt32(before), UInt32(max((out - 1) * s + (k - 1) * d + 1 - n - before, 0)))
  }

  /// Runs on `n` images of `h × w` of `channels` (a Dense layer: `n` rows of `channels`);
  /// false, with y untouched, when XNNPACK refused the operator or x holds a non-finite value.
  func run(
    _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, n: Int, h: Int = 1, w: Int = 1, channels: Int
  ) -> Bool {
    guard !handles.isEmpty, ensemble_all_finite(x, n * h * w * channels) != 0 else { return false }
    for (handle, column) in handles {
      let status: xnn_status
      switch kind {
      case .convolution: status = xnn_setup_convolution2d_nhwc_f32(handle, n, h, w, x, y + column, nil)
      case .dense: status = xnn_setup_fully_connected_nc_f32(handle, n, x, y + column, nil)
      case .maxPooling: status = xnn_setup_max_pooling2d_nhwc_f32(handle, n, h, w, x, y, nil)
      }
      guard status == xnn_status_success, xnn_run_operator(handle, nil) == xnn_status_success else { return false }
    }
    return true
  }
}

private func finite(_ values: [Float]) -> Bool {
  values.withUnsafeBufferPointer { ensemble_all_finite($0.baseAddress, $0.count) != 0 }
}
