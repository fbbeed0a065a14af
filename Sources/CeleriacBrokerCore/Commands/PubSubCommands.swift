import CeleriacRESP
import OrderedCollections

/// SUBSCRIBE UNSUBSCRIBE PSUBSCRIBE PUNSUBSCRIBE PUBLISH PUBSUB. Confirmations and messages
/// are pushes (`>` in RESP3, plain arrays in RESP2, where the encoder downgrades them).
extension BrokerEngine {
    func subscribeCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let patterns = ArgumentParsing.matches(call.args[0], "psubscribe")
        let client = call.client
        var replies: [RESPValue] = []
        for name in call.args.dropFirst() {
            if patterns {
                if client.patterns.append(name).inserted {
                    patternSubscribers[name, default: []].append(client.id)
                }
            } else if client.channels.append(name).inserted {
                channelSubscribers[name, default: []].append(client.id)
            }
            let kind = patterns ? "psubscribe" : "subscribe"
            replies.append(.push([.bulk(kind), .bulkString(name), .integer(Int64(client.subscriptionCount))]))
        }
        return .replies(replies)
    }

    func unsubscribeCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let patterns = ArgumentParsing.matches(call.args[0], "punsubscribe")
        let client = call.client
        let kind = patterns ? "punsubscribe" : "unsubscribe"
        var names = Array(call.args.dropFirst())
        if names.isEmpty {
            names = Array(patterns ? client.patterns : client.channels)
            if names.isEmpty {
                return .replies([.push([.bulk(kind), .null, .integer(Int64(client.subscriptionCount))])])
            }
        }
        var replies: [RESPValue] = []
        for name in names {
            if patterns {
                removePatternSubscription(client, name)
            } else {
                removeChannelSubscription(client, name)
            }
            replies.append(.push([.bulk(kind), .bulkString(name), .integer(Int64(client.subscriptionCount))]))
        }
        return .replies(replies)
    }

    private func removeChannelSubscription(_ client: ClientState, _ channel: [UInt8]) {
        guard client.channels.remove(channel) != nil else { return }
        channelSubscribers[channel]?.remove(client.id)
        if channelSubscribers[channel]?.isEmpty == true { channelSubscribers[channel] = nil }
    }

    private func removePatternSubscription(_ client: ClientState, _ pattern: [UInt8]) {
        guard client.patterns.remove(pattern) != nil else { return }
        patternSubscribers[pattern]?.remove(client.id)
        if patternSubscribers[pattern]?.isEmpty == true { patternSubscribers.removeValue(forKey: pattern) }
    }

    /// Drops every subscription of a client (disconnect, RESET).
    func removeAllSubscriptions(_ client: ClientState) {
        for channel in client.channels { removeChannelSubscription(client, channel) }
        for pattern in client.patterns { removePatternSubscription(client, pattern) }
    }

    func publishCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        .reply(.integer(Int64(publish(channel: call.args[1], message: call.args[2]))))
    }

    /// Delivers a message to channel subscribers, then to matching patterns; returns the
    /// number of deliveries.
    @discardableResult
    public func publish(channel: [UInt8], message: [UInt8]) -> Int {
        var receivers = 0
        for id in channelSubscribers[channel] ?? [] {
            events.append(.push(id, .push([.bulk("message"), .bulkString(channel), .bulkString(message)])))
            receivers += 1
        }
        for (pattern, ids) in patternSubscribers where GlobMatch.matches(pattern: pattern, string: channel) {
            for id in ids {
                events.append(.push(id, .push([.bulk("pmessage"), .bulkString(pattern), .bulkString(channel), .bulkString(message)])))
                receivers += 1
            }
        }
        stats.publishedMessages += 1
        return receivers
    }

    func pubsubCommand(_ call: inout CommandCall) throws -> CommandOutcome {
        let sub = ArgumentParsing.lowercased(call.args[1])
        switch sub {
        case "channels":
            guard call.args.count <= 3 else { throw CommandError.arity("pubsub|channels") }
            let pattern = call.args.count == 3 ? call.args[2] : nil
            let names = channelSubscribers.keys.filter { pattern == nil || GlobMatch.matches(pattern: pattern ?? [], string: $0) }
            return .reply(.array(names.sorted { $0.lexicographicallyPrecedes($1) }.map { .bulkString($0) }))
        case "numsub":
            var items: [RESPValue] = []
            for channel in call.args.dropFirst(2) {
                items.append(.bulkString(channel))
                items.append(.integer(Int64(channelSubscribers[channel]?.count ?? 0)))
            }
            return .reply(.array(items))
        case "numpat":
            guard call.args.count == 2 else { throw CommandError.arity("pubsub|numpat") }
            return .reply(.integer(Int64(patternSubscribers.count)))
        default:
            throw CommandError.unknownSubcommand(call.args[1], "PUBSUB")
        }
    }
}
