extension ContinuousClock.Instant {
    /// Seconds from this instant until now, as a Double: the unit of Celery's task runtimes
    /// and a worker's uptime.
    var secondsUntilNow: Double {
        let parts = (ContinuousClock.now - self).components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }
}
