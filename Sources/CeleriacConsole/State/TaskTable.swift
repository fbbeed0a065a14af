/// The tracked tasks: records side by side in one array, found through a compact hash index.
///
/// Memory is what this type is about: the console keeps up to 100,000 tasks. So
/// - each record is stored once, in an array whose positions stay put (a removed task leaves a
///   vacant slot that the next new task takes), which lets eviction queues hold 8-byte
///   `TaskHandle`s instead of ids;
/// - ids are `TaskKey`s: a UUID's 128 bits, or for any other id the place of its bytes in one
///   shared text arena (compacted when half of it is garbage) — never a heap object per id;
/// - the index is an open-addressing table of 4-byte positions (linear probing, at most half
///   full) that keeps no keys of its own but compares against the records: 1 MiB at 100,000
///   tasks, where a `[String: Int]` took 6.
///
/// Records handed out carry their id text (a text id rides in the record's extras box then);
/// records inside do not. The order of `values` is arbitrary, as a dictionary's is.
public struct TaskTable: Sendable, Equatable {
    /// Stored records; a vacant slot has the key `TaskKey.vacant`.
    private var records: [TaskRecord] = []
    /// Vacant positions, reused last-freed first.
    private var vacancies: [UInt32] = []
    /// Record position + 1 per slot, 0 for empty; the count is a power of two (or zero).
    private var slots: [UInt32] = []
    /// The bytes of the ids that are not canonical UUIDs.
    private var arena: [UInt8] = []
    /// Arena bytes no tracked task uses any more.
    private var arenaGarbage = 0
    private var nextGeneration: UInt32 = 0
    public private(set) var count = 0

    /// No tasks.
    public init() {}

    /// Makes room for `capacity` records without growing.
    public mutating func reserveCapacity(_ capacity: Int) {
        records.reserveCapacity(capacity)
        let wanted = slotCount(for: capacity)
        if wanted > slots.count { rebuildIndex(slotCount: wanted) }
    }

    /// Whether no task is tracked.
    public var isEmpty: Bool { count == 0 }

    /// Every record, in no particular order.
    public var values: Values { Values(table: self) }

    /// Every id, in the order of `values`.
    public var keys: [String] { values.map(\.id) }

    /// The record of `id`; setting nil removes it.
    public subscript(id: String) -> TaskRecord? {
        get { position(of: id).map(record(at:)) }
        set {
            if let position = position(of: id) {
                if let newValue {
                    replace(at: position, with: newValue)
                } else {
                    remove(at: position)
                }
            } else if var newValue {
                newValue.setID(id)
                insert(newValue)
            }
        }
    }

    /// Whether `id` is tracked.
    public func contains(_ id: String) -> Bool { position(of: id) != nil }

    /// Changes the record of `id` in place; false when it is not tracked.
    @discardableResult
    public mutating func update(_ id: String, _ body: (inout TaskRecord) -> Void) -> Bool {
        guard let position = position(of: id) else { return false }
        var record = take(at: position)
        body(&record)
        replace(at: position, with: record)
        return true
    }

    /// Removes and returns the record of `id`.
    @discardableResult
    public mutating func removeValue(forKey id: String) -> TaskRecord? {
        guard let position = position(of: id) else { return nil }
        return remove(at: position)
    }

    /// Equal when the same ids map to equal records, whatever the storage order (and where
    /// each table keeps them).
    public static func == (lhs: TaskTable, rhs: TaskTable) -> Bool {
        func placeless(_ record: TaskRecord) -> TaskRecord {
            var record = record
            record.generation = 0
            if record.key.isText { record.key = TaskKey(high: TaskKey.textMarker, low: 0) }
            return record
        }
        return lhs.count == rhs.count && lhs.values.allSatisfy { record in
            rhs[record.id].map { placeless($0) == placeless(record) } ?? false
        }
    }

    /// The tracked records as a collection (vacant slots skipped).
    public struct Values: Collection, Sendable {
        let table: TaskTable

        public var count: Int { table.count }
        public var startIndex: Int { next(from: 0) }
        public var endIndex: Int { table.records.count }
        public func index(after i: Int) -> Int { next(from: i + 1) }
        public subscript(position: Int) -> TaskRecord { table.record(at: position) }

        private func next(from position: Int) -> Int {
            var position = position
            while position < table.records.count, table.records[position].key == .vacant { position += 1 }
            return position
        }
    }

    // MARK: Positions and handles (for the state)

    /// Where `id` is stored, if it is tracked.
    func position(of id: String) -> Int? {
        guard !slots.isEmpty else { return nil }
        if let key = TaskKey(uuid: id) { return position(of: key) }
        var id = id
        return id.withUTF8 { bytes in
            let mask = slots.count - 1
            var slot = home(ofText: UnsafeRawBufferPointer(bytes), mask: mask)
            while true {
                let entry = slots[slot]
                if entry == 0 { return nil }
                let position = Int(entry) - 1
                let key = records[position].key
                if key.isText, key.textLength == bytes.count,
                   arena[key.textOffset..<(key.textOffset + key.textLength)].elementsEqual(bytes) {
                    return position
                }
                slot = (slot + 1) & mask
            }
        }
    }

    /// The record at `position`, with its id text.
    func record(at position: Int) -> TaskRecord {
        var record = records[position]
        if record.key.isText { record.attachText(text(of: record.key)) }
        return record
    }

    /// The record at `position` as stored: its id text left out (cheap; for reading fields).
    func storedRecord(at position: Int) -> TaskRecord { records[position] }

    /// Whether the slot at `position` holds a task.
    func isOccupied(_ position: Int) -> Bool { position < records.count && records[position].key != .vacant }

    /// The handle of the task at `position`.
    func handle(at position: Int) -> TaskHandle {
        TaskHandle(position: UInt32(truncatingIfNeeded: position), generation: records[position].generation)
    }

    /// Where the task of `handle` is, if it is still tracked.
    func position(of handle: TaskHandle) -> Int? {
        let position = Int(handle.position)
        guard isOccupied(position), records[position].generation == handle.generation else { return nil }
        return position
    }

    /// Hands out the record at `position` for changing (with its id text), leaving a blank one
    /// with the same key in its place until `replace(at:with:)` stores it back: the caller
    /// then owns the record's storage alone, so changing it does not copy it.
    mutating func take(at position: Int) -> TaskRecord {
        var record = records[position]
        records[position] = TaskRecord(blank: record.key)
        if record.key.isText { record.attachText(text(of: record.key)) }
        return record
    }

    /// Stores a changed record back where it was (its id stays the one stored there).
    mutating func replace(at position: Int, with record: TaskRecord) {
        var record = record
        record.key = records[position].key
        record.generation = records[position].generation
        if record.key.isText { record.attachText(nil) }
        records[position] = record
    }

    /// Adds a new record under its own id and returns where; nil when its id is longer than
    /// a text id may be.
    @discardableResult
    mutating func insert(_ record: TaskRecord) -> Int? {
        var record = record
        if record.key.isText {
            guard let text = record.textID, text.utf8.count <= TaskKey.maxTextLength else { return nil }
            record.key = TaskKey.text(offset: arena.count, length: text.utf8.count)
            arena.append(contentsOf: text.utf8)
            record.attachText(nil)
        }
        nextGeneration &+= 1
        record.generation = nextGeneration
        if slotCount(for: count + 1) > slots.count { rebuildIndex(slotCount: slotCount(for: count + 1)) }
        let position: Int
        if let vacant = vacancies.popLast() {
            position = Int(vacant)
            records[position] = record
        } else {
            position = records.count
            records.append(record)
        }
        count += 1
        place(position)
        return position
    }

    /// Removes the task at `position` and returns its record.
    @discardableResult
    mutating func remove(at position: Int) -> TaskRecord {
        let removed = record(at: position)
        if let slot = slot(holding: position) { vacate(slot) }
        let key = records[position].key
        records[position] = TaskRecord(blank: .vacant)
        vacancies.append(UInt32(truncatingIfNeeded: position))
        count -= 1
        if key.isText {
            arenaGarbage += key.textLength
            if arenaGarbage > 65_536, arenaGarbage * 2 > arena.count { compactArena() }
        }
        return removed
    }

    // MARK: The text arena

    private func text(of key: TaskKey) -> String {
        String(decoding: arena[key.textOffset..<(key.textOffset + key.textLength)], as: UTF8.self)
    }

    /// Copies the bytes still in use to a new arena, in record order. Positions do not move,
    /// and the index hashes the bytes rather than their place, so it stays as it is.
    private mutating func compactArena() {
        var compacted: [UInt8] = []
        compacted.reserveCapacity(arena.count - arenaGarbage)
        for position in records.indices {
            let key = records[position].key
            guard key.isText, key != .vacant else { continue }
            let offset = compacted.count
            compacted.append(contentsOf: arena[key.textOffset..<(key.textOffset + key.textLength)])
            records[position].key = .text(offset: offset, length: key.textLength)
        }
        arena = compacted
        arenaGarbage = 0
    }

    // MARK: The index

    /// Slots for `count` records: a power of two at least twice as many.
    private func slotCount(for count: Int) -> Int {
        var slots = 8
        while slots < count * 2 { slots *= 2 }
        return slots
    }

    // The process-seeded SipHash: task ids come off the wire, and a fixed hash would let a
    // stream of chosen ids pile up in one run of slots.
    private func home(of key: TaskKey, mask: Int) -> Int {
        if key.isText {
            return arena.withUnsafeBytes { bytes in
                home(ofText: UnsafeRawBufferPointer(rebasing: bytes[key.textOffset..<(key.textOffset + key.textLength)]), mask: mask)
            }
        }
        var hasher = Hasher()
        hasher.combine(key.high)
        hasher.combine(key.low)
        return hasher.finalize() & mask
    }

    private func home(ofText bytes: UnsafeRawBufferPointer, mask: Int) -> Int {
        var hasher = Hasher()
        hasher.combine(bytes: bytes)
        return hasher.finalize() & mask
    }

    private func position(of key: TaskKey) -> Int? {
        guard !slots.isEmpty else { return nil }
        let mask = slots.count - 1
        var slot = home(of: key, mask: mask)
        while true {
            let entry = slots[slot]
            if entry == 0 { return nil }
            let position = Int(entry) - 1
            if records[position].key == key { return position }
            slot = (slot + 1) & mask
        }
    }

    /// The slot that points at `position`.
    private func slot(holding position: Int) -> Int? {
        guard !slots.isEmpty else { return nil }
        let mask = slots.count - 1
        var slot = home(of: records[position].key, mask: mask)
        while true {
            let entry = slots[slot]
            if entry == 0 { return nil }
            if Int(entry) - 1 == position { return slot }
            slot = (slot + 1) & mask
        }
    }

    /// Points a free slot at the record at `position`.
    private mutating func place(_ position: Int) {
        let mask = slots.count - 1
        var slot = home(of: records[position].key, mask: mask)
        while slots[slot] != 0 { slot = (slot + 1) & mask }
        slots[slot] = UInt32(truncatingIfNeeded: position + 1)
    }

    /// Empties `slot`, moving later entries of the run back so that every entry stays
    /// reachable from its home slot (deletion without tombstones).
    private mutating func vacate(_ slot: Int) {
        let mask = slots.count - 1
        var gap = slot
        var next = slot
        while true {
            next = (next + 1) & mask
            let entry = slots[next]
            if entry == 0 { break }
            let home = home(of: records[Int(entry) - 1].key, mask: mask)
            // The entry may move into the gap unless its home lies cyclically in (gap, next].
            let stays = gap <= next ? (gap < home && home <= next) : (gap < home || home <= next)
            if !stays {
                slots[gap] = entry
                gap = next
            }
        }
        slots[gap] = 0
    }

    private mutating func rebuildIndex(slotCount: Int) {
        slots = [UInt32](repeating: 0, count: slotCount)
        for position in records.indices where records[position].key != .vacant { place(position) }
    }
}
