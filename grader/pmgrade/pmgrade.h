/* pmgrade.h - the grader's shared types: options, chapters, tests, and the
 * functions each part of the grader offers the others.
 *
 * pmgrade.c runs the show; build.c builds suites with make; run.c controls
 * processes and explains how a test ended; report.c writes the terminal
 * table, report.json and Gradescope's results.json; junit.c and html.c the
 * other two reports.
 */
#ifndef PMGRADE_H
#define PMGRADE_H

#include <stddef.h>
#include <sys/types.h>

#include "chapter_conf.h"

/* Limits, in seconds. */
#define PG_BUILD_LIMIT 300.0
#define PG_LIST_LIMIT 10.0
#define PG_TEST_LIMIT 30.0
#define PG_CHECK_TIMEOUT 5.0     /* what pmtest.c gives each unit test */
#define PG_SCENARIO_TIMEOUT 10.0 /* ... and each scenario test */
#define PG_ASAN_SLOWDOWN 2   /* the sanitizer build gets this many times longer */
#define PG_CPU_LIMIT 10      /* RLIMIT_CPU set by pmtest.c */

typedef struct {
    const char *root;       /* absolute */
    const char *submission; /* absolute */
    const char *out;        /* absolute */
    const char *chapter;    /* prefix filter, or NULL */
    const char *stack;      /* "ref" or "mine" */
    int sanitizers;
    int jobs;
    int quiet;
    int color;    /* colour and progress line on the terminal */
} PgOptions;

typedef struct {
    char *name, *title, *step, *hint, *section, *kind;
    int max_points;
    int points;
    const char *status; /* "passed", "failed", "crashed", ... (static strings) */
    char *message;      /* why it failed, NULL if passed */
    double duration;
    char *heap_svg_mine, *heap_svg_ref; /* paths of the divergence pictures */
} PgTest;

typedef struct {
    char *slug;         /* "01-refcount" */
    const char *build;  /* "ok", "compile-error", "link-error", "missing" */
    char *build_log;    /* first lines of the compiler's messages */
    char *note;         /* anything else worth saying about the chapter */
    PgTest *tests;
    size_t ntests;
    int score, max_score;
    int reference_broken; /* the reference build of the suite failed too */
    PgChapterConf conf;   /* its chapter.conf: variants, timeouts */
    double time;
} PgChapter;

typedef struct {
    PgOptions opt;
    PgChapter *chapters;
    size_t nchapters;
    int score, max_score;
    double started;
    int finished;
} PgGrade;

/* ---- run.c: processes ---- */
typedef struct {
    char **argv;           /* argv[0] is searched in PATH */
    char **env;            /* "NAME=value" to set, "NAME" to unset; NULL-terminated or NULL */
    const char *out_path;  /* stdout goes here (NULL: /dev/null) */
    const char *err_path;  /* stderr goes here (NULL: same as stdout) */
    double limit;          /* wall-clock seconds before SIGKILL of the group */
    /* filled in */
    pid_t pid;
    double started, elapsed;
    int running, done;
    int exited, code;      /* exited normally with code */
    int signaled, sig;     /* killed by signal sig */
    int timed_out;         /* killed by us at the limit */
    int spawn_failed;
    void *user;
} PgProc;

/* Run every process, at most jobs at a time; on_done is called as each one
 * ends (from this thread). */
void pg_run_procs(PgProc **procs, size_t n, int jobs,
                  void (*on_done)(PgProc *p, size_t finished, size_t total, void *arg),
                  void *arg);
/* Run one process to its end. */
void pg_run_proc(PgProc *p);
double pg_now(void);

/* What a finished test run looked like, as read from its files. */
typedef struct {
    const char *test_name;
    const char *xml_path, *err_path;
    const char *learner_dir; /* the learner's chapter folder, to find their stack frames */
    double check_timeout;    /* Check's timeout for this run, in seconds */
    const PgProc *proc;
} PgRunInput;

/* Classify one run: the status word, the message (malloc'd, NULL if passed)
 * and the duration. */
void pg_classify(const PgRunInput *in, const char **status, char **message, double *duration);

/* ---- build.c ---- */
/* Build the suite of one chapter (variant "rel" or "asan") into out_dir,
 * with the learner's chapter taken from submission.  Returns 0 on success;
 * otherwise *build is "compile-error" or "link-error", *log the first lines
 * of the compiler's messages and *message a one-line explanation. */
int pg_build_suite(const PgOptions *o, const char *slug, const char *submission,
                   const char *variant, const char *out_dir, const char *log_path,
                   const char **build, char **log, char **message);
/* make pmrun-ref, once; 0 when the reference pmrun is there. */
int pg_build_pmrun_ref(const PgOptions *o);

/* ---- report.c ---- */
void pg_print_chapter(const PgGrade *g, const PgChapter *c);
void pg_print_total(const PgGrade *g);
int pg_write_report_json(const PgGrade *g, const char *path);
int pg_write_results_json(const PgGrade *g, const char *path);
/* ---- junit.c, html.c ---- */
int pg_write_junit(const PgGrade *g, const char *path);
int pg_write_html(const PgGrade *g, const char *path);

/* ---- shared helpers (pmgrade.c) ---- */
void *pg_malloc(size_t size);
char *pg_strdup(const char *s);     /* NULL stays NULL */
char *pg_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A copy that is valid UTF-8 with no control characters except \n and \t,
 * so that JSON and XML writers accept it. */
char *pg_clean_text(const char *s);
/* The first max_bytes of a file (NUL-terminated), NULL if unreadable. */
char *pg_read_file(const char *path, size_t max_bytes);
int pg_mkdirs(const char *path);
int pg_is_crash_status(const char *status);
/* The anchor of a section ("chapters/01-refcount.md#step-1" -> "step-1";
 * "Step 1: counting" -> "step-1-counting"), malloc'd. */
char *pg_section_anchor(const char *section);

#endif /* PMGRADE_H */
