import Celeriac
import CeleriacProtocol

extension ControlServer {
    /// What ``mingle()`` learnt from the other workers.
    public struct MingleOutcome: Sendable, Hashable {
        /// The nodes that answered (ourselves excluded), in reply order.
        public var nodes: [String]
        /// How many revoked ids they sent, duplicates included.
        public var revokedReceived: Int
        /// The highest clock among the replies, if any.
        public var maxClock: Int?

        /// Nobody answered ("mingle: all alone").
        public var isAlone: Bool { nodes.isEmpty }
    }

    /// Celery's mingle step at start: broadcasts `hello` with our revoked ids, waits for the
    /// other workers' replies (each next one for `options.mingleTimeout` seconds, 1 s as in
    /// Celery), merges the revoked ids they hold into the target and moves the target's clock
    /// past the highest clock seen. With nobody answering nothing changes.
    public func mingle() async throws -> MingleOutcome {
        logger.info("mingle: searching for neighbors")
        let nodename = target.nodename
        let replies = try await ControlClient(transport: transport, logger: logger)
            .broadcast(.hello(fromNode: nodename, revoked: await target.revokedIDs()), timeout: options.mingleTimeout)
        var outcome = MingleOutcome(nodes: [], revokedReceived: 0, maxClock: nil)
        var revoked: [String] = []
        for reply in replies where reply.nodename != nodename {
            guard let fields = reply.result.objectValue else { continue }
            outcome.nodes.append(reply.nodename)
            if let clock = fields["clock"]?.intValue {
                outcome.maxClock = max(outcome.maxClock ?? Int(clock), Int(clock))
            }
            let ids = Self.revokedIDs(inHelloReply: reply.result)
            outcome.revokedReceived += ids.count
            revoked.append(contentsOf: ids)
        }
        guard !outcome.isAlone else {
            logger.info("mingle: all alone")
            return outcome
        }
        logger.info("mingle: sync with \(outcome.nodes.count) nodes")
        if !revoked.isEmpty { await target.mergeRevoked(revoked) }
        if let clock = outcome.maxClock { await target.observeClock(clock) }
        logger.info("mingle: sync complete")
        return outcome
    }

    /// The ids of a `hello` reply: a list (Celeriac) or `{id: timestamp}` (Python Celery sends
    /// its `LimitedSet._data`).
    static func revokedIDs(inHelloReply reply: JSONValue) -> [String] {
        switch reply["revoked"] {
        case .array(let items)?: return items.compactMap(\.stringValue)
        case .object(let object)?: return object.members.map(\.key)
        default: return []
        }
    }
}
