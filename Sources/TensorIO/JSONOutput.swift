import Graph
import JSON

/// Predictions as JSON: `{"output_name": [[…], …], …}`, nested to each output's shape.
public enum JSONOutput {
  public static func write(_ outputs: [(name: String, tensor: Tensor)]) -> String {
    let document = JSONValue.object(outputs.map { ($0.name, nested($0.tensor.data[...], shape: $0.tensor.shape[...])) })
    return document.text + "\n"
  }

  private static func nested(_ values: ArraySlice<Float>, shape: ArraySlice<Int>) -> JSONValue {
    // Through the Float's shortest spelling, so 0.1 prints as 0.1, not 0.10000000149011612.
    guard let size = shape.first else { return .number(Double("\(values.first ?? 0)") ?? 0) }
    let stride = shape.dropFirst().reduce(1, *)
    return .array(
      (0..<size).map { index in
        let start = values.startIndex + index * stride
        return nested(values[start..<(start + stride)], shape: shape.dropFirst())
      })
  }
}
