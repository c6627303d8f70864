/* alloc_bench.c - `make bench`: how fast the chapter-2 reference allocator
 * replays allocation traces, next to CPython's own obmalloc (libpython,
 * interpreter not initialised), glibc's malloc and mimalloc, in one run and
 * one Markdown table of nanoseconds per operation.
 *
 *   alloc_bench [TRACE ...]
 *
 * Without arguments it replays the large synthetic traces of pmsynth.h
 * (churn, buildup, realloc, fragmentation) and the traces recorded from
 * real scenarios, grader/traces/02-pymalloc/recorded_*.trace.
 * Each trace is parsed once; a timed run is pmtrace.h's
 * pm_trace_replay_fast, the loop chapter 2's performance tests time: every
 * operation from the parsed array, the first byte of every block written,
 * and what the trace leaves live freed at the end (those frees count as
 * operations).  A cell is the best of RUNS runs; the allocators take turns
 * run by run, so a slow moment of the machine does not fall on one column.
 * All four are called through the same kind of function pointer.
 */
#include <glob.h>
#include <mimalloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>

#include "pmsynth.h"
#include "pmtrace.h"

/* libpython's object allocator and version, declared here rather than
 * through Python.h, whose typedefs (destructor, visitproc, ...) clash with
 * pymemlab's. */
void *PyObject_Malloc(size_t size);
void *PyObject_Calloc(size_t nelem, size_t elsize);
void *PyObject_Realloc(void *ptr, size_t size);
void PyObject_Free(void *ptr);
const char *Py_GetVersion(void);

#define RUNS 5

typedef struct {
    const char *name;
    PmTraceLayer layer;
} allocator;

static const allocator allocators[] = {
    {"reference", {PmObject_Malloc, PmObject_Calloc, PmObject_Realloc, PmObject_Free, NULL, NULL}},
    {"CPython obmalloc",
     {PyObject_Malloc, PyObject_Calloc, PyObject_Realloc, PyObject_Free, NULL, NULL}},
    {"glibc malloc", {malloc, calloc, realloc, free, NULL, NULL}},
    {"mimalloc", {mi_malloc, mi_calloc, mi_realloc, mi_free, NULL, NULL}},
};
#define NALLOCATORS (sizeof allocators / sizeof allocators[0])

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The operations one replay performs: the trace's, plus one free for each
 * block it leaves live. */
static size_t count_operations(const PmTrace *t)
{
    unsigned char *live = calloc(t->nids ? t->nids : 1, 1);
    size_t left = 0;
    if (live == NULL)
        return t->nops;
    for (size_t i = 0; i < t->nops; i++) {
        const PmTraceOp *op = &t->ops[i];
        if (op->kind == 'a' || op->kind == 'c') {
            live[op->id] = 1;
            left++;
        } else if (op->kind == 'f') {
            live[op->id] = 0;
            left--;
        }
    }
    free(live);
    return t->nops + left;
}

/* "Model name" from /proc/cpuinfo, or "unknown CPU". */
static void cpu_name(char *buf, size_t len)
{
    snprintf(buf, len, "unknown CPU");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (f == NULL)
        return;
    char line[256];
    while (fgets(line, sizeof line, f) != NULL) {
        char *colon = strchr(line, ':');
        if (strncmp(line, "model name", 10) == 0 && colon != NULL) {
            snprintf(buf, len, "%s", colon + 2);
            buf[strcspn(buf, "\n")] = '\0';
            break;
        }
    }
    fclose(f);
}

static void print_machine(void)
{
    char cpu[128];
    struct utsname u;
    cpu_name(cpu, sizeof cpu);
    uname(&u);
    int mi = mi_version();
    printf("Machine: %s, Linux %s (%s); CPython %.*s (libpython); mimalloc %d.%d.%d; "
           "best of %d runs, ns per operation.\n\n",
           cpu, u.release, u.machine, (int)strcspn(Py_GetVersion(), " "), Py_GetVersion(), mi / 100,
           mi / 10 % 10, mi % 10, RUNS);
}

/* One row of the table: the trace's name, its size, and the best time per
 * operation of each allocator.  TEXT is the trace (NULL: read PATH).
 * Returns 0, or -1 if the trace is unusable. */
static int bench_trace(const char *path, const char *text)
{
    PmTrace t = {0};
    char msg[256] = "no operations";
    int rc =
        text ? pm_trace_parse(text, &t, msg, sizeof msg) : pm_trace_load(path, &t, msg, sizeof msg);
    if (rc != 0 || t.nops == 0) {
        fprintf(stderr, "%s: %s\n", path, msg);
        pm_trace_clear(&t);
        return -1;
    }
    void **blocks = calloc(t.nids ? t.nids : 1, sizeof *blocks);
    if (blocks == NULL) {
        fprintf(stderr, "%s: out of memory\n", path);
        pm_trace_clear(&t);
        return -1;
    }
    double best[NALLOCATORS];
    for (size_t k = 0; k < NALLOCATORS; k++)
        best[k] = -1.0;
    for (int run = 0; run < RUNS; run++) {
        for (size_t k = 0; k < NALLOCATORS; k++) {
            double start = now_ns();
            pm_trace_replay_fast(&t, &allocators[k].layer, blocks);
            double ns = now_ns() - start;
            if (best[k] < 0 || ns < best[k])
                best[k] = ns;
        }
    }
    size_t nops = count_operations(&t);
    const char *base = strrchr(path, '/');
    char name[128];
    snprintf(name, sizeof name, "%s", base ? base + 1 : path);
    name[strcspn(name, ".")] = '\0';
    printf("| %-24s | %10zu |", name, nops);
    for (size_t k = 0; k < NALLOCATORS; k++)
        printf(" %*.1f |", (int)strlen(allocators[k].name), best[k] / (double)nops);
    printf(" %19.2f |\n", best[0] / best[1]);
    free(blocks);
    pm_trace_clear(&t);
    return 0;
}

int main(int argc, char **argv)
{
    glob_t g = {0};
    char **paths = argv + 1;
    size_t npaths = (size_t)argc - 1;
    if (npaths == 0 && glob("grader/traces/02-pymalloc/recorded_*.trace", 0, NULL, &g) == 0) {
        paths = g.gl_pathv;
        npaths = g.gl_pathc;
    }
    print_machine();
    printf("| %-24s | %10s |", "trace", "operations");
    for (size_t k = 0; k < NALLOCATORS; k++)
        printf(" %s |", allocators[k].name);
    printf(" reference / CPython |\n|--------------------------|-----------:|");
    for (size_t k = 0; k < NALLOCATORS; k++)
        printf("%.*s:|", (int)strlen(allocators[k].name) + 1, "--------------------------");
    printf("--------------------:|\n");
    fflush(stdout);
    int rc = 0;
    for (size_t i = 0; argc == 1 && i < PM_SYNTH_COUNT; i++) {
        char *text = pm_synth_text(pm_synth_traces[i].name);
        if (text == NULL || bench_trace(pm_synth_traces[i].name, text) != 0)
            rc = 1;
        free(text);
        fflush(stdout);
    }
    for (size_t i = 0; i < npaths; i++) {
        if (bench_trace(paths[i], NULL) != 0)
            rc = 1;
        fflush(stdout);
    }
    globfree(&g);
    return rc;
}
