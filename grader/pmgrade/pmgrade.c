/* pmgrade.c - the grader's main(): read the options, find the chapters,
 * grade each one (grade.c) and write every report after each chapter
 * (terminal, JSON, Gradescope, JUnit, HTML).  It never gives up half-way:
 * every report is always written.
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
 * main.
 * ------------------------------------------------------------------------ */

static int compare_strings(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Is chapter slug among the chosen ones ("01", "01-refcount" or
 * "01,03": each a prefix of a slug)? */
static int chapter_chosen(const char *chosen, const char *slug)
{
    for (const char *p = chosen; *p != '\0'; p += strcspn(p, ",")) {
        p += strspn(p, ", ");
        size_t n = strcspn(p, ", ");
        if (n > 0 && strncmp(slug, p, n) == 0)
            return 1;
    }
    return 0;
}

/* The chapters: folders named NN-slug of solutions/ (of grader/suites/ in
 * a handout), sorted. */
static int find_chapters(PgGrade *g)
{
    char *dir = pg_chapters_dir(&g->opt);
    DIR *d = opendir(dir);
    if (d == NULL) {
        free(dir);
        return -1;
    }
    size_t cap = 16, n = 0;
    char **names = pg_malloc(cap * sizeof *names);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        const char *s = e->d_name;
        if (!(isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) && s[2] == '-'))
            continue;
        if (g->opt.chapter != NULL && !chapter_chosen(g->opt.chapter, s))
            continue;
        char *path = pg_printf("%s/%s", dir, s);
        int ok = pg_is_dir(path);
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
    free(dir);
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
          "               [--out DIR] [--no-sanitizers] [--no-sandbox | --no-namespaces]\n"
          "               [--jobs N] [--quiet] [--tests NAME,NAME...] [--reference DIR]\n"
          "               [--hidden DIR] [--one-sandbox-per-test]\n"
          "Builds each chapter with your layer, runs its graded tests and writes\n"
          "report.json, results.json (Gradescope), junit.xml and report.html into --out.\n"
          "--no-namespaces grades as a machine without user namespaces would (to try\n"
          "the fallback); --no-sandbox runs the tests unconfined (to debug the grader);\n"
          "--tests grades the named tests alone (how the self-test checks a mutant);\n"
          "--hidden adds an instructor's hidden tests, DIR/NN-slug/ (summarised, not\n"
          "detailed, in the terminal's, the HTML and the JUnit reports).\n"
          "--chapter 01,03 grades those chapters; --reference DIR takes the list of tests\n"
          "from DIR/NN-slug/suite, a reference suite built once for a whole class.\n"
          "--one-sandbox-per-test starts a sandbox and the suite for every test (the\n"
          "default starts one per job and hands it the tests one at a time, each in a\n"
          "process of its own: the same confinement, a fraction of the start-up).\n"
          "Exit status: 0 full marks, 1 otherwise, 2 if grading could not run.\n",
          f);
}

int main(int argc, char **argv)
{
    static const struct option longs[] = {
        {"root", required_argument, NULL, 'r'},
        {"submission", required_argument, NULL, 's'},
        {"chapter", required_argument, NULL, 'c'},
        {"stack", required_argument, NULL, 'k'},
        {"out", required_argument, NULL, 'o'},
        {"no-sanitizers", no_argument, NULL, 'n'},
        {"one-sandbox-per-test", no_argument, NULL, 'P'},
        {"jobs", required_argument, NULL, 'j'},
        {"quiet", no_argument, NULL, 'q'},
        {"no-sandbox", no_argument, NULL, 'x'},
        {"tests", required_argument, NULL, 't'},
        {"no-namespaces", no_argument, NULL, 'N'},
        {"hidden", required_argument, NULL, 'H'},
        {"reference", required_argument, NULL, 'R'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *root = ".", *submission = NULL, *out = NULL, *hidden = NULL;
    PgGrade g;
    memset(&g, 0, sizeof g);
    g.started = pg_now();
    g.opt.stack = "ref";
    g.opt.sanitizers = 1;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    g.opt.jobs = cpus > 0 ? (int)cpus : 1;
    int c;
    int sandbox = 1;
    while ((c = getopt_long(argc, argv, "r:s:c:k:o:nj:qxNht:H:R:P", longs, NULL)) != -1) {
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
        case 'x': sandbox = 0; break;
        case 't': g.opt.tests = optarg; break;
        case 'N': sandbox = 2; break;
        case 'H': hidden = optarg; break;
        case 'R': g.opt.reference = optarg; break;
        case 'P': g.opt.one_sandbox_per_test = 1; break;
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
    if (hidden != NULL) {
        /* Taken as given (not from the root), and never half-used: a
         * folder that is not there is a mistake, not "no hidden tests". */
        g.opt.hidden = absolute(hidden);
        if (g.opt.hidden == NULL || !pg_is_dir(g.opt.hidden)) {
            fprintf(stderr, "pmgrade: --hidden %s: no such folder\n", hidden);
            return 2;
        }
    }
    char *out_path = out ? pg_strdup(out) : pg_printf("%s/build/grade", abs_root);
    if (pg_mkdirs(out_path) != 0) {
        fprintf(stderr, "pmgrade: cannot create %s: %s\n", out_path, strerror(errno));
        return 2;
    }
    char *abs_out = absolute(out_path);
    g.opt.out = abs_out ? abs_out : out_path;

    pg_sandbox_init(sandbox);
    g.sandbox = pg_sandbox()->description;
    /* A weaker sandbox than the usual is worth a line on the terminal. */
    if (!g.opt.quiet && !pg_sandbox()->use_bwrap)
        printf("(sandbox: %s)\n", g.sandbox);
    if (find_chapters(&g) != 0) {
        fprintf(stderr, "pmgrade: no chapters: %s/solutions and %s/grader/suites are missing\n",
                g.opt.root, g.opt.root);
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
        pg_grade_chapter(&g, &g.chapters[i]);
        g.score += g.chapters[i].score;
        g.max_score += g.chapters[i].max_score;
        if (!g.opt.quiet)
            pg_print_chapter(&g, &g.chapters[i]);
        double written = pg_now();
        write_reports(&g);
        pg_profile("reports", g.chapters[i].slug, written);
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
