/// Where the CLI takes its broker URL from, in order: the `--broker` option,
/// `CELERIAC_BROKER_URL`, `CELERY_BROKER_URL`, then `redis://127.0.0.1:6379/0`.
public enum BrokerURLResolver {
    /// The broker used when nothing is configured.
    public static let defaultBroker = "redis://127.0.0.1:6379/0"

    /// The broker URL text to use.
    public static func broker(option: String?, environment: [String: String]) -> String {
        if let option, !option.isEmpty { return option }
        for name in ["CELERIAC_BROKER_URL", "CELERY_BROKER_URL"] {
            if let value = environment[name], !value.isEmpty { return value }
        }
        return defaultBroker
    }

    /// The result backend URL text, or nil to use the broker: `--result-backend`, then
    /// `CELERIAC_RESULT_BACKEND`, then `CELERY_RESULT_BACKEND`.
    public static func resultBackend(option: String?, environment: [String: String]) -> String? {
        if let option, !option.isEmpty { return option }
        for name in ["CELERIAC_RESULT_BACKEND", "CELERY_RESULT_BACKEND"] {
            if let value = environment[name], !value.isEmpty { return value }
        }
        return nil
    }
}
