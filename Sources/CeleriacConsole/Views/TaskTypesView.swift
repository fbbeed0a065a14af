/// View 7: per task name the counts, rate, runtime percentiles, failure rate and rate limit.
enum TaskTypesView {
    static func draw(_ model: ConsoleModel, in rect: Rect, on screen: inout Screen) {
        let now = model.now
        let rows = model.taskTypeRows()
        screen.box(rect, role: .borderFocused, title: "Task types (\(rows.count))")
        let table = Table(
            columns: [TableColumn("Task", width: .flexible(min: 14, weight: 2)),
                      TableColumn("Recv", width: .fixed(6), alignment: .right),
                      TableColumn("OK", width: .fixed(6), alignment: .right),
                      TableColumn("Fail", width: .fixed(5), alignment: .right),
                      TableColumn("Retry", width: .fixed(5), alignment: .right),
                      TableColumn("Rate/s", width: .fixed(6), alignment: .right),
                      TableColumn("p50", width: .fixed(6), alignment: .right),
                      TableColumn("p95", width: .fixed(6), alignment: .right),
                      TableColumn("p99", width: .fixed(6), alignment: .right),
                      TableColumn("Fail%", width: .fixed(5), alignment: .right),
                      TableColumn("Limit", width: .flexible(min: 6, weight: 1))],
            rows: rows.map { s in
                let q = s.runtimes.quantiles([0.5, 0.95, 0.99])
                let failRate = s.failureRate(now: now)
                return TableRow([s.name, "\(s.count(.received))", "\(s.count(.success))", "\(s.count(.failure))",
                                 "\(s.count(.retry))", Format.rate(s.done.rate(now: now)),
                                 Format.duration(q[0]), Format.duration(q[1]), Format.duration(q[2]),
                                 Format.percent(failRate), s.rateLimit ?? "-"],
                                cellRoles: [3: s.count(.failure) > 0 ? .taskFailed : .dim, 9: (failRate ?? 0) > 0 ? .taskFailed : .dim])
            },
            selected: rows.isEmpty ? nil : model.selectedRow, scrollOffset: model.scroll[.taskTypes] ?? 0,
            emptyText: "No task types seen yet")
        table.draw(in: rect.inset(top: 1, left: 1, bottom: 1, right: 1), on: &screen)
    }
}
