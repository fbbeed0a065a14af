import CeleriacProtocol
import CeleriacRedis
import Foundation

extension KombuTransport {
    /// Pops up to ARGV[1] messages from the first non-empty key of KEYS[3...] (BRPOP's order)
    /// and records each as unacked (ZADD `unacked_index`, HSET `unacked`, the entry kombu
    /// writes: `[envelope, exchange, routing_key]`) in the same atomic step, so no crash can
    /// fall between taking a message and recording it. Replies `{key, raw, tag, raw, tag...}`;
    /// a tag is empty where the message was not recorded (no plain `delivery_tag` or
    /// `delivery_info` in it), and the caller records or rejects that one itself.
    static let reserveScript = RedisScript(#"""
        for i = 3, #KEYS do
          local items = redis.call('RPOP', KEYS[i], ARGV[1])
          if items then
            local out = {KEYS[i]}
            for _, raw in ipairs(items) do
              local tag, exchange, routing = '', nil, nil
              for t in string.gmatch(raw, '"delivery_tag": "([^"\\]+)"') do tag = t end
              for e, r in string.gmatch(raw, '"delivery_info": {"exchange": "([^"\\]*)", "routing_key": "([^"\\]*)"}') do
                exchange, routing = e, r
              end
              if tag ~= '' and routing then
                redis.call('ZADD', KEYS[1], ARGV[2], tag)
                redis.call('HSET', KEYS[2], tag, '[' .. raw .. ', "' .. exchange .. '", "' .. routing .. '"]')
              else
                tag = ''
              end
              out[#out + 1] = raw
              out[#out + 1] = tag
            end
            return out
          end
        end
        return {}
        """#)

    /// What ``reserve(keys:count:at:)`` took: the key and each message with the tag it was
    /// recorded under (nil when the caller must record it).
    public struct Reserved: Sendable {
        public var key: String
        public var messages: [(raw: [UInt8], recordedTag: String?)]
    }

    /// Takes up to `count` waiting messages from the first non-empty of `keys` and records
    /// them as unacked atomically (see ``reserveScript``). Nil when every key is empty.
    public func reserve(keys: [String], count: Int, at time: Double = Date().timeIntervalSince1970) async throws(RedisError) -> Reserved? {
        guard !keys.isEmpty, count > 0 else { return nil }
        let reply = try await client.evalSHA(Self.reserveScript, keys: [Self.unackedIndexKey, Self.unackedKey] + keys,
                                             arguments: [String(count), PythonFloat.repr(time)])
        guard let items = reply.array, let key = items.first?.string, items.count >= 3 else { return nil }
        var messages: [(raw: [UInt8], recordedTag: String?)] = []
        var index = 1
        while index + 1 < items.count {
            guard let raw = items[index].bytes else { break }
            let tag = items[index + 1].string ?? ""
            messages.append((raw, tag.isEmpty ? nil : tag))
            index += 2
        }
        return Reserved(key: key, messages: messages)
    }
}
