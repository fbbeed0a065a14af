#include "CCeleriacExecutorHook.h"
#include <stddef.h>

// Defined by the Swift concurrency runtime (libswift_Concurrency); the runtime calls it, when
// set, for every job enqueued on the global concurrent executor.
extern void *swift_task_enqueueGlobal_hook;

bool celeriac_install_enqueue_global_hook(void *hook) {
    void *expected = NULL;
    return __atomic_compare_exchange_n(&swift_task_enqueueGlobal_hook, &expected, hook, false,
                                       __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

void *celeriac_enqueue_global_hook(void) {
    return __atomic_load_n(&swift_task_enqueueGlobal_hook, __ATOMIC_SEQ_CST);
}
