#define _GNU_SOURCE
#include <stddef.h>
#if defined(__linux__)
#include <link.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "CCeleriacExecutorHook.h"

#if defined(__linux__)
// Called for the first object only, the executable: its nonzero return ends the iteration, so
// libraries are left alone. `data` is the byte count advised.
static int release_first_object(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    size_t *advised = data;
    const uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t relro_start = 0, relro_end = 0;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *header = &info->dlpi_phdr[i];
        if (header->p_type == PT_GNU_RELRO) {
            relro_start = info->dlpi_addr + header->p_vaddr;
            relro_end = relro_start + header->p_memsz;
        }
    }
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *header = &info->dlpi_phdr[i];
        // Read-only segments only: writable and RELRO pages are private copies (written or
        // relocated) that MADV_DONTNEED would replace with the file's bytes.
        if (header->p_type != PT_LOAD || (header->p_flags & PF_W)) continue;
        uintptr_t start = info->dlpi_addr + header->p_vaddr;
        uintptr_t end = start + header->p_filesz;
        // Whole pages only: a page shared with a writable neighbour is kept.
        start = (start + page - 1) / page * page;
        end = end / page * page;
        if (start >= end) continue;
        if (relro_start < relro_end && start < relro_end && relro_start < end) continue;
        if (madvise((void *)start, end - start, MADV_DONTNEED) == 0) *advised += end - start;
    }
    return 1;
}
#endif

size_t celeriac_release_executable_pages(void) {
#if defined(__linux__)
    size_t advised = 0;
    dl_iterate_phdr(release_first_object, &advised);
    return advised;
#else
    return 0;
#endif
}
