/* grade.c - grading one chapter, in the order it happens:
 *
 *   1. list the tests, their points and steps from the reference suite
 *      (never from a program the learner's code is linked into);
 *   2. build the suite with the learner's chapter: compiled in a fresh
 *      folder under the sandbox, inspected, then linked (a build error or a
 *      broken rule costs the chapter);
 *   3. run every test alone, sandboxed, in parallel, and classify how each
 *      ended: a test passes only if the suite's runner said so on the
 *      grader's own pipe, the test reached its end, and the process ended
 *      normally;
 *   4. run again, alone, the tests that timed out beside others (not those
 *      that had the CPU to themselves, or stopped in a function known to
 *      loop: see loops.c);
 *   5. run the tests that passed again under the sanitizers (a chapter that
 *      does not build with them fails them all), and those that crashed, to
 *      learn where;
 *   6. draw the heap pictures of the tests that failed;
 *   7. kill whatever the tests left running, check the checkout is as it
 *      was, and score: a test's points if it passed, nothing otherwise.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pmgrade.h"

#define PM_STR_(x) #x
#define PM_STR(x) PM_STR_(x)

typedef void (*StoreFn)(PgTest *t, PgVerdict *v);

static int reference_tests(const PgGrade *g, PgChapter *c);
static void keep_named_tests(PgChapter *c, const char *names);
static int build_learner_suite(PgGrade *g, PgChapter *c, const char *variant);
static void run_tests(PgGrade *g, PgChapter *c, const char *variant, PgTest **chosen, size_t n,
                      StoreFn store);
static void store_rel(PgTest *t, PgVerdict *v);
static void store_asan(PgTest *t, PgVerdict *v);
static void retry_timeouts(PgGrade *g, PgChapter *c, const char *variant, PgTest **chosen,
                           StoreFn store);
static void sanitizer_phase(PgGrade *g, PgChapter *c, PgTest **chosen, const char *variant);
static void divergence_pictures(PgGrade *g, PgChapter *c, PgTest *t);
static void clean_up(PgGrade *g, PgChapter *c, const char *checkout_before);
static void score(PgChapter *c);
static void progress_line(const PgGrade *g, const char *format, const char *slug);

/* Where the tests of the chapter being graded loop (runs without the
 * sanitizers only). */
static PgLoops *chapter_loops;

void pg_grade_chapter(PgGrade *g, PgChapter *c)
{
    double started = pg_now();
    char *artifacts = pg_printf("%s/artifacts/%s", g->opt.out, c->slug);
    char *work = pg_printf("%s/builds/%s", g->opt.out, c->slug);
    pg_chapter_conf(g->opt.root, c->slug, &c->conf);
    pg_mkdirs(work);
    /* Tests write their pictures here: a fresh folder they may write. */
    pg_sandbox_scratch(artifacts);
    for (int v = 1; v < c->conf.nvariants; v++) {
        char *dir = pg_printf("%s/%s", artifacts, c->conf.variants[v]);
        pg_sandbox_scratch(dir);
        free(dir);
    }
    free(work);
    free(artifacts);
    const char *not_checked[] = {g->opt.out, g->opt.submission, NULL};
    char *checkout = pg_checkout_snapshot(g->opt.root, not_checked);
    double phase = pg_profile("snapshot", c->slug, started);
    c->build = "ok";
    PgTest **chosen = NULL;

    progress_line(g, "building %s", c->slug);
    if (reference_tests(g, c) != 0)
        goto score;
    phase = pg_profile("reference build and list", c->slug, phase);
    keep_named_tests(c, g->opt.tests);
    if (build_learner_suite(g, c, c->conf.variants[0]) != 0)
        goto clean_up;
    phase = pg_profile("build", c->slug, phase);

    chosen = pg_malloc((c->ntests ? c->ntests : 1) * sizeof *chosen);
    for (size_t i = 0; i < c->ntests; i++)
        chosen[i] = &c->tests[i];
    char *suite = pg_printf("%s/builds/%s/%s/suite", g->opt.out, c->slug, c->conf.variants[0]);
    /* The learner's files as the suite was compiled from them (a copy). */
    char *learner =
        pg_printf("%s/builds/%s/%s/src/%s", g->opt.out, c->slug, c->conf.variants[0], c->slug);
    char *scratch = pg_printf("%s/builds/%s", g->opt.out, c->slug);
    chapter_loops = pg_loops_new(suite, learner, scratch);
    free(suite);
    free(learner);
    free(scratch);
    run_tests(g, c, c->conf.variants[0], chosen, c->ntests, store_rel);
    phase = pg_profile("tests", c->slug, phase);
    retry_timeouts(g, c, c->conf.variants[0], chosen, store_rel);
    phase = pg_profile("timeouts run again", c->slug, phase);
    pg_loops_free(chapter_loops);
    chapter_loops = NULL;

    /* Each further variant of the chapter.conf: the sanitizer builds. */
    for (int v = 1; v < c->conf.nvariants && g->opt.sanitizers; v++)
        sanitizer_phase(g, c, chosen, c->conf.variants[v]);
    phase = pg_profile("sanitizer phase", c->slug, phase);

    for (size_t i = 0; i < c->ntests; i++)
        if (c->tests[i].status != PG_PASSED && !c->tests[i].hidden)
            divergence_pictures(g, c, &c->tests[i]);
    phase = pg_profile("pictures", c->slug, phase);

clean_up:
    clean_up(g, c, checkout);
    phase = pg_profile("clean-up", c->slug, phase);
score:
    free(checkout);
    free(chosen);
    progress_line(g, NULL, c->slug);
    score(c);
    c->time = pg_now() - started;
}

/* ------------------------------------------------------------------------
 * 1-2. The suite and its tests.
 * ------------------------------------------------------------------------ */

static const char *json_text(json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s;
}

/* Ask a suite for its tests.  0 on success; otherwise *why says what went wrong. */
static int load_manifest(const char *suite, const char *work, PgTest **tests, size_t *count,
                         char **why)
{
    *tests = NULL;
    *count = 0;
    *why = NULL;
    char *out = pg_printf("%s/manifest.json", work);
    char *err = pg_printf("%s/manifest.err", work);
    char *argv[] = {(char *)suite, "--list", NULL};
    PgProc p;
    memset(&p, 0, sizeof p);
    p.argv = argv;
    p.out_path = out;
    p.err_path = err;
    p.limit = PG_LIST_LIMIT;
    pg_run_proc(&p);
    json_error_t jerr;
    json_t *manifest = NULL;
    if (p.timed_out)
        *why = pg_printf("listing the tests did not finish within %.0f s", PG_LIST_LIMIT);
    else if (!p.exited || p.code != 0)
        *why = p.signaled ? pg_printf("listing the tests crashed (signal %d)", p.sig)
                          : pg_printf("listing the tests failed (exit status %d)", p.code);
    else if ((manifest = json_load_file(out, 0, &jerr)) == NULL)
        *why = pg_printf("the list of tests is not valid JSON: %s", jerr.text);
    free(out);
    free(err);
    if (manifest == NULL)
        return -1;
    json_t *list = json_object_get(manifest, "tests");
    size_t n = json_array_size(list);
    PgTest *t = calloc(n ? n : 1, sizeof *t);
    if (t == NULL) {
        json_decref(manifest);
        *why = pg_strdup("out of memory");
        return -1;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        json_t *item = json_array_get(list, i);
        const char *name = json_text(item, "name");
        if (name == NULL)
            continue;
        t[k].name = pg_strdup(name);
        t[k].title = pg_strdup(json_text(item, "title") ? json_text(item, "title") : name);
        t[k].step = pg_strdup(json_text(item, "step") ? json_text(item, "step") : "");
        t[k].hint = pg_strdup(json_text(item, "hint"));
        t[k].section = pg_strdup(json_text(item, "section"));
        t[k].kind = pg_strdup(json_text(item, "kind") ? json_text(item, "kind") : "unit");
        t[k].max_points = (int)json_integer_value(json_object_get(item, "points"));
        t[k].hidden = json_is_true(json_object_get(item, "hidden"));
        t[k].visibility =
            pg_strdup(json_text(item, "visibility") ? json_text(item, "visibility") : "visible");
        t[k].sanitizer_group = pg_strdup(json_text(item, "sanitizer_group"));
        t[k].timeout = json_number_value(json_object_get(item, "timeout"));
        t[k].status = PG_FAILED;
        k++;
    }
    json_decref(manifest);
    *tests = t;
    *count = k;
    return 0;
}

/* The chapter's tests, their points and steps, from the reference build
 * of its suite (a program with no learner code in it).  If even that
 * fails, the workbook is broken: one placeholder test, worth nothing. */
static int reference_tests(const PgGrade *g, PgChapter *c)
{
    char *work = pg_printf("%s/builds/%s/reference", g->opt.out, c->slug);
    char *log = pg_printf("%s/builds/%s/build-reference.log", g->opt.out, c->slug);
    char *solutions = pg_printf("%s/solutions", g->opt.root);
    char *suite = pg_printf("%s/suite", work);
    const char *build;
    char *blog = NULL, *bmsg = NULL, *why = NULL;
    pg_mkdirs(work);
    int rc = 0;
    /* A class grade (--reference) builds each reference suite once for every
     * student, from the solutions, where no test can write. */
    char *shared = g->opt.reference ? pg_printf("%s/%s/suite", g->opt.reference, c->slug) : NULL;
    int prebuilt = shared != NULL && pg_is_file(shared);
    if (prebuilt) {
        free(suite);
        suite = shared;
        shared = NULL;
    }
    free(shared);
    if ((!prebuilt && pg_build_suite(&g->opt, c->slug, solutions, c->conf.variants[0], work, log,
                                     &build, &blog, &bmsg) != 0) ||
        load_manifest(suite, work, &c->tests, &c->ntests, &why) != 0) {
        c->tests = calloc(1, sizeof *c->tests);
        if (c->tests != NULL) {
            c->ntests = 1;
            c->tests[0].name = pg_strdup("build");
            c->tests[0].title = pg_strdup("the chapter builds");
            c->tests[0].step = pg_strdup("");
            c->tests[0].kind = pg_strdup("unit");
            c->tests[0].status = PG_FAILED;
            c->tests[0].message = pg_strdup(bmsg ? bmsg : why);
        }
        c->reference_broken = 1;
        free(c->note);
        c->note = pg_strdup("the reference build of this chapter failed: the problem is in "
                            "the workbook, not in your code, and this chapter's tests and points "
                            "are unknown");
        rc = -1;
    }
    free(blog);
    free(bmsg);
    free(why);
    free(work);
    free(log);
    free(solutions);
    free(suite);
    return rc;
}

/* With --tests, the chapter is graded on the named tests alone (the
 * self-test checks a mutant where it must fail without running the rest). */
static void keep_named_tests(PgChapter *c, const char *names)
{
    if (names == NULL)
        return;
    size_t kept = 0;
    for (size_t i = 0; i < c->ntests; i++) {
        const char *n = c->tests[i].name;
        size_t len = strlen(n);
        int named = 0;
        for (const char *p = names; *p && !named; p += strcspn(p, " ,")) {
            p += strspn(p, " ,");
            named = strncmp(p, n, len) == 0 && (p[len] == '\0' || p[len] == ' ' || p[len] == ',');
        }
        if (named)
            c->tests[kept++] = c->tests[i];
    }
    c->ntests = kept;
}

static void fail_all(PgChapter *c, PgStatus status, const char *message)
{
    for (size_t i = 0; i < c->ntests; i++) {
        c->tests[i].status = status;
        free(c->tests[i].message);
        c->tests[i].message = pg_clean_text(message);
    }
}

/* Build the suite of variant with the learner's chapter.  On failure every
 * test of the chapter fails with the build's message, and -1 is returned. */
static int build_learner_suite(PgGrade *g, PgChapter *c, const char *variant)
{
    char *learner = pg_printf("%s/%s", g->opt.submission, c->slug);
    int present = pg_is_dir(learner);
    if (!present) {
        c->build = "missing";
        char *msg = pg_printf("missing: %s", learner);
        fail_all(c, PG_BUILD_ERROR, msg);
        free(msg);
        free(learner);
        return -1;
    }
    free(learner);
    char *out = pg_printf("%s/builds/%s/%s", g->opt.out, c->slug, variant);
    char *log_path = pg_printf("%s/builds/%s/build-%s.log", g->opt.out, c->slug, variant);
    const char *build;
    char *log = NULL, *message = NULL;
    int built = pg_build_learner_suite(&g->opt, c->slug, variant, c->conf.variants[0], out,
                                       log_path, &build, &log, &message);
    free(out);
    free(log_path);
    if (built != 0) {
        c->build = build;
        c->build_log = log;
        fail_all(c, strcmp(build, "refused") == 0 ? PG_REFUSED : PG_BUILD_ERROR, message);
        free(message);
        return -1;
    }
    free(log);
    free(message);
    return 0;
}

/* ------------------------------------------------------------------------
 * 3-5. Running the tests.
 * ------------------------------------------------------------------------ */

typedef struct {
    PgGrade *g;
    PgChapter *c;
    const char *variant;
    size_t done_before, total;
    PgLoops *loops;
    double timeout; /* Check's timeout for a unit test */
} ProgressArg;

typedef struct {
    PgProc proc; /* first: watch_test finds the run from its process */
    PgSandboxRun box;
    char *argv[6];
    char *env[12];
    char *xml, *out, *err, *scratch, *command;
    int record_fd; /* read end of the verdict pipe */
} TestRun;

/* Check's timeout for test t of chapter c, whose unit tests get timeout. */
static double check_timeout_of(const PgChapter *c, const PgTest *t, double timeout)
{
    if (t->timeout > 0) /* the suite's own: scaled as the unit timeout is */
        return timeout * t->timeout / c->conf.unit_timeout;
    if (t->kind != NULL && strcmp(t->kind, "scenario") == 0)
        return timeout * c->conf.scenario_timeout / c->conf.unit_timeout;
    return timeout;
}

/* A test that ran out its whole time stuck in one of the learner's
 * functions (its last two samples there): that function is suspected to
 * loop.  Other tests found spinning in it are stopped early.  If the test
 * had the CPU for most of its time, the loop is certain and they fail;
 * otherwise retry_timeouts runs one of them alone, and only if it times
 * out there again do they fail. */
static void note_loop(const ProgressArg *a, PgProc *p)
{
    const TestRun *r = (const TestRun *)p;
    const PgTest *t = p->user;
    double limit = check_timeout_of(a->c, t, a->timeout);
    if (a->loops == NULL || pg_loops_have(a->loops) || p->stopped_early || p->elapsed < 0.9 * limit)
        return;
    PgLoopSample s = pg_loops_where(a->loops, r->err);
    if (s.stuck && s.samples >= 2)
        pg_loops_note(a->loops, s.where, t->name, p->elapsed,
                      pg_loops_cpu_seconds(s.samples) >= 0.8 * limit);
    free(s.where);
}

/* Where the tests of the chapter being graded (without the sanitizers)
 * looped, and so the loops of the tests now running. */
static PgLoops *watched_loops;
static int confirming; /* a stuck test runs alone to confirm the loop: let it run */
/* The tests of this run_tests call, to see what the others are doing. */
static TestRun *watched_runs;
static size_t watched_count;
/* Frames ("fn (file.c:N)") where a test of this call was seen at a sample
 * and still ended on its own: those functions return, if slowly. */
#define RETURNED_MAX 16
static char *returned_from[RETURNED_MAX];
static size_t nreturned;

static void note_returned(const TestRun *r)
{
    if (watched_loops == NULL || r->proc.timed_out || r->proc.stopped_early ||
        nreturned == RETURNED_MAX)
        return;
    PgLoopSample s = pg_loops_where(watched_loops, r->err);
    if (s.where != NULL)
        returned_from[nreturned++] = s.where;
}

static void forget_returned(void)
{
    for (size_t i = 0; i < nreturned; i++)
        free(returned_from[i]);
    nreturned = 0;
}

/* Is another test, started before p, stuck at this moment in the function
 * p is stuck in (where), which no test has been seen to return from? */
static int stuck_before(const PgProc *p, const char *where)
{
    for (size_t i = 0; i < nreturned; i++)
        if (pg_loops_same_function(returned_from[i], where))
            return 0;
    for (size_t i = 0; i < watched_count; i++) {
        const PgProc *q = &watched_runs[i].proc;
        if (q == p)
            break; /* the tests are started in this order */
        if (!q->running || q->done || q->stopped_early)
            continue;
        PgLoopSample s = pg_loops_where(watched_loops, watched_runs[i].err);
        int same = s.stuck && pg_loops_same_function(s.where, where);
        free(s.where);
        if (same)
            return 1;
    }
    return 0;
}

/* proc.c asks a few times a second.  A test spinning in a function
 * already known to loop (its last two samples there) is stopped.  Before
 * any is known, a test stuck in the very function where a test started
 * before it is stuck too is stopped as well (unless a test of this run was
 * seen there and still ended), rather than keep the second core spinning
 * with it: if the first runs out its time there with the
 * CPU, the function loops and this test fails with it (as the first
 * kind); if not, retry_timeouts runs it again, alone and for its whole
 * time, like every test that ran out of time beside another. */
static int watch_test(PgProc *p)
{
    if (confirming || watched_loops == NULL)
        return 0;
    const char *test;
    double seconds;
    int known = pg_loops_have(watched_loops);
    /* (Samples start after a second of CPU time: nothing to read before.) */
    if (!known && pg_now() - p->started < 1.0)
        return 0;
    PgLoopSample s = pg_loops_where(watched_loops, ((TestRun *)p)->err);
    int stop = s.stuck && (known ? pg_loops_known(watched_loops, s.where, &test, &seconds) != NULL
                                 : stuck_before(p, s.where));
    free(s.where);
    return stop;
}

/* A timeout's message, told with where the test was running. */
static void explain_timeout(PgLoops *loops, TestRun *r, PgTest *t, double limit, PgVerdict *v)
{
    PgLoopSample s = pg_loops_where(loops, r->err);
    const char *proof;
    double seconds;
    if (s.where == NULL) {
        t->looped = pg_loops_cpu_seconds(s.samples) >= 0.8 * limit;
        return;
    }
    char *msg;
    const char *function;
    if (r->proc.stopped_early &&
        (function = pg_loops_known(loops, s.where, &proof, &seconds)) != NULL) {
        msg = pg_printf("stopped after %.1f s, still running in %s: %s loops, as %s showed (it "
                        "never returned from %s in %.0f s), so this test was not waited out",
                        r->proc.elapsed, s.where, function, proof, function, seconds);
        t->stopped_early = 1;
    } else {
        msg = pg_printf("%s It was still running in %s.", v->message ? v->message : "", s.where);
        t->looped = pg_loops_cpu_seconds(s.samples) >= 0.8 * limit;
    }
    free(v->message);
    v->message = msg;
    if (v->frame == NULL)
        v->frame = s.where;
    else
        free(s.where);
}

static void show_progress(PgProc *p, size_t finished, size_t total, void *arg)
{
    ProgressArg *a = arg;
    PgTest *t = p->user;
    if (p->timed_out || p->elapsed >= 0.9 * check_timeout_of(a->c, t, a->timeout))
        note_loop(a, p);
    note_returned((const TestRun *)p);
    if (!a->g->opt.color || a->g->opt.quiet)
        return;
    printf("\r\033[K[%zu/%zu] testing %s%s: %s", finished, total, a->c->slug,
           strcmp(a->variant, a->c->conf.variants[0]) != 0 ? " (sanitizers)" : "", t->name);
    fflush(stdout);
}

static void free_run(TestRun *r)
{
    free(r->argv[0]);
    free(r->argv[2]);
    free(r->argv[4]);
    for (int i = 0; r->env[i] != NULL; i++)
        free(r->env[i]);
    free(r->xml);
    free(r->out);
    free(r->err);
    free(r->scratch);
    free(r->command);
    if (r->record_fd >= 0)
        close(r->record_fd);
}

/* What the suite's runner wrote on the verdict pipe (it has ended). */
static char *read_record(int fd)
{
    if (fd < 0)
        return NULL;
    char buf[4096];
    size_t got = 0;
    ssize_t n;
    while (got + 1 < sizeof buf && (n = read(fd, buf + got, sizeof buf - 1 - got)) > 0)
        got += (size_t)n;
    buf[got] = '\0';
    return got > 0 ? pg_strdup(buf) : NULL;
}

/* How long each test of a chapter took in its last grade, in a file of the
 * grader's own ("NAME SECONDS" lines; the tests cannot write there). */
typedef struct {
    char **names;
    double *seconds;
    size_t n;
} Durations;

static Durations read_durations(const char *path)
{
    Durations d = {NULL, NULL, 0};
    char *text = pg_read_file(path, 1 << 20);
    size_t lines = 0;
    for (const char *p = text; p != NULL && *p; p++)
        lines += *p == '\n';
    if (lines == 0 || (d.names = calloc(lines, sizeof *d.names)) == NULL ||
        (d.seconds = calloc(lines, sizeof *d.seconds)) == NULL) {
        free(d.names);
        d.names = NULL;
        free(text);
        return d;
    }
    for (char *line = strtok(text, "\n"); line != NULL && d.n < lines; line = strtok(NULL, "\n")) {
        char *space = strrchr(line, ' ');
        if (space == NULL)
            continue;
        *space = '\0';
        d.names[d.n] = pg_strdup(line);
        d.seconds[d.n++] = atof(space + 1);
    }
    free(text);
    return d;
}

static double duration_of(const Durations *d, const char *name)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->names[i], name) == 0)
            return d->seconds[i];
    return -0.5; /* not seen yet */
}

static void free_durations(Durations *d)
{
    for (size_t i = 0; i < d->n; i++)
        free(d->names[i]);
    free(d->names);
    free(d->seconds);
}

/* The longest first (as long as they took last time; those not seen yet
 * first of all, in the suite's order): the last test to end then comes
 * soon after the others on the other core.  But of the tests that timed
 * out last time (a negative time, minus the time they took), only the
 * first goes first: if it loops again it shows the loop, and the others,
 * last of all, are stopped early as soon as they spin in the same
 * function, instead of waiting out their time side by side. */
static void longest_first(PgTest **order, double *seconds, size_t n)
{
    size_t kept = 0, timed_out = 0;
    for (size_t i = 0; i < n; i++)
        if (seconds[i] <= -1 && timed_out++ > 0) {
            /* to the end, in order */
            PgTest *t = order[i];
            double s = seconds[i];
            memmove(&order[i], &order[i + 1], (n - i - 1) * sizeof *order);
            memmove(&seconds[i], &seconds[i + 1], (n - i - 1) * sizeof *seconds);
            order[n - 1] = t;
            seconds[n - 1] = s;
            n--;
            i--;
        } else if (seconds[i] <= -1) {
            /* the first: before every other */
            PgTest *t = order[i];
            memmove(&order[1], &order[0], i * sizeof *order);
            memmove(&seconds[1], &seconds[0], i * sizeof *seconds);
            order[0] = t;
            seconds[0] = -1;
            kept = 1;
        }
    order += kept;
    seconds += kept;
    n -= kept;
    for (size_t i = 1; i < n; i++) {
        PgTest *t = order[i];
        double s = seconds[i];
        size_t j = i;
        for (; j > 0 && (s < 0 ? seconds[j - 1] >= 0 : seconds[j - 1] >= 0 && seconds[j - 1] < s);
             j--) {
            order[j] = order[j - 1];
            seconds[j] = seconds[j - 1];
        }
        order[j] = t;
        seconds[j] = s;
    }
}

static void write_durations(const char *path, const Durations *old, PgTest **tests,
                            const double *seconds, size_t n)
{
    char *tmp = pg_printf("%s.new", path);
    FILE *f = fopen(tmp, "w");
    if (f != NULL) {
        for (size_t i = 0; i < n; i++)
            fprintf(f, "%s %.3f\n", tests[i]->name,
                    tests[i]->status == PG_TIMEOUT ? -1 - seconds[i] : seconds[i]);
        for (size_t i = 0; i < old->n; i++) {
            int again = 0;
            for (size_t k = 0; k < n && !again; k++)
                again = strcmp(tests[k]->name, old->names[i]) == 0;
            if (!again)
                fprintf(f, "%s %.3f\n", old->names[i], old->seconds[i]);
        }
        if (fclose(f) == 0)
            rename(tmp, path);
    }
    free(tmp);
}

/* Run the chosen tests of a chapter, one sandboxed process each, in
 * parallel; the verdict of each is stored through store(). */
static void run_tests(PgGrade *g, PgChapter *c, const char *variant, PgTest **chosen, size_t n,
                      void (*store)(PgTest *, PgVerdict *))
{
    if (n == 0)
        return;
    char *dir = pg_printf("%s/builds/%s/runs/%s", g->opt.out, c->slug, variant);
    char *suite = pg_printf("%s/builds/%s/%s/suite", g->opt.out, c->slug, variant);
    /* The learner's files as the compiler saw them (stack frames name these). */
    char *learner = pg_printf("%s/builds/%s/%s/src/%s", g->opt.out, c->slug, variant, c->slug);
    char *solutions = pg_printf("%s/solutions", g->opt.root);
    char *artifacts = strcmp(variant, c->conf.variants[0]) == 0
                          ? pg_printf("%s/artifacts/%s", g->opt.out, c->slug)
                          : pg_printf("%s/artifacts/%s/%s", g->opt.out, c->slug, variant);
    int asan = strcmp(variant, c->conf.variants[0]) != 0; /* a sanitizer re-run */
    /* Check multiplies its timeout by CK_TIMEOUT_MULTIPLIER: the grader's
     * own environment may set it (an instructor's choice), the tests' not. */
    const char *m = getenv("CK_TIMEOUT_MULTIPLIER");
    double multiplier = m != NULL && atof(m) > 0 ? atof(m) : 1;
    if (asan)
        multiplier *= PM_ASAN_SLOWDOWN;
    double timeout = c->conf.unit_timeout * multiplier;
    pg_remove_tree(dir);
    pg_mkdirs(dir);
    /* Every test's own folder is in here: the runners may write it all. */
    char *scratch_root = pg_printf("%s/scratch", dir);
    pg_sandbox_scratch(scratch_root);
    int served = !g->opt.one_sandbox_per_test;
    char *durations_path = pg_printf("%s/builds/%s/durations-%s.txt", g->opt.out, c->slug, variant);
    Durations last = read_durations(durations_path);
    PgTest **order = calloc(n, sizeof *order);
    double *seconds = calloc(n, sizeof *seconds);
    for (size_t i = 0; order != NULL && seconds != NULL && i < n; i++) {
        order[i] = chosen[i];
        seconds[i] = duration_of(&last, chosen[i]->name);
    }
    if (order != NULL && seconds != NULL) {
        longest_first(order, seconds, n);
        chosen = order;
    }
    TestRun *runs = calloc(n, sizeof *runs);
    PgProc **procs = calloc(n, sizeof *procs);
    if (runs == NULL || procs == NULL) {
        free(runs);
        free(procs);
        free(dir);
        free(suite);
        free(artifacts);
        free(learner);
        free(solutions);
        free(scratch_root);
        free(durations_path);
        free_durations(&last);
        free(order);
        free(seconds);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        TestRun *r = &runs[i];
        PgTest *t = chosen[i];
        /* stdout and stderr in the grader's folder; everything the test
         * itself writes in its own scratch folder. */
        r->scratch = pg_printf("%s/%s.d", scratch_root, t->name);
        pg_sandbox_scratch(r->scratch);
        r->xml = pg_printf("%s/result.xml", r->scratch);
        r->out = pg_printf("%s/%s.out", dir, t->name);
        r->err = pg_printf("%s/%s.err", dir, t->name);
        r->argv[0] = pg_strdup(suite);
        r->argv[1] = "--run";
        r->argv[2] = pg_strdup(t->name);
        r->argv[3] = "--xml";
        r->argv[4] = pg_strdup(r->xml);
        r->argv[5] = NULL;
        int e = 0;
        r->env[e++] = pg_printf("PMLAB_ROOT=%s", g->opt.root);
        r->env[e++] = pg_printf("PMLAB_ARTIFACTS=%s", artifacts);
        r->env[e++] = pg_strdup("PMLAB_RESULT_FD=3");
        r->env[e++] = pg_strdup("CK_FORK=yes");
        r->env[e++] = pg_printf("CK_TIMEOUT_MULTIPLIER=%g", multiplier);
        if (asan) {
            /* A test that crashed without the sanitizers runs again to show
             * where: an abort() then prints its stack too.  (Not for the
             * others: a test may expect SIGABRT itself.) */
            r->env[e++] = pg_printf("ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:halt_on_error=1:"
                                    "hard_rss_limit_mb=" PM_STR(PM_ASAN_RSS_MB) "%s",
                                    t->status != PG_PASSED ? ":handle_abort=1" : "");
            r->env[e++] = pg_strdup("UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1");
            /* ThreadSanitizer sleeps a second before every exit by default
             * (atexit_sleep_ms), for threads still running then; a test
             * joins every thread it starts, and graded code starts none. */
            r->env[e++] = pg_strdup("TSAN_OPTIONS=halt_on_error=1:atexit_sleep_ms=0");
        }
        r->env[e] = NULL;
        r->box.workdir = served ? scratch_root : r->scratch;
        r->box.writable[0] = served ? scratch_root : r->scratch;
        r->box.writable[1] = artifacts;
        r->box.hidden[0] = pg_is_dir(solutions) ? solutions : NULL; /* none in a handout */
        r->box.readable[0] = g->opt.root; /* the scenarios and their .out */
        r->box.readable[1] = suite;
        r->box.readable[2] = g->opt.hidden; /* hidden scenarios (NULL: none) */
        r->box.cpu_seconds = PM_CPU_SECONDS + 5;
        r->box.file_bytes = PM_FSIZE_BYTES;
        r->box.address_bytes = asan ? 0 : PM_AS_BYTES;
        r->box.processes = pg_sandbox_process_limit();
        int pipefd[2];
        r->record_fd = -1;
        if (pipe2(pipefd, O_CLOEXEC) == 0) {
            r->record_fd = pipefd[0];
            r->proc.result_fd = pipefd[1];
        }
        r->proc.sandbox = pg_sandbox()->enabled ? &r->box : NULL;
        r->proc.argv = r->argv;
        r->proc.env = r->env;
        r->proc.out_path = r->out;
        r->proc.err_path = r->err;
        double scenario_timeout = c->conf.scenario_timeout / c->conf.unit_timeout * timeout;
        double longest = check_timeout_of(c, t, timeout);
        if (longest < scenario_timeout)
            longest = scenario_timeout;
        r->proc.limit = PG_TEST_LIMIT > 3 * longest ? PG_TEST_LIMIT : 3 * longest;
        r->proc.user = t;
        r->proc.watch = watch_test;
        r->command = pg_printf("%s\t%s\t%s", t->name, r->scratch, r->xml);
        r->proc.command = r->command;
        t->looped = 0;
        t->stopped_early = 0;
        procs[i] = &r->proc;
    }
    ProgressArg arg = {g, c, variant, 0, n, asan ? NULL : chapter_loops, timeout};
    watched_loops = arg.loops;
    watched_runs = runs;
    watched_count = n;
    if (served) {
        /* One sandbox per job, the tests handed to it one at a time; the
         * environment and the sandbox are those of the first test (every
         * test of one call has the same: see sanitizer_phase). */
        TestRun *first = &runs[0];
        char *argv[] = {suite, "--serve", NULL};
        char *env[16];
        int e = 0;
        for (int k = 0; first->env[k] != NULL && e < 13; k++)
            env[e++] = first->env[k];
        char *serve_fd = pg_strdup("PMLAB_SERVE_FD=3");
        env[e++] = serve_fd;
        /* In bubblewrap's PID namespace the server kills what each test
         * left; elsewhere the grader does, after the chapter. */
        if (first->proc.sandbox != NULL && pg_sandbox()->use_bwrap)
            env[e++] = "PMLAB_SERVE_PIDNS=1";
        env[e] = NULL;
        PgProc runner;
        memset(&runner, 0, sizeof runner);
        runner.argv = argv;
        runner.env = env;
        runner.sandbox = first->proc.sandbox;
        pg_run_served(&runner, dir, procs, n, g->opt.jobs, show_progress, &arg);
        free(serve_fd);
    } else {
        pg_run_procs(procs, n, g->opt.jobs, show_progress, &arg);
    }
    watched_loops = NULL;
    watched_runs = NULL;
    watched_count = 0;
    forget_returned();
    if (g->opt.color && !g->opt.quiet) {
        printf("\r\033[K");
        fflush(stdout);
    }
    /* Nothing a test started may still run (or write) while it is judged. */
    c->strays += pg_sandbox_kill_strays();
    for (size_t i = 0; i < n; i++) {
        double check_timeout = check_timeout_of(c, chosen[i], timeout);
        char *record = read_record(runs[i].record_fd);
        PgRunInput in = {chosen[i]->name,
                         runs[i].xml,
                         runs[i].err,
                         learner,
                         check_timeout,
                         &runs[i].proc,
                         record,
                         1,
                         chosen[i]->kind != NULL && strcmp(chosen[i]->kind, "signal") == 0,
                         runs[i].out};
        PgVerdict v;
        pg_classify(&in, &v);
        if (v.status == PG_TIMEOUT && arg.loops != NULL)
            explain_timeout(arg.loops, &runs[i], chosen[i], check_timeout, &v);
        free(record);
        char *clean = pg_clean_text(v.message);
        free(v.message);
        v.message = clean;
        store(chosen[i], &v);
        if (seconds != NULL)
            seconds[i] = runs[i].proc.elapsed;
        free_run(&runs[i]);
    }
    if (order != NULL && seconds != NULL)
        write_durations(durations_path, &last, order, seconds, n);
    free_durations(&last);
    free(durations_path);
    free(order);
    free(seconds);
    free(runs);
    free(procs);
    free(dir);
    free(suite);
    free(artifacts);
    free(learner);
    free(solutions);
    free(scratch_root);
}

static void store_rel(PgTest *t, PgVerdict *v)
{
    t->status = v->status;
    free(t->message);
    t->message = v->message;
    free(t->todo_function);
    free(t->todo_section);
    t->todo_function = v->todo_function;
    t->todo_section = v->todo_section;
    t->under_sanitizers = 0;
    free(t->frame);
    free(t->sanitizer_report);
    t->frame = v->frame;
    t->sanitizer_report = v->sanitizer_report;
    t->duration = v->duration;
}

/* A crash, run again under the sanitizers: its verdict stays, and the
 * sanitizer's stack says where it happened. */
static int crashed_before(const PgTest *t)
{
    return t->status == PG_CRASHED || t->status == PG_ABORTED || t->status == PG_STACK_OVERFLOW ||
           t->status == PG_NEGATIVE_REFCOUNT;
}

static void store_asan(PgTest *t, PgVerdict *v)
{
    free(v->todo_function);
    free(v->todo_section);
    if (v->status == PG_PASSED || crashed_before(t)) {
        if (t->frame == NULL) {
            t->frame = v->frame;
            v->frame = NULL;
        }
        if (t->sanitizer_report == NULL) {
            t->sanitizer_report = v->sanitizer_report;
            v->sanitizer_report = NULL;
        }
        free(v->frame);
        free(v->sanitizer_report);
        free(v->message);
        return;
    }
    free(t->frame);
    free(t->sanitizer_report);
    t->frame = v->frame;
    t->sanitizer_report = v->sanitizer_report;
    /* Passing in the plain build but not under the sanitizers is still a
     * bug: the plain build was lucky. */
    t->status = v->status == PG_FAILED ? PG_MEMORY_ERROR : v->status;
    t->under_sanitizers = 1;
    free(t->message);
    t->message = pg_printf("passes, but under the sanitizers: %s",
                           v->message ? v->message : pg_status_name(v->status));
    free(v->message);
}

/* Tests run side by side share the CPUs, and Check's timeout is wall-clock
 * time: a slow but correct test can run out of time only because of its
 * neighbours.  Every test that timed out gets a second run, alone, except:
 * one that had the CPU to itself (it really ran that long); and when one
 * function of the learner's is suspected to loop (loops.c), the tests
 * stuck in it wait for one of them to run alone: if it never returns from
 * that function again, they fail with it; if it does, they run again too. */
static void retry_timeouts(PgGrade *g, PgChapter *c, const char *variant, PgTest **chosen,
                           StoreFn store)
{
    if (g->opt.jobs <= 1)
        return;
    int asan = strcmp(variant, c->conf.variants[0]) != 0;
    PgLoops *loops = asan ? NULL : chapter_loops;
    const char *proof;
    double seconds;
    PgTest *alone = NULL; /* the one stuck test that runs alone */
    /* The test that showed the loop had the CPU: believed without a
     * second run. */
    int certain = pg_loops_certain(loops);
    for (size_t i = 0; i < c->ntests && !certain; i++) {
        PgTest *t = &c->tests[i];
        if (t->status == PG_TIMEOUT && !t->looped && loops != NULL &&
            pg_loops_known(loops, t->frame, &proof, &seconds) != NULL &&
            (alone == NULL || check_timeout_of(c, t, 1) < check_timeout_of(c, alone, 1)))
            alone = t; /* the one with the shortest wait */
    }
    int confirmed = 0;
    char *function = NULL;
    const char *prover = NULL;
    if (certain) {
        function = pg_strdup(pg_loops_function(loops, &prover));
        confirmed = 1;
    } else if (alone != NULL) {
        function = pg_printf("%.*s", (int)strcspn(alone->frame, " "), alone->frame);
        int jobs = g->opt.jobs;
        g->opt.jobs = 1;
        confirming = 1;
        run_tests(g, c, variant, &alone, 1, store);
        confirming = 0;
        g->opt.jobs = jobs;
        confirmed = alone->status == PG_TIMEOUT && alone->frame != NULL &&
                    strncmp(alone->frame, function, strlen(function)) == 0 &&
                    alone->frame[strlen(function)] == ' ';
        prover = alone->name;
    }
    size_t n = 0;
    for (size_t i = 0; i < c->ntests; i++) {
        PgTest *t = &c->tests[i];
        if (t->status != PG_TIMEOUT || t->looped || t == alone)
            continue;
        if (confirmed && t->frame != NULL && strncmp(t->frame, function, strlen(function)) == 0 &&
            t->frame[strlen(function)] == ' ') {
            if (!certain) {
                char *msg =
                    t->stopped_early
                        ? pg_printf("stopped after %.1f s, still running in %s: %s loops, as "
                                    "%s showed (run alone, it never returned from %s), so this "
                                    "test was not waited out",
                                    t->duration, t->frame, function, prover, function)
                        : pg_printf("did not finish: it was still running in %s after %.1f s; "
                                    "%s loops, as %s showed (run alone, it never returned from "
                                    "%s)",
                                    t->frame, t->duration, function, prover, function);
                free(t->message);
                t->message = msg;
            }
            t->looped = 1;
            continue;
        }
        if (asan) {
            /* only the tests that passed without the sanitizers */
            if (!t->under_sanitizers)
                continue;
            t->status = PG_PASSED;
            t->under_sanitizers = 0;
            free(t->message);
            t->message = NULL;
        }
        chosen[n++] = t;
    }
    free(function);
    /* Alone, each runs its whole time: a loop not confirmed stops none. */
    int jobs = g->opt.jobs;
    g->opt.jobs = 1;
    confirming = 1;
    run_tests(g, c, variant, chosen, n, store);
    confirming = 0;
    g->opt.jobs = jobs;
}

/* A test of a sanitizer group takes the verdict of the one that ran for
 * it under the sanitizers: the same code, run once. */
static void follow_leader(PgTest *t, const PgTest *leader)
{
    if (leader->status == PG_PASSED)
        return;
    t->status = leader->status;
    t->under_sanitizers = leader->under_sanitizers;
    t->looped = leader->looped;
    free(t->message);
    t->message =
        pg_printf("%s (under the sanitizers this test is the same code as %s, "
                  "which ran in its place)",
                  leader->message ? leader->message : pg_status_name(leader->status), leader->name);
    free(t->frame);
    free(t->sanitizer_report);
    t->frame = pg_strdup(leader->frame);
    t->sanitizer_report = pg_strdup(leader->sanitizer_report);
}

/* The tests that passed, again in a sanitizer variant (asan:
 * AddressSanitizer and UBSan; tsan: ThreadSanitizer); and those that
 * crashed, for the stack of the crash. */
static void sanitizer_phase(PgGrade *g, PgChapter *c, PgTest **chosen, const char *variant)
{
    size_t n = 0;
    for (size_t i = 0; i < c->ntests; i++)
        if (c->tests[i].status == PG_PASSED || crashed_before(&c->tests[i]))
            chosen[n++] = &c->tests[i];
    if (n == 0)
        return;
    progress_line(g, "building %s with the sanitizers", c->slug);
    char *asan = pg_printf("%s/builds/%s/%s", g->opt.out, c->slug, variant);
    char *log_path = pg_printf("%s/builds/%s/build-%s.log", g->opt.out, c->slug, variant);
    const char *build;
    char *log = NULL, *message = NULL;
    double started = pg_now();
    if (pg_build_learner_suite(&g->opt, c->slug, variant, c->conf.variants[0], asan, log_path,
                               &build, &log, &message) == 0) {
        pg_profile("sanitizer build", c->slug, started);
        /* The tests that passed first, then those that crashed (they run
         * with ASan handling abort() too, to show where it came from). */
        size_t passed = 0;
        for (size_t i = 0; i < n; i++)
            if (chosen[i]->status == PG_PASSED) {
                PgTest *t = chosen[i];
                chosen[i] = chosen[passed];
                chosen[passed++] = t;
            }
        /* Of a sanitizer group, only the first that passed runs. */
        PgTest **leaders = calloc(n, sizeof *leaders);
        PgTest **followers = calloc(n, sizeof *followers);
        size_t nfollowers = 0, kept = 0;
        for (size_t i = 0; i < passed; i++) {
            PgTest *t = chosen[i], *leader = NULL;
            for (size_t j = 0;
                 j < kept && t->sanitizer_group != NULL && leaders != NULL && followers != NULL;
                 j++)
                if (chosen[j]->sanitizer_group != NULL &&
                    strcmp(chosen[j]->sanitizer_group, t->sanitizer_group) == 0) {
                    leader = chosen[j];
                    break;
                }
            if (leader != NULL) {
                leaders[nfollowers] = leader;
                followers[nfollowers++] = t;
            } else {
                chosen[kept++] = t;
            }
        }
        /* The crashed ones move up behind the kept ones. */
        memmove(chosen + kept, chosen + passed, (n - passed) * sizeof *chosen);
        n -= passed - kept;
        passed = kept;
        run_tests(g, c, variant, chosen, passed, store_asan);
        run_tests(g, c, variant, chosen + passed, n - passed, store_asan);
        retry_timeouts(g, c, variant, chosen, store_asan);
        for (size_t i = 0; i < nfollowers; i++)
            follow_leader(followers[i], leaders[i]);
        free(leaders);
        free(followers);
    } else {
        /* Not building with the sanitizers is no way around them: every
         * test they would have run fails. */
        PgStatus status = strcmp(build, "refused") == 0 ? PG_REFUSED : PG_BUILD_ERROR;
        for (size_t i = 0; i < n; i++) {
            if (chosen[i]->status != PG_PASSED)
                continue;
            chosen[i]->status = status;
            chosen[i]->under_sanitizers = 1;
            free(chosen[i]->message);
            chosen[i]->message = pg_printf("passes, but does not build with the sanitizers: %s",
                                           message ? message : "see the build log");
        }
        char *note = pg_printf("the sanitizer build failed (%s): every test that passed "
                               "without the sanitizers fails",
                               message ? message : "see the build log");
        char *more = c->note ? pg_printf("%s; %s", c->note, note) : pg_strdup(note);
        free(c->note);
        free(note);
        c->note = more;
        if (c->build_log == NULL && log != NULL)
            c->build_log = pg_strdup(log);
    }
    free(log);
    free(message);
    free(asan);
    free(log_path);
}

/* ------------------------------------------------------------------------
 * 6-7. Pictures and the score.
 * ------------------------------------------------------------------------ */

/* A picture a test drew is the learner's file: show it only if it is the
 * plain SVG Graphviz writes, with nothing a browser would run. */
static int plain_picture(const char *path)
{
    char *svg = pg_read_file(path, 8 << 20);
    if (svg == NULL)
        return 0;
    static const char *const active[] = {"<script", "javascript:", "<foreignObject",
                                         "<iframe", "<embed",      "<object",
                                         " on",     "\ton",        NULL};
    int plain = strstr(svg, "<svg") != NULL;
    for (int i = 0; plain && active[i] != NULL; i++) {
        const char *hit = svg;
        while (plain && (hit = strcasestr(hit, active[i])) != NULL) {
            /* " on" only as an event attribute: on<letters>= */
            if (active[i][1] == 'o' && active[i][0] != '<') {
                const char *p = hit + 3;
                while (*p >= 'a' && *p <= 'z')
                    p++;
                plain = !(p > hit + 3 && *p == '=');
                hit += 3;
            } else {
                plain = 0;
            }
        }
    }
    free(svg);
    return plain;
}

/* A chapter 2 test that failed in a trace file ("x.trace after line 12:
 * ..." or "x.trace line 12: ..."): the reference's arenas at that line,
 * drawn by the reference pmreplay into ref.  0 if drawn. */
static int reference_arenas(PgGrade *g, PgChapter *c, PgTest *t, const char *ref)
{
    const char *dot = t->message != NULL ? strstr(t->message, ".trace ") : NULL;
    if (dot == NULL || strncmp(c->slug, "02-", 3) != 0)
        return -1;
    const char *name = dot;
    while (name > t->message && (isalnum((unsigned char)name[-1]) || name[-1] == '_'))
        name--;
    const char *line = strstr(dot, "line ");
    long k = line != NULL ? strtol(line + 5, NULL, 10) : 0;
    char *trace =
        pg_printf("%s/grader/traces/%s/%.*s.trace", g->opt.root, c->slug, (int)(dot - name), name);
    char *pmreplay = pg_printf("%s/build/rel/ref/bin/pmreplay", g->opt.root);
    int rc = -1;
    if (k > 0 && pg_is_file(trace) && pg_build_pmrun_ref(&g->opt) == 0 && pg_is_file(pmreplay)) {
        char *stop = pg_printf("%ld", k);
        char *argv[] = {pmreplay, "--stop-after", stop, "--heap-svg", (char *)ref, trace, NULL};
        char *env[] = {NULL};
        PgProc p;
        memset(&p, 0, sizeof p);
        p.argv = argv;
        p.env = env;
        p.limit = PG_TEST_LIMIT;
        unlink(ref);
        pg_run_proc(&p);
        rc = pg_is_file(ref) ? 0 : -1;
        free(stop);
    }
    free(trace);
    free(pmreplay);
    return rc;
}

/* A unit test that drew its heap when a check failed may also have left
 * <test>.at, "file.c:line:n": the check, and that it failed on its n-th
 * reach.  Run the same test on the reference suite (no learner code in
 * it), which draws its heap when it passes that check the n-th time, or at
 * the end of the test if it never does, into a folder no test can write.
 * The record is the learner's file: it is read as three checked fields and
 * can only move the reference's picture.  0 if drawn, *ref set. */
static int reference_at_check(PgGrade *g, PgChapter *c, PgTest *t, char **ref)
{
    char *at_path = pg_printf("%s/artifacts/%s/%s.at", g->opt.out, c->slug, t->name);
    char *text = pg_is_file(at_path) ? pg_read_file(at_path, 256) : NULL;
    free(at_path);
    char file[64];
    int line = 0;
    long n = 0, used = 0;
    int ok = text != NULL &&
             sscanf(text, "%63[A-Za-z0-9_].c:%d:%ld%ln", file, &line, &n, &used) == 3 && line > 0 &&
             line < 1000000 && n > 0 && n < 1000000000 &&
             (text[used] == '\0' || (text[used] == '\n' && text[used + 1] == '\0'));
    free(text);
    char *suite = pg_printf("%s/builds/%s/reference/suite", g->opt.out, c->slug);
    if (!ok || !pg_is_file(suite)) {
        free(suite);
        return -1;
    }
    char *dir = pg_printf("%s/builds/%s/reference/pictures", g->opt.out, c->slug);
    pg_mkdirs(dir);
    char *svg = pg_printf("%s/%s.svg", dir, t->name);
    char *xml = pg_printf("%s/%s.xml", dir, t->name);
    char *log = pg_printf("%s/%s.log", dir, t->name);
    char *argv[] = {suite, "--run", t->name, "--xml", xml, NULL};
    char *env[] = {pg_printf("PMLAB_ROOT=%s", g->opt.root), pg_printf("PMLAB_ARTIFACTS=%s", dir),
                   pg_printf("PMLAB_DRAW_AT=%s.c:%d:%ld", file, line, n), pg_strdup("CK_FORK=yes"),
                   NULL};
    PgProc p;
    memset(&p, 0, sizeof p);
    p.argv = argv;
    p.env = env;
    p.out_path = log;
    p.limit = PG_TEST_LIMIT;
    unlink(svg);
    pg_run_proc(&p);
    int rc = -1;
    if (pg_is_file(svg)) {
        *ref = svg;
        svg = NULL;
        rc = 0;
    }
    /* (each string is a copy: pg_run_proc's child edits them in place) */
    for (int i = 0; env[i] != NULL; i++)
        free(env[i]);
    free(suite);
    free(dir);
    free(svg);
    free(xml);
    free(log);
    return rc;
}

/* A failed test may have left a picture of its heap (unit tests draw one
 * when a check fails); for a scenario that diverged, also draw the
 * reference heap at the same point, for a trace of chapter 2 the
 * reference's arenas at the trace's line, and for a unit test that says
 * which check failed, the reference's heap at that check. */
static void divergence_pictures(PgGrade *g, PgChapter *c, PgTest *t)
{
    char *json_path = pg_printf("%s/artifacts/%s/%s.json", g->opt.out, c->slug, t->name);
    char *mine = pg_printf("%s/artifacts/%s/%s.svg", g->opt.out, c->slug, t->name);
    char *ref = pg_printf("%s/artifacts/%s/%s.ref.svg", g->opt.out, c->slug, t->name);
    json_t *record = pg_is_file(json_path) ? json_load_file(json_path, 0, NULL) : NULL;
    if (pg_is_file(mine) && plain_picture(mine))
        t->heap_svg_mine = pg_strdup(mine);
    if (t->heap_svg_mine != NULL && record == NULL && reference_arenas(g, c, t, ref) == 0)
        t->heap_svg_ref = pg_strdup(ref);
    if (t->heap_svg_mine != NULL && record == NULL && t->heap_svg_ref == NULL)
        reference_at_check(g, c, t, &t->heap_svg_ref);
    if (record != NULL) {
        /* The record was written by the test: its scenario must be one of
         * this chapter's, named as the suite names them. */
        const char *scenario = json_text(record, "scenario");
        json_int_t k = json_integer_value(json_object_get(record, "output_line"));
        char *expected_dir = pg_printf("grader/scenarios/%s/", c->slug);
        int known =
            scenario != NULL && strncmp(scenario, expected_dir, strlen(expected_dir)) == 0 &&
            strstr(scenario, "..") == NULL && strchr(scenario + strlen(expected_dir), '/') == NULL;
        free(expected_dir);
        if (known && k > 0 && pg_build_pmrun_ref(&g->opt) == 0) {
            char *pmrun = pg_printf("%s/build/rel/ref/bin/pmrun", g->opt.root);
            char *stop = pg_printf("%lld", (long long)k);
            char *script = pg_printf("%s/%s", g->opt.root, scenario);
            char *log = pg_printf("%s/builds/%s/%s.pmrun-ref.log", g->opt.out, c->slug, t->name);
            char *argv[] = {pmrun, "--quiet-leaks", "--stop-after", stop, "--heap-svg", ref, script,
                            NULL};
            char *env[] = {NULL};
            PgProc p;
            memset(&p, 0, sizeof p);
            p.argv = argv;
            p.env = env;
            p.out_path = log;
            p.limit = PG_TEST_LIMIT;
            unlink(ref);
            pg_run_proc(&p);
            if (pg_is_file(ref))
                t->heap_svg_ref = pg_strdup(ref);
            free(pmrun);
            free(stop);
            free(script);
            free(log);
        }
        json_decref(record);
    }
    free(json_path);
    free(mine);
    free(ref);
}

/* After the tests: nothing of theirs may still run, and the checkout must
 * be as it was (where the sandbox cannot make it read-only, this is how a
 * write is caught).  A changed checkout costs the chapter. */
static void clean_up(PgGrade *g, PgChapter *c, const char *checkout_before)
{
    c->strays += pg_sandbox_kill_strays();
    const char *not_checked[] = {g->opt.out, g->opt.submission, NULL};
    char *after = pg_checkout_snapshot(g->opt.root, not_checked);
    char *changed = pg_checkout_changes(checkout_before, after);
    free(after);
    char *note = NULL;
    if (changed != NULL) {
        note = pg_printf("the tests changed the checkout (%s): tests may write only in their "
                         "own folder, so this chapter scores nothing",
                         changed);
        for (size_t i = 0; i < c->ntests; i++) {
            PgTest *t = &c->tests[i];
            if (t->status != PG_PASSED)
                continue;
            t->status = PG_REFUSED;
            free(t->message);
            t->message =
                pg_printf("passes, but a test of this chapter changed the checkout (%s)", changed);
        }
        free(changed);
    }
    if (c->strays > 0) {
        char *more = pg_printf("%s%s%d process%s the tests left running %s killed",
                               note ? note : "", note ? "; " : "", c->strays,
                               c->strays == 1 ? "" : "es", c->strays == 1 ? "was" : "were");
        free(note);
        note = more;
    }
    if (note != NULL) {
        char *more = c->note ? pg_printf("%s; %s", c->note, note) : pg_strdup(note);
        free(c->note);
        c->note = more;
        free(note);
    }
}

static void score(PgChapter *c)
{
    c->score = c->max_score = 0;
    for (size_t i = 0; i < c->ntests; i++) {
        PgTest *t = &c->tests[i];
        t->points = t->status == PG_PASSED ? t->max_points : 0;
        c->score += t->points;
        c->max_score += t->max_points;
    }
}

/* ------------------------------------------------------------------------
 * Helpers.
 * ------------------------------------------------------------------------ */

/* "building 01-refcount..." on a terminal (format names the chapter with
 * %s); format == NULL clears the line. */
static void progress_line(const PgGrade *g, const char *format, const char *slug)
{
    if (g->opt.quiet || !g->opt.color)
        return;
    printf("\r\033[K");
    if (format != NULL) {
        printf(format, slug);
        printf("...");
    }
    fflush(stdout);
}
