import Crypto
import Foundation

/// Lowercase hex sha256.
public func sha256Hex(_ data: Data) -> String {
    hexString(SHA256.hash(data: data))
}

/// Lowercase hex of bytes.
package func hexString<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    out.reserveCapacity(64)
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: out, as: UTF8.self)
}

/// sha256 and size of a file, read 1 MB at a time so a 500 MB output costs 1 MB of memory, not 500.
/// Nil when the file cannot be read.
package func sha256OfFile(_ url: URL) -> (hex: String, bytes: Int64)? {
    let fd = open(url.path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var hasher = SHA256()
    var total: Int64 = 0
    let size = 1 << 20
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
    defer { buffer.deallocate() }
    while true {
        let n = read(fd, buffer.baseAddress, size)
        if n < 0 {
            if errno == EINTR { continue }
            return nil
        }
        if n == 0 { break }
        hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        total += Int64(n)
    }
    return (hexString(hasher.finalize()), total)
}
