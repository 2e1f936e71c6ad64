/// Working memory a kernel needs besides its inputs and outputs (im2col columns, recurrent
/// projections), kept between calls: allocating it afresh for every batch cost more in page
/// faults than the arithmetic. One per executor worker, so never shared between threads.
final class Scratch {
  private var buffers: [(pointer: UnsafeMutablePointer<Float>, capacity: Int)] = []
  private var operators: [Int: PackedOperator] = [:]
  /// The index of the node being run: it keys what a kernel keeps between batches.
  var node = 0

  /// The current node's XNNPACK operator number `slot` (0 to 3), made by `make` on its first batch,
  /// and again when the image size changes (a model with free spatial dimensions).
  func packed(slot: Int = 0, h: Int = 1, w: Int = 1, _ make: () -> PackedOperator) -> PackedOperator {
    let key = node * 4 + slot
    if let found = operators[key], found.size == (h, w) { return found }
    let made = make()
    operators[key] = made
    return made
  }

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
