import JSON

/// The only map from Keras class names to layer kinds. Aliases live here, not in `if` chains.
enum LayerTable {
  static let kinds: [String: LayerKind] = [
    "InputLayer": .identity,
    "Dense": .dense,
    "Activation": .activation,
    "ReLU": .relu,
    "LeakyReLU": .leakyRelu,
    "PReLU": .prelu,
    "ELU": .elu,
    "Softmax": .softmax,
    "Dropout": .identity,
    "SpatialDropout1D": .identity,
    "SpatialDropout2D": .identity,
    "SpatialDropout3D": .identity,
    "GaussianNoise": .identity,
    "GaussianDropout": .identity,
    "AlphaDropout": .identity,
    "ActivityRegularization": .identity,
    "Identity": .identity,
    // Augmentation layers change their input only in training.
    "RandomFlip": .augmentation,
    "RandomRotation": .augmentation,
    "RandomZoom": .augmentation,
    "RandomContrast": .augmentation,
    "RandomTranslation": .augmentation,
    "RandomBrightness": .augmentation,
    "Flatten": .flatten,
    "Reshape": .reshape,
    "Permute": .permute,
    "RepeatVector": .repeatVector,
    "Rescaling": .rescaling,
    "BatchNormalization": .batchNormalization,
    "LayerNormalization": .layerNormalization,
    "RMSNormalization": .rmsNormalization,
    "GroupNormalization": .groupNormalization,
    "Discretization": .discretization, "CategoryEncoding": .categoryEncoding,
    "UnitNormalization": .unitNormalization,
    "Add": .merging(.add),
    "Subtract": .merging(.subtract),
    "Multiply": .merging(.multiply),
    "Average": .merging(.average),
    "Maximum": .merging(.maximum),
    "Minimum": .merging(.minimum),
    "Concatenate": .concatenate,
    "Embedding": .embedding,
    "Conv1D": .convolution(axes: 1),
    "Conv2D": .convolution(axes: 2),
    "Conv3D": .convolution(axes: 3),
    "Convolution3D": .convolution(axes: 3),
    "MaxPooling3D": .pooling(.max, axes: 3),
    "MaxPool3D": .pooling(.max, axes: 3),
    "AveragePooling3D": .pooling(.average, axes: 3),
    "AvgPool3D": .pooling(.average, axes: 3),
    "GlobalMaxPooling3D": .globalPooling(.max),
    "GlobalMaxPool3D": .globalPooling(.max),
    "GlobalAveragePooling3D": .globalPooling(.average),
    "GlobalAvgPool3D": .globalPooling(.average),
    "AdaptiveAveragePooling1D": .adaptivePooling(.average, axes: 1),
    "AdaptiveAveragePooling2D": .adaptivePooling(.average, axes: 2),
    "AdaptiveAveragePooling3D": .adaptivePooling(.average, axes: 3),
    "AdaptiveMaxPooling1D": .adaptivePooling(.max, axes: 1),
    "AdaptiveMaxPooling2D": .adaptivePooling(.max, axes: 2),
    "AdaptiveMaxPooling3D": .adaptivePooling(.max, axes: 3),
    "Convolution1D": .convolution(axes: 1),
    "Convolution2D": .convolution(axes: 2),
    "DepthwiseConv1D": .depthwise(axes: 1),
    "DepthwiseConv2D": .depthwise(axes: 2),
    "SeparableConv1D": .separable(axes: 1),
    "SeparableConv2D": .separable(axes: 2),
    "SeparableConvolution1D": .separable(axes: 1),
    "SeparableConvolution2D": .separable(axes: 2),
    "Conv1DTranspose": .transposed(axes: 1),
    "Conv2DTranspose": .transposed(axes: 2),
    "Convolution2DTranspose": .transposed(axes: 2),
    "Conv3DTranspose": .transposed(axes: 3),
    "ConvLSTM1D": .convolutionalLSTM(axes: 1),
    "ConvLSTM2D": .convolutionalLSTM(axes: 2),
    "ConvLSTM3D": .convolutionalLSTM(axes: 3),
    "Convolution3DTranspose": .transposed(axes: 3),
    "MaxPooling1D": .pooling(.max, axes: 1),
    "MaxPooling2D": .pooling(.max, axes: 2),
    "MaxPool1D": .pooling(.max, axes: 1),
    "MaxPool2D": .pooling(.max, axes: 2),
    "AveragePooling1D": .pooling(.average, axes: 1),
    "AveragePooling2D": .pooling(.average, axes: 2),
    "AvgPool1D": .pooling(.average, axes: 1),
    "AvgPool2D": .pooling(.average, axes: 2),
    "GlobalMaxPooling1D": .globalPooling(.max),
    "GlobalMaxPooling2D": .globalPooling(.max),
    "GlobalMaxPool1D": .globalPooling(.max),
    "GlobalMaxPool2D": .globalPooling(.max),
    "GlobalAveragePooling1D": .globalPooling(.average),
    "GlobalAveragePooling2D": .globalPooling(.average),
    "GlobalAvgPool1D": .globalPooling(.average),
    "GlobalAvgPool2D": .globalPooling(.average),
    "ZeroPadding1D": .padding(key: "padding", sign: 1, axes: 1),
    "ZeroPadding2D": .padding(key: "padding", sign: 1, axes: 2),
    "Cropping1D": .padding(key: "cropping", sign: -1, axes: 1),
    "Cropping2D": .padding(key: "cropping", sign: -1, axes: 2),
    "UpSampling1D": .upsampling(axes: 1),
    "UpSampling2D": .upsampling(axes: 2),
    "ZeroPadding3D": .padding(key: "padding", sign: 1, axes: 3),
    "Cropping3D": .padding(key: "cropping", sign: -1, axes: 3),
    "UpSampling3D": .upsampling(axes: 3),
    "Resizing": .resizing,
    "TFOpLambda": .tfOpLambda, "SlicingOpLambda": .tfOpLambda,
    "CenterCrop": .centerCrop,
    "LayerScale": .layerScale,
    "CustomScaleLayer": .customScale, "Custom>CustomScaleLayer": .customScale,
    "LSTM": .recurrent,
    "GRU": .recurrent,
    "SimpleRNN": .recurrent,
    "RNN": .rnn,
    "Bidirectional": .bidirectional,
    "TimeDistributed": .timeDistributed,
    "Masking": .masking,
    "RandomCrop": .randomCrop, "Attention": .attention, "AdditiveAttention": .additiveAttention,
    "GroupQueryAttention": .groupedQueryAttention, "GroupedQueryAttention": .groupedQueryAttention,
    "EinsumDense": .einsumDense,
    "MultiHeadAttention": .multiHeadAttention,
    "Normalization": .preprocessingNormalization,
    StockLayer.weightedProductClass: .weightedProduct,
    StockLayer.hardVoteClass: .hardVote,
  ]

  /// Classes refused on purpose, with the reason the error gives.
  static let refused: [String: String] = [
    "Lambda": pythonCode
  ]
  private static let pythonCode =
    "Lambda layers hold Python bytecode, which ensemble never runs; rebuild the model with built-in layers"

  /// The kind for a layer, or an error naming the class and the layer.
  static func kind(for layer: KerasLayer) throws -> LayerKind {
    if let reason = problem(className: layer.className, config: layer.config, operation: layer.isOperation) {
      throw KerasError(layer: layer.name, className: layer.className, reason)
    }
    return layer.isOperation ? .kerasOperation : kinds[layer.className]!
  }

  /// Why a layer of this class and config cannot run, or nil when it can: a class refused or
  /// unknown, or a configuration of a known class that ensemble does not compute.
  static func problem(className: String, config: JSONValue, operation: Bool = false) -> String? {
    if operation {
      return KerasOperation.runs(className)
        ? nil : "the Keras 3 operation '\(className)' is not one ensemble runs yet"
    }
    if className == "TFOpLambda" || className == "SlicingOpLambda", !TensorFlowOps.runs(config["function"]?.string) {
      return "calls the TensorFlow function '\(config["function"]?.string ?? "?")', which ensemble does not run yet"
    }
    guard kinds[className] != nil else { return refused[className] ?? "unsupported layer class '\(className)'" }
    return nil
  }

  /// The weights a layer stores; a nested model stores all its layers' trainable weights,
  /// then all their non-trainable ones.
  static func slots(for layer: KerasLayer) throws -> [WeightSlot] {
    if let model = layer.submodel {
      let all = try LayerOrder.of(model).flatMap { index -> [WeightSlot] in
        let inner = model.layers[index]
        return try slots(for: inner).map {
          WeightSlot("\(inner.name)/\($0.name)", trainable: $0.trainable && inner.trainable)
        }
      }
      return all.filter(\.trainable) + all.filter { !$0.trainable }
    }
    let own = try kind(for: layer).slots(layer.config)
    return layer.trainable ? own : own.map { WeightSlot($0.name, trainable: false) }
  }
}
