import Celeriac
import CeleriacProtocol
import CeleriacRedis

extension LiveCluster {
    /// A page of the messages waiting in `queue`, in the order workers take them: priority
    /// step 0 first, each key from its oldest end (kombu LPUSHes and workers BRPOP, so the
    /// oldest message is the last of the list). Lengths and ranges are read in two pipelined
    /// rounds, so a queue that changes in between may shift a message by a page.
    func browse(queue: String, page: Int) async throws(RedisError) -> QueuePage {
        let keys = Priority.allKeys(queue)
        let size = options.browsePageSize
        var lengths: [Int] = []
        for reply in await transport.client.pipeline(keys.map { RedisCommand(["LLEN", $0]) }) {
            lengths.append(Int(try reply.get().int ?? 0))
        }
        let total = lengths.reduce(0, +)
        var skip = max(0, page) * size
        var wanted = size
        var ranges: [RedisCommand] = []
        for (key, length) in zip(keys, lengths) where wanted > 0 {
            if skip >= length {
                skip -= length
                continue
            }
            let count = min(wanted, length - skip)
            // Positions from the oldest end `skip ..< skip+count` are list indexes counted back
            // from the end.
            ranges.append(RedisCommand(["LRANGE", key, String(-(skip + count)), String(-(skip + 1))]))
            wanted -= count
            skip = 0
        }
        var messages: [QueuePage.Message] = []
        for reply in await transport.client.pipeline(ranges) {
            let items = try reply.get().array ?? []
            // LRANGE reads newest to oldest; the page lists the oldest first.
            for item in items.reversed() { messages.append(Self.message(item.bytes ?? [])) }
        }
        return QueuePage(queue: queue, page: max(0, page), total: total, messages: messages)
    }

    /// What the browser shows of one waiting message, from its envelope's headers (task
    /// protocol 2): id, task name, the args repr, the priority. A message that is not a task
    /// envelope is listed as unreadable with why.
    static func message(_ bytes: [UInt8]) -> QueuePage.Message {
        do {
            let envelope = try KombuEnvelope.decode(bytes)
            let headers = envelope.headers
            let args = headers["argsrepr"]?.stringValue ?? ""
            let kwargs = headers["kwargsrepr"]?.stringValue ?? ""
            let preview = kwargs.isEmpty || kwargs == "{}" ? args : "\(args) \(kwargs)"
            return QueuePage.Message(id: headers["id"]?.stringValue ?? "-",
                                     name: headers["task"]?.stringValue ?? "(no task header)",
                                     argsPreview: preview, priority: Priority.of(envelope.properties))
        } catch {
            return QueuePage.Message(id: "-", name: "(unreadable message)", argsPreview: "\(error)")
        }
    }
}
