/// Whether each process's memory stayed flat over a soak: the mean resident size over the last
/// quarter of the samples against the mean over the second quarter (the first quarter is
/// warm-up: caches, the console filling up to its task bound, result keys reaching their expiry).
struct SoakGrowth {
    struct Series {
        var name: String
        var warm: Double
        var end: Double
        var grewKilobytes: Double { end - warm }
        var grewFraction: Double { warm > 0 ? (end - warm) / warm : 0 }
    }

    /// Growth allowed past warm-up: both a share and an amount must be exceeded to fail, so
    /// small processes' noise and big processes' allocator slack pass.
    static let allowedFraction = 0.15
    static let allowedKilobytes = 8.0 * 1024

    let series: [Series]

    init(samples: [SoakRun.Sample]) {
        let count = samples.count
        guard count >= 8 else {
            series = []
            return
        }
        let warm = Array(samples[(count / 4)..<(count / 2)])
        let end = Array(samples[(count * 3 / 4)...])
        var result: [Series] = []
        func add(_ name: String, _ value: (SoakRun.Sample) -> Int?) {
            let warmValues = warm.compactMap(value)
            let endValues = end.compactMap(value)
            guard !warmValues.isEmpty, !endValues.isEmpty else { return }
            result.append(Series(name: name, warm: Self.mean(warmValues), end: Self.mean(endValues)))
        }
        add("demo process (broker + load)") { $0.demo }
        let workers = samples.map(\.workers.count).min() ?? 0
        for index in 0..<workers { add("worker \(index + 1)") { $0.workers[index] } }
        add("console") { $0.console }
        series = result
    }

    /// The series that grew past both allowances.
    var failures: [String] {
        series.filter { $0.grewFraction > Self.allowedFraction && $0.grewKilobytes > Self.allowedKilobytes }.map {
            "\($0.name) grew from \(ProcessMemory.format(Int($0.warm))) to \(ProcessMemory.format(Int($0.end))) after warm-up"
        }
    }

    var lines: [String] {
        series.map {
            "  \($0.name): \(ProcessMemory.format(Int($0.warm))) (second quarter) -> \(ProcessMemory.format(Int($0.end))) (last quarter), "
                + String(format: "%+.1f%%", $0.grewFraction * 100)
        }
    }

    private static func mean(_ values: [Int]) -> Double {
        Double(values.reduce(0, +)) / Double(values.count)
    }
}
