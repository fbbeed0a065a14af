import CeleriacProtocol

/// `+` and `*` on JSON values with Python's rules: int op int stays int, anything with a float
/// is a float, strings and lists concatenate under `+`. Integers that overflow 64 bits become
/// floats (Python would keep a big int; the demo tasks never need one).
enum PythonArithmetic {
    static func add(_ left: JSONValue, _ right: JSONValue) throws -> JSONValue {
        switch (left, right) {
        case (.int(let a), .int(let b)):
            let (sum, overflow) = a.addingReportingOverflow(b)
            return overflow ? .double(Double(a) + Double(b)) : .int(sum)
        case (.string(let a), .string(let b)):
            return .string(a + b)
        case (.array(let a), .array(let b)):
            return .array(a + b)
        default:
            guard let a = numeric(left), let b = numeric(right) else { throw unsupported("+", left, right) }
            return .double(a + b)
        }
    }

    static func multiply(_ left: JSONValue, _ right: JSONValue) throws -> JSONValue {
        if case .int(let a) = left, case .int(let b) = right {
            let (product, overflow) = a.multipliedReportingOverflow(by: b)
            return overflow ? .double(Double(a) * Double(b)) : .int(product)
        }
        guard let a = numeric(left), let b = numeric(right) else { throw unsupported("*", left, right) }
        return .double(a * b)
    }

    private static func numeric(_ value: JSONValue) -> Double? {
        switch value {
        case .int, .double, .bigInt: return value.numberValue
        case .bool(let flag): return flag ? 1 : 0
        default: return nil
        }
    }

    private static func unsupported(_ op: String, _ left: JSONValue, _ right: JSONValue) -> OperandError {
        OperandError(description: "unsupported operand type(s) for \(op): '\(pythonType(left))' and '\(pythonType(right))'")
    }

    private static func pythonType(_ value: JSONValue) -> String {
        switch value {
        case .null: return "NoneType"
        case .bool: return "bool"
        case .int, .bigInt: return "int"
        case .double: return "float"
        case .string: return "str"
        case .array: return "list"
        case .object: return "dict"
        }
    }
}
