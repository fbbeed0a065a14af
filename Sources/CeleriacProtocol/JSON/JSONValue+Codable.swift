#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Bridges between ``JSONValue`` and Swift `Codable` types, for tasks that want typed
/// arguments and results. The bridge goes through JSON text with Foundation's coders, so
/// the usual Codable rules apply (object key order is not part of a Swift value).
extension JSONValue {
    /// Decodes this value into a `Decodable` type (`[Int]`, a struct of kwargs…).
    public func decode<T: Decodable>(_ type: T.Type) throws(ProtocolError) -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(JSONWriter.bytes(self, options: .compact)))
        } catch {
            throw ProtocolError(.wrongType, field: String(describing: type),
                                "cannot read \(kindName) as \(type): \(error)")
        }
    }

    /// The JSON value of an `Encodable` value. Foundation's encoder writes an integral
    /// floating-point value such as `2.0` as `2`, so it comes back as `.int`; build `.double`
    /// directly where Python must see a float.
    public init<T: Encodable>(encoding value: T) throws(ProtocolError) {
        let data: Data
        do {
            data = try JSONEncoder().encode(value)
        } catch {
            throw ProtocolError(.invalidValue, field: String(describing: T.self), "cannot encode \(T.self): \(error)")
        }
        do {
            self = try JSONParser.parse([UInt8](data))
        } catch {
            throw ProtocolError.json(error, in: String(describing: T.self))
        }
    }
}
