/* report_test.c - the terminal table's advice, over made-up chapters: the
 * "next:" line names the first step with a test still to pass, and the
 * "(Step N still fails too ...)" note appears only under a later step with
 * a real failure, after an earlier step that really failed (not one whose
 * tests only wait for code not written yet), and names that earlier step.
 *
 * Usage: report_test.  Prints one line per case, exits 1 if any fails.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../pmgrade.h"

/* One test per letter of marks: P passed, F failed, T not written yet;
 * a digit before a run of marks starts the step of that number. */
static PgChapter chapter(const char *plan)
{
    static PgTest tests[64];
    static char names[64][16], steps[64][16];
    PgChapter c = {.slug = "09-example", .build = "ok", .tests = tests};
    int step = 1;
    memset(tests, 0, sizeof tests);
    for (const char *p = plan; *p && c.ntests < 64; p++) {
        if (*p >= '1' && *p <= '9') {
            step = *p - '0';
            continue;
        }
        PgTest *t = &tests[c.ntests];
        snprintf(names[c.ntests], sizeof names[0], "test_%zu", c.ntests);
        snprintf(steps[c.ntests], sizeof steps[0], "Step %d: S%d", step, step);
        t->name = names[c.ntests];
        t->step = steps[c.ntests];
        t->max_points = 1;
        t->status = *p == 'P' ? PG_PASSED : *p == 'F' ? PG_FAILED : PG_NOT_WRITTEN;
        t->points = *p == 'P';
        if (*p == 'F')
            t->message = "a check did not hold";
        c.score += t->points;
        c.max_score += 1;
        c.ntests++;
    }
    return c;
}

/* What pg_print_chapter prints for plan. */
static char *printed(const char *plan)
{
    PgGrade g = {0};
    PgChapter c = chapter(plan);
    fflush(stdout);
    FILE *f = tmpfile();
    int saved = dup(STDOUT_FILENO);
    if (f == NULL || saved < 0 || dup2(fileno(f), STDOUT_FILENO) < 0) {
        fprintf(stderr, "report_test: cannot capture stdout\n");
        exit(2);
    }
    pg_print_chapter(&g, &c);
    fflush(stdout);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    long n = ftell(f);
    char *text = calloc(1, (size_t)n + 1);
    rewind(f);
    if (text == NULL || fread(text, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "report_test: cannot read what was printed\n");
        exit(2);
    }
    fclose(f);
    return text;
}

static int failures;

/* plan printed must contain every string of want[] and none of avoid[]. */
static void check(const char *what, const char *plan, const char *const want[],
                  const char *const avoid[])
{
    char *text = printed(plan);
    const char *bad = NULL;
    int missing = 0;
    for (int i = 0; want[i] != NULL && bad == NULL; i++)
        if (strstr(text, want[i]) == NULL)
            bad = want[i], missing = 1;
    for (int i = 0; avoid[i] != NULL && bad == NULL; i++)
        if (strstr(text, avoid[i]) != NULL)
            bad = avoid[i];
    if (bad == NULL) {
        printf("ok   %s\n", what);
    } else {
        printf("FAIL %s: the table %s \"%s\":\n%s", what, missing ? "lacks" : "has", bad, text);
        failures++;
    }
    free(text);
}

int main(void)
{
    check("next: the first step with a test to write, after steps that pass", "1PP2PP3TT4TT",
          (const char *const[]){"next: Step 3: S3", NULL},
          (const char *const[]){"still fails too", NULL});
    check("next: a failing step before the steps still to write", "1PP2PF3TT4TT",
          (const char *const[]){"next: Step 2: S2", NULL},
          (const char *const[]){"still fails too", NULL});
    check("the note names the earlier step that fails, under the later one", "1PP2PF3PF4TT",
          (const char *const[]){"(Step 2 still fails too: one bug there can fail tests of Step 3, "
                                "so fix Step 2 first)",
                                "next: Step 2: S2", NULL},
          (const char *const[]){"Step 4 still fails", NULL});
    check("no note after a step whose tests only wait for code not written yet", "1PP2PT3PF",
          (const char *const[]){"next: Step 2: S2", NULL},
          (const char *const[]){"still fails too", NULL});
    check("no note under a later step with only TODOs", "1PF2TT3TT",
          (const char *const[]){"next: Step 1: S1", NULL},
          (const char *const[]){"still fails too", NULL});
    check("full marks: no next", "1PP2PP", (const char *const[]){"09-example: 4/4", NULL},
          (const char *const[]){"next:", "still fails too", NULL});
    printf("%d of 6 cases right\n", 6 - failures);
    return failures != 0;
}
