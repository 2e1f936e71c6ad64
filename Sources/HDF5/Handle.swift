import CHDF5

/// An open HDF5 identifier, closed with the matching H5?close when the owner goes away.
final class Handle {
  let id: hid_t
  private let close: (hid_t) -> herr_t

  init(_ id: hid_t, close: @escaping (hid_t) -> herr_t) {
    self.id = id
    self.close = close
  }

  deinit { _ = close(id) }
}
