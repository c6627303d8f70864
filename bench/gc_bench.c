/* gc_bench.c - `make bench` for chapters 3 and 4: how long the reference
 * collector takes for a full collection, next to CPython's gc.collect() on
 * the same object graphs, in one run and one Markdown table of nanoseconds
 * per object.
 *
 *   gc_bench [HELPER.py]      (default: bench/gc_bench.py, run with python3)
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
 * The collector is disabled while a graph is built, and whatever existed
 * before is frozen (gc.freeze()), so a collection sees the graph only.  A
 * cell is the best of 5 runs (3 at a million objects), each on a fresh
 * graph.  Both sides must find the same number of unreachable objects, or
 * the graphs differ and the table says so.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pmlab.h"

#define CLUSTER 1000
#define SEED 42
#define NSIZES 2
#define NSHAPES 3

static const Pm_ssize_t sizes[NSIZES] = {100000, 1000000};
static const char *const shape_names[NSHAPES] = {"chain", "cycles", "random"};

typedef struct {
    Pm_ssize_t found;   /* what the collection returned */
    double best_ns;     /* fastest collection */
} measurement;

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
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

/* Build the shape runs times, timing one full collection on each. */
static measurement measure_reference(int shape, Pm_ssize_t n)
{
    Pm_ssize_t *edges = shape == 2 ? lcg_indices(n, CLUSTER, SEED) : NULL;
    int runs = n <= 100000 ? 5 : 3;
    measurement m = {0, 0};
    for (int r = 0; r < runs; r++) {
        PmObject *keep = builders[shape](n, edges);
        double t0 = now_ns();
        m.found = PmGC_Collect();
        double t1 = now_ns();
        if (keep != NULL)
            Pm_DECREF(keep);
        PmGC_Collect();
        if (r == 0 || t1 - t0 < m.best_ns)
            m.best_ns = t1 - t0;
    }
    free(edges);
    return m;
}

/* Run the Python helper and read its measurements into cpython[][]. */
static void measure_cpython(const char *helper, char version[64],
                            measurement cpython[NSHAPES][NSIZES], int seen[NSHAPES][NSIZES])
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "python3 '%s' %zd %zd", helper, sizes[0], sizes[1]);
    FILE *p = popen(cmd, "r");
    if (p == NULL)
        die("could not run python3");
    char line[256];
    while (fgets(line, sizeof line, p) != NULL) {
        char shape[32];
        Pm_ssize_t n, found;
        double ns;
        if (sscanf(line, "version %63s", version) == 1)
            continue;
        if (sscanf(line, "%31s %zd %zd %lf", shape, &n, &found, &ns) != 4)
            continue;
        for (int s = 0; s < NSHAPES; s++)
            for (int z = 0; z < NSIZES; z++)
                if (strcmp(shape, shape_names[s]) == 0 && n == sizes[z]) {
                    cpython[s][z] = (measurement){found, ns};
                    seen[s][z] = 1;
                }
    }
    if (pclose(p) != 0)
        die("the python3 helper failed (is python3 installed? see its message above)");
}

int main(int argc, char **argv)
{
    const char *helper = argc > 1 ? argv[1] : "bench/gc_bench.py";
    char version[64] = "?";
    measurement cpython[NSHAPES][NSIZES];
    int seen[NSHAPES][NSIZES] = {{0}};

    measure_cpython(helper, version, cpython, seen);

    PmRuntime_Init();
    PmGC_Disable();
    PmGC_Collect();
    PmGC_Freeze();

    printf("Full collections (gc.collect()), ns per object, best of 5 runs (3 at 1,000,000);\n"
           "CPython %s.  \"found\" is what the collection returned, on both sides.\n\n", version);
    printf("| shape  |   objects |   found | reference | CPython | reference / CPython |\n");
    printf("|--------|----------:|--------:|----------:|--------:|--------------------:|\n");
    int mismatch = 0;
    for (int s = 0; s < NSHAPES; s++) {
        for (int z = 0; z < NSIZES; z++) {
            Pm_ssize_t n = sizes[z];
            measurement ref = measure_reference(s, n);
            if (!seen[s][z]) {
                printf("| %-6s | %9zd | %7zd | %9.1f |       - |                   - |\n",
                       shape_names[s], n, ref.found, ref.best_ns / (double)n);
                continue;
            }
            measurement py = cpython[s][z];
            if (py.found != ref.found)
                mismatch = 1;
            printf("| %-6s | %9zd | %7zd | %9.1f | %7.1f | %19.2f |\n", shape_names[s], n,
                   ref.found, ref.best_ns / (double)n, py.best_ns / (double)n,
                   ref.best_ns / py.best_ns);
        }
    }
    if (mismatch)
        printf("\nThe two sides found different numbers of unreachable objects: the graphs differ.\n");

    PmGC_Unfreeze();
    PmRuntime_Fini();
    return mismatch;
}
