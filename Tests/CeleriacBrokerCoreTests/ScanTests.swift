import CeleriacBrokerCore
import CeleriacRESP
import Testing

/// SCAN, HSCAN and SSCAN over large collections: each page holds at most COUNT elements (the
/// cost of a page does not grow with the collection), a full scan ends with cursor 0, and
/// every element present for the whole scan is returned — also when elements are added and
/// removed between pages.
@Suite struct ScanTests {
    /// Runs a scan to its end; `between` runs after each page. Returns every element returned
    /// (with repeats) and the number of pages.
    static func scanAll(
        _ h: EngineHarness, _ client: ClientID, _ prefix: [String], count: Int, between: (Int) -> Void = { _ in }
    ) throws -> (elements: [[UInt8]], pages: Int, largestPage: Int) {
        var cursor = "0"
        var elements: [[UInt8]] = []
        var pages = 0
        var largest = 0
        repeat {
            let reply = h.run(client, bytes: (prefix + [cursor, "COUNT", String(count)]).map { Array($0.utf8) })
            guard case .array(let parts) = reply, parts.count == 2, case .bulkString(let next) = parts[0],
                case .array(let items) = parts[1]
            else {
                Issue.record("bad scan reply \(reply)")
                break
            }
            for item in items {
                guard case .bulkString(let bytes) = item else { continue }
                elements.append(bytes)
            }
            largest = max(largest, items.count)
            cursor = String(decoding: next, as: UTF8.self)
            pages += 1
            between(pages)
            try #require(pages < 1_000_000, "the scan never ended")
        } while cursor != "0"
        return (elements, pages, largest)
    }

    @Test func scanOfOneHundredThousandKeysReturnsEachOncePageByPage() throws {
        let h = EngineHarness()
        let c = h.client()
        let total = 100_000
        for index in 0..<total { h.run(c, "SET", "key:\(index)", "v") }
        let result = try Self.scanAll(h, c, ["SCAN"], count: 100)
        let returned = Set(result.elements.map { String(decoding: $0, as: UTF8.self) })
        #expect(returned.count == total)
        #expect(result.elements.count == total, "no key repeats when nothing changes")
        #expect(result.largestPage <= 100)
        // O(COUNT) per page: a full scan takes about total/COUNT pages.
        #expect(result.pages <= total / 100 + 1)
    }

    @Test func keysPresentThroughoutAreReturnedWhileOthersComeAndGo() throws {
        let h = EngineHarness()
        let c = h.client()
        let total = 100_000
        for index in 0..<total { h.run(c, "SET", "stable:\(index)", "v") }
        for index in 0..<20_000 { h.run(c, "SET", "transient:\(index)", "v") }
        var added = 0
        var removed = 0
        let result = try Self.scanAll(h, c, ["SCAN"], count: 50) { page in
            // Between pages: delete some transient keys (freeing slots anywhere) and add new ones.
            for _ in 0..<10 where removed < 20_000 {
                h.run(c, "DEL", "transient:\((removed * 7919) % 20_000)")
                removed += 1
            }
            for _ in 0..<7 {
                h.run(c, "SET", "new:\(added)", "v")
                added += 1
            }
            _ = page
        }
        let returned = Set(result.elements.map { String(decoding: $0, as: UTF8.self) })
        let missing = (0..<total).filter { !returned.contains("stable:\($0)") }
        #expect(missing.isEmpty, "stable keys missing from the scan: \(missing.prefix(10))")
        #expect(result.largestPage <= 50)
        #expect(added > 0 && removed > 0)
    }

    @Test func scanCursorsEndAndRefuseAsInRedis() throws {
        let h = EngineHarness()
        let c = h.client()
        for index in 0..<300 { h.run(c, "SET", "s:\(index)", "v") }
        for index in 0..<300 { h.run(c, "RPUSH", "l:\(index)", "v") }
        let small = try Self.scanAll(h, c, ["SCAN"], count: 37)
        #expect(small.elements.count == 600)
        #expect(small.pages == 17)
        let large = try Self.scanAll(h, c, ["SCAN"], count: 1000)
        #expect(large.pages == 1)
        #expect(large.elements.count == 600)
        // A cursor past the end ends the scan.
        #expect(h.run(c, "SCAN", "99999999", "COUNT", "10") == .array([.bulk("0"), .array([])]))
        #expect(h.run(c, "SCAN", "-1") == .error("ERR invalid cursor"))
        // An empty database ends at once.
        h.run(c, "FLUSHDB")
        #expect(h.run(c, "SCAN", "0") == .array([.bulk("0"), .array([])]))
    }

    @Test func hscanOfALargeHashReturnsEveryStableFieldWithItsValue() throws {
        let h = EngineHarness()
        let c = h.client()
        let total = 20_000
        for start in stride(from: 0, to: total, by: 500) {
            var args = ["HSET", "big"]
            for index in start..<(start + 500) { args += ["f\(index)", "v\(index)"] }
            h.run(c, bytes: args.map { Array($0.utf8) })
        }
        for index in 0..<2000 { h.run(c, "HSET", "big", "gone\(index)", "x") }
        var removed = 0
        let result = try Self.scanAll(h, c, ["HSCAN", "big"], count: 100) { _ in
            for _ in 0..<20 where removed < 2000 {
                h.run(c, "HDEL", "big", "gone\(removed)")
                removed += 1
            }
            h.run(c, "HSET", "big", "late\(removed)", "y")
        }
        var pairs: [String: String] = [:]
        var index = 0
        while index + 1 < result.elements.count {
            pairs[String(decoding: result.elements[index], as: UTF8.self)] = String(decoding: result.elements[index + 1], as: UTF8.self)
            index += 2
        }
        let wrong = (0..<total).filter { pairs["f\($0)"] != "v\($0)" }
        #expect(wrong.isEmpty, "fields missing or with a wrong value: \(wrong.prefix(10))")
        #expect(result.largestPage <= 200)
    }

    @Test func sscanOfALargeSetReturnsEveryStableMember() throws {
        let h = EngineHarness()
        let c = h.client()
        let total = 20_000
        for start in stride(from: 0, to: total, by: 1000) {
            h.run(c, bytes: (["SADD", "members"] + (start..<(start + 1000)).map { "m\($0)" }).map { Array($0.utf8) })
        }
        var added = 0
        let result = try Self.scanAll(h, c, ["SSCAN", "members"], count: 100) { _ in
            h.run(c, "SREM", "members", "m\(total - 1 - added)")
            h.run(c, "SADD", "members", "extra\(added)")
            added += 1
        }
        let returned = Set(result.elements.map { String(decoding: $0, as: UTF8.self) })
        // Members removed during the scan may or may not be returned; the rest must be.
        let stable = (0..<(total - added)).map { "m\($0)" }
        let missing = stable.filter { !returned.contains($0) }
        #expect(missing.isEmpty, "members missing: \(missing.prefix(10))")
        #expect(result.largestPage <= 100)
    }
}
