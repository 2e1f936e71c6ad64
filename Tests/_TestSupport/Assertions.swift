import Graph
import XCTest

/// Element-wise `|actual − expected| ≤ atol + rtol·|expected|`, reporting the worst element
/// as "is …, should be …" (frugally-deep's wording).
public func assertClose(
  _ actual: Tensor, _ expected: Tensor, rtol: Float = 1e-4, atol: Float = 1e-4,
  _ message: String = "", file: StaticString = #filePath, line: UInt = #line
) {
  guard actual.shape == expected.shape else {
    XCTFail("\(message): shape \(actual.shape), should be \(expected.shape)", file: file, line: line)
    return
  }
  var worst: (index: Int, excess: Float)? = nil
  for index in 0..<actual.count {
    let (a, e) = (actual.data[index], expected.data[index])
    if a == e || (a.isNaN && e.isNaN) { continue }
    let excess = abs(a - e) - (atol + rtol * abs(e))
    if !(excess <= 0), excess > (worst?.excess ?? -1) || excess.isNaN {
      worst = (index, excess.isNaN ? .infinity : excess)
    }
  }
  if let worst {
    XCTFail(
      "\(message): element \(worst.index) is \(actual.data[worst.index]), should be \(expected.data[worst.index])",
      file: file, line: line)
  }
}
