import CeleriacProtocol
import CeleriacRedis
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension KombuTransport {
    /// Pops up to ARGV[1] messages from the first non-empty key of KEYS[3...] (BRPOP's order)
    /// and records each as unacked (ZADD `unacked_index`, HSET `unacked`, the entry kombu
    /// writes: `[envelope, exchange, routing_key]`) in the same atomic step, so no crash can
    /// fall between taking a message and recording it. The first ARGV[3] (default 0) are not
    /// recorded: the caller hands them out unrecorded, for tasks that start at once
    /// (``Consumer/defersBlockingRecords``). Replies `{key, raw, tag, raw, tag...}`; a tag is
    /// empty where the message was not recorded (left so, or no plain `delivery_tag` or
    /// `delivery_info` in it), and the caller records or rejects that one itself.
    ///
    /// Plain `string.find` locates the tag and the delivery info (the last occurrence of each,
    /// the properties' own, as kombu's parser would read them): pattern matching over the
    /// whole envelope was most of the server's time per message. One ZADD and one HSET record
    /// the whole batch.
    static let reserveScript = RedisScript(#"""
        local function last_value(raw, prefix)
          local value, from = nil, 1
          while true do
            local s, e = string.find(raw, prefix, from, true)
            if not s then return value end
            local q = string.find(raw, '"', e + 1, true)
            if not q then return value end
            local text = string.sub(raw, e + 1, q - 1)
            if text ~= '' and not string.find(text, '\\', 1, true) then value = text end
            from = q + 1
          end
        end
        local function delivery_info(raw)
          local exchange, routing, from = nil, nil, 1
          local prefix = '"delivery_info": {"exchange": "'
          local middle = '", "routing_key": "'
          while true do
            local s, e = string.find(raw, prefix, from, true)
            if not s then return exchange, routing end
            from = e + 1
            local q1 = string.find(raw, '"', e + 1, true)
            if q1 and string.sub(raw, q1, q1 + #middle - 1) == middle then
              local q2 = string.find(raw, '"', q1 + #middle, true)
              if q2 and string.sub(raw, q2, q2 + 1) == '"}' then
                local e1 = string.sub(raw, e + 1, q1 - 1)
                local r1 = string.sub(raw, q1 + #middle, q2 - 1)
                if not string.find(e1, '\\', 1, true) and not string.find(r1, '\\', 1, true) then
                  exchange, routing = e1, r1
                end
              end
            end
          end
        end
        for i = 3, #KEYS do
          local items = redis.call('RPOP', KEYS[i], ARGV[1])
          if items then
            local out = {KEYS[i]}
            local scores, entries = {}, {}
            local leave = tonumber(ARGV[3]) or 0
            for n, raw in ipairs(items) do
              local tag = ''
              if n > leave then
                tag = last_value(raw, '"delivery_tag": "') or ''
                local exchange, routing = delivery_info(raw)
                if tag ~= '' and routing then
                  scores[#scores + 1] = ARGV[2]
                  scores[#scores + 1] = tag
                  entries[#entries + 1] = tag
                  entries[#entries + 1] = '[' .. raw .. ', "' .. exchange .. '", "' .. routing .. '"]'
                else
                  tag = ''
                end
              end
              out[#out + 1] = raw
              out[#out + 1] = tag
            end
            if #scores > 0 then
              redis.call('ZADD', KEYS[1], unpack(scores))
              redis.call('HSET', KEYS[2], unpack(entries))
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
    /// them as unacked atomically (see ``reserveScript``), but for the first `leaving`, which
    /// come back without a tag. Nil when every key is empty.
    public func reserve(keys: [String], count: Int, leaving: Int = 0,
                        at time: Double = Date().timeIntervalSince1970) async throws(RedisError) -> Reserved?
    {
        guard !keys.isEmpty, count > 0 else { return nil }
        let reply = try await client.evalSHA(Self.reserveScript, keys: [Self.unackedIndexKey, Self.unackedKey] + keys,
                                             arguments: [String(count), Self.unackedScore(at: time), String(max(0, leaving))])
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
