/* report.c - the grade in three forms: the table on the terminal (points
 * per test, per step, per chapter), report.json (everything the grader
 * knows), and results.json in Gradescope's autograder format.
 */
#define _GNU_SOURCE /* strverscmp */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmgrade.h"

#define GREEN "\033[32m"
#define RED "\033[31m"
#define YELLOW "\033[33m"
#define BOLD "\033[1m"
#define RESET "\033[0m"

/* A step with more tests than this, none of them written yet, is one line. */
#define COLLAPSE_TODOS 8

static const char *paint(const PgGrade *g, const char *code)
{
    return g->opt.color ? code : "";
}

/* Print text with every line after the first indented by indent. */
static void print_indented(const char *text, const char *indent)
{
    for (const char *p = text; *p; p++) {
        putchar(*p);
        if (*p == '\n' && p[1] != '\0')
            fputs(indent, stdout);
    }
    putchar('\n');
}

/* The functions a step's "not written yet" tests stopped in, grouped by the
 * book section each one names: "Pm_IncRef, Pm_DecRef (chapters/..., Step 1)".
 * A test stops at the first unwritten function it reaches, which may belong
 * to an earlier step; naming it tells the learner what to write first. */
typedef struct {
    char *where; /* "chapters/01-refcount.md, Step 1", or "" */
    char *functions; /* "Pm_IncRef, Pm_DecRef" */
} Todo;

static void add_todo(Todo *todos, size_t *n, size_t cap, const PgTest *t)
{
    if (t->todo_function == NULL)
        return;
    const char *where = t->todo_section ? t->todo_section : "";
    const char *function = t->todo_function;
    size_t k = 0;
    while (k < *n && strcmp(todos[k].where, where) != 0)
        k++;
    if (k == *n) {
        if (*n == cap)
            return;
        todos[k].where = pg_strdup(where);
        todos[k].functions = pg_strdup(function);
        (*n)++;
        return;
    }
    /* Already listed under this section?  Match whole names only. */
    size_t flen = strlen(function);
    for (const char *p = todos[k].functions; (p = strstr(p, function)) != NULL; p += flen) {
        int starts = p == todos[k].functions || p[-1] == ' ';
        if (starts && (p[flen] == '\0' || p[flen] == ','))
            return;
    }
    char *joined = pg_printf("%s, %s", todos[k].functions, function);
    free(todos[k].functions);
    todos[k].functions = joined;
}

static int compare_todos(const void *a, const void *b)
{
    return strverscmp(((const Todo *)a)->where, ((const Todo *)b)->where);
}

/* The step's subtotal, then one line for all of its tests that stopped in
 * code not written yet (their own messages are in report.html). */
static void print_step_end(const PgGrade *g, const PgChapter *c, size_t first, size_t end)
{
    const char *step = c->tests[first].step;
    int score = 0, max = 0;
    enum { MAX_TODOS = 16 };
    Todo todos[MAX_TODOS];
    size_t ntodos = 0;
    for (size_t i = first; i < end; i++) {
        score += c->tests[i].points;
        max += c->tests[i].max_points;
        if (c->tests[i].status == PG_NOT_WRITTEN)
            add_todo(todos, &ntodos, MAX_TODOS, &c->tests[i]);
    }
    if (step != NULL && *step)
        printf("    %s%s: %d/%d%s\n", paint(g, BOLD), step, score, max, paint(g, RESET));
    if (ntodos == 0)
        return;
    qsort(todos, ntodos, sizeof *todos, compare_todos);
    /* "chapters/01-refcount.md, Step 1" reads "Step 1" inside its own chapter. */
    char *book = pg_printf("chapters/%s.md, ", c->slug);
    printf("      %snot written yet:%s ", paint(g, YELLOW), paint(g, RESET));
    for (size_t k = 0; k < ntodos; k++) {
        const char *where = todos[k].where;
        if (strncmp(where, book, strlen(book)) == 0)
            where += strlen(book);
        printf("%s%s", k ? "; " : "", todos[k].functions);
        if (*where)
            printf(" (%s)", where);
        free(todos[k].where);
        free(todos[k].functions);
    }
    putchar('\n');
    free(book);
}

/* The chapter's number, as `make debug CH=` takes it: "01" of "01-refcount". */
static int chapter_number_length(const char *slug)
{
    return (int)strcspn(slug, "-");
}

/* One failed test's explanation, under its row. */
static void print_failure(const PgChapter *c, const PgTest *t)
{
    if (t->message != NULL) {
        /* The FAIL mark already says "failed"; other statuses add a word
         * worth reading (crashed, timeout, memory-error...). */
        const char *name = pg_status_name(t->status);
        if (t->status == PG_FAILED || strncmp(t->message, name, strlen(name)) == 0)
            fputs("         ", stdout); /* not "crashed: crashed with..." */
        else
            printf("         %s: ", name);
        print_indented(t->message, "           ");
    }
    if (t->hint != NULL && *t->hint)
        printf("         hint: %s\n", t->hint);
    if (t->section != NULL && *t->section)
        printf("         read: %s\n", t->section);
    if (t->frame != NULL)
        printf("         where: %s%s\n", t->frame,
               t->sanitizer_report != NULL && t->status != PG_MEMORY_ERROR
                   ? " (from a run under AddressSanitizer)"
                   : "");
    if (t->heap_svg_mine != NULL)
        printf("         heap: %s%s%s%s\n", t->heap_svg_mine,
               t->heap_svg_ref ? " (reference: " : "", t->heap_svg_ref ? t->heap_svg_ref : "",
               t->heap_svg_ref ? ")" : "");
    if (pg_status_is_crash(t->status))
        printf("         debug: make debug CH=%.*s TEST=%s\n", chapter_number_length(c->slug),
               c->slug, t->name);
}

char *pg_hidden_summary(const PgChapter *c)
{
    int n = 0, passed = 0, points = 0, max = 0;
    for (size_t i = 0; i < c->ntests; i++) {
        if (!c->tests[i].hidden)
            continue;
        n++;
        passed += c->tests[i].status == PG_PASSED;
        points += c->tests[i].points;
        max += c->tests[i].max_points;
    }
    if (n == 0)
        return NULL;
    return pg_printf("hidden tests: %d of %d passed, %d/%d point%s", passed, n, points, max,
                     max == 1 ? "" : "s");
}

void pg_public_view(const PgChapter *c, PgChapter *view)
{
    *view = *c;
    view->tests = calloc(c->ntests ? c->ntests : 1, sizeof *view->tests);
    view->ntests = 0;
    view->score = view->max_score = 0;
    if (view->tests == NULL)
        return;
    for (size_t i = 0; i < c->ntests; i++)
        if (!c->tests[i].hidden) {
            view->tests[view->ntests++] = c->tests[i];
            view->score += c->tests[i].points;
            view->max_score += c->tests[i].max_points;
        }
}

static void print_public(const PgGrade *g, const PgChapter *c, int more);

/* The chapter's public tests one by one, its hidden ones as one line. */
void pg_print_chapter(const PgGrade *g, const PgChapter *c)
{
    char *hidden = pg_hidden_summary(c);
    if (hidden == NULL) {
        print_public(g, c, 0);
        return;
    }
    PgChapter view;
    pg_public_view(c, &view);
    print_public(g, &view, 1);
    free(view.tests);
    printf("  %s%s%s\n", paint(g, BOLD), hidden, paint(g, RESET));
    printf("  %s%s with hidden tests: %d/%d%s\n\n", paint(g, BOLD), c->slug, c->score, c->max_score,
           paint(g, RESET));
    free(hidden);
}

/* more: lines about the chapter follow (its hidden tests). */
static void print_public(const PgGrade *g, const PgChapter *c, int more)
{
    printf("%s%s%s", paint(g, BOLD), c->slug, paint(g, RESET));
    if (strcmp(c->build, "ok") != 0)
        printf("  %s(%s)%s", paint(g, RED), c->build, paint(g, RESET));
    putchar('\n');
    if (c->build_log != NULL && *c->build_log) {
        fputs("    ", stdout);
        print_indented(c->build_log, "    ");
    }
    if (c->note != NULL)
        printf("    note: %s\n", c->note);

    int build_failed = strcmp(c->build, "ok") != 0;
    if (build_failed) {
        /* Nothing ran: one line for the chapter, not one per test. */
        if (c->ntests > 0 && c->tests[0].message != NULL) {
            printf("         %s: ", pg_status_name(c->tests[0].status));
            print_indented(c->tests[0].message, "           ");
        }
        printf("  %sFAIL%s %3d/%-3d (%zu test%s; none could run, because %s)\n", paint(g, RED),
               paint(g, RESET), c->score, c->max_score, c->ntests, c->ntests == 1 ? "" : "s",
               strcmp(c->build, "refused") == 0 ? "the grader refused the code"
                                                : "the chapter does not build");
        printf("  %s%s: %d/%d%s\n%s", paint(g, BOLD), c->slug, c->score, c->max_score,
               paint(g, RESET), more ? "" : "\n");
        return;
    }
    const PgTest *next = NULL; /* the first test still to pass */
    const char *blame = NULL; /* the first step with a test that failed (not a TODO) */
    for (size_t first = 0, end; first < c->ntests; first = end) {
        /* One step at a time: tests [first, end) share a step. */
        const char *step = c->tests[first].step ? c->tests[first].step : "";
        size_t todo_count = 0;
        for (end = first; end < c->ntests; end++) {
            const char *s = c->tests[end].step ? c->tests[end].step : "";
            if (strcmp(s, step) != 0)
                break;
            todo_count += c->tests[end].status == PG_NOT_WRITTEN;
        }
        /* A long step not started yet is one line, not a page of TODOs. */
        if (todo_count == end - first && todo_count > COLLAPSE_TODOS) {
            if (next == NULL)
                next = &c->tests[first];
            int max = 0;
            for (size_t i = first; i < end; i++)
                max += c->tests[i].max_points;
            printf("  %sTODO%s %3d/%-3d (%zu tests; make list CH=%.*s names them)\n",
                   paint(g, YELLOW), paint(g, RESET), 0, max, todo_count,
                   chapter_number_length(c->slug), c->slug);
            print_step_end(g, c, first, end);
            continue;
        }
        size_t failing = 0;
        for (size_t i = first; i < end; i++)
            failing += c->tests[i].status != PG_PASSED;
        for (size_t i = first; i < end; i++) {
            const PgTest *t = &c->tests[i];
            int passed = t->status == PG_PASSED;
            int todo = t->status == PG_NOT_WRITTEN;
            if (!passed && next == NULL)
                next = t;
            const char *colour = passed ? GREEN : todo ? YELLOW : RED;
            const char *mark = passed ? "PASS" : todo ? "TODO" : "FAIL";
            printf("  %s%s%s %3d/%-3d %s\n", paint(g, colour), mark, paint(g, RESET), t->points,
                   t->max_points, t->name);
            /* Code not written yet is summed up once per step. */
            if (passed || todo)
                continue;
            print_failure(c, t);
        }
        print_step_end(g, c, first, end);
        if (failing > todo_count && blame != NULL && *step) {
            /* Named, and under this step's subtotal: said before the
             * step's tests, it read as a remark about the step above. */
            int blame_len = (int)strcspn(blame, ":"), step_len = (int)strcspn(step, ":");
            printf("      %s(%.*s still fails too: one bug there can fail tests of %.*s, so fix "
                   "%.*s first)%s\n",
                   paint(g, YELLOW), blame_len, blame, step_len, step, blame_len, blame,
                   paint(g, RESET));
        }
        if (failing > todo_count && blame == NULL)
            blame = step;
    }
    printf("  %s%s: %d/%d%s\n", paint(g, BOLD), c->slug, c->score, c->max_score, paint(g, RESET));
    if (next != NULL && next->step != NULL && *next->step) {
        printf("  next: %s", next->step);
        if (next->section != NULL && *next->section)
            printf(", read %s", next->section);
        putchar('\n');
    }
    if (!more)
        putchar('\n');
}

void pg_print_total(const PgGrade *g)
{
    const char *colour = g->score == g->max_score && g->max_score > 0 ? GREEN : YELLOW;
    printf("%sScore: %d/%d%s\n", paint(g, colour), g->score, g->max_score, paint(g, RESET));
    if (!g->opt.quiet)
        printf("Reports: %s/report.html (and report.json, results.json, junit.xml)\n", g->opt.out);
}

/* json_string that never fails on odd bytes: NULL becomes JSON null. */
static json_t *text(const char *s)
{
    if (s == NULL)
        return json_null();
    json_t *j = json_string(s);
    if (j == NULL) {
        char *clean = pg_clean_text(s);
        j = json_string(clean);
        free(clean);
    }
    return j ? j : json_null();
}

int pg_write_report_json(const PgGrade *g, const char *path)
{
    json_t *root = json_object();
    json_object_set_new(root, "version", json_integer(1));
    json_object_set_new(root, "status", json_string(g->finished ? "complete" : "in progress"));
    json_object_set_new(root, "submission", text(g->opt.submission));
    json_object_set_new(root, "stack", text(g->opt.stack));
    json_object_set_new(root, "sanitizers", json_boolean(g->opt.sanitizers));
    json_object_set_new(root, "sandbox", text(g->sandbox));
    json_object_set_new(root, "score", json_integer(g->score));
    json_object_set_new(root, "max_score", json_integer(g->max_score));
    json_t *chapters = json_array();
    for (size_t i = 0; i < g->nchapters; i++) {
        const PgChapter *c = &g->chapters[i];
        if (c->build == NULL)
            continue; /* not graded yet */
        json_t *jc = json_object();
        json_object_set_new(jc, "chapter", text(c->slug));
        json_object_set_new(jc, "score", json_integer(c->score));
        json_object_set_new(jc, "max_score", json_integer(c->max_score));
        json_object_set_new(jc, "build", text(c->build));
        json_object_set_new(jc, "build_log", text(c->build_log ? c->build_log : ""));
        if (c->note != NULL)
            json_object_set_new(jc, "note", text(c->note));
        json_object_set_new(jc, "time", json_real(c->time));
        json_t *tests = json_array();
        for (size_t k = 0; k < c->ntests; k++) {
            const PgTest *t = &c->tests[k];
            json_t *jt = json_object();
            json_object_set_new(jt, "name", text(t->name));
            json_object_set_new(jt, "title", text(t->title));
            json_object_set_new(jt, "step", text(t->step));
            json_object_set_new(jt, "kind", text(t->kind));
            json_object_set_new(jt, "points", json_integer(t->points));
            json_object_set_new(jt, "max_points", json_integer(t->max_points));
            json_object_set_new(jt, "status", text(pg_status_name(t->status)));
            json_object_set_new(jt, "message", text(t->message));
            json_object_set_new(jt, "hint", text(t->hint));
            json_object_set_new(jt, "section", text(t->section));
            json_object_set_new(jt, "duration", json_real(t->duration));
            if (t->status == PG_TIMEOUT)
                json_object_set_new(jt, "stopped_early", json_boolean(t->stopped_early));
            json_object_set_new(jt, "frame", text(t->frame));
            json_object_set_new(jt, "sanitizer_report", text(t->sanitizer_report));
            json_object_set_new(jt, "heap_svg_mine", text(t->heap_svg_mine));
            json_object_set_new(jt, "heap_svg_ref", text(t->heap_svg_ref));
            json_object_set_new(jt, "hidden", json_boolean(t->hidden));
            json_object_set_new(jt, "visibility", text(t->visibility ? t->visibility : "visible"));
            json_array_append_new(tests, jt);
        }
        json_object_set_new(jc, "tests", tests);
        json_array_append_new(chapters, jc);
    }
    json_object_set_new(root, "chapters", chapters);
    int rc = json_dump_file(root, path, JSON_INDENT(2));
    json_decref(root);
    return rc;
}

/* The feedback for one test, as Gradescope shows it. */
static char *test_output(const char *slug, const PgTest *t)
{
    if (t->status == PG_PASSED)
        return pg_printf("passed (%s)", t->name);
    /* "failed" and "not-written" would only repeat what the message says. */
    const char *status = pg_status_name(t->status);
    int plain = t->status == PG_FAILED || t->status == PG_NOT_WRITTEN;
    char *s = plain ? pg_printf("%s", t->message ? t->message : status)
                    : pg_printf("%s: %s", status, t->message ? t->message : "");
    if (t->hint != NULL && *t->hint) {
        char *more = pg_printf("%s\nhint: %s", s, t->hint);
        free(s);
        s = more;
    }
    if (t->frame != NULL) {
        char *more = pg_printf("%s\nwhere: %s", s, t->frame);
        free(s);
        s = more;
    }
    if (t->section != NULL && *t->section) {
        char *more = pg_printf("%s\nread: %s", s, t->section);
        free(s);
        s = more;
    }
    if (t->hidden)
        return s; /* the learner has no such test to debug */
    char *more = pg_printf("%s\ntest: %s (run it alone: make debug CH=%.*s TEST=%s)", s, t->name,
                           chapter_number_length(slug), slug, t->name);
    free(s);
    return more;
}

int pg_write_results_json(const PgGrade *g, const char *path)
{
    json_t *root = json_object();
    json_t *tests = json_array();
    char *summary = g->finished ? pg_printf("Score: %d/%d", g->score, g->max_score)
                                : pg_strdup("Grading did not finish: the grader was stopped "
                                            "before it could grade every chapter.");
    for (size_t i = 0; i < g->nchapters; i++) {
        const PgChapter *c = &g->chapters[i];
        if (c->build == NULL)
            continue;
        char *line;
        if (strcmp(c->build, "ok") != 0)
            line = pg_printf("%s\n%s: %d/%d (%s)\n%s", summary, c->slug, c->score, c->max_score,
                             c->build, c->build_log ? c->build_log : "");
        else
            line = pg_printf("%s\n%s: %d/%d", summary, c->slug, c->score, c->max_score);
        free(summary);
        summary = line;
        char *hidden = pg_hidden_summary(c);
        if (hidden != NULL) {
            line = pg_printf("%s (%s)", summary, hidden);
            free(summary);
            summary = line;
            free(hidden);
        }
        for (size_t k = 0; k < c->ntests; k++) {
            const PgTest *t = &c->tests[k];
            json_t *jt = json_object();
            char *name = pg_printf("%s: %s%s", c->slug, t->hidden ? "(hidden) " : "",
                                   t->title ? t->title : t->name);
            char *number = pg_printf("%.*s.%zu", chapter_number_length(c->slug), c->slug, k + 1);
            char *output = test_output(c->slug, t);
            json_object_set_new(jt, "name", text(name));
            json_object_set_new(jt, "number", text(number));
            json_object_set_new(jt, "score", json_integer(t->points));
            json_object_set_new(jt, "max_score", json_integer(t->max_points));
            json_object_set_new(jt, "status",
                                json_string(t->status == PG_PASSED ? "passed" : "failed"));
            json_object_set_new(jt, "output", text(output));
            json_object_set_new(jt, "visibility", text(t->visibility ? t->visibility : "visible"));
            json_array_append_new(tests, jt);
            free(name);
            free(number);
            free(output);
        }
    }
    json_object_set_new(root, "score", json_integer(g->score));
    json_object_set_new(root, "output", text(summary));
    json_object_set_new(root, "output_format", json_string("text"));
    json_object_set_new(root, "test_output_format", json_string("text"));
    json_object_set_new(root, "visibility", json_string("visible"));
    json_object_set_new(root, "stdout_visibility", json_string("hidden"));
    json_object_set_new(root, "execution_time",
                        json_integer((json_int_t)(pg_now() - g->started + 0.5)));
    json_object_set_new(root, "tests", tests);
    free(summary);
    int rc = json_dump_file(root, path, JSON_INDENT(2));
    json_decref(root);
    return rc;
}
