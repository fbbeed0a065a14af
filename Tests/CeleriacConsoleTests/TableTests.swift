import Foundation
import CeleriacConsole
import Testing

@Suite("Table widget")
struct TableTests {
    static let columns = [
        TableColumn("ID", width: .fixed(8)),
        TableColumn("Task", width: .flexible(min: 10, weight: 2)),
        TableColumn("State", width: .fixed(9)),
        TableColumn("Runtime", width: .fixed(8), alignment: .right),
        TableColumn("Worker", width: .flexible(min: 8)),
    ]

    static func rows(_ count: Int) -> [TableRow] {
        (0..<count).map { i in
            let failed = i % 5 == 4
            return TableRow(
                ["t-\(String(format: "%04d", i))", i % 2 == 0 ? "demo.add" : "demo.sleep",
                 failed ? "FAILURE" : "SUCCESS", "\(i * 3).0ms", "celeriac@host\(i % 3)"],
                role: failed ? .taskFailed : .text,
                cellRoles: [2: failed ? .taskFailed : .taskSucceeded])
        }
    }

    /// A tasks view at 80×24: a title row, the table in the middle and a status row.
    static func render(_ table: Table, charset: Charset = .unicode) -> (Screen, Int) {
        var screen = Screen(width: 80, height: 24, charset: charset)
        let parts = screen.bounds.splitRows([.fixed(1), .fill, .fixed(1)])
        screen.put("Tasks", in: parts[0], role: .title)
        let offset = table.draw(in: parts[1], on: &screen)
        StatusBar(hints: [KeyHint("q", "quit")], status: "\(table.rows.count) tasks").draw(in: parts[2], on: &screen)
        return (screen, offset)
    }

    @Test func rendersHeaderRowsSortIndicatorAndMarksAt80x24() {
        let table = Table(columns: TableTests.columns, rows: TableTests.rows(6), selected: 1, marked: [3, 4],
                          sort: TableSort(column: 3, ascending: false), showsMarks: true)
        let (screen, offset) = TableTests.render(table)
        #expect(offset == 0)
        #expect(screen.text() == """
            Tasks
              ID       Task                           State     Runti… ▼ Worker
              t-0000   demo.add                       SUCCESS      0.0ms celeriac@host0
              t-0001   demo.sleep                     SUCCESS      3.0ms celeriac@host1
              t-0002   demo.add                       SUCCESS      6.0ms celeriac@host2
            ● t-0003   demo.sleep                     SUCCESS      9.0ms celeriac@host0
            ● t-0004   demo.add                       FAILURE     12.0ms celeriac@host1
              t-0005   demo.sleep                     SUCCESS     15.0ms celeriac@host2















             q quit                                                                  6 tasks
            """)
        // Selection covers the whole row; marked rows are .marked; cells keep their own roles.
        let legend: [Role: Character] = [.selection: "S", .marked: "M", .header: "H", .taskSucceeded: "+",
                                         .taskFailed: "x", .statusBar: "b", .statusBarKey: "k", .title: "T"]
        let roles = screen.roleText(legend).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(roles[1] == Substring(String(repeating: "H", count: 80)))
        #expect(roles[3] == Substring(String(repeating: "S", count: 80)))
        #expect(roles[2] == Substring(String(repeating: ".", count: 42) + String(repeating: "+", count: 7)))
        #expect(roles[5] == Substring(String(repeating: "M", count: 80)))
        #expect(roles[6] == Substring(String(repeating: "M", count: 80)))
    }

    @Test func scrollingKeepsTheSelectionVisible() {
        var table = Table(columns: TableTests.columns, rows: TableTests.rows(50), selected: 30)
        let (screen, offset) = TableTests.render(table)
        // 22 body rows minus the header leave 21 visible rows: row 30 is the last visible one.
        #expect(offset == 10)
        let lines = screen.lines()
        #expect(lines[2].hasPrefix("t-0010"))
        #expect(lines[22].hasPrefix("t-0030"))
        #expect(screen.role(x: 0, y: 22) == .selection)

        // Moving up inside the visible window keeps the offset; above it scrolls up.
        table.scrollOffset = offset
        table.selected = 15
        #expect(TableTests.render(table).1 == 10)
        table.selected = 4
        let (up, upOffset) = TableTests.render(table)
        #expect(upOffset == 4)
        #expect(up.lines()[2].hasPrefix("t-0004"))

        // Never scrolled past the end.
        table.scrollOffset = 45
        table.selected = 49
        #expect(TableTests.render(table).1 == 29)
    }

    @Test func scrollArithmetic() {
        #expect(TableScroll.offset(previous: 0, selected: 0, rowCount: 0, visibleRows: 10) == 0)
        #expect(TableScroll.offset(previous: 7, selected: 2, rowCount: 100, visibleRows: 5) == 2)
        #expect(TableScroll.offset(previous: 0, selected: 9, rowCount: 100, visibleRows: 5) == 5)
        #expect(TableScroll.offset(previous: 90, selected: nil, rowCount: 10, visibleRows: 5) == 5)
        #expect(TableScroll.move(3, by: -10, rowCount: 8) == 0)
        #expect(TableScroll.move(nil, by: 1, rowCount: 8) == 1)
        #expect(TableScroll.move(3, by: 100, rowCount: 8) == 7)
        #expect(TableScroll.move(3, by: 1, rowCount: 0) == nil)
    }

    @Test func narrowTablesDropColumnsFromTheRightAndTruncateText() {
        let table = Table(columns: TableTests.columns, rows: TableTests.rows(2), selected: 0)
        var screen = Screen(width: 30, height: 3, charset: .ascii)
        table.draw(in: screen.bounds, on: &screen)
        #expect(table.columnWidths(for: 30) == [8, 11, 9, 0, 0])
        #expect(screen.text() == """
            ID       Task        State
            t-0000   demo.add    SUCCESS
            t-0001   demo.sleep  SUCCESS
            """)
        var tiny = Screen(width: 12, height: 2)
        Table(columns: [TableColumn("Name", width: .flexible(min: 5))], rows: [TableRow(["a very long name"])])
            .draw(in: tiny.bounds, on: &tiny)
        #expect(tiny.lines()[1] == "a very long…")
    }

    @Test func emptyTableShowsItsMessageAndSortIndicatorSurvivesTruncation() {
        let table = Table(columns: [TableColumn("Runtime", width: .fixed(6))], rows: [], sort: TableSort(column: 0),
                          emptyText: "no tasks yet")
        var screen = Screen(width: 20, height: 3, charset: .ascii)
        table.draw(in: screen.bounds, on: &screen)
        #expect(screen.text() == """
            Run~ ^
            no tasks yet
            """)
        #expect(screen.role(x: 0, y: 1) == .dim)
    }

    @Test func unfocusedSelectionUsesTheInactiveRole() {
        let table = Table(columns: TableTests.columns, rows: TableTests.rows(3), selected: 2, isFocused: false)
        var screen = Screen(width: 80, height: 5)
        table.draw(in: screen.bounds, on: &screen)
        #expect(screen.role(x: 0, y: 3) == .selectionInactive)
    }
}
