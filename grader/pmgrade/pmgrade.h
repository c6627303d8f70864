/* pmgrade.h - the grader's types (options, chapters, tests, how a test
 * ended) and what each part of the grader offers the others.
 *
 * Who calls whom, from the bottom up:
 *   util.c      helpers (memory, strings, files); calls nothing here
 *   chapter_conf.c  reads a chapter's chapter.conf; calls nothing here
 *   sandbox.c   confines the learner's processes (user, namespaces,
 *               seccomp, rlimits) and cleans up after them
 *   proc.c      starts, limits and reaps processes
 *   inspect.c   reads the learner's objects before they are linked
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
    PG_FAILED, /* a check did not hold */
    PG_NOT_WRITTEN, /* it reached a function the learner has not written */
    PG_BUILD_ERROR, /* the chapter did not build: nothing ran */
    PG_CRASHED, /* a signal, or the test program ended without a result */
    PG_TIMEOUT,
    PG_STACK_OVERFLOW,
    PG_OUT_OF_MEMORY,
    PG_MEMORY_ERROR, /* a sanitizer's report */
    PG_NEGATIVE_REFCOUNT,
    PG_EARLY_EXIT, /* the code under test ended the process */
    PG_OUTPUT_FLOOD,
    PG_ABORTED,
    PG_FILE_TOO_LARGE, /* stopped for writing a file over the size limit */
    PG_REFUSED, /* the code broke the grader's rules: nothing ran */
    PG_STATUS_COUNT
} PgStatus;

/* "passed", "failed", "not-written", ... */
const char *pg_status_name(PgStatus status);
/* Statuses other than a result: the test died (crash, timeout, ...); the
 * reports call these errors and suggest make debug. */
int pg_status_is_crash(PgStatus status);

typedef struct {
    const char *root; /* absolute */
    const char *submission; /* absolute */
    const char *out; /* absolute */
    const char *chapter; /* prefix filter, or NULL; several separated by commas */
    const char *tests; /* only these tests (names separated by spaces or commas:
                             * the self-test's mutants), or NULL for all */
    const char *stack; /* "ref" or "mine" */
    const char *hidden; /* absolute: an instructor's hidden tests, hidden/NN-slug/ (NULL: none) */
    const char *reference; /* prebuilt reference suites (DIR/NN-slug/suite), or NULL */
    int sanitizers;
    int jobs;
    int quiet;
    int color; /* colour and progress line on the terminal */
    int one_sandbox_per_test; /* start a sandbox for every test, not one per job */
} PgOptions;

typedef struct {
    char *name, *title, *step, *hint, *section, *kind;
    int max_points;
    int points;
    PgStatus status;
    char *message; /* why it failed, NULL if passed */
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
    /* A timeout that was not waited out: stopped in the function another
     * test showed to loop. */
    int stopped_early;
    double duration;
    char *heap_svg_mine, *heap_svg_ref; /* paths of the divergence pictures */
    int hidden; /* an instructor's hidden test: a learner sees only a count */
    char *visibility; /* Gradescope's: "visible", or a hidden test's "after_due_date"... */
    /* Tests of one group are the same code under the sanitizers: the first
     * that passed runs there for all (pm_set_sanitizer_group), NULL if none. */
    char *sanitizer_group;
    /* Check's timeout for this test before any multiplier, from the
     * reference's list of tests (pm_set_timeout); 0 if the list gives none. */
    double timeout;
} PgTest;

typedef struct {
    char *slug; /* "01-refcount" */
    const char *build; /* "ok", "compile-error", "link-error", "missing", "refused" */
    char *build_log; /* first lines of the compiler's messages */
    char *note; /* anything else worth saying about the chapter */
    PgTest *tests;
    size_t ntests;
    int score, max_score;
    int reference_broken; /* the reference build of the suite failed too */
    PgChapterConf conf; /* its chapter.conf: variants, timeouts */
    int strays; /* processes the tests left running, killed */
    double time;
} PgChapter;

typedef struct {
    PgOptions opt;
    PgChapter *chapters;
    size_t nchapters;
    int score, max_score;
    double started;
    int finished;
    const char *sandbox; /* what confined the learner's code, in words */
} PgGrade;

/* ---- sandbox.c ---- */
/* The user the learner's processes run as when the grader is root: one of
 * their own per grader (this base plus the grader's PID), so that killing
 * every process of that user after a chapter touches no other grade.  No
 * account needs to exist: nothing belongs to it but the scratch folders. */
#define PG_SANDBOX_UID_BASE 1000000
#define PG_SANDBOX_PATHS 6

typedef struct {
    int enabled;
    int drop; /* root: switch to uid/gid */
    uid_t uid;
    gid_t gid;
    int use_bwrap; /* user namespaces work: bubblewrap */
    char *description; /* what confines the tests here, for the report */
} PgSandbox;

/* How one sandboxed process runs. */
typedef struct {
    const char *workdir; /* its working folder (writable) */
    const char *writable[PG_SANDBOX_PATHS]; /* NULL-terminated: bound writable */
    const char *readable[PG_SANDBOX_PATHS]; /* shown read-only (even under /tmp) */
    const char *hidden[PG_SANDBOX_PATHS]; /* then replaced by an empty folder */
    long cpu_seconds, file_bytes, address_bytes, processes; /* 0: not limited */
} PgSandboxRun;

/* enabled: 0 off, 1 the strongest available, 2 without namespaces. */
void pg_sandbox_init(int enabled);
const PgSandbox *pg_sandbox(void);
/* Child side, after fork: limits, user, environment (only env's
 * "NAME=value" entries), filter, then exec argv.  Never returns. */
void pg_sandbox_exec(const PgSandbox *s, const PgSandboxRun *r, char **argv, char **env)
    __attribute__((noreturn));
/* Give path and everything under it to the sandbox user (when there is one). */
void pg_sandbox_give(const char *path);
/* An empty folder the sandboxed processes may write. */
int pg_sandbox_scratch(const char *dir);
/* RLIMIT_NPROC for a test: the processes its user already has, plus
 * PM_EXTRA_PROCS. */
long pg_sandbox_process_limit(void);
/* Kill every process the tests left behind; how many there were. */
int pg_sandbox_kill_strays(void);
/* The state of the checkout (its files, but for build/, dot files and the
 * NULL-terminated paths of skip), and the first path that differs between
 * two states (NULL if none). */
char *pg_checkout_snapshot(const char *root, const char *const *skip);
char *pg_checkout_changes(const char *before, const char *after);

/* ---- proc.c: processes ---- */
typedef struct PgProc {
    char **argv; /* argv[0] is searched in PATH */
    char **env; /* "NAME=value" to set, "NAME" to unset; NULL-terminated or NULL */
    const char *out_path; /* stdout goes here (NULL: /dev/null) */
    const char *err_path; /* stderr goes here (NULL: same as stdout) */
    double limit; /* wall-clock seconds before SIGKILL of the group */
    /* Asked a few times a second while the process runs, if set: nonzero
     * stops it now (timed_out and stopped_early are then set). */
    int (*watch)(struct PgProc *p);
    const PgSandboxRun *sandbox; /* learner code: run it confined (NULL: trusted) */
    int result_fd; /* >0: the write end of a pipe the child gets as fd 3 */
    const char *command; /* pg_run_served: "NAME<TAB>FOLDER<TAB>XML" of the test */
    /* filled in */
    pid_t pid;
    double started, elapsed;
    int running, done;
    int exited, code; /* exited normally with code */
    int signaled, sig; /* killed by signal sig */
    int timed_out; /* killed by us at the limit */
    int stopped_early; /* killed by us because watch said so */
    double watched_at;
    int spawn_failed;
    void *user;
} PgProc;

/* Run every process, at most jobs at a time; on_done is called as each one
 * ends (from this thread). */
void pg_run_procs(PgProc **procs, size_t n, int jobs,
                  void (*on_done)(PgProc *p, size_t finished, size_t total, void *arg), void *arg);
/* Run one process to its end. */
void pg_run_proc(PgProc *p);
/* Run the tests (each a PgProc with command, out_path, err_path, result_fd,
 * limit, watch and user set; argv, env and sandbox unused) through jobs
 * runners started from runner (argv: the suite with --serve; env; sandbox),
 * each in one sandbox and running one test at a time in processes of its
 * own (grader/lib/pmtest.c, --serve).  The fields a test's process would
 * fill in (exited, code, signaled, sig, timed_out, stopped_early, elapsed)
 * are filled in from the runner's answer; on_done as in pg_run_procs.  The
 * runners' own output goes to log_dir/runner-K.log. */
void pg_run_served(const PgProc *runner, const char *log_dir, PgProc **tests, size_t n, int jobs,
                   void (*on_done)(PgProc *p, size_t finished, size_t total, void *arg), void *arg);

/* ---- classify.c: how a test ended ---- */
/* What a finished test run looked like, as read from its files. */
typedef struct {
    const char *test_name;
    const char *xml_path, *err_path;
    const char *learner_dir; /* the learner's chapter folder, to find their stack frames */
    double check_timeout; /* Check's timeout for this run, in seconds */
    const PgProc *proc;
    /* The trusted side's record of the run (what the suite's runner wrote
     * on fd 3: "test NAME", "result passed|failure|error", "finished 0|1"),
     * NULL if none came.  With require_record, a test passes only if the
     * record says it passed and finished (or, for a test that expects a
     * signal, passed), and the process ended normally. */
    const char *record;
    int require_record;
    int expects_signal;
    const char *out_path; /* its stdout, to tell an output flood from a large file */
} PgRunInput;

typedef struct {
    PgStatus status;
    char *message; /* malloc'd; NULL if passed */
    char *todo_function; /* PG_NOT_WRITTEN only, malloc'd */
    char *todo_section;
    char *frame; /* where a sanitizer's stack points, malloc'd or NULL */
    char *sanitizer_report; /* that report (its first lines), malloc'd or NULL */
    double duration;
} PgVerdict;

/* Classify one run into *v (whose strings the caller frees). */
void pg_classify(const PgRunInput *in, PgVerdict *v);

/* ---- inspect.c ---- */
typedef struct {
    char **names;
    size_t n, cap;
} PgNames;
void pg_names_add(PgNames *s, const char *name);
int pg_names_has(const PgNames *s, const char *name);
void pg_names_free(PgNames *s);

typedef struct {
    PgNames contract; /* what the chapter's reference defines */
    PgNames callable; /* the runtime and the other chapters */
    PgNames reference_only; /* the suite's own names */
} PgInspectRules;
/* The rules of a chapter, read from the reference build in build/<variant>. */
void pg_inspect_rules(const PgOptions *o, const char *slug, const char *variant, const char *work,
                      PgInspectRules *r);
void pg_inspect_rules_free(PgInspectRules *r);
/* NULL if obj (compiled from file) keeps the rules; otherwise why not. */
char *pg_inspect_object(const PgInspectRules *r, const char *obj, const char *file,
                        const char *work, int sanitized);
/* The lines of preprocessed text that come from files under learner_dir. */
char *pg_learner_text(const char *preprocessed, const char *learner_dir);
/* The first asm keyword outside string literals, or NULL. */
char *pg_find_asm(const char *text);
/* ---- loops.c: where a test that would not end was running ---- */
typedef struct PgLoops PgLoops;
typedef struct {
    char *where; /* "fn (file.c:N)", the learner's frame at the last sample; malloc'd or NULL */
    int samples; /* stack samples the test printed: its CPU time (pg_loops_cpu_seconds) */
    int stuck; /* the last two samples are in the same function */
} PgLoopSample;
/* suite: the test program; learner_dir: the learner's chapter folder;
 * scratch_dir: a folder for addr2line's output. */
PgLoops *pg_loops_new(const char *suite, const char *learner_dir, const char *scratch_dir);
void pg_loops_free(PgLoops *l);
/* Where the test whose stderr is err_path was at its last samples. */
PgLoopSample pg_loops_where(PgLoops *l, const char *err_path);
double pg_loops_cpu_seconds(int samples);
/* where's function never returned in test, which ran for seconds (with
 * the CPU to itself for most of them if had_cpu). */
void pg_loops_note(PgLoops *l, const char *where, const char *test, double seconds, int had_cpu);
/* The function known to loop was shown by a test that had the CPU: no
 * second run is needed to believe it. */
int pg_loops_certain(const PgLoops *l);
/* The function known to loop ("fn") and the test that showed it, or NULL. */
const char *pg_loops_function(const PgLoops *l, const char **test);
int pg_loops_have(const PgLoops *l);
/* If where is in the function known to loop: its name, and the test that
 * showed it (and for how long); else NULL. */
const char *pg_loops_known(const PgLoops *l, const char *where, const char **test, double *seconds);
/* Are two frames ("fn (file.c:N)") in the same function? */
int pg_loops_same_function(const char *a, const char *b);

/* ---- build.c ---- */
/* Build the suite of one chapter (variant "rel" or "asan") into out_dir,
 * with the learner's chapter taken from submission.  Returns 0 on success;
 * otherwise *build is "compile-error" or "link-error", *log the first lines
 * of the compiler's messages and *message a one-line explanation. */
int pg_build_suite(const PgOptions *o, const char *slug, const char *submission,
                   const char *variant, const char *out_dir, const char *log_path,
                   const char **build, char **log, char **message);
/* The same for the learner's code: copied with include/ to a fresh folder,
 * compiled there by pmgrade under the sandbox and limits, checked (includes,
 * asm, the same text with and without sanitizers) and inspected before
 * make links it.  *build is also "refused" when the rules are broken. */
int pg_build_learner_suite(const PgOptions *o, const char *slug, const char *variant,
                           const char *primary, const char *out_dir, const char *log_path,
                           const char **build, char **log, char **message);
/* make pmrun-ref, once; 0 when the reference pmrun is there. */
int pg_build_pmrun_ref(const PgOptions *o);
/* Where the chapters are: the folders NN-slug of solutions/, or in a
 * handout (no solutions/) those of grader/suites/, the released chapters. */
char *pg_chapters_dir(const PgOptions *o);

/* ---- grade.c ---- */
/* Grade one chapter: build, list, run, run again under the sanitizers,
 * explain, score.  Always fills in every test of the chapter. */
void pg_grade_chapter(PgGrade *g, PgChapter *c);

/* ---- report.c ---- */
/* The hidden tests of a chapter as a learner may see them: NULL if it has
 * none, else "hidden tests: 7 of 9 passed, 12/15 points" (malloc'd); and
 * the chapter without them (view's tests point into c's; free view->tests). */
char *pg_hidden_summary(const PgChapter *c);
void pg_public_view(const PgChapter *c, PgChapter *view);
void pg_print_chapter(const PgGrade *g, const PgChapter *c);
void pg_print_total(const PgGrade *g);
int pg_write_report_json(const PgGrade *g, const char *path);
int pg_write_results_json(const PgGrade *g, const char *path);
/* ---- junit.c, html.c ---- */
int pg_write_junit(const PgGrade *g, const char *path);
int pg_write_html(const PgGrade *g, const char *path);

#endif /* PMGRADE_H */
