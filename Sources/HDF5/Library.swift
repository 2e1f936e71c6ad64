import CHDF5

/// HDF5's macros as Swift values, and the switch that turns off HDF5's own error printing so
/// that every failure reaches the user as ours.
enum Library {
  static let propertyDefault = chdf5_P_DEFAULT()
  static let selectAll = chdf5_S_ALL()
  static var nativeFloat: hid_t { chdf5_T_NATIVE_FLOAT() }
  static var float32LE: hid_t { chdf5_T_IEEE_F32LE() }
  static var float64LE: hid_t { chdf5_T_IEEE_F64LE() }
  static var cString: hid_t { chdf5_T_C_S1() }
  static let variableSize = chdf5_T_VARIABLE()
  static var fileAccess: hid_t { chdf5_P_FILE_ACCESS() }

  /// Called before any file is touched; HDF5 otherwise prints its error stack on stderr.
  static let silenced: Void = {
    H5open()
    H5Eset_auto2(chdf5_E_DEFAULT(), nil, nil)
  }()
}
