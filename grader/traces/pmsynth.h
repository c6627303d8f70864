/* pmsynth.h - the large synthetic traces, made by deterministic generators
 * rather than stored: each is a few megabytes of text, and the same seed
 * always writes the same bytes.  pmtracegen writes them to files (for
 * pmreplay); chapter 2's suite generates them in memory.
 */
#ifndef PMSYNTH_H
#define PMSYNTH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* splitmix64: small, fast, and the same on every platform. */
typedef struct {
    uint64_t s;
} PmSynthRng;

static inline uint64_t pm_synth_next(PmSynthRng *r)
{
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* Uniform in [0, n). */
static inline size_t pm_synth_below(PmSynthRng *r, size_t n)
{
    return (size_t)(pm_synth_next(r) % n);
}

/* A request size shaped like a Python program's: mostly small objects
 * (ints, short strings, tuples, frames), some bigger ones, a few that go to
 * the system allocator (0 bytes or more than 512). */
static inline size_t pm_synth_size(PmSynthRng *r)
{
    static const size_t common[] = {24, 28, 32, 40, 48, 56, 64, 72, 80, 88, 104, 120};
    size_t dice = pm_synth_below(r, 100);
    if (dice < 60)
        return common[pm_synth_below(r, sizeof common / sizeof common[0])];
    if (dice < 80)
        return 1 + pm_synth_below(r, 128);
    if (dice < 96)
        return 129 + pm_synth_below(r, 384);
    if (dice < 97)
        return 0;
    return 513 + pm_synth_below(r, 3584);
}

/* Fisher-Yates over ids[0..n). */
static inline void pm_synth_shuffle(PmSynthRng *r, unsigned *ids, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = pm_synth_below(r, i);
        unsigned t = ids[i - 1];
        ids[i - 1] = ids[j];
        ids[j] = t;
    }
}

/* churn: steady state in a working set of 1500 IDs; each step frees,
 * reallocates or allocates one of them; what is live at the end stays.
 * About 200,000 operations. */
static inline void pm_synth_churn(FILE *out)
{
    enum { NIDS = 1500, STEPS = 200000 };
    PmSynthRng r = {1};
    static unsigned char live[NIDS];
    memset(live, 0, sizeof live);
    fprintf(out, "# churn: %d steps in a working set of %d IDs (pmsynth.h, seed 1)\n", STEPS, NIDS);
    for (int step = 0; step < STEPS; step++) {
        unsigned id = (unsigned)pm_synth_below(&r, NIDS);
        if (live[id]) {
            if (pm_synth_below(&r, 100) < 15) {
                fprintf(out, "r %u %zu\n", id, pm_synth_size(&r));
            } else {
                fprintf(out, "f %u\n", id);
                live[id] = 0;
            }
        } else if (pm_synth_below(&r, 100) < 10) {
            fprintf(out, "c %u %zu %zu\n", id, 1 + pm_synth_below(&r, 8),
                    1 + pm_synth_below(&r, 64));
            live[id] = 1;
        } else {
            fprintf(out, "a %u %zu\n", id, pm_synth_size(&r));
            live[id] = 1;
        }
    }
}

/* buildup: twice, build a heap of 40,000 blocks, free three quarters in
 * random order, add 10,000 more, then tear it all down in random order:
 * arenas are created, emptied and returned.  About 200,000 operations. */
static inline void pm_synth_buildup(FILE *out)
{
    enum { N = 40000 };
    PmSynthRng r = {2};
    static unsigned ids[N];
    fprintf(out, "# buildup: build up %d blocks and tear them down, twice (pmsynth.h, seed 2)\n",
            N);
    for (int round = 0; round < 2; round++) {
        for (unsigned i = 0; i < N; i++) {
            size_t size = pm_synth_size(&r);
            if (pm_synth_below(&r, 4) == 0)
                size = 129 + pm_synth_below(&r, 384);
            fprintf(out, "a %u %zu\n", i, size);
            ids[i] = i;
        }
        pm_synth_shuffle(&r, ids, N);
        for (unsigned i = 0; i < 3 * N / 4; i++)
            fprintf(out, "f %u\n", ids[i]);
        for (unsigned i = 0; i < N / 4; i++)
            fprintf(out, "a %u %zu\n", ids[i], pm_synth_size(&r));
        /* Live now: ids[0 .. N/4) and ids[3N/4 .. N); free them all. */
        memmove(ids + N / 4, ids + 3 * N / 4, N / 4 * sizeof ids[0]);
        pm_synth_shuffle(&r, ids, N / 2);
        for (unsigned i = 0; i < N / 2; i++)
            fprintf(out, "f %u\n", ids[i]);
    }
}

/* realloc: 64 growing arrays resized the way a list over-allocates, past
 * 512 bytes into the system allocator and back, among small objects that
 * come and go; what is live at the end stays.  About 150,000 operations. */
static inline void pm_synth_realloc(FILE *out)
{
    enum { NVEC = 64, NSMALL = 2000, STEPS = 150000 };
    PmSynthRng r = {3};
    static size_t items[NVEC];
    static unsigned char small_live[NSMALL];
    memset(items, 0, sizeof items);
    memset(small_live, 0, sizeof small_live);
    fprintf(out, "# realloc: %d growing arrays among small objects (pmsynth.h, seed 3)\n", NVEC);
    for (int step = 0; step < STEPS; step++) {
        if (pm_synth_below(&r, 100) < 45) {
            unsigned v = (unsigned)pm_synth_below(&r, NVEC);
            size_t dice = pm_synth_below(&r, 100);
            if (items[v] == 0) {
                items[v] = 1 + pm_synth_below(&r, 4);
                fprintf(out, "a %u %zu\n", v, 8 * items[v]);
            } else if (dice < 75 && items[v] < 700) {
                /* list_resize: newsize + newsize/8 + 6 */
                size_t n = items[v] + 1 + pm_synth_below(&r, 3);
                items[v] = n + (n >> 3) + 6;
                fprintf(out, "r %u %zu\n", v, 8 * items[v]);
            } else if (dice < 92) {
                items[v] = 1 + items[v] / (2 + pm_synth_below(&r, 4));
                fprintf(out, "r %u %zu\n", v, 8 * items[v]);
            } else {
                fprintf(out, "f %u\n", v);
                items[v] = 0;
            }
        } else {
            unsigned s = (unsigned)pm_synth_below(&r, NSMALL);
            if (small_live[s]) {
                fprintf(out, "f %u\n", NVEC + s);
            } else {
                fprintf(out, "a %u %zu\n", NVEC + s, 1 + pm_synth_below(&r, 200));
            }
            small_live[s] = !small_live[s];
        }
    }
}

/* fragmentation: 30,000 blocks of 32 bytes, of which every 50th survives,
 * pin their pools; 20,000 blocks of 256 bytes must find pools elsewhere;
 * then everything is freed.  About 100,000 operations. */
static inline void pm_synth_fragmentation(FILE *out)
{
    enum { NSMALL = 30000, NBIG = 20000 };
    fprintf(out, "# fragmentation: a few survivors pin many pools (pmsynth.h)\n");
    for (unsigned i = 0; i < NSMALL; i++)
        fprintf(out, "a %u 32\n", i);
    for (unsigned i = 0; i < NSMALL; i++)
        if (i % 50 != 0)
            fprintf(out, "f %u\n", i);
    for (unsigned i = 0; i < NBIG; i++)
        fprintf(out, "a %u 256\n", NSMALL + i);
    for (unsigned i = 0; i < NSMALL; i += 50)
        fprintf(out, "f %u\n", i);
    for (unsigned i = 0; i < NBIG; i++)
        fprintf(out, "f %u\n", NSMALL + i);
}

typedef struct {
    const char *name;
    void (*write)(FILE *out);
} PmSynthTrace;

static const PmSynthTrace pm_synth_traces[] = {
    {"churn", pm_synth_churn},
    {"buildup", pm_synth_buildup},
    {"realloc", pm_synth_realloc},
    {"fragmentation", pm_synth_fragmentation},
};
#define PM_SYNTH_COUNT (sizeof pm_synth_traces / sizeof pm_synth_traces[0])

/* The synthetic trace called name, as text (malloc'd); NULL if unknown. */
static inline char *pm_synth_text(const char *name)
{
    for (size_t i = 0; i < PM_SYNTH_COUNT; i++) {
        if (strcmp(pm_synth_traces[i].name, name) == 0) {
            char *buf = NULL;
            size_t len = 0;
            FILE *out = open_memstream(&buf, &len);
            if (out == NULL)
                return NULL;
            pm_synth_traces[i].write(out);
            fclose(out);
            return buf;
        }
    }
    return NULL;
}

#endif /* PMSYNTH_H */
