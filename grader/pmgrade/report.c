/* report.c - the grade in three forms: the table on the terminal (points
 * per test, per step, per chapter), report.json (everything the grader
 * knows), and results.json in Gradescope's autograder format.
 */
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

static void print_step_total(const PgGrade *g, const char *step, int score, int max)
{
    if (step == NULL || *step == '\0')
        return;
    printf("    %s%s: %d/%d%s\n", paint(g, BOLD), step, score, max, paint(g, RESET));
}

void pg_print_chapter(const PgGrade *g, const PgChapter *c)
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

    const char *step = NULL;
    int step_score = 0, step_max = 0;
    int build_failed = strcmp(c->build, "ok") != 0;
    for (size_t i = 0; i < c->ntests; i++) {
        const PgTest *t = &c->tests[i];
        if (step == NULL || strcmp(step, t->step ? t->step : "") != 0) {
            if (step != NULL)
                print_step_total(g, step, step_score, step_max);
            step = t->step ? t->step : "";
            step_score = step_max = 0;
        }
        step_score += t->points;
        step_max += t->max_points;
        int passed = strcmp(t->status, "passed") == 0;
        const char *colour = passed ? GREEN : strcmp(t->status, "not-written") == 0 ? YELLOW : RED;
        const char *mark = passed ? "PASS" : strcmp(t->status, "not-written") == 0 ? "TODO" : "FAIL";
        printf("  %s%s%s %-52s %3d/%-3d\n", paint(g, colour), mark, paint(g, RESET), t->name,
               t->points, t->max_points);
        /* After a failed build, one message for the whole chapter is enough. */
        if (passed || (build_failed && i > 0))
            continue;
        if (t->message != NULL) {
            printf("         %s: ", t->status);
            print_indented(t->message, "           ");
        }
        if (!build_failed) {
            if (t->hint != NULL && *t->hint)
                printf("         hint: %s\n", t->hint);
            if (t->section != NULL && *t->section)
                printf("         read: %s\n", t->section);
            if (t->heap_svg_mine != NULL)
                printf("         heap: %s%s%s%s\n", t->heap_svg_mine,
                       t->heap_svg_ref ? " (reference: " : "",
                       t->heap_svg_ref ? t->heap_svg_ref : "", t->heap_svg_ref ? ")" : "");
        }
    }
    if (step != NULL)
        print_step_total(g, step, step_score, step_max);
    printf("  %s%s: %d/%d%s\n\n", paint(g, BOLD), c->slug, c->score, c->max_score,
           paint(g, RESET));
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
            json_object_set_new(jt, "status", text(t->status));
            json_object_set_new(jt, "message", text(t->message));
            json_object_set_new(jt, "hint", text(t->hint));
            json_object_set_new(jt, "section", text(t->section));
            json_object_set_new(jt, "duration", json_real(t->duration));
            json_object_set_new(jt, "heap_svg_mine", text(t->heap_svg_mine));
            json_object_set_new(jt, "heap_svg_ref", text(t->heap_svg_ref));
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
static char *test_output(const PgTest *t)
{
    if (strcmp(t->status, "passed") == 0)
        return pg_strdup("passed");
    char *s = pg_printf("%s: %s", t->status, t->message ? t->message : "");
    if (t->hint != NULL && *t->hint) {
        char *more = pg_printf("%s\nhint: %s", s, t->hint);
        free(s);
        s = more;
    }
    if (t->section != NULL && *t->section) {
        char *more = pg_printf("%s\nread: %s", s, t->section);
        free(s);
        s = more;
    }
    return s;
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
        for (size_t k = 0; k < c->ntests; k++) {
            const PgTest *t = &c->tests[k];
            json_t *jt = json_object();
            char *name = pg_printf("%s: %s", c->slug, t->title ? t->title : t->name);
            char *output = test_output(t);
            json_object_set_new(jt, "name", text(name));
            json_object_set_new(jt, "score", json_integer(t->points));
            json_object_set_new(jt, "max_score", json_integer(t->max_points));
            json_object_set_new(jt, "status",
                                json_string(strcmp(t->status, "passed") == 0 ? "passed" : "failed"));
            json_object_set_new(jt, "output", text(output));
            json_object_set_new(jt, "visibility", json_string("visible"));
            json_array_append_new(tests, jt);
            free(name);
            free(output);
        }
    }
    json_object_set_new(root, "score", json_integer(g->score));
    json_object_set_new(root, "output", text(summary));
    json_object_set_new(root, "output_format", json_string("text"));
    json_object_set_new(root, "test_output_format", json_string("text"));
    json_object_set_new(root, "visibility", json_string("visible"));
    json_object_set_new(root, "execution_time", json_integer((json_int_t)(pg_now() - g->started + 0.5)));
    json_object_set_new(root, "tests", tests);
    free(summary);
    int rc = json_dump_file(root, path, JSON_INDENT(2));
    json_decref(root);
    return rc;
}
