/// A JSON path as a chain of steps, formatted only when needed.
package final class JSONPath: CustomStringConvertible, Sendable {
    package let parent: JSONPath?
    package let key: String?
    package let index: Int

    package init(_ parent: JSONPath?, key: String) {
        self.parent = parent
        self.key = key
        self.index = 0
    }

    package init(_ parent: JSONPath, index: Int) {
        self.parent = parent
        self.key = nil
        self.index = index
    }

    package var description: String {
        let prefix = parent?.description ?? "$"
        return key.map { prefix + "." + $0 } ?? prefix + "[\(index)]"
    }
}
