/// Working memory a kernel needs besides its inputs and outputs (im2col columns, recurrent
/// projections), kept between calls: allocating it afresh for every batch cost more in page
/// faults than the arithmetic. One per executor worker, so never shared between threads.
final class Scratch {
  private var buffers: [(pointer: UnsafeMutablePointer<Float>, capacity: Int)] = []

  /// Buffer number `slot`, at least `count` floats; contents are undefined.
  func buffer(_ slot: Int, _ count: Int) -> UnsafeMutablePointer<Float> {
    while buffers.count <= slot { buffers.append((UnsafeMutablePointer<Float>.allocate(capacity: 1), 1)) }
    if buffers[slot].capacity < count {
      buffers[slot].pointer.deallocate()
      buffers[slot] = (UnsafeMutablePointer<Float>.allocate(capacity: count), count)
    }
    return buffers[slot].pointer
  }

  deinit { buffers.forEach { $0.pointer.deallocate() } }
}
