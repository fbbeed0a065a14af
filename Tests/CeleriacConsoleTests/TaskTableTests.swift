@testable import CeleriacConsole
import Testing

/// The compact task table: UUID ids as 128-bit keys, other ids in a text arena, a hash index
/// of positions, vacant slots reused, handles that never name another task.
@Suite("Task table")
struct TaskTableTests {
    @Test(arguments: ["58a1e9db-5355-4b0f-b2ff-cb5303616a90", "00000000-0000-0000-0000-000000000000",
                      "fffffffe-ffff-ffff-ffff-ffffffffffff"])
    func canonicalUUIDsAreKeysThatSpellTheSameText(id: String) throws {
        let key = try #require(TaskKey(uuid: id))
        #expect(!key.isText)
        #expect(key.uuidText == id)
        #expect(TaskRecord(id: id).id == id)
    }

    @Test(arguments: ["t1", "", "58A1E9DB-5355-4B0F-B2FF-CB5303616A90", "58a1e9db-5355-4b0f-b2ff-cb5303616a9",
                      "58a1e9db-5355-4b0f-b2ff-cb5303616a900", "58a1e9db_5355-4b0f-b2ff-cb5303616a90",
                      "ffffffff-ffff-ffff-ffff-ffffffffffff", "5eed1869f-0000-4000-8000-0000100000", "ünï-cødé"])
    func otherIdsAreKeptAsText(id: String) {
        #expect(TaskKey(uuid: id) == nil)
        var table = TaskTable()
        var record = TaskRecord(id: id)
        record.args = "(1,)"
        table[id] = record
        #expect(table[id]?.id == id)
        #expect(table[id]?.args == "(1,)")
        #expect(table.contains(id))
        #expect(table.keys == [id])
    }

    @Test func uuidOrderIsTheOrderOfTheTexts() throws {
        let ids = ["0f000000-0000-0000-0000-000000000001", "10000000-0000-0000-0000-000000000000",
                   "10000000-0000-0000-0000-00000000000a", "a0000000-0000-0000-0000-000000000000"]
        let keys = try ids.map { try #require(TaskKey(uuid: $0)) }
        #expect(keys == keys.sorted())
        #expect(ids == ids.sorted())
    }

    @Test func removalKeepsEveryOtherTaskReachableAndReusesTheSlot() {
        var table = TaskTable()
        let ids = (0..<2_000).map { i in i % 2 == 0 ? "task-\(i)" : uuid(i) }
        for id in ids { table[id] = TaskRecord(id: id) }
        #expect(table.count == ids.count)
        for id in ids.enumerated().filter({ $0.offset % 3 == 0 }).map(\.element) { table[id] = nil }
        for (offset, id) in ids.enumerated() {
            #expect(table.contains(id) == (offset % 3 != 0), "\(id)")
            if offset % 3 != 0 { #expect(table[id]?.id == id) }
        }
        #expect(table.count == ids.count - (ids.count + 2) / 3)
        #expect(table.values.count == table.count)
        #expect(Set(table.keys) == Set(ids.enumerated().filter { $0.offset % 3 != 0 }.map(\.element)))
    }

    @Test func aHandleNeverNamesTheTaskThatTookItsSlot() throws {
        var table = TaskTable()
        let inserted = table.insert(TaskRecord(id: "first"))
        let first = try #require(inserted)
        let handle = table.handle(at: first)
        table.remove(at: first)
        let reinserted = table.insert(TaskRecord(id: "second"))
        let second = try #require(reinserted)
        #expect(second == first)
        #expect(table.position(of: handle) == nil)
        #expect(table.position(of: table.handle(at: second)) == second)
    }

    @Test func theTextArenaIsCompactedAndIdsSurviveIt() {
        var table = TaskTable()
        // 5,000 ids of ~40 bytes in, most of them out again: over 64 KiB of garbage.
        let long = (0..<5_000).map { "a-task-id-that-is-not-a-uuid-number-\($0)" }
        for id in long { table[id] = TaskRecord(id: id) }
        for id in long.dropLast(10) { table.removeValue(forKey: id) }
        for id in long.suffix(10) { #expect(table[id]?.id == id) }
        #expect(table.count == 10)
        // New ones after the compaction land next to the survivors.
        table["after"] = TaskRecord(id: "after")
        #expect(table["after"]?.id == "after")
        #expect(Set(table.keys) == Set(long.suffix(10) + ["after"]))
    }

    @Test func aTimelineLongerThanThreeMovesOutOfTheRecordAndStaysOrdered() {
        var record = TaskRecord(id: "r")
        for (i, time) in [5.0, 1, 3, 2, 4].enumerated() {
            record.insertTransition(TaskTransition(phase: i % 2 == 0 ? .retry : .received, time: time, worker: Int32(i)))
        }
        #expect(record.transitions.map(\.time) == [1, 2, 3, 4, 5])
        #expect(record.transitionCount == 5)
        // Set back to three, the timeline is inline again, and equal to one built that way.
        let three = Array(record.transitions.prefix(3))
        record.transitions = three
        var built = TaskRecord(id: "r")
        for transition in three { built.insertTransition(transition) }
        #expect(record == built)
    }

    private func uuid(_ i: Int) -> String {
        let hex = String(i, radix: 16)
        return "5eed" + String(repeating: "0", count: 4 - min(4, hex.count)) + hex.suffix(4) + "-0000-4000-8000-"
            + String(repeating: "0", count: 12 - min(12, hex.count)) + hex
    }
}
