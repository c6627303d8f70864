/* pmgrade.h - the grader's types (options, chapters, tests, how a test
 * ended) and what each part of the grader offers the others.
 *
 * Who calls whom, from the bottom up:
 *   util.c      helpers (memory, strings, files); calls nothing here
 *   chapter_conf.c  reads a chapter's chapter.conf; calls nothing here
 *   proc.c      starts, limits and reaps processes
 *   classify.c  explains how one test run ended (status and message)
 *   build.c     builds a chapter's suite with make (uses proc.c)
 *   report.c, junit.c, html.c   write the reports from a finished PgGrade
 *   grade.c     grades one chapter, step by step (uses all of the above)
 *   pmgrade.c   main(): options, the chapters, the reports after each one
 */
#ifndef PMGRADE_H
#define PMGRADE_H

#include <stddef.h>
#include <sys/types.h>

#include "chapter_conf.h"
#include "pmlimits.h"
#include "util.h"

/* Limits of the grader's own steps, in seconds. */
#define PG_BUILD_LIMIT 300.0
#define PG_LIST_LIMIT 10.0
#define PG_TEST_LIMIT 30.0

/* How a test ended.  The names (pg_status_name) appear in every report. */
typedef enum {
    PG_PASSED,
    PG_FAILED,            /* a check did not hold */
    PG_NOT_WRITTEN,       /* it reached a function the learner has not written */
    PG_BUILD_ERROR,       /* the chapter did not build: nothing ran */
    PG_CRASHED,           /* a signal, or the test program ended without a result */
    PG_TIMEOUT,
    PG_STACK_OVERFLOW,
    PG_OUT_OF_MEMORY,
    PG_MEMORY_ERROR,      /* a sanitizer's report */
    PG_NEGATIVE_REFCOUNT,
    PG_EARLY_EXIT,        /* the code under test ended the process */
    PG_OUTPUT_FLOOD,
    PG_ABORTED,
    PG_STATUS_COUNT
} PgStatus;

/* "passed", "failed", "not-written", ... */
const char *pg_status_name(PgStatus status);
/* Statuses other than a result: the test died (crash, timeout, ...); the
 * reports call these errors and suggest make debug. */
int pg_status_is_crash(PgStatus status);

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
    PgStatus status;
    char *message;      /* why it failed, NULL if passed */
    /* PG_NOT_WRITTEN: the function the test stopped in and the book
     * section that explains it ("chapters/01-refcount.md, Step 1"). */
    char *todo_function, *todo_section;
    int under_sanitizers; /* the status comes from the sanitizer build */
    /* A crash or a sanitizer's report: the frame it points to ("list_dealloc
     * (refcount.c:214)") and the report itself, or NULL. */
    char *frame, *sanitizer_report;
    /* A timeout that is not its neighbours' doing (it had the CPU, or it
     * was stopped in a function known to loop): it is not run again. */
    int looped;
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

/* ---- proc.c: processes ---- */
typedef struct PgProc {
    char **argv;           /* argv[0] is searched in PATH */
    char **env;            /* "NAME=value" to set, "NAME" to unset; NULL-terminated or NULL */
    const char *out_path;  /* stdout goes here (NULL: /dev/null) */
    const char *err_path;  /* stderr goes here (NULL: same as stdout) */
    double limit;          /* wall-clock seconds before SIGKILL of the group */
    /* Asked a few times a second while the process runs, if set: nonzero
     * stops it now (timed_out and stopped_early are then set). */
    int (*watch)(struct PgProc *p);
    /* filled in */
    pid_t pid;
    double started, elapsed;
    int running, done;
    int exited, code;      /* exited normally with code */
    int signaled, sig;     /* killed by signal sig */
    int timed_out;         /* killed by us at the limit */
    int stopped_early;     /* killed by us because watch said so */
    double watched_at;
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

/* ---- classify.c: how a test ended ---- */
/* What a finished test run looked like, as read from its files. */
typedef struct {
    const char *test_name;
    const char *xml_path, *err_path;
    const char *learner_dir; /* the learner's chapter folder, to find their stack frames */
    double check_timeout;    /* Check's timeout for this run, in seconds */
    const PgProc *proc;
} PgRunInput;

typedef struct {
    PgStatus status;
    char *message;          /* malloc'd; NULL if passed */
    char *todo_function;    /* PG_NOT_WRITTEN only, malloc'd */
    char *todo_section;
    char *frame;            /* where a sanitizer's stack points, malloc'd or NULL */
    char *sanitizer_report; /* that report (its first lines), malloc'd or NULL */
    double duration;
} PgVerdict;

/* Classify one run into *v (whose strings the caller frees). */
void pg_classify(const PgRunInput *in, PgVerdict *v);

/* ---- loops.c: where a test that would not end was running ---- */
typedef struct PgLoops PgLoops;
typedef struct {
    char *where; /* "fn (file.c:N)", the learner's frame at the last sample; malloc'd or NULL */
    int samples; /* stack samples the test printed: its CPU time (pg_loops_cpu_seconds) */
    int stuck;   /* the last two samples are in the same function */
} PgLoopSample;
/* suite: the test program; learner_dir: the learner's chapter folder;
 * scratch_dir: a folder for addr2line's output. */
PgLoops *pg_loops_new(const char *suite, const char *learner_dir, const char *scratch_dir);
void pg_loops_free(PgLoops *l);
/* Where the test whose stderr is err_path was at its last samples. */
PgLoopSample pg_loops_where(PgLoops *l, const char *err_path);
double pg_loops_cpu_seconds(int samples);
/* where's function never returned in test, which ran for seconds. */
void pg_loops_note(PgLoops *l, const char *where, const char *test, double seconds);
int pg_loops_have(const PgLoops *l);
/* If where is in the function known to loop: its name, and the test that
 * showed it (and for how long); else NULL. */
const char *pg_loops_known(const PgLoops *l, const char *where, const char **test,
                           double *seconds);

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

/* ---- grade.c ---- */
/* Grade one chapter: build, list, run, run again under the sanitizers,
 * explain, score.  Always fills in every test of the chapter. */
void pg_grade_chapter(PgGrade *g, PgChapter *c);

/* ---- report.c ---- */
void pg_print_chapter(const PgGrade *g, const PgChapter *c);
void pg_print_total(const PgGrade *g);
int pg_write_report_json(const PgGrade *g, const char *path);
int pg_write_results_json(const PgGrade *g, const char *path);
/* ---- junit.c, html.c ---- */
int pg_write_junit(const PgGrade *g, const char *path);
int pg_write_html(const PgGrade *g, const char *path);

#endif /* PMGRADE_H */
