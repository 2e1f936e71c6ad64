import Foundation
import HDF5
import XCTest
import _TestSupport

/// Reading what h5py wrote (vlen and fixed strings, chunked name lists, empty float64 lists),
/// and writing what h5py reads (checked by the Python round-trip tests).
final class HDF5Tests: XCTestCase {
  func testReadsVariableLengthAttributesAsKerasWritesThem() throws {
    let file = try File(reading: Fixtures.path("models/k2_mlp.h5"))
    XCTAssertEqual(try file.root.stringAttribute("keras_version"), "2.21.0")
    XCTAssertEqual(try file.root.stringAttribute("backend"), "tensorflow")
    let weights = try file.root.group("model_weights")
    XCTAssertEqual(try weights.stringsAttribute("layer_names"), ["dense", "dense_1", "dense_2"])
    let kernel = try weights.group("dense").dataset("dense/kernel:0")
    XCTAssertEqual(kernel.shape, [6, 16])
    XCTAssertEqual(try kernel.readFloats().count, 96)
  }

  func testReadsFixedLengthChunkedNamesAndFixedConfig() throws {
    let file = try File(reading: Fixtures.path("models/k2_mlp_fixed_strings.h5"))
    let weights = try file.root.group("model_weights")
    XCTAssertNil(try weights.stringsAttribute("layer_names"))
    XCTAssertEqual(try weights.chunkedStringsAttribute("layer_names"), ["dense", "dense_1", "dense_2"])
    XCTAssertTrue(try XCTUnwrap(try file.root.stringAttribute("model_config")).hasPrefix("{"))
  }

  func testEmptyNameListIsTheFloat64ArrayKerasWrites() throws {
    let file = try File(reading: Fixtures.path("models/k2_merging.h5"))
    XCTAssertEqual(try file.root.group("model_weights").group("add").stringsAttribute("weight_names"), [])
  }

  func testWriteThenReadRoundTrip() throws {
    let path = try Fixtures.temporaryDirectory().appendingPathComponent("t.h5").path
    let names = (0..<5000).map { "layer_with_a_long_name_\($0)" }
    do {
      let file = try File(creatingInMemory: "t.h5")
      try file.root.writeString("config", "{\"a\": 1}")
      let group = try file.root.createGroup("a/b")
      try group.writeNameList("names", names)
      try group.writeNameList("empty", [])
      try group.writeFloats("w/kernel:0", [1, 2, 3, 4, 5, 6], shape: [2, 3])
      try file.image().write(to: URL(fileURLWithPath: path))
    }
    let file = try File(reading: path)
    XCTAssertEqual(try file.root.stringAttribute("config"), "{\"a\": 1}")
    let group = try file.root.group("a/b")
    XCTAssertFalse(group.hasAttribute("names"), "a list past 64 KB is split into chunks")
    XCTAssertEqual(try group.chunkedStringsAttribute("names"), names)
    XCTAssertEqual(try group.stringsAttribute("empty"), [])
    XCTAssertEqual(try group.dataset("w/kernel:0").readFloats(), [1, 2, 3, 4, 5, 6])
  }

  func testErrorsNameFileAndPath() throws {
    let file = try File(reading: Fixtures.path("models/k2_mlp.h5"))
    XCTAssertThrowsError(try file.root.group("model_weights/nope")) { error in
      XCTAssertTrue("\(error)".contains("k2_mlp.h5: /model_weights/nope: no such group"), "\(error)")
    }
  }
}

/// Storage variants written by h5py (fixtures/generate.py), read against the values h5py recorded.
final class HDF5VariantTests: XCTestCase {
  struct Expected: Decodable {
    struct Values: Decodable {
      let name: String
      let values: [Double]
    }
    let shape: [Int]
    let datasets: [Values]
    let strings: [String: [String]]
  }

  func testEveryStorageVariantReadsAsWritten() throws {
    let expected = try JSONDecoder().decode(
      Expected.self, from: try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("hdf5/variants.json"))))
    let file = try File(reading: Fixtures.path("hdf5/variants.h5"))
    XCTAssertEqual(expected.datasets.count, 5)
    for dataset in expected.datasets {
      let stored = try file.root.dataset(dataset.name)
      XCTAssertEqual(stored.shape, expected.shape, dataset.name)
      XCTAssertEqual(try stored.readFloats(), dataset.values.map(Float.init), dataset.name)
    }
    XCTAssertEqual(expected.strings.count, 5)
    for (name, strings) in expected.strings {
      XCTAssertEqual(try file.root.stringsAttribute(name), strings, name)
    }
  }
}
