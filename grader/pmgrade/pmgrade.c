/* pmgrade.c - the grader: for each chapter, build the suite with the
 * learner's layer, run every test alone (then again under the sanitizers),
 * explain each failure, and write the reports (terminal, JSON, Gradescope,
 * JUnit, HTML).  It never gives up half-way: every report is always written.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pmgrade.h"

/* ------------------------------------------------------------------------
 * Helpers shared by every part.
 * ------------------------------------------------------------------------ */

void *pg_malloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (p == NULL) {
        fputs("pmgrade: out of memory\n", stderr);
        exit(2);
    }
    return p;
}

char *pg_strdup(const char *s)
{
    if (s == NULL)
        return NULL;
    size_t n = strlen(s) + 1;
    char *copy = pg_malloc(n);
    memcpy(copy, s, n);
    return copy;
}

char *pg_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *s = NULL;
    int n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0) {
        fputs("pmgrade: out of memory\n", stderr);
        exit(2);
    }
    return s;
}

/* Length of the valid UTF-8 sequence at s, 0 if invalid. */
static size_t utf8_length(const unsigned char *s)
{
    if (s[0] < 0x80)
        return 1;
    size_t n = (s[0] & 0xE0) == 0xC0 ? 2 : (s[0] & 0xF0) == 0xE0 ? 3 : (s[0] & 0xF8) == 0xF0 ? 4 : 0;
    if (n == 0 || (n == 2 && s[0] < 0xC2))
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    return n;
}

char *pg_clean_text(const char *s)
{
    if (s == NULL)
        return NULL;
    size_t len = strlen(s);
    char *out = pg_malloc(len + 1);
    size_t j = 0;
    for (size_t i = 0; i < len;) {
        const unsigned char *c = (const unsigned char *)s + i;
        if (*c == '\033') {
            /* terminal colour codes: ESC [ ... letter */
            i++;
            if (s[i] == '[') {
                i++;
                while (i < len && !isalpha((unsigned char)s[i]))
                    i++;
                if (i < len)
                    i++;
            }
            continue;
        }
        if (*c < 0x20 && *c != '\n' && *c != '\t') {
            out[j++] = '?';
            i++;
            continue;
        }
        size_t n = utf8_length(c);
        if (n == 0) {
            out[j++] = '?';
            i++;
            continue;
        }
        memcpy(out + j, c, n);
        j += n;
        i += n;
    }
    out[j] = '\0';
    return out;
}

char *pg_read_file(const char *path, size_t max_bytes)
{
    if (path == NULL)
        return NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = pg_malloc(max_bytes + 1);
    size_t n = fread(buf, 1, max_bytes, f);
    fclose(f);
    buf[n] = '\0';
    /* A NUL inside would cut the text short anyway; keep what precedes it. */
    return buf;
}

int pg_mkdirs(const char *path)
{
    char *copy = pg_strdup(path);
    for (char *p = copy + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(copy, 0777);
            *p = '/';
        }
    }
    int rc = mkdir(copy, 0777);
    free(copy);
    return rc == 0 || errno == EEXIST ? 0 : -1;
}

int pg_is_crash_status(const char *status)
{
    return strcmp(status, "passed") != 0 && strcmp(status, "failed") != 0 &&
           strcmp(status, "not-written") != 0 && strcmp(status, "build-error") != 0;
}

char *pg_section_anchor(const char *section)
{
    if (section == NULL)
        return pg_strdup("");
    const char *hash = strchr(section, '#');
    if (hash != NULL)
        return pg_strdup(hash + 1);
    /* pandoc's identifiers: lower case, spaces to '-', punctuation dropped */
    char *a = pg_malloc(strlen(section) + 1);
    size_t j = 0;
    for (const char *p = section; *p; p++) {
        unsigned char c = (unsigned char)*p;
        if (isalnum(c) || c == '_' || c == '-' || c == '.')
            a[j++] = (char)tolower(c);
        else if (isspace(c))
            a[j++] = '-';
    }
    a[j] = '\0';
    return a;
}

static int is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static void remove_files(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        char *path = pg_printf("%s/%s", dir, e->d_name);
        if (is_file(path))
            unlink(path);
        free(path);
    }
    closedir(d);
}

/* ------------------------------------------------------------------------
 * Manifests.
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
        t[k].status = "failed";
        k++;
    }
    json_decref(manifest);
    *tests = t;
    *count = k;
    return 0;
}

/* When the learner's suite cannot tell us its tests, the reference build of
 * the same suite can: then every test is listed with its points. */
static void reference_manifest(const PgGrade *g, PgChapter *c)
{
    char *work = pg_printf("%s/builds/%s/reference", g->opt.out, c->slug);
    char *log = pg_printf("%s/builds/%s/build-reference.log", g->opt.out, c->slug);
    char *solutions = pg_printf("%s/solutions", g->opt.root);
    char *suite = pg_printf("%s/suite", work);
    const char *build;
    char *blog = NULL, *bmsg = NULL, *why = NULL;
    pg_mkdirs(work);
    if (pg_build_suite(&g->opt, c->slug, solutions, c->conf.variants[0], work, log, &build, &blog, &bmsg) != 0 ||
        load_manifest(suite, work, &c->tests, &c->ntests, &why) != 0) {
        /* Not even the reference builds: one placeholder test, worth nothing. */
        c->tests = calloc(1, sizeof *c->tests);
        if (c->tests != NULL) {
            c->ntests = 1;
            c->tests[0].name = pg_strdup("build");
            c->tests[0].title = pg_strdup("the chapter builds");
            c->tests[0].step = pg_strdup("");
            c->tests[0].kind = pg_strdup("unit");
            c->tests[0].status = "failed";
        }
        c->reference_broken = 1;
        free(c->note);
        c->note = pg_strdup("the reference build of this chapter failed too: the problem is in "
                            "the workbook, not in your code, and this chapter's tests and points "
                            "are unknown");
    }
    free(blog);
    free(bmsg);
    free(why);
    free(work);
    free(log);
    free(solutions);
    free(suite);
}

static void fail_all(PgChapter *c, const char *status, const char *message)
{
    for (size_t i = 0; i < c->ntests; i++) {
        c->tests[i].status = status;
        free(c->tests[i].message);
        c->tests[i].message = pg_clean_text(message);
    }
}

/* ------------------------------------------------------------------------
 * Running tests.
 * ------------------------------------------------------------------------ */

typedef struct {
    PgGrade *g;
    PgChapter *c;
    const char *variant;
    size_t done_before, total;
} ProgressArg;

static void show_progress(PgProc *p, size_t finished, size_t total, void *arg)
{
    ProgressArg *a = arg;
    PgTest *t = p->user;
    if (!a->g->opt.color || a->g->opt.quiet)
        return;
    printf("\r\033[K[%zu/%zu] testing %s%s: %s", finished, total, a->c->slug,
           strcmp(a->variant, a->c->conf.variants[0]) != 0 ? " (sanitizers)" : "", t->name);
    fflush(stdout);
}

typedef struct {
    PgProc proc;
    char *argv[6];
    char *env[12];
    char *xml, *out, *err;
} TestRun;

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
}

/* Run the chosen tests of a chapter, one process each, in parallel; the
 * verdict of each is stored through store(). */
static void run_tests(PgGrade *g, PgChapter *c, const char *variant, PgTest **chosen, size_t n,
                      void (*store)(PgChapter *, PgTest *, const char *, char *, double))
{
    if (n == 0)
        return;
    char *dir = pg_printf("%s/builds/%s/runs/%s", g->opt.out, c->slug, variant);
    char *suite = pg_printf("%s/builds/%s/%s/suite", g->opt.out, c->slug, variant);
    char *learner = pg_printf("%s/%s", g->opt.submission, c->slug);
    char *artifacts = strcmp(variant, c->conf.variants[0]) == 0
                          ? pg_printf("%s/artifacts/%s", g->opt.out, c->slug)
                          : pg_printf("%s/artifacts/%s/%s", g->opt.out, c->slug, variant);
    int asan = strcmp(variant, c->conf.variants[0]) != 0; /* a sanitizer re-run */
    /* Check multiplies its timeout by CK_TIMEOUT_MULTIPLIER. */
    const char *m = getenv("CK_TIMEOUT_MULTIPLIER");
    double multiplier = m != NULL && atof(m) > 0 ? atof(m) : 1;
    if (asan)
        multiplier *= PG_ASAN_SLOWDOWN;
    double timeout = c->conf.unit_timeout * multiplier;
    pg_mkdirs(dir);
    pg_mkdirs(artifacts);
    TestRun *runs = calloc(n, sizeof *runs);
    PgProc **procs = calloc(n, sizeof *procs);
    if (runs == NULL || procs == NULL) {
        free(runs);
        free(procs);
        free(dir);
        free(suite);
        free(artifacts);
        free(learner);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        TestRun *r = &runs[i];
        PgTest *t = chosen[i];
        r->xml = pg_printf("%s/%s.xml", dir, t->name);
        r->out = pg_printf("%s/%s.out", dir, t->name);
        r->err = pg_printf("%s/%s.err", dir, t->name);
        unlink(r->xml);
        r->argv[0] = pg_strdup(suite);
        r->argv[1] = "--run";
        r->argv[2] = pg_strdup(t->name);
        r->argv[3] = "--xml";
        r->argv[4] = pg_strdup(r->xml);
        r->argv[5] = NULL;
        int e = 0;
        r->env[e++] = pg_printf("PMLAB_ROOT=%s", g->opt.root);
        r->env[e++] = pg_printf("PMLAB_ARTIFACTS=%s", artifacts);
        r->env[e++] = pg_strdup("CK_FORK=yes");
        r->env[e++] = pg_strdup("CK_RUN_CASE");
        r->env[e++] = pg_strdup("CK_RUN_SUITE");
        r->env[e++] = pg_strdup("CK_INCLUDE_TAGS");
        r->env[e++] = pg_strdup("CK_EXCLUDE_TAGS");
        r->env[e++] = pg_printf("CK_TIMEOUT_MULTIPLIER=%g", multiplier);
        if (asan) {
            r->env[e++] = pg_strdup("ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:halt_on_error=1:"
                                    "hard_rss_limit_mb=2048");
            r->env[e++] = pg_strdup("UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1");
            r->env[e++] = pg_strdup("TSAN_OPTIONS=halt_on_error=1");
        }
        r->env[e] = NULL;
        r->proc.argv = r->argv;
        r->proc.env = r->env;
        r->proc.out_path = r->out;
        r->proc.err_path = r->err;
        double scenario_timeout = c->conf.scenario_timeout / c->conf.unit_timeout * timeout;
        r->proc.limit = PG_TEST_LIMIT > 3 * scenario_timeout ? PG_TEST_LIMIT : 3 * scenario_timeout;
        r->proc.user = t;
        procs[i] = &r->proc;
    }
    ProgressArg arg = {g, c, variant, 0, n};
    pg_run_procs(procs, n, g->opt.jobs, show_progress, &arg);
    if (g->opt.color && !g->opt.quiet) {
        printf("\r\033[K");
        fflush(stdout);
    }
    for (size_t i = 0; i < n; i++) {
        double check_timeout = timeout;
        if (chosen[i]->kind != NULL && strcmp(chosen[i]->kind, "scenario") == 0)
            check_timeout = timeout * c->conf.scenario_timeout / c->conf.unit_timeout;
        PgRunInput in = {chosen[i]->name, runs[i].xml, runs[i].err, learner, check_timeout,
                         &runs[i].proc};
        const char *status;
        char *message;
        double duration;
        pg_classify(&in, &status, &message, &duration);
        char *clean = pg_clean_text(message);
        free(message);
        store(c, chosen[i], status, clean, duration);
        free_run(&runs[i]);
    }
    free(runs);
    free(procs);
    free(dir);
    free(suite);
    free(artifacts);
    free(learner);
}

static void store_rel(PgChapter *c, PgTest *t, const char *status, char *message, double duration)
{
    (void)c;
    t->status = status;
    free(t->message);
    t->message = message;
    t->duration = duration;
}

static void store_asan(PgChapter *c, PgTest *t, const char *status, char *message, double duration)
{
    (void)c;
    (void)duration;
    if (strcmp(status, "passed") == 0) {
        free(message);
        return;
    }
    /* Passing in the plain build but not under the sanitizers is still a
     * bug: the plain build was lucky. */
    t->status = strcmp(status, "failed") == 0 ? "memory-error" : status;
    free(t->message);
    t->message = pg_printf("passes, but under the sanitizers: %s", message ? message : status);
    free(message);
}

/* Tests run side by side share the CPUs, and Check's timeout is wall-clock
 * time: a slow but correct test can run out of time only because of its
 * neighbours.  Every test that timed out gets a second run, alone. */
static void retry_timeouts(PgGrade *g, PgChapter *c, const char *variant, PgTest **chosen,
                           void (*store)(PgChapter *, PgTest *, const char *, char *, double))
{
    if (g->opt.jobs <= 1)
        return;
    size_t n = 0;
    for (size_t i = 0; i < c->ntests; i++) {
        PgTest *t = &c->tests[i];
        if (strcmp(t->status, "timeout") != 0)
            continue;
        if (strcmp(variant, c->conf.variants[0]) != 0) {
            /* only the tests that passed without the sanitizers */
            if (t->message == NULL || strncmp(t->message, "passes, but", 11) != 0)
                continue;
            t->status = "passed";
            free(t->message);
            t->message = NULL;
        }
        chosen[n++] = t;
    }
    int jobs = g->opt.jobs;
    g->opt.jobs = 1;
    run_tests(g, c, variant, chosen, n, store);
    g->opt.jobs = jobs;
}

/* A failed test may have left a picture of its heap (unit tests draw one
 * when a check fails); for a scenario that diverged, also draw the
 * reference heap at the same point. */
static void divergence_pictures(PgGrade *g, PgChapter *c, PgTest *t)
{
    char *json_path = pg_printf("%s/artifacts/%s/%s.json", g->opt.out, c->slug, t->name);
    char *mine = pg_printf("%s/artifacts/%s/%s.svg", g->opt.out, c->slug, t->name);
    char *ref = pg_printf("%s/artifacts/%s/%s.ref.svg", g->opt.out, c->slug, t->name);
    json_t *record = is_file(json_path) ? json_load_file(json_path, 0, NULL) : NULL;
    if (is_file(mine))
        t->heap_svg_mine = pg_strdup(mine);
    if (record != NULL) {
        const char *scenario = json_text(record, "scenario");
        json_int_t k = json_integer_value(json_object_get(record, "output_line"));
        if (scenario != NULL && k > 0 && pg_build_pmrun_ref(&g->opt) == 0) {
            char *pmrun = pg_printf("%s/build/rel/ref/bin/pmrun", g->opt.root);
            char *stop = pg_printf("%lld", (long long)k);
            char *script = pg_printf("%s/%s", g->opt.root, scenario);
            char *log = pg_printf("%s/builds/%s/%s.pmrun-ref.log", g->opt.out, c->slug, t->name);
            char *argv[] = {pmrun, "--quiet-leaks", "--stop-after", stop, "--heap-svg", ref,
                            script, NULL};
            char *env[] = {NULL};
            PgProc p;
            memset(&p, 0, sizeof p);
            p.argv = argv;
            p.env = env;
            p.out_path = log;
            p.limit = PG_TEST_LIMIT;
            unlink(ref);
            pg_run_proc(&p);
            if (is_file(ref))
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

/* ------------------------------------------------------------------------
 * One chapter.
 * ------------------------------------------------------------------------ */

static void grade_chapter(PgGrade *g, PgChapter *c)
{
    double started = pg_now();
    char *work = pg_printf("%s/builds/%s", g->opt.out, c->slug);
    char *artifacts = pg_printf("%s/artifacts/%s", g->opt.out, c->slug);
    char *learner = pg_printf("%s/%s", g->opt.submission, c->slug);
    pg_chapter_conf(g->opt.root, c->slug, &c->conf);
    pg_mkdirs(work);
    pg_mkdirs(artifacts);
    remove_files(artifacts);
    for (int v = 1; v < c->conf.nvariants; v++) {
        char *dir = pg_printf("%s/%s", artifacts, c->conf.variants[v]);
        remove_files(dir);
        free(dir);
    }
    c->build = "ok";

    if (!g->opt.quiet && g->opt.color) {
        printf("\r\033[Kbuilding %s...", c->slug);
        fflush(stdout);
    }
    if (!is_dir(learner)) {
        c->build = "missing";
        reference_manifest(g, c);
        char *msg = pg_printf("missing: %s", learner);
        fail_all(c, "build-error", msg);
        free(msg);
        goto score;
    }

    const char *rel_variant = c->conf.variants[0];
    char *rel = pg_printf("%s/%s", work, rel_variant);
    char *rel_log = pg_printf("%s/build-%s.log", work, rel_variant);
    const char *build;
    char *log = NULL, *message = NULL;
    int built = pg_build_suite(&g->opt, c->slug, g->opt.submission, rel_variant, rel, rel_log,
                               &build, &log, &message);
    free(rel_log);
    if (built != 0) {
        c->build = build;
        c->build_log = log;
        reference_manifest(g, c);
        fail_all(c, "build-error", message);
        free(message);
        free(rel);
        goto score;
    }
    free(log);
    free(message);

    char *suite = pg_printf("%s/suite", rel);
    char *why = NULL;
    if (load_manifest(suite, work, &c->tests, &c->ntests, &why) != 0) {
        reference_manifest(g, c);
        char *msg = pg_printf("the test program could not list its tests: %s", why);
        fail_all(c, "failed", msg);
        free(msg);
        free(why);
        free(suite);
        free(rel);
        goto score;
    }
    free(suite);
    free(rel);

    PgTest **chosen = calloc(c->ntests ? c->ntests : 1, sizeof *chosen);
    if (chosen == NULL)
        goto score;
    for (size_t i = 0; i < c->ntests; i++)
        chosen[i] = &c->tests[i];
    run_tests(g, c, rel_variant, chosen, c->ntests, store_rel);
    retry_timeouts(g, c, rel_variant, chosen, store_rel);

    for (int v = 1; v < c->conf.nvariants && g->opt.sanitizers; v++) {
        const char *variant = c->conf.variants[v];
        size_t n = 0;
        for (size_t i = 0; i < c->ntests; i++)
            if (strcmp(c->tests[i].status, "passed") == 0)
                chosen[n++] = &c->tests[i];
        if (n > 0) {
            char *asan = pg_printf("%s/%s", work, variant);
            char *asan_log = pg_printf("%s/build-%s.log", work, variant);
            if (!g->opt.quiet && g->opt.color) {
                printf("\r\033[Kbuilding %s with the sanitizers...", c->slug);
                fflush(stdout);
            }
            if (pg_build_suite(&g->opt, c->slug, g->opt.submission, variant, asan, asan_log,
                               &build, &log, &message) == 0) {
                run_tests(g, c, variant, chosen, n, store_asan);
                retry_timeouts(g, c, variant, chosen, store_asan);
            } else {
                c->note = pg_printf("the sanitizer build failed (%s), so the tests ran "
                                    "without AddressSanitizer",
                                    message ? message : "see the build log");
            }
            free(log);
            free(message);
            free(asan);
            free(asan_log);
        }
    }
    free(chosen);

    for (size_t i = 0; i < c->ntests; i++)
        if (strcmp(c->tests[i].status, "passed") != 0)
            divergence_pictures(g, c, &c->tests[i]);

score:
    if (!g->opt.quiet && g->opt.color) {
        printf("\r\033[K");
        fflush(stdout);
    }
    c->score = c->max_score = 0;
    for (size_t i = 0; i < c->ntests; i++) {
        PgTest *t = &c->tests[i];
        t->points = strcmp(t->status, "passed") == 0 ? t->max_points : 0;
        c->score += t->points;
        c->max_score += t->max_points;
    }
    c->time = pg_now() - started;
    free(work);
    free(artifacts);
    free(learner);
}

/* ------------------------------------------------------------------------
 * main.
 * ------------------------------------------------------------------------ */

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The chapters: folders of solutions/ named NN-slug, sorted. */
static int find_chapters(PgGrade *g)
{
    char *dir = pg_printf("%s/solutions", g->opt.root);
    DIR *d = opendir(dir);
    free(dir);
    if (d == NULL)
        return -1;
    size_t cap = 16, n = 0;
    char **names = pg_malloc(cap * sizeof *names);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *s = e->d_name;
        if (!(isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) && s[2] == '-'))
            continue;
        if (g->opt.chapter != NULL && strncmp(s, g->opt.chapter, strlen(g->opt.chapter)) != 0)
            continue;
        char *path = pg_printf("%s/solutions/%s", g->opt.root, s);
        int ok = is_dir(path);
        free(path);
        if (!ok)
            continue;
        if (n == cap) {
            cap *= 2;
            char **grown = realloc(names, cap * sizeof *names);
            if (grown == NULL)
                break;
            names = grown;
        }
        names[n++] = pg_strdup(s);
    }
    closedir(d);
    qsort(names, n, sizeof *names, compare_strings);
    g->chapters = calloc(n ? n : 1, sizeof *g->chapters);
    if (g->chapters == NULL) {
        free(names);
        return -1;
    }
    for (size_t i = 0; i < n; i++)
        g->chapters[i].slug = names[i];
    g->nchapters = n;
    free(names);
    return 0;
}

static char *absolute(const char *path)
{
    char buf[PATH_MAX];
    if (realpath(path, buf) == NULL)
        return NULL;
    return pg_strdup(buf);
}

static void write_reports(PgGrade *g)
{
    char *path;
    path = pg_printf("%s/report.json", g->opt.out);
    if (pg_write_report_json(g, path) != 0)
        fprintf(stderr, "pmgrade: could not write %s\n", path);
    free(path);
    path = pg_printf("%s/results.json", g->opt.out);
    if (pg_write_results_json(g, path) != 0)
        fprintf(stderr, "pmgrade: could not write %s\n", path);
    free(path);
    if (!g->finished)
        return;
    path = pg_printf("%s/junit.xml", g->opt.out);
    if (pg_write_junit(g, path) != 0)
        fprintf(stderr, "pmgrade: could not write %s\n", path);
    free(path);
    path = pg_printf("%s/report.html", g->opt.out);
    if (pg_write_html(g, path) != 0)
        fprintf(stderr, "pmgrade: could not write %s\n", path);
    free(path);
}

static void usage(FILE *f)
{
    fputs("usage: pmgrade [--root DIR] [--submission DIR] [--chapter NN] [--stack mine|ref]\n"
          "               [--out DIR] [--no-sanitizers] [--jobs N] [--quiet]\n"
          "Builds each chapter with your layer, runs its graded tests and writes\n"
          "report.json, results.json (Gradescope), junit.xml and report.html into --out.\n"
          "Exit status: 0 full marks, 1 otherwise, 2 if grading could not run.\n",
          f);
}

int main(int argc, char **argv)
{
    static const struct option longs[] = {
        {"root", required_argument, NULL, 'r'},      {"submission", required_argument, NULL, 's'},
        {"chapter", required_argument, NULL, 'c'},   {"stack", required_argument, NULL, 'k'},
        {"out", required_argument, NULL, 'o'},       {"no-sanitizers", no_argument, NULL, 'n'},
        {"jobs", required_argument, NULL, 'j'},      {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},            {NULL, 0, NULL, 0},
    };
    const char *root = ".", *submission = NULL, *out = NULL;
    PgGrade g;
    memset(&g, 0, sizeof g);
    g.started = pg_now();
    g.opt.stack = "ref";
    g.opt.sanitizers = 1;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    g.opt.jobs = cpus > 0 ? (int)cpus : 1;
    int c;
    while ((c = getopt_long(argc, argv, "r:s:c:k:o:nj:qh", longs, NULL)) != -1) {
        switch (c) {
        case 'r': root = optarg; break;
        case 's': submission = optarg; break;
        case 'c': g.opt.chapter = optarg; break;
        case 'k':
            if (strcmp(optarg, "mine") != 0 && strcmp(optarg, "ref") != 0) {
                usage(stderr);
                return 2;
            }
            g.opt.stack = optarg;
            break;
        case 'o': out = optarg; break;
        case 'n': g.opt.sanitizers = 0; break;
        case 'j': g.opt.jobs = atoi(optarg) > 0 ? atoi(optarg) : 1; break;
        case 'q': g.opt.quiet = 1; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind != argc) {
        usage(stderr);
        return 2;
    }
    g.opt.color = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;

    char *abs_root = absolute(root);
    if (abs_root == NULL) {
        fprintf(stderr, "pmgrade: no such folder: %s\n", root);
        return 2;
    }
    g.opt.root = abs_root;
    /* The defaults live in the root; paths given are taken as given. */
    char *sub_path = submission ? pg_strdup(submission) : pg_printf("%s/skeletons", abs_root);
    char *abs_sub = absolute(sub_path);
    g.opt.submission = abs_sub ? abs_sub : sub_path;
    char *out_path = out ? pg_strdup(out) : pg_printf("%s/build/grade", abs_root);
    if (pg_mkdirs(out_path) != 0) {
        fprintf(stderr, "pmgrade: cannot create %s: %s\n", out_path, strerror(errno));
        return 2;
    }
    char *abs_out = absolute(out_path);
    g.opt.out = abs_out ? abs_out : out_path;

    if (find_chapters(&g) != 0) {
        fprintf(stderr, "pmgrade: no chapters: %s/solutions is missing\n", g.opt.root);
        g.finished = 1;
        write_reports(&g);
        return 2;
    }
    if (g.nchapters == 0)
        fprintf(stderr, "pmgrade: no chapter matches '%s'\n", g.opt.chapter ? g.opt.chapter : "");

    /* A platform that kills a slow grader still finds a report. */
    write_reports(&g);
    if (!g.opt.quiet && !g.opt.sanitizers)
        printf("(sanitizers off: memory errors may go unnoticed)\n");
    for (size_t i = 0; i < g.nchapters; i++) {
        grade_chapter(&g, &g.chapters[i]);
        g.score += g.chapters[i].score;
        g.max_score += g.chapters[i].max_score;
        if (!g.opt.quiet)
            pg_print_chapter(&g, &g.chapters[i]);
        write_reports(&g);
    }
    g.finished = 1;
    write_reports(&g);
    pg_print_total(&g);
    /* A broken workbook is not a score: say so with status 2, never with
     * the 0 of full marks (0/0 would otherwise look perfect). */
    for (size_t i = 0; i < g.nchapters; i++)
        if (g.chapters[i].reference_broken)
            return 2;
    if (g.max_score == 0)
        return 2;
    return g.score == g.max_score ? 0 : 1;
}
