import CeleriacProtocol
import Testing

@Suite("result meta")
struct ResultMetaTests {
    private func meta(_ file: String) throws -> (text: String, meta: ResultMeta) {
        let text = try Fixtures.commandValue(file)
        return (text, try ResultMeta.decode(Array(text.utf8)))
    }

    @Test("every stored result in the fixtures decodes and re-encodes byte for byte")
    func fixtureResultsRoundTrip() throws {
        let results = try Fixtures.allRawStrings().filter { $0.text.hasPrefix(#"{"status": "#) }
        #expect(results.count > 25)
        for (file, text) in results {
            let meta = try ResultMeta.decode(Array(text.utf8))
            #expect(String(decoding: meta.encoded(), as: UTF8.self) == text, "\(file)")
            #expect(meta.taskID != nil, "\(file)")
        }
    }

    @Test("the builder writes what the result backend writes")
    func builderMatchesCelery() throws {
        let success = try meta("result-success.json")
        let rebuilt = ResultMeta(taskID: try #require(success.meta.taskID), status: .success, result: success.meta.result,
                                 dateDone: success.meta.dateDone)
        #expect(String(decoding: rebuilt.encoded(), as: UTF8.self) == success.text)

        let failure = try meta("result-failure.json")
        let exception = try #require(failure.meta.exception)
        #expect(exception == ExceptionInfo(type: "DemoError", arguments: ["boom"], module: "demo"))
        #expect(exception.pythonRepr == "DemoError('boom')")
        let rebuiltFailure = ResultMeta(taskID: try #require(failure.meta.taskID), exception: exception,
                                        traceback: failure.meta.traceback, dateDone: failure.meta.dateDone)
        #expect(String(decoding: rebuiltFailure.encoded(), as: UTF8.self) == failure.text)

        let chordBody = try meta("result-chord-body.json")
        let rebuiltChord = ResultMeta(taskID: try #require(chordBody.meta.taskID), status: .success, result: 12,
                                      dateDone: chordBody.meta.dateDone, groupID: chordBody.meta.groupID,
                                      parentID: chordBody.meta.parentID)
        #expect(String(decoding: rebuiltChord.encoded(), as: UTF8.self) == chordBody.text)

        let revoked = try meta("result-revoked.json")
        let rebuiltRevoked = ResultMeta(taskID: try #require(revoked.meta.taskID), status: .revoked,
                                        exception: .taskRevoked("revoked"), traceback: nil, children: nil,
                                        dateDone: revoked.meta.dateDone)
        #expect(String(decoding: rebuiltRevoked.encoded(), as: UTF8.self) == revoked.text)

        let started = try meta("result-started.json")
        let rebuiltStarted = ResultMeta(taskID: try #require(started.meta.taskID), status: .started,
                                        result: ["pid": 5862, "hostname": "w1@host1"], dateDone: nil)
        #expect(String(decoding: rebuiltStarted.encoded(), as: UTF8.self) == started.text)
        #expect(!started.meta.status.isReady)

        let notRegistered = try meta("result-not-registered.json")
        #expect(notRegistered.meta.exception == .notRegistered("demo.unknown"))
        #expect(try meta("result-soft-time-limit.json").meta.exception == .softTimeLimitExceeded)
        #expect(try meta("result-time-limit.json").meta.exception == .timeLimitExceeded(1))
    }

    @Test("children and group records use Celery's result tuples")
    func resultTuples() throws {
        let chain = try meta("result-chain-children.json")
        #expect(chain.meta.children == [.task(id: "59674e63-1c6a-4b52-8f4c-20ba1269a1e8", parent: nil)])
        let groupText = try Fixtures.commandValue("result-group-save.json")
        let groupValue = try JSONParser.parse(groupText)
        let group = try ResultReference(jsonValue: try #require(groupValue["result"]))
        guard case .group(let id, nil, let members) = group else {
            Issue.record("not a group")
            return
        }
        #expect(id == "ed5c3231-ab23-4f2e-8b31-edde07953833")
        #expect(members.count == 3)
        #expect(JSONWriter.string(group.groupMeta) == groupText)
        #expect(ResultReference.groupKey(id) == "celery-taskset-meta-" + id)
    }

    @Test("bad result values give typed errors")
    func badResults() {
        for text in [#"[]"#, #"{"result": 1}"#, #"{"status": 5}"#, #"{"status": "SUCCESS", "date_done": "yesterday"}"#, "{"] {
            #expect(throws: ProtocolError.self) { try ResultMeta.decode(Array(text.utf8)) }
        }
    }
}

@Suite("chord parts")
struct ChordPartTests {
    @Test("chord part values and keys match the captured CHORD_PART_RETURN calls")
    func chordParts() throws {
        let sequence = try #require(try Fixtures.load("chord-redis-flow.json")["sequence"]?.arrayValue)
        let calls = sequence.compactMap { $0["send"]?.arrayValue }.filter { $0.first == "EVALSHA" && $0.count == 17 }
        #expect(calls.count >= 3)
        for call in calls {
            let keys = ChordPart.Keys(groupID: "5cb83ec8-9db8-46a9-9bec-ea2b1198f66e")
            let names: [String] = [keys.results, keys.sizeAdjustment, keys.size, keys.dedup, keys.group, keys.claim]
            let expected: [JSONValue] = names.map { JSONValue.string($0) }
            #expect(Array(call[3...8]) == expected)
            let text = try #require(call[10].stringValue)
            let part = try ChordPart.decode(Array(text.utf8))
            #expect(call[9] == .string(part.taskID))
            #expect(part.state == .success)
            #expect(String(decoding: part.encoded(), as: UTF8.self) == text)
        }
        #expect(throws: ProtocolError.self) { try ChordPart.decode(Array("[1, 2]".utf8)) }
    }
}
