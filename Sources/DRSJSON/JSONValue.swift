import Foundation

/// A parsed JSON document. Numbers keep their source text so that Int64 counts stay exact, and
/// an object keeps its members in document order.
package enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
    /// Bytes that are already one JSON value, written as they are (never made by the parser): a
    /// server splices stored pages into an envelope without parsing them.
    case raw([UInt8])

    /// The member `key` of an object, or nil.
    package subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// The value as an object's members, or nil.
    package var objectValue: JSONObject? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The elements of an array, or nil.
    package var arrayValue: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// A string value, or nil.
    package var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// A scalar as text, as DRS sends text: a string, or a number or boolean where a string was
    /// meant (a task id sent as `123`). Nil for null, arrays and objects.
    package var textValue: String? {
        switch self {
        case .string(let text), .number(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        default: return nil
        }
    }

    /// A whole number as DRS sends counts: a number, or a numeric string (spaces around it allowed),
    /// written as an integer or as a whole decimal (`3.0`, `1e3`) within Int64. Nil otherwise.
    package var wholeNumber: Int64? {
        let text: String
        switch self {
        case .number(let number): text = number
        case .string(let raw): text = raw.trimmingCharacters(in: .whitespaces)
        default: return nil
        }
        if let exact = Int64(text) { return exact }
        if let real = Double(text), real.rounded() == real, abs(real) < 9.2e18 { return Int64(real) }
        return nil
    }

    /// The value at a path of object keys.
    package func value(at path: [String]) -> JSONValue? {
        var current: JSONValue? = self
        for key in path { current = current?[key] }
        return current
    }

    /// A short name of the JSON type, for error messages.
    package var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        case .raw: return "JSON text"
        }
    }
}

/// An object's members in document order, looked up by key. A key given twice keeps its first
/// place and its last value, as a dictionary would. Two objects are equal when they have the same
/// members, in any order. Small objects (a DRS row has about a dozen members) are searched in
/// place; an index by key is built only past `indexedFrom` members, so a parsed page costs little
/// more than its members.
package struct JSONObject: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral, ExpressibleByArrayLiteral {
    package typealias Element = (key: String, value: JSONValue)

    /// Members from which lookups go through an index.
    static let indexedFrom = 16

    /// The members, in order.
    package private(set) var members: [Element] = []
    /// Position of each key, kept only when there are at least `indexedFrom` members.
    private var positions: [String: Int] = [:]

    package init() {}

    package init(_ members: some Sequence<(String, JSONValue)>) {
        for (key, value) in members { self[key] = value }
    }

    package init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }

    /// `[("key", value), …]`: members in the order written.
    package init(arrayLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }

    private func position(of key: String) -> Int? {
        if members.count >= Self.indexedFrom { return positions[key] }
        return members.firstIndex { $0.key == key }
    }

    package subscript(key: String) -> JSONValue? {
        get { position(of: key).map { members[$0].value } }
        set {
            if let position = position(of: key) {
                if let newValue {
                    members[position].value = newValue
                } else {
                    members.remove(at: position)
                    positions = [:]
                    if members.count >= Self.indexedFrom {
                        for index in members.indices { positions[members[index].key] = index }
                    }
                }
            } else if let newValue {
                members.append((key, newValue))
                if members.count == Self.indexedFrom {
                    for index in members.indices { positions[members[index].key] = index }
                } else if members.count > Self.indexedFrom {
                    positions[key] = members.count - 1
                }
            }
        }
    }

    /// Removes the member `key`; returns its value.
    @discardableResult
    package mutating func removeValue(forKey key: String) -> JSONValue? {
        let old = self[key]
        self[key] = nil
        return old
    }

    /// The same members, in the same order, with each value transformed.
    package func mapValues(_ transform: (JSONValue) throws -> JSONValue) rethrows -> JSONObject {
        var out = self
        for index in out.members.indices { out.members[index].value = try transform(out.members[index].value) }
        return out
    }

    package var keys: [String] { members.map(\.key) }
    package var values: [JSONValue] { members.map(\.value) }
    package var count: Int { members.count }
    package var isEmpty: Bool { members.isEmpty }

    package func makeIterator() -> IndexingIterator<[Element]> { members.makeIterator() }

    package static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.count == rhs.count && lhs.members.allSatisfy { rhs[$0.key] == $0.value }
    }
}
