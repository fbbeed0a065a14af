import CCeleriacExecutorHook

/// Lets a long-running process give back the code pages its start-up touched (issue #6).
///
/// Why: start-up runs a lot of code once — argument parsing, configuration, connecting,
/// declaring queues, mingle — and every page of it, plus the neighbours the kernel maps around
/// each fault (fault-around: 64 KiB, or a whole large folio of a freshly written binary), stays
/// in the process's resident set for good, though a running worker never runs it again.
/// `MADV_DONTNEED` on the executable's own read-only segments drops those mappings; the pages
/// stay in the page cache, and whatever the process runs next faults back in from there (a
/// minor fault, no I/O). Writable and RELRO segments are never touched: their pages are private
/// copies, written or relocated, that `MADV_DONTNEED` would replace with the file's bytes.
public enum ResidentCode {
    /// Drops the executable's read-only segments from this process's page tables. Returns the
    /// bytes advised, 0 where this is not supported (not Linux). Safe at any time and from any
    /// thread: code another thread is running faults straight back in.
    @discardableResult
    public static func releaseStartupPages() -> Int {
        Int(celeriac_release_executable_pages())
    }
}
