import DRSCore
import DRSIngest
import Foundation

/// The keywords the byte reader classifies, packed into integers for one look-up per word.
extension RecheckSQL {
    /// Keywords the rule looks at, by their uppercased letters (at most 9).
    struct WordKind: OptionSet {
        package let rawValue: UInt8
        package static let allowed = WordKind(rawValue: 1)
        package static let refused = WordKind(rawValue: 2)
        package static let reserved = WordKind(rawValue: 4)
        package static let select = WordKind(rawValue: 8)
        package static let from = WordKind(rawValue: 16)
        package static let whereWord = WordKind(rawValue: 32)
        package static let and = WordKind(rawValue: 64)

        /// Memberwise, for the modules that build it (Swift's implicit one is internal).
        package init(rawValue: UInt8) {
            self.rawValue = rawValue
        }
    }

    /// The uppercased word packed into two integers (words over 16 bytes are no keyword).
    static func packed(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (UInt64, UInt64)? {
        guard end - start <= 16 else { return nil }
        var low: UInt64 = 0
        var high: UInt64 = 0
        for i in start..<end {
            var c = UInt64(b[i])
            if c >= 0x61 && c <= 0x7A { c -= 0x20 }
            let at = i - start
            if at < 8 { low |= c << (8 * UInt64(at)) } else { high |= c << (8 * UInt64(at - 8)) }
        }
        return (low, high)
    }

    struct PackedWord: Hashable {
        package let low: UInt64
        package let high: UInt64

        /// Memberwise, for the modules that build it (Swift's implicit one is internal).
        package init(low: UInt64, high: UInt64) {
            self.low = low
            self.high = high
        }
    }

    static let words: [PackedWord: WordKind] = {
        var table: [PackedWord: WordKind] = [:]
        func add(_ set: Set<String>, _ flag: WordKind) {
            for word in set {
                let bytes = Array(word.utf8)
                let key = bytes.withUnsafeBufferPointer { packed($0, 0, bytes.count)! }
                table[PackedWord(low: key.0, high: key.1), default: []].insert(flag)
            }
        }
        add(allowedWords, .allowed)
        add(refusedWords, .refused)
        add(reservedWords, .reserved)
        add(["SELECT"], .select)
        add(["FROM"], .from)
        add(["WHERE"], .whereWord)
        add(["AND"], .and)
        return table
    }()

    static func word(_ b: UnsafeBufferPointer<UInt8>, _ token: ByteToken) -> WordKind {
        guard token.kind == .word, let key = packed(b, token.start, token.end) else { return [] }
        return words[PackedWord(low: key.0, high: key.1)] ?? []
    }
}
