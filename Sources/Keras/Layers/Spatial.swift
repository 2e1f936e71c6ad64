import Graph
import JSON

extension LayerKind {
  /// ZeroPadding1D/2D (`sign` 1) and Cropping1D/2D (`sign` −1): amounts per spatial axis as an
  /// int, a `(before, after)` pair, or `((top, bottom), (left, right))`.
  static func padding(key: String, sign: Int, axes: Int) -> LayerKind {
    LayerKind(
      keys: [key, "data_format"],
      build: { context in
        [
          try context.channelsLast { x in
            let amounts = try context.amounts(key, axes: axes).map { (sign * $0.0, sign * $0.1) }
            return try context.add(.pad(amounts), [x])
          }
        ]
      })
  }

  /// UpSampling1D/2D: nearest repeats each row/column `size` times; 'bilinear' resizes.
  static func upsampling(axes: Int) -> LayerKind {
    LayerKind(
      keys: ["size", "data_format", "interpolation"],
      build: { context in
        [
          try context.channelsLast { x in
            let factors = try context.window("size", axes: axes, default: 2)
            let method = context.string("interpolation", default: "nearest")
            if method == "nearest" { return try context.add(.upsample(factors: factors), [x]) }
            guard method == "bilinear", axes == 2 else {
              throw context.error("interpolation '\(method)' is not supported")
            }
            let shape = context.graph.shape(x)
            guard let height = shape.dims[1], let width = shape.dims[2] else {
              throw context.error("bilinear upsampling needs known height and width, input is \(shape)")
            }
            return try context.add(.resize(height: height * factors[0], width: width * factors[1], bilinear: true), [x])
          }
        ]
      })
  }

  /// Resizing to `height × width`, bilinear or nearest; with `crop_to_aspect_ratio`, of the
  /// centred window of the target's aspect ratio (`croppedToAspectRatio`).
  static let resizing = LayerKind(
    keys: ["height", "width", "interpolation", "crop_to_aspect_ratio", "data_format"],
    // tf_keras's Resizing has no data_format (it is always channels last).
    adapt: { config, _, _, target in
      target == .keras2 && config["data_format"]?.string != "channels_first" ? config.removing("data_format") : config
    },
    caveat: { layer, target in
      target == .keras2 && layer.config["data_format"]?.string == "channels_first"
        ? "layer '\(layer.name)' resizes channels-first images, which tf_keras's Resizing cannot: load the file "
          + "with Keras 3" : nil
    },
    build: { context in
      [
        try context.channelsLast { x in
          let method = context.string("interpolation", default: "bilinear")
          guard method == "bilinear" || method == "nearest" else {
            throw context.error("interpolation '\(method)' is not supported (bilinear, nearest)")
          }
          let (height, width) = (try context.int("height"), try context.int("width"))
          let crop = context.bool("crop_to_aspect_ratio", default: false)
          let image = crop ? try context.croppedToAspectRatio(x, height: height, width: width) : x
          return try context.add(.resize(height: height, width: width, bilinear: method == "bilinear"), [image])
        }
      ]
    })
}

extension LayerKind {
  /// RandomCrop at inference: tf_keras resizes the image as Resizing with crop_to_aspect_ratio
  /// does (bilinear); Keras 3 passes it on unchanged.
  static let randomCrop = LayerKind(
    keys: ["height", "width", "seed"],
    caveat: { layer, _ in
      "layer '\(layer.name)' (RandomCrop) acts differently at inference in the two Keras versions: tf_keras "
        + "resizes the image, Keras 3 passes it on"
    },
    build: { context in
      guard context.dialect != .keras3 else { return [try context.add(.identity)] }
      let (height, width) = (try context.int("height"), try context.int("width"))
      let cropped = try context.croppedToAspectRatio(context.input, height: height, width: width)
      return [try context.add(.resize(height: height, width: width, bilinear: true), [cropped])]
    })

  /// CenterCrop to `height × width`: the window starting at ⌊(H − height)/2⌋, ⌊(W − width)/2⌋.
  /// (Keras resizes an input smaller than the window instead; that is refused.)
  static let centerCrop = LayerKind(
    keys: ["height", "width", "data_format"],
    build: { context in
      [
        try context.channelsLast { x in
          let shape = context.graph.shape(x)
          let (height, width) = (try context.int("height"), try context.int("width"))
          guard shape.rank == 4, let inputHeight = shape.dims[1], let inputWidth = shape.dims[2],
            inputHeight >= height, inputWidth >= width
          else {
            throw context.error(
              "CenterCrop to \(height)×\(width) needs a known image at least that large, input is \(shape) "
                + "(Keras resizes smaller ones, which ensemble does not compute)")
          }
          let top = (inputHeight - height) / 2, left = (inputWidth - width) / 2
          return try context.add(
            .pad([(-top, -(inputHeight - height - top)), (-left, -(inputWidth - width - left))]), [x])
        }
      ]
    })
}

extension LayerContext {
  /// Padding or cropping amounts per spatial axis.
  func amounts(_ key: String, axes: Int) throws -> [(Int, Int)] {
    guard let value = config[key], !value.isNull else { throw error("config '\(key)' is missing") }
    if let single = value.int { return Array(repeating: (single, single), count: axes) }
    guard let items = value.array else { throw error("config '\(key)' = \(value.text) is not understood") }
    if axes == 1, items.count == 2, let a = items[0].int, let b = items[1].int { return [(a, b)] }
    return try items.map { item in
      if let both = item.int { return (both, both) }
      guard let pair = item.array, pair.count == 2, let a = pair[0].int, let b = pair[1].int else {
        throw error("config '\(key)' = \(value.text) is not understood")
      }
      return (a, b)
    }
  }
}

extension LayerContext {
  /// The centred window of `x` (channels last) with the aspect ratio of `height × width`, as
  /// Keras computes it in float32: crop height `min(H, ⌊W·height/width⌋)`, crop width
  /// `min(W, ⌊H·width/height⌋)` (at least 1), starting at `⌊(H − crop height)/2⌋` and
  /// `⌊(W − crop width)/2⌋`.
  func croppedToAspectRatio(_ x: Graph.Value, height: Int, width: Int) throws -> Graph.Value {
    let shape = graph.shape(x)
    guard shape.rank == 4, let inputHeight = shape.dims[1], let inputWidth = shape.dims[2] else {
      throw error("cropping to an aspect ratio needs known height and width, input is \(shape)")
    }
    let cropHeight = max(min(inputHeight, Int(Float(inputWidth * height) / Float(width))), 1)
    let cropWidth = max(min(inputWidth, Int(Float(inputHeight * width) / Float(height))), 1)
    let top = Int(Float(inputHeight - cropHeight) / 2), left = Int(Float(inputWidth - cropWidth) / 2)
    return try add(.pad([(-top, -(inputHeight - top - cropHeight)), (-left, -(inputWidth - left - cropWidth))]), [x])
  }
}
