/* mem.c - the default allocators: both domains (pm_mem.h) go to the C
 * library's malloc.  Chapter 2's small-object allocator replaces the object
 * domain; the PmObject_* functions here are weak so that its strong
 * definitions win at link time.
 */
#include <stdio.h>
#include <stdlib.h>
#include "pm_mem.h"

/* Report an exhausted heap once per process: the caller turns the NULL into
 * a MemoryError, and a flood of identical lines would hide the first one. */
static void *report_oom(void *p, size_t nbytes)
{
    static int reported;
    if (p == NULL && !reported) {
        reported = 1;
        fprintf(stderr, "pmlab: out of memory: a request for %zu bytes failed\n", nbytes);
    }
    return p;
}

/* Blocks of the mem domain alive now: an item array or a hash table that a
 * deallocator forgot to free shows up here (the tests read it). */
static long mem_live_blocks;

long _PmMem_GetLiveBlocks(void)
{
    return mem_live_blocks;
}

static void *counted(void *p)
{
    if (p != NULL)
        mem_live_blocks++;
    return p;
}

/* malloc(0) may return NULL; a request for nothing gets one byte, as
 * CPython's PyMem_RawMalloc does, so NULL always means failure. */
void *PmMem_Malloc(size_t size)
{
    return counted(report_oom(malloc(size ? size : 1), size));
}

void *PmMem_Calloc(size_t nelem, size_t elsize)
{
    if (nelem == 0 || elsize == 0)
        nelem = elsize = 1;
    return counted(report_oom(calloc(nelem, elsize), nelem * elsize));
}

void *PmMem_Realloc(void *ptr, size_t size)
{
    void *p = report_oom(realloc(ptr, size ? size : 1), size);
    if (ptr == NULL)
        return counted(p);
    return p;
}

void PmMem_Free(void *ptr)
{
    if (ptr != NULL)
        mem_live_blocks--;
    free(ptr);
}

/* The object domain's default: the C library's malloc too, but not counted
 * in mem_live_blocks, which is the mem domain's alone. */
__attribute__((weak)) void *PmObject_Malloc(size_t size)
{
    return report_oom(malloc(size ? size : 1), size);
}

__attribute__((weak)) void *PmObject_Calloc(size_t nelem, size_t elsize)
{
    if (nelem == 0 || elsize == 0)
        nelem = elsize = 1;
    return report_oom(calloc(nelem, elsize), nelem * elsize);
}

__attribute__((weak)) void *PmObject_Realloc(void *ptr, size_t size)
{
    return report_oom(realloc(ptr, size ? size : 1), size);
}

__attribute__((weak)) void PmObject_Free(void *ptr)
{
    free(ptr);
}
