#define _GNU_SOURCE
#include <stdbool.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/syscall.h>
#elif defined(__APPLE__)
#include <pthread.h>
#endif

#include "CCeleriacExecutorHook.h"

bool celeriac_is_main_thread(void) {
#if defined(__linux__)
    // The main thread's id is the process id on Linux.
    return syscall(SYS_gettid) == getpid();
#elif defined(__APPLE__)
    return pthread_main_np() != 0;
#else
    return false;
#endif
}
