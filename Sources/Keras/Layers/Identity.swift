import Graph

extension LayerKind {
  /// Dropout, the noise layers, ActivityRegularization and Identity do nothing at inference.
  static let identity = LayerKind(
    keys: ["rate", "stddev", "l1", "l2"],
    propagatesMask: true,
    build: { context in [try context.add(.identity)] })
}

extension LayerKind {
  /// The Random* augmentation layers change their input only in training; a written file keeps
  /// the arguments their constructors require and both loaders take (not Keras 3's `data_format`
  /// or `value_range`, which tf_keras's RandomContrast refuses; neither acts at inference).
  static let augmentation = LayerKind(
    keys: ["mode", "factor", "height_factor", "width_factor", "fill_mode", "interpolation", "seed", "fill_value"],
    propagatesMask: true,
    build: { context in [try context.add(.identity)] })
}
