/* loops.c - where a test that would not end was running.
 *
 * A graded test that runs on samples its own stack (pmtest.c): after one
 * second of CPU time, and every quarter second after that, it prints
 * "pmlab: running: +0x..." with the return addresses as offsets into the
 * suite.  Here addr2line turns them into functions and lines, and the first
 * frame in the learner's files names the function the test was stuck in.
 *
 * Once a test has run out its whole time in a function of the learner's,
 * with the CPU to itself (enough samples), that function is known to loop:
 * another test found spinning in it twice in a row is stopped then, and
 * says so, instead of waiting out its own time.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pmgrade.h"

#define SAMPLE_TAG "pmlab: running:"
#define CACHE 64

struct PgLoops {
    char *suite, *learner_prefix, *scratch;
    struct {
        char *offsets, *where; /* a sample line's offsets -> "fn (file.c:N)" or "" */
    } cache[CACHE];
    size_t ncache, next_slot;
    char *function; /* the function known to loop ("fn"), or NULL */
    char *proven_by; /* the test that ran out its time in it */
    double proven_seconds;
    int proven_with_cpu;
};

PgLoops *pg_loops_new(const char *suite, const char *learner_dir, const char *scratch_dir)
{
    PgLoops *l = calloc(1, sizeof *l);
    if (l == NULL)
        return NULL;
    l->suite = pg_strdup(suite);
    l->learner_prefix = pg_printf("%s/", learner_dir);
    l->scratch = pg_printf("%s/addr2line.out", scratch_dir);
    return l;
}

void pg_loops_free(PgLoops *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->ncache; i++) {
        free(l->cache[i].offsets);
        free(l->cache[i].where);
    }
    free(l->suite);
    free(l->learner_prefix);
    free(l->scratch);
    free(l->function);
    free(l->proven_by);
    free(l);
}

/* The first frame of one sample in the learner's files: "fn (file.c:N)",
 * or "" if none is. */
static const char *symbolize(PgLoops *l, const char *offsets)
{
    for (size_t i = 0; i < l->ncache; i++)
        if (strcmp(l->cache[i].offsets, offsets) == 0)
            return l->cache[i].where;
    char *argv[40] = {"addr2line", "-f", "-e", l->suite};
    int argc = 4;
    char *copy = pg_strdup(offsets);
    for (char *tok = strtok(copy, " "); tok != NULL && argc < 39; tok = strtok(NULL, " ")) {
        /* A return address is one past its call: the call's line is the
         * byte before it. */
        unsigned long long offset = strtoull(tok + (tok[0] == '+'), NULL, 16);
        argv[argc++] = pg_printf("0x%llx", offset > 0 ? offset - 1 : 0);
    }
    argv[argc] = NULL;
    PgProc p;
    memset(&p, 0, sizeof p);
    p.argv = argv;
    p.out_path = l->scratch;
    p.limit = 10;
    pg_run_proc(&p);
    for (int i = 4; i < argc; i++)
        free(argv[i]);
    free(copy);

    char *where = pg_strdup("");
    char *text = pg_read_file(l->scratch, 1 << 16);
    for (char *line = text; line != NULL && *line;) {
        char *fn = line, *pos = strchr(fn, '\n');
        if (pos == NULL)
            break;
        *pos++ = '\0';
        char *end = strchr(pos, '\n');
        if (end != NULL)
            *end = '\0';
        line = end != NULL ? end + 1 : NULL;
        if (strncmp(pos, l->learner_prefix, strlen(l->learner_prefix)) == 0 &&
            strcmp(fn, "??") != 0) {
            const char *file = strrchr(pos, '/') + 1;
            char *disc = strstr(file, " (discriminator");
            if (disc != NULL)
                *disc = '\0';
            free(where);
            where = pg_printf("%s (%s)", fn, file);
            break;
        }
    }
    free(text);

    size_t slot;
    if (l->ncache < CACHE) {
        slot = l->ncache++;
    } else {
        slot = l->next_slot;
        l->next_slot = (l->next_slot + 1) % CACHE;
        free(l->cache[slot].offsets);
        free(l->cache[slot].where);
    }
    l->cache[slot].offsets = pg_strdup(offsets);
    l->cache[slot].where = where;
    return where;
}

/* The function name of "fn (file.c:N)". */
static size_t name_length(const char *where)
{
    return strcspn(where, " ");
}

PgLoopSample pg_loops_where(PgLoops *l, const char *err_path)
{
    PgLoopSample s = {0};
    char *err = pg_read_file(err_path, 1 << 20);
    const char *last = NULL, *before = NULL;
    for (const char *p = err; p != NULL && (p = strstr(p, SAMPLE_TAG)) != NULL;
         p += strlen(SAMPLE_TAG)) {
        before = last;
        last = p;
        s.samples++;
    }
    const char *lines[2] = {last, before};
    char *where[2] = {NULL, NULL};
    for (int k = 0; k < 2 && lines[k] != NULL; k++) {
        const char *offsets = lines[k] + strlen(SAMPLE_TAG);
        char *one = pg_printf("%.*s", (int)strcspn(offsets, "\n"), offsets);
        where[k] = pg_strdup(symbolize(l, one));
        free(one);
    }
    if (where[0] != NULL && *where[0]) {
        s.where = where[0];
        where[0] = NULL;
        s.stuck = where[1] != NULL && name_length(where[1]) == name_length(s.where) &&
                  strncmp(where[1], s.where, name_length(s.where)) == 0;
    }
    free(where[0]);
    free(where[1]);
    free(err);
    return s;
}

double pg_loops_cpu_seconds(int samples)
{
    return samples == 0 ? 0 : (PM_SAMPLE_FIRST_MS + (samples - 1) * PM_SAMPLE_EVERY_MS) / 1000.0;
}

void pg_loops_note(PgLoops *l, const char *where, const char *test, double seconds, int had_cpu)
{
    if (l->function != NULL || where == NULL || *where == '\0')
        return;
    l->function = pg_printf("%.*s", (int)name_length(where), where);
    l->proven_by = pg_strdup(test);
    l->proven_seconds = seconds;
    l->proven_with_cpu = had_cpu;
}

const char *pg_loops_function(const PgLoops *l, const char **test)
{
    if (l == NULL || l->function == NULL)
        return NULL;
    *test = l->proven_by;
    return l->function;
}

int pg_loops_certain(const PgLoops *l)
{
    return l != NULL && l->function != NULL && l->proven_with_cpu;
}

int pg_loops_have(const PgLoops *l)
{
    return l != NULL && l->function != NULL;
}

int pg_loops_same_function(const char *a, const char *b)
{
    return a != NULL && b != NULL && *a && name_length(a) == name_length(b) &&
           strncmp(a, b, name_length(a)) == 0;
}

const char *pg_loops_known(const PgLoops *l, const char *where, const char **test, double *seconds)
{
    if (l->function == NULL || where == NULL || name_length(where) != strlen(l->function) ||
        strncmp(where, l->function, strlen(l->function)) != 0)
        return NULL;
    *test = l->proven_by;
    *seconds = l->proven_seconds;
    return l->function;
}
