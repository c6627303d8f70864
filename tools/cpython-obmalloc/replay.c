/* replay.c - replay an allocation trace through an object allocator and
 * print the allocator's statistics in CPython's _PyObject_DebugMallocStats
 * format.  Built twice by compare.sh: against CPython's own obmalloc
 * (libpython's PyObject_Malloc, ...) and with -DREPLAY_PMLAB against a
 * pymemlab layer (PmObject_Malloc, ...), so that the two reports can be
 * compared figure by figure.
 *
 *   replay [--arenas=system|aligned|shifted] [--stats-every=N] TRACE
 *
 * The report is printed at the end, and with --stats-every=N also after
 * every N operations, each under a line "# after operation K".
 *
 * The interpreter is never initialised: in 3.11, obmalloc's state is static
 * data and pymalloc is the object allocator from the start, so the report
 * shows the trace's blocks alone, with no start-up allocations mixed in.
 *
 * --arenas picks where arenas go.  "system" is plain mmap, whose addresses
 * (and so whether an arena loses a pool to alignment) vary from run to run.
 * "aligned" and "shifted" use pmtrace.h's deterministic arena allocator:
 * lowest free slot of one reserved region first, each arena POOL_SIZE-
 * aligned, or one page past that so that every arena loses one pool.  The
 * same trace then gets the same arenas on both allocators.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "pmtrace.h"

#ifdef REPLAY_PMLAB
#define OBJ_MALLOC PmObject_Malloc
#define OBJ_CALLOC PmObject_Calloc
#define OBJ_REALLOC PmObject_Realloc
#define OBJ_FREE PmObject_Free
#define OBJ_STATS(out) _PmObject_DebugMallocStats(out)
#define SET_ARENA_ALLOCATOR PmObject_SetArenaAllocator
#else
/* libpython's object allocator, declared here rather than through
 * Python.h, whose typedefs (destructor, visitproc, ...) clash with
 * pymemlab's.  PyObjectArenaAllocator is {ctx, alloc, free} with the same
 * types as PmObjectArenaAllocator (PEP 445), so one struct serves both. */
void *PyObject_Malloc(size_t size);
void *PyObject_Calloc(size_t nelem, size_t elsize);
void *PyObject_Realloc(void *ptr, size_t size);
void PyObject_Free(void *ptr);
void PyObject_SetArenaAllocator(PmObjectArenaAllocator *allocator);
/* Exported by libpython, declared only in 3.11's internal headers
 * (Include/internal/pycore_pymem.h). */
int _PyObject_DebugMallocStats(FILE *out);
#define OBJ_MALLOC PyObject_Malloc
#define OBJ_CALLOC PyObject_Calloc
#define OBJ_REALLOC PyObject_Realloc
#define OBJ_FREE PyObject_Free
#define OBJ_STATS(out) _PyObject_DebugMallocStats(out)
#define SET_ARENA_ALLOCATOR PyObject_SetArenaAllocator
#endif

/* The region is aligned to a power of two at least its size, and so lies
 * inside one leaf of the radix tree (which covers 16 GiB): the arena map's
 * node counts then depend only on whether an arena was ever allocated, not
 * on where the kernel put the region. */
#define REGION_ALIGN ((size_t)256 << 20)

static PmTraceArenas arenas;

/* Install the arena placement named by MODE.  Returns 0, or -1 for an
 * unknown mode or a failed reservation. */
static int use_arenas(const char *mode)
{
    size_t misalign;
    if (strcmp(mode, "system") == 0)
        return 0;
    if (strcmp(mode, "aligned") == 0)
        misalign = 0;
    else if (strcmp(mode, "shifted") == 0)
        misalign = SYSTEM_PAGE_SIZE;
    else
        return -1;
    size_t span = PM_TRACE_ARENA_SLOTS * pm_trace_arena_stride();
    if (span > REGION_ALIGN)
        return -1;
    char *p = mmap(NULL, 2 * REGION_ALIGN, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        perror("replay: reserving the arena region");
        return -1;
    }
    memset(&arenas, 0, sizeof arenas);
    arenas.misalign = misalign;
    arenas.base = (char *)(((uintptr_t)p + REGION_ALIGN - 1) & ~(uintptr_t)(REGION_ALIGN - 1));
    PmObjectArenaAllocator a = {&arenas, pm_trace_arena_alloc, pm_trace_arena_free};
    SET_ARENA_ALLOCATOR(&a);
    return 0;
}

/* Run every operation of T, printing the report after every EVERY
 * operations (0: never).  Blocks still live at the end stay allocated: the
 * caller's report shows the heap as the trace leaves it. */
static int replay(const PmTrace *t, size_t every)
{
    void **blocks = calloc(t->nids ? t->nids : 1, sizeof *blocks);
    if (blocks == NULL) {
        fprintf(stderr, "replay: out of memory for the block table\n");
        return -1;
    }
    for (size_t i = 0; i < t->nops; i++) {
        const PmTraceOp *op = &t->ops[i];
        void *p;
        switch (op->kind) {
        case 'a': p = blocks[op->id] = OBJ_MALLOC(op->size); break;
        case 'c': p = blocks[op->id] = OBJ_CALLOC(op->nelem, op->size); break;
        case 'r': p = blocks[op->id] = OBJ_REALLOC(blocks[op->id], op->size); break;
        default: /* 'f' */
            OBJ_FREE(blocks[op->id]);
            p = blocks[op->id] = NULL;
            break;
        }
        if (p == NULL && op->kind != 'f') {
            fprintf(stderr, "replay: line %ld returned NULL\n", op->line);
            free(blocks);
            return -1;
        }
        if (every > 0 && (i + 1) % every == 0 && i + 1 < t->nops) {
            printf("# after operation %zu\n", i + 1);
            OBJ_STATS(stdout);
        }
    }
    free(blocks);
    return 0;
}

int main(int argc, char **argv)
{
    const char *mode = "system";
    const char *path = NULL;
    size_t every = 0;
    int usage = 0;
    for (int i = 1; i < argc; i++) {
        char *end;
        if (strncmp(argv[i], "--arenas=", 9) == 0)
            mode = argv[i] + 9;
        else if (strncmp(argv[i], "--stats-every=", 14) == 0) {
            every = strtoul(argv[i] + 14, &end, 10);
            usage |= *end != '\0';
        } else if (path == NULL && argv[i][0] != '-')
            path = argv[i];
        else
            usage = 1;
    }
    if (path == NULL || usage) {
        fprintf(stderr, "usage: %s [--arenas=system|aligned|shifted] [--stats-every=N] TRACE\n",
                argv[0]);
        return 2;
    }
    if (use_arenas(mode) != 0) {
        fprintf(stderr, "replay: --arenas=%s: expected system, aligned or shifted\n", mode);
        return 2;
    }
    PmTrace t = {0};
    char msg[256];
    if (pm_trace_load(path, &t, msg, sizeof msg) != 0) {
        fprintf(stderr, "%s: %s\n", path, msg);
        return 1;
    }
    int rc = replay(&t, every);
    if (rc == 0) {
        if (every > 0)
            printf("# after operation %zu\n", t.nops);
        OBJ_STATS(stdout);
    }
    pm_trace_clear(&t);
    if (rc != 0)
        return 1;
    return 0;
}
