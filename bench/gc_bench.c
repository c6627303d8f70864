/* gc_bench.c - `make bench` for chapters 3 and 4: how long the reference
 * collector takes for a full collection, next to CPython's gc.collect() on
 * the same object graphs, in one run and one Markdown table of nanoseconds
 * per object.
 *
 *   gc_bench [--reference-only] [--shape NAME] [--objects N] [HELPER.py]
 *
 * (HELPER.py defaults to bench/gc_bench.py, run with python3;
 * --reference-only times the reference alone, for a profiler.)
 *
 * The shapes, at 100,000 and 1,000,000 lists each:
 *   chain   one long chain of lists, all reachable: a collection that finds
 *           nothing, the cost of looking;
 *   cycles  pairs of lists holding each other, all garbage: finding them
 *           and freeing them;
 *   random  clusters of 1000 lists, each list referring to the next one of
 *           its cluster and to a random one (a fixed-seed LCG, the same
 *           numbers on both sides); a roots list made last holds the first
 *           list of every even cluster, so half the graph is garbage.
 *
 * What is measured, the same way on both sides: the collector is disabled
 * while a graph is built, whatever existed before is frozen (gc.freeze()),
 * and the clock runs around the full collection alone (PmGC_Collect(),
 * gc.collect()); building the graph and freeing what stayed reachable are
 * outside it.  The clock is the process's processor time
 * (CLOCK_PROCESS_CPUTIME_ID, Python's time.process_time_ns()), not the wall
 * clock, which on a busy machine also counts the time spent waiting for a
 * processor.  Each side builds a fresh graph for every run.  The two sides
 * take turns, run by run (the Python helper stays running and measures one
 * run when asked), alternating which goes first, so that both see the same
 * load on a shared machine.  A cell starts with one untimed run on each
 * side (page faults, first use of the allocator's arenas), then times 5
 * runs (3 at a million objects) and reports the median of each side.  Both
 * sides must find the same number of unreachable objects, or the graphs
 * differ and the table says so.
 *
 * The objects are the same size on both sides: `make bench` builds this
 * program in the Makefile's bench variant, whose object header has no
 * registry links (Pm_NO_TRACE_REFS), as CPython's release build has none;
 * a list is then 56 bytes with its GC header, a 64-byte block, on both.
 * Built in another variant (make build/rel/bench/gc_bench), the registry
 * links make it 72 bytes, an 80-byte block: that table shows what the
 * registry costs.  Not the same on both sides: a list's item array comes
 * from the C library's malloc here (the runtime's mem domain) and from
 * pymalloc in CPython; and CPython 3.11's gc.collect() does steps this
 * subset has no use for (weak references, finalizers, resurrection, which
 * walks the garbage again, and clearing the free lists).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pmlab.h"

#define CLUSTER 1000
#define SEED 42
#define NSIZES 2
#define NSHAPES 3
#define MAX_RUNS 5

static const Pm_ssize_t sizes[NSIZES] = {100000, 1000000};
static const char *const shape_names[NSHAPES] = {"chain", "cycles", "random"};

/* One run: what the collection returned and how long it took. */
typedef struct {
    Pm_ssize_t found;
    double ns;
} measurement;

/* The processor time this process has used: on a shared machine, wall time
 * would also count the time spent waiting for a processor. */
static double cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* Abort with a message: a benchmark that cannot build its graph has
 * nothing to report. */
static void die(const char *what)
{
    fprintf(stderr, "gc_bench: %s\n", what);
    exit(1);
}

static PmObject *new_list(void)
{
    PmObject *list = PmList_New(0);
    if (list == NULL)
        die("out of memory building the graph");
    return list;
}

static void append(PmObject *list, PmObject *item)
{
    if (PmList_Append(list, item) < 0)
        die("out of memory building the graph");
}

/* count indices below bound from the 64-bit LCG that gc_bench.py uses too. */
static Pm_ssize_t *lcg_indices(Pm_ssize_t count, uint64_t bound, uint64_t seed)
{
    Pm_ssize_t *out = malloc((size_t)count * sizeof *out);
    if (out == NULL)
        die("out of memory for the random edges");
    uint64_t x = seed;
    for (Pm_ssize_t i = 0; i < count; i++) {
        x = x * 6364136223846793005u + 1442695040888963407u;
        out[i] = (Pm_ssize_t)((x >> 33) % bound);
    }
    return out;
}

/* Each builder returns the one reference that keeps its reachable part
 * alive (NULL if nothing stays reachable). */
static PmObject *build_chain(Pm_ssize_t n, const Pm_ssize_t *edges)
{
    (void)edges;
    PmObject *head = new_list();
    PmObject *cur = head;
    for (Pm_ssize_t i = 1; i < n; i++) {
        PmObject *next = new_list();
        append(cur, next);
        Pm_DECREF(next); /* cur's slot holds it now */
        cur = next;
    }
    return head;
}

static PmObject *build_cycles(Pm_ssize_t n, const Pm_ssize_t *edges)
{
    (void)edges;
    for (Pm_ssize_t i = 0; i < n / 2; i++) {
        PmObject *a = new_list();
        PmObject *b = new_list();
        append(b, a);
        append(a, b);
        Pm_DECREF(a);
        Pm_DECREF(b);
    }
    return NULL;
}

static PmObject *build_random(Pm_ssize_t n, const Pm_ssize_t *edges)
{
    PmObject **nodes = malloc((size_t)n * sizeof *nodes);
    if (nodes == NULL)
        die("out of memory for the node array");
    for (Pm_ssize_t i = 0; i < n; i++)
        nodes[i] = new_list();
    for (Pm_ssize_t i = 0; i < n; i++) {
        Pm_ssize_t base = i - i % CLUSTER;
        append(nodes[i], nodes[base + (i - base + 1) % CLUSTER]);
        append(nodes[i], nodes[base + edges[i]]);
    }
    PmObject *roots = new_list();
    for (Pm_ssize_t c = 0; c < n; c += 2 * CLUSTER)
        append(roots, nodes[c]);
    for (Pm_ssize_t i = 0; i < n; i++)
        Pm_DECREF(nodes[i]);
    free(nodes);
    return roots;
}

typedef PmObject *(*builder)(Pm_ssize_t n, const Pm_ssize_t *edges);
static const builder builders[NSHAPES] = {build_chain, build_cycles, build_random};

/* Build the shape once and time one full collection on it. */
static measurement measure_reference(int shape, Pm_ssize_t n, const Pm_ssize_t *edges)
{
    PmObject *keep = builders[shape](n, edges);
    double t0 = cpu_ns();
    Pm_ssize_t found = PmGC_Collect();
    double t1 = cpu_ns();
    if (keep != NULL)
        Pm_DECREF(keep);
    PmGC_Collect();
    return (measurement){found, t1 - t0};
}

/* The Python helper, running beside us: we write requests to `to`, read
 * answers from `from`. */
typedef struct {
    FILE *to, *from;
    pid_t pid;
} helper;

static helper start_helper(const char *script, char version[64])
{
    int down[2], up[2];
    if (pipe(down) < 0 || pipe(up) < 0)
        die("could not make pipes for the python3 helper");
    pid_t pid = fork();
    if (pid < 0)
        die("could not fork the python3 helper");
    if (pid == 0) {
        dup2(down[0], 0);
        dup2(up[1], 1);
        close(down[0]);
        close(down[1]);
        close(up[0]);
        close(up[1]);
        execlp("python3", "python3", script, (char *)NULL);
        perror("gc_bench: python3");
        _exit(127);
    }
    close(down[0]);
    close(up[1]);
    helper h = {fdopen(down[1], "w"), fdopen(up[0], "r"), pid};
    if (h.to == NULL || h.from == NULL)
        die("could not open the pipes to the python3 helper");
    char line[256];
    if (fgets(line, sizeof line, h.from) == NULL || sscanf(line, "version %63s", version) != 1)
        die("the python3 helper did not start (is python3 installed? see its message above)");
    return h;
}

static measurement measure_cpython(helper *h, int shape, Pm_ssize_t n)
{
    fprintf(h->to, "%s %zd\n", shape_names[shape], n);
    fflush(h->to);
    char line[256];
    measurement m;
    if (fgets(line, sizeof line, h->from) == NULL || sscanf(line, "%zd %lf", &m.found, &m.ns) != 2)
        die("the python3 helper stopped answering (see its message above)");
    return m;
}

static void stop_helper(helper *h)
{
    fclose(h->to); /* end of input: the helper returns */
    fclose(h->from);
    waitpid(h->pid, NULL, 0);
}

static int by_ns(const void *a, const void *b)
{
    double x = ((const measurement *)a)->ns, y = ((const measurement *)b)->ns;
    return (x > y) - (x < y);
}

/* The median run of runs (an odd number). */
static measurement median(measurement *m, int runs)
{
    qsort(m, (size_t)runs, sizeof *m, by_ns);
    return m[runs / 2];
}

static void print_load(const char *when)
{
    double load[3];
    if (getloadavg(load, 3) == 3)
        printf("Load average %s: %.2f %.2f %.2f (%ld processors).\n", when, load[0], load[1],
               load[2], sysconf(_SC_NPROCESSORS_ONLN));
}

static void usage(void)
{
    fprintf(stderr, "usage: gc_bench [--reference-only] [--shape chain|cycles|random] "
                    "[--objects N] [HELPER.py]\n");
    exit(2);
}

int main(int argc, char **argv)
{
    const char *script = "bench/gc_bench.py";
    int reference_only = 0, only_shape = -1;
    Pm_ssize_t only_n = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--reference-only") == 0)
            reference_only = 1;
        else if (strcmp(argv[i], "--shape") == 0 && i + 1 < argc) {
            i++;
            for (int s = 0; s < NSHAPES; s++)
                if (strcmp(argv[i], shape_names[s]) == 0)
                    only_shape = s;
            if (only_shape < 0)
                usage();
        } else if (strcmp(argv[i], "--objects") == 0 && i + 1 < argc) {
            only_n = strtol(argv[++i], NULL, 10);
            if (only_n < 2)
                usage();
        } else if (argv[i][0] == '-')
            usage();
        else
            script = argv[i];
    }

    char version[64] = "-";
    helper h = {0};
    if (!reference_only)
        h = start_helper(script, version);

    PmRuntime_Init();
    PmGC_Disable();
    PmGC_Collect();
    PmGC_Freeze();

    printf(
        "Full collections (gc.collect()), processor ns per object, median of 5 runs (3 at 1,000,000)\n"
        "after one untimed run, the two sides taking turns; CPython %s.  \"found\" is what\n"
        "the collection returned, on both sides; the last column is the range of the\n"
        "runs' own ratios.  A list of the reference is %zu bytes with its GC header,\n%s.\n",
        version, sizeof(PmGC_Head) + sizeof(PmListObject),
#ifdef Pm_NO_TRACE_REFS
        "without registry links, as in CPython's release build"
#else
        "the registry links included (CPython's release build has none)"
#endif
    );
    print_load("at the start");
    printf("\n| shape  |   objects |   found | reference | CPython | reference / CPython |"
           " run ratios |\n");
    printf("|--------|----------:|--------:|----------:|--------:|--------------------:|"
           "-----------:|\n");
    int mismatch = 0;
    for (int s = 0; s < NSHAPES; s++) {
        if (only_shape >= 0 && s != only_shape)
            continue;
        for (int z = 0; z < (only_n ? 1 : NSIZES); z++) {
            Pm_ssize_t n = only_n ? only_n : sizes[z];
            Pm_ssize_t *edges = s == 2 ? lcg_indices(n, CLUSTER, SEED) : NULL;
            int runs = n <= 100000 ? 5 : 3;
            measurement ref[MAX_RUNS], py[MAX_RUNS];
            double lo = 0, hi = 0;
            /* Run -1 is the untimed one. */
            for (int r = -1; r < runs; r++) {
                measurement a, b = {0, 0};
                if (!reference_only && r % 2 != 0)
                    b = measure_cpython(&h, s, n);
                a = measure_reference(s, n, edges);
                if (!reference_only && r % 2 == 0)
                    b = measure_cpython(&h, s, n);
                if (r < 0)
                    continue;
                ref[r] = a;
                py[r] = b;
                if (!reference_only) {
                    if (a.found != b.found)
                        mismatch = 1;
                    double ratio = a.ns / b.ns;
                    lo = r == 0 || ratio < lo ? ratio : lo;
                    hi = r == 0 || ratio > hi ? ratio : hi;
                }
            }
            free(edges);
            measurement mr = median(ref, runs);
            if (reference_only) {
                printf(
                    "| %-6s | %9zd | %7zd | %9.1f |       - |                   - |          - |\n",
                    shape_names[s], n, mr.found, mr.ns / (double)n);
                continue;
            }
            measurement mp = median(py, runs);
            printf("| %-6s | %9zd | %7zd | %9.1f | %7.1f | %19.2f | %4.2f-%4.2f |\n",
                   shape_names[s], n, mr.found, mr.ns / (double)n, mp.ns / (double)n, mr.ns / mp.ns,
                   lo, hi);
        }
    }
    printf("\n");
    print_load("at the end");
    if (mismatch)
        printf(
            "\nThe two sides found different numbers of unreachable objects: the graphs differ.\n");

    if (!reference_only)
        stop_helper(&h);
    PmGC_Unfreeze();
    PmRuntime_Fini();
    return mismatch;
}
