import Crypto
import Foundation

/// Lowercase hex sha256.
public func sha256Hex(_ data: Data) -> String {
    hexString(SHA256.hash(data: data))
}

/// Lowercase hex of bytes.
func hexString<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    out.reserveCapacity(64)
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
}
