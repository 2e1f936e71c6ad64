import Foundation
import Graph

/// NumPy's `.npz`: a zip archive of `.npy` members, stored uncompressed as `np.savez` does.
public enum NPZ {
  public static func write(_ arrays: [(name: String, tensor: Tensor)]) -> Data {
    var archive = Data()
    var directory = Data()
    for (name, tensor) in arrays {
      let member = NPY.write(tensor)
      let fileName = Array((name + ".npy").utf8)
      let crc = CRC32.checksum(member)
      let offset = UInt32(archive.count)
      archive.append(
        header(signature: 0x0403_4B50, crc: crc, size: member.count, name: fileName, central: false, offset: 0))
      archive.append(contentsOf: fileName)
      archive.append(member)
      directory.append(
        header(signature: 0x0201_4B50, crc: crc, size: member.count, name: fileName, central: true, offset: offset))
      directory.append(contentsOf: fileName)
    }
    var end = Data()
    end.append(le32(0x0605_4B50))
    end.append(le16(0) + le16(0) + le16(UInt16(arrays.count)) + le16(UInt16(arrays.count)))
    end.append(le32(UInt32(directory.count)) + le32(UInt32(archive.count)) + le16(0))
    return archive + directory + end
  }

  private static func header(signature: UInt32, crc: UInt32, size: Int, name: [UInt8], central: Bool, offset: UInt32)
    -> Data
  {
    var data = le32(signature)
    if central { data += le16(20) }
    data += le16(20) + le16(0) + le16(0) + le16(0) + le16(0x21)
    data += le32(crc) + le32(UInt32(size)) + le32(UInt32(size)) + le16(UInt16(name.count)) + le16(0)
    if central { data += le16(0) + le16(0) + le16(0) + le32(0) + le32(offset) }
    return data
  }

  private static func le16(_ value: UInt16) -> Data { Data([UInt8(value & 0xFF), UInt8(value >> 8)]) }
  private static func le32(_ value: UInt32) -> Data { Data((0..<4).map { UInt8((value >> (8 * $0)) & 0xFF) }) }
}

/// The zip (IEEE 802.3) CRC-32.
enum CRC32 {
  static let table: [UInt32] = (0..<256).map { index in
    var c = UInt32(index)
    for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
    return c
  }

  static func checksum(_ data: Data) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for byte in data { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
    return crc ^ 0xFFFF_FFFF
  }
}
