#ifndef CCELERIAC_EXECUTOR_HOOK_H
#define CCELERIAC_EXECUTOR_HOOK_H

#include <stdbool.h>
#include <stddef.h>

/// Stores `hook` in the Swift runtime's `swift_task_enqueueGlobal_hook` if that slot is empty
/// (one atomic compare-and-exchange); false when another hook is already there.
///
/// The slot is referenced at link time rather than found with dlsym: a release build links the
/// Swift runtime statically and does not export the symbol, so dlsym cannot see it there.
bool celeriac_install_enqueue_global_hook(void *_Nonnull hook);

/// The hook currently in the runtime's slot (NULL when none).
void *_Nullable celeriac_enqueue_global_hook(void);

/// Whether the caller runs on the process's main thread. Foundation's `Thread.isMainThread`
/// answers the same, but linking Foundation costs an idle worker 3 MiB resident (issue #6).
bool celeriac_is_main_thread(void);

/// Drops the executable's read-only segments (code, read-only data and metadata) from the
/// process's page tables with MADV_DONTNEED; the pages stay in the page cache and fault back in
/// when run again. Writable and RELRO segments are left alone. Returns the bytes advised (0 when
/// not supported). See ResidentCode.swift for why.
size_t celeriac_release_executable_pages(void);

#endif
