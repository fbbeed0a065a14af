import CeleriacProtocol

/// An error that says how Celery should store it: its Python-visible type, arguments and
/// module. Any other Swift error is stored under its Swift type name with its description.
public protocol CeleryException: Error {
    var exceptionInfo: ExceptionInfo { get }
}

extension ExceptionInfo {
    /// How a task's error is stored: a ``CeleryException`` as it says, anything else under its
    /// Swift type name and description, in module `celeriac`.
    public static func from(_ error: any Error) -> ExceptionInfo {
        if let celery = error as? any CeleryException { return celery.exceptionInfo }
        return ExceptionInfo(type: String(describing: Swift.type(of: error)), arguments: [.string(String(describing: error))], module: "celeriac")
    }
}
