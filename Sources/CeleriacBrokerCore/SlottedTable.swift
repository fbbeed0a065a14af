/// A dictionary keyed by byte strings in which every key also holds a slot: a position in
/// an array that does not change while the key exists. SCAN, HSCAN and SSCAN walk the slots
/// in increasing order with the cursor as the next slot to visit, so a page costs O(COUNT)
/// whatever the table's size, and Redis's guarantee holds (stronger, in fact: an element
/// present for the whole scan keeps its slot, so it is returned exactly once; one added or
/// removed meanwhile may or may not be).
///
/// A removed key's slot is reused by a later key (the slot array stays as large as the most
/// keys ever held at once); empty slots at the end are trimmed. Lookups go through
/// ``ByteKey``'s one-pass hashing, as in ``ByteKeyedTable``.
struct SlottedTable<Value> {
    struct Entry {
        var value: Value
        var slot: Int
    }

    private(set) var storage: [ByteKey: Entry] = [:]
    /// The key in each slot; nil for a free slot.
    private var slots: [[UInt8]?] = []
    /// Slots freed by removals, reused before the array grows. May hold stale entries (slots
    /// trimmed off the end, or reused already); ``allocateSlot(_:)`` skips those.
    private var freeSlots: [Int] = []

    /// Empty slots a page may step over, per element asked for (Redis visits at most
    /// 10 × COUNT empty buckets per call, too).
    static var emptyStepsPerElement: Int { 10 }

    var count: Int { storage.count }
    var isEmpty: Bool { storage.isEmpty }

    /// The keys, in no particular order.
    var keys: LazyMapSequence<Dictionary<ByteKey, Entry>.Keys, [UInt8]> { storage.keys.lazy.map(\.bytes) }

    /// Keys and values, in no particular order.
    var elements: LazyMapSequence<Dictionary<ByteKey, Entry>, (key: [UInt8], value: Value)> {
        storage.lazy.map { (key: $0.key.bytes, value: $0.value.value) }
    }

    func contains(_ key: [UInt8]) -> Bool { storage[ByteKey(key)] != nil }

    subscript(key: [UInt8]) -> Value? {
        get { storage[ByteKey(key)]?.value }
        set {
            if let newValue {
                updateValue(newValue, forKey: key)
            } else {
                removeValue(forKey: key)
            }
        }
    }

    /// Sets the value of `key`, keeping its slot when it exists; returns the old value.
    @discardableResult
    mutating func updateValue(_ value: Value, forKey key: [UInt8]) -> Value? {
        let byteKey = ByteKey(key)
        if let index = storage.index(forKey: byteKey) {
            let old = storage.values[index].value
            storage.values[index].value = value
            return old
        }
        storage[byteKey] = Entry(value: value, slot: allocateSlot(key))
        return nil
    }

    @discardableResult
    mutating func removeValue(forKey key: [UInt8]) -> Value? {
        guard let entry = storage.removeValue(forKey: ByteKey(key)) else { return nil }
        releaseSlot(entry.slot)
        return entry.value
    }

    mutating func removeAll() {
        storage.removeAll()
        slots.removeAll()
        freeSlots.removeAll()
    }

    private mutating func allocateSlot(_ key: [UInt8]) -> Int {
        while let slot = freeSlots.popLast() {
            if slot < slots.count && slots[slot] == nil {
                slots[slot] = key
                return slot
            }
        }
        slots.append(key)
        return slots.count - 1
    }

    private mutating func releaseSlot(_ slot: Int) {
        guard slot < slots.count else { return }
        slots[slot] = nil
        if storage.isEmpty {
            slots.removeAll(keepingCapacity: true)
            freeSlots.removeAll(keepingCapacity: true)
            return
        }
        if slot == slots.count - 1 {
            while let last = slots.last, last == nil { slots.removeLast() }
        } else {
            freeSlots.append(slot)
        }
    }

    /// One page of a scan: the keys in the slots from `cursor` on, up to `count` of them
    /// (stepping over at most ``emptyStepsPerElement`` × `count` free slots), and the cursor
    /// of the next page — 0 once the end is reached.
    func scan(from cursor: UInt64, count: Int) -> (keys: [[UInt8]], next: UInt64) {
        guard cursor < UInt64(slots.count) else { return ([], 0) }
        var keys: [[UInt8]] = []
        keys.reserveCapacity(min(count, self.count))
        var emptyBudget = max(count, 1) * Self.emptyStepsPerElement
        var index = Int(cursor)
        while index < slots.count && keys.count < count && emptyBudget > 0 {
            if let key = slots[index] {
                keys.append(key)
            } else {
                emptyBudget -= 1
            }
            index += 1
        }
        return (keys, index < slots.count ? UInt64(index) : 0)
    }
}
