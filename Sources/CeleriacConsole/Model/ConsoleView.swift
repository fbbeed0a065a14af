import CeleriacProtocol
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The console's views. `name` is the view's key in the `KeyMap` and on `--view NAME`.
public enum ConsoleView: String, CaseIterable, Hashable, Sendable {
    case overview, tasks, taskDetail, failures, workers, workerDetail, queues, taskTypes, events, audit

    /// The key map name (and `--view` name).
    public var name: String { rawValue }

    /// The views on the tab bar, in number-key order.
    public static let tabs: [ConsoleView] = [.overview, .tasks, .taskDetail, .failures, .workers, .queues, .taskTypes,
                                             .events, .audit]

    /// The tab title.
    public var title: String {
        switch self {
        case .overview: "Overview"
        case .tasks: "Tasks"
        case .taskDetail: "Task"
        case .failures: "Failures"
        case .workers, .workerDetail: "Workers"
        case .queues: "Queues"
        case .taskTypes: "Task types"
        case .events: "Events"
        case .audit: "Audit"
        }
    }

    /// The tab title on narrow terminals.
    public var shortTitle: String {
        switch self {
        case .overview: "Overview"
        case .taskTypes: "Types"
        case .failures: "Fails"
        default: title
        }
    }

    /// The view by name, case-insensitive, accepting `task-types`, `detail` and `worker`.
    public init?(name: String) {
        let lowered = name.lowercased().replacingScalar("-", with: "").replacingScalar("_", with: "")
        let aliases: [String: ConsoleView] = ["detail": .taskDetail, "task": .taskDetail, "worker": .workerDetail,
                                              "types": .taskTypes]
        if let view = ConsoleView.allCases.first(where: { $0.rawValue.lowercased() == lowered }) ?? aliases[lowered] {
            self = view
        } else {
            return nil
        }
    }

    /// The tab this view belongs to (worker detail sits under Workers).
    public var tab: ConsoleView { self == .workerDetail ? .workers : self }
}
