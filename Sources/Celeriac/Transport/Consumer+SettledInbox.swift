extension Consumer {
    /// What ``Consumer/settled(_:)`` hands the actor, and the polls waiting for room.
    struct SettledInbox {
        /// Tags settled on arrival whose slots are not freed yet.
        var tags: [String] = []
        /// Polls waiting for prefetch room.
        var roomWaiters: [CheckedContinuation<Void, Never>] = []
    }
}
