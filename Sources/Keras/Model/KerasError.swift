/// A problem with a Keras model, naming the file and layer it concerns.
///
/// `model.h5: layer 'dense_2' (Dense): kernel has shape [64, 10], expected [32, 10]`
public struct KerasError: Error, CustomStringConvertible {
  public var file: String?
  public var layer: String?
  public var className: String?
  public let message: String

  public init(file: String? = nil, layer: String? = nil, className: String? = nil, _ message: String) {
    self.file = file
    self.layer = layer
    self.className = className
    self.message = message
  }

  public var description: String {
    var parts: [String] = []
    if let file { parts.append(file) }
    if let layer { parts.append("layer '\(layer)'" + (className.map { " (\($0))" } ?? "")) }
    parts.append(message)
    return parts.joined(separator: ": ")
  }

  /// The same error, attributed to `file` unless it already names one.
  public func inFile(_ path: String) -> KerasError {
    var copy = self
    if copy.file == nil { copy.file = path }
    return copy
  }
}
