/* pmtest.c - the shared main() of every graded suite (see pmtest.h).
 *
 * Registers each test as its own Check test case, sets the resource limits
 * that contain a misbehaving layer, runs scenarios against CPython's recorded
 * output, and leaves heap pictures behind when a scenario diverges.
 */
#define _GNU_SOURCE
#include "pmtest.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <jansson.h>
#include <pthread.h>
#include <seccomp.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pmlab.h"
#include "pmlimits.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PM_UNDER_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(PM_UNDER_ASAN)
#define PM_UNDER_ASAN 1
#endif
/* ThreadSanitizer (chapter 5) maps its shadow memory the same way. */
#if defined(__SANITIZE_THREAD__) && !defined(PM_UNDER_ASAN)
#define PM_UNDER_ASAN 1
#endif


typedef enum { PM_KIND_UNIT, PM_KIND_SIGNAL, PM_KIND_SCENARIO } PmKind;

typedef struct {
    char *name;
    const TTest *test;
    int signal;
    int points;
    const char *step, *title, *hint, *section;
    PmKind kind;
    char *stem; /* scenarios: file name without .py */
    char *label; /* scenarios: the title, built from the stem */
    char *dir; /* scenarios: their folder, NULL for grader/scenarios/<chapter> */
    int hidden; /* registered by pm_register_hidden: an instructor's test */
    const char *visibility; /* Gradescope's, for a hidden test */
    const char *sanitizer_group; /* pm_set_sanitizer_group, or NULL */
    double timeout; /* pm_set_timeout: Check's timeout in seconds, 0 for the kind's */
} PmTestEntry;

struct PmSuite {
    PmTestEntry *tests;
    size_t count, capacity;
};

/* The one suite of this program; scenario tests find their entry in it by
 * the loop index Check hands them. */
static PmSuite the_suite;
/* Set while pm_register_hidden runs: the tests it adds are hidden ones. */
static int registering_hidden;

static void *xmalloc(size_t size)
{
    void *p = malloc(size);
    if (p == NULL) {
        fputs("pmlab: out of memory\n", stderr);
        abort();
    }
    return p;
}

static char *xstrdup(const char *s)
{
    char *copy = xmalloc(strlen(s) + 1);
    strcpy(copy, s);
    return copy;
}

static PmTestEntry *add_entry(PmSuite *s, const char *name)
{
    if (s->count == s->capacity) {
        size_t capacity = s->capacity ? 2 * s->capacity : 16;
        PmTestEntry *grown = realloc(s->tests, capacity * sizeof *grown);
        if (grown == NULL) {
            fputs("pmlab: out of memory\n", stderr);
            abort();
        }
        s->tests = grown;
        s->capacity = capacity;
    }
    /* The grader finds a test by its name: two tests of one name (a hidden
     * test named like a public one) would be one test graded twice. */
    for (size_t i = 0; i < s->count; i++)
        if (strcmp(s->tests[i].name, name) == 0) {
            fprintf(stderr, "%s: two tests are named %s%s; rename one\n", pm_chapter, name,
                    registering_hidden ? " (a hidden test and another test)" : "");
            exit(2);
        }
    PmTestEntry *t = &s->tests[s->count++];
    memset(t, 0, sizeof *t);
    t->name = xstrdup(name);
    t->hidden = registering_hidden;
    t->visibility = registering_hidden ? "after_due_date" : "visible";
    return t;
}

void pm_add_test(PmSuite *s, const char *name, const TTest *test, int points, const char *step,
                 const char *title, const char *hint, const char *section)
{
    PmTestEntry *t = add_entry(s, name);
    t->test = test;
    t->points = points;
    t->step = step;
    t->title = title;
    t->hint = hint;
    t->section = section;
    t->kind = PM_KIND_UNIT;
}

void pm_add_signal_test(PmSuite *s, const char *name, const TTest *test, int signal, int points,
                        const char *step, const char *title, const char *hint, const char *section)
{
    pm_add_test(s, name, test, points, step, title, hint, section);
    s->tests[s->count - 1].kind = PM_KIND_SIGNAL;
    s->tests[s->count - 1].signal = signal;
}

void pm_add_scenario(PmSuite *s, const char *stem, int points, const char *step, const char *hint,
                     const char *section)
{
    pm_add_scenario_in(s, NULL, stem, points, step, hint, section);
}

void pm_add_scenario_in(PmSuite *s, const char *dir, const char *stem, int points, const char *step,
                        const char *hint, const char *section)
{
    /* Test names are C identifiers: "scenario_" and the stem, with any
     * other character turned into '_'. */
    size_t prefix = strlen("scenario_"), len = strlen(stem);
    char *name = xmalloc(prefix + len + 1);
    memcpy(name, "scenario_", prefix);
    for (size_t i = 0; i < len; i++)
        name[prefix + i] = isalnum((unsigned char)stem[i]) ? stem[i] : '_';
    name[prefix + len] = '\0';
    PmTestEntry *t = add_entry(s, name);
    free(name);
    t->stem = xstrdup(stem);
    t->dir = dir ? xstrdup(dir) : NULL;
    size_t n = strlen(stem) + 64;
    t->label = xmalloc(n);
    snprintf(t->label, n, "%s.py prints what CPython prints, and leaks nothing", stem);
    t->points = points;
    t->step = step;
    t->title = t->label;
    t->hint = hint;
    t->section = section;
    t->kind = PM_KIND_SCENARIO;
}

void pm_set_visibility(PmSuite *s, const char *name, const char *visibility)
{
    static const char *const known[] = {"hidden", "after_due_date", "after_published", "visible"};
    int ok = 0;
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        ok |= strcmp(visibility, known[i]) == 0;
    size_t i = 0;
    while (i < s->count && strcmp(s->tests[i].name, name) != 0)
        i++;
    if (!ok || i == s->count || !s->tests[i].hidden) {
        fprintf(stderr, "%s: pm_set_visibility(\"%s\", \"%s\"): %s\n", pm_chapter, name, visibility,
                !ok ? "the visibility must be hidden, after_due_date, after_published or visible"
                    : "no hidden test of that name has been registered before this call");
        exit(2);
    }
    s->tests[i].visibility = visibility;
}

void pm_set_sanitizer_group(PmSuite *s, const char *name, const char *group)
{
    size_t i = 0;
    while (i < s->count && strcmp(s->tests[i].name, name) != 0)
        i++;
    if (i == s->count) {
        fprintf(stderr,
                "%s: pm_set_sanitizer_group(\"%s\"): no test of that name has been "
                "registered before this call\n",
                pm_chapter, name);
        exit(2);
    }
    s->tests[i].sanitizer_group = group;
}

void pm_set_timeout(PmSuite *s, const char *name, double seconds)
{
    size_t i = 0;
    while (i < s->count && strcmp(s->tests[i].name, name) != 0)
        i++;
    if (i == s->count || !(seconds > 0)) {
        fprintf(stderr, "%s: pm_set_timeout(\"%s\", %g): %s\n", pm_chapter, name, seconds,
                i == s->count ? "no test of that name has been registered before this call"
                              : "the timeout must be a positive number of seconds");
        exit(2);
    }
    s->tests[i].timeout = seconds;
}

/* Check's timeout for t, in seconds, before CK_TIMEOUT_MULTIPLIER. */
static double timeout_of(const PmTestEntry *t)
{
    if (t->timeout > 0)
        return t->timeout;
    return t->kind == PM_KIND_SCENARIO ? PM_SCENARIO_TIMEOUT : PM_TEST_TIMEOUT;
}

void pm_add_hidden_scenarios(PmSuite *s, const char *dir, const char *const stems[])
{
    /* Graded like the chapter's public scenarios: the same step and section. */
    const char *step = "Hidden scenarios", *section = NULL;
    for (size_t i = 0; i < s->count; i++)
        if (s->tests[i].kind == PM_KIND_SCENARIO && !s->tests[i].hidden) {
            step = s->tests[i].step;
            section = s->tests[i].section;
        }
    for (size_t i = 0; stems[i] != NULL; i++)
        pm_add_scenario_in(s, dir, stems[i], 1, step,
                           "A scenario the instructor keeps: it runs a whole program on your "
                           "layers, so any step of the chapter may be the cause.",
                           section);
}

/* ------------------------------------------------------------------------
 * Stack overflow: a SIGSEGV whose address lies in the stack's range, below
 * the frame of the fixture, is reported as such before the process dies.
 * ------------------------------------------------------------------------ */

#ifndef PM_UNDER_ASAN
static uintptr_t stack_top; /* an address near the top of the stack */
static uintptr_t stack_bottom; /* lowest address the stack may grow to */
static char alt_stack[64 * 1024];

static int read_vm_peak_kib(long *kib)
{
    /* Only open/read/close: this runs inside a signal handler. */
    char buf[2048];
    int fd = open("/proc/self/status", O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = '\0';
    char *p = strstr(buf, "VmPeak:");
    if (p == NULL)
        return -1;
    p += 7;
    long value = 0;
    while (*p == ' ' || *p == '\t')
        p++;
    while (*p >= '0' && *p <= '9')
        value = value * 10 + (*p++ - '0');
    *kib = value;
    return 0;
}

static void on_fault(int sig, siginfo_t *info, void *context)
{
    (void)context;
    uintptr_t addr = (uintptr_t)info->si_addr;
    if (addr < stack_top && addr + (1u << 20) >= stack_bottom) {
        static const char msg[] = "pmlab: stack overflow\n";
        (void)!write(STDERR_FILENO, msg, sizeof msg - 1);
    } else {
        /* A crash after the address space filled up is a malloc bomb whose
         * last allocation failed: the NULL it got was then written through. */
        long peak = 0;
        if (read_vm_peak_kib(&peak) == 0 && peak * 1024L >= PM_AS_BYTES / 4) {
            static const char msg[] =
                "pmlab: out of memory (the address-space limit was reached)\n";
            (void)!write(STDERR_FILENO, msg, sizeof msg - 1);
        }
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

static void install_fault_handler(void)
{
    char here;
    struct rlimit rl;
    stack_top = (uintptr_t)&here + 4096;
    rlim_t size = PM_STACK_BYTES;
    if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        size = rl.rlim_cur;
    stack_bottom = stack_top > size ? stack_top - size : 0;

    stack_t ss = {.ss_sp = alt_stack, .ss_size = sizeof alt_stack, .ss_flags = 0};
    if (sigaltstack(&ss, NULL) != 0)
        return;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
}
#else
static void install_fault_handler(void)
{
    /* AddressSanitizer reports stack overflows itself ("stack-overflow"). */
}
#endif

/* ------------------------------------------------------------------------
 * Resource limits, set once in main() and inherited by every test child.
 * ------------------------------------------------------------------------ */

static void set_limit(int resource, rlim_t soft, rlim_t hard)
{
    struct rlimit rl;
    if (getrlimit(resource, &rl) != 0)
        return;
    if (rl.rlim_max != RLIM_INFINITY && hard > rl.rlim_max)
        hard = rl.rlim_max;
    if (soft > hard)
        soft = hard;
    rl.rlim_cur = soft;
    rl.rlim_max = hard;
    setrlimit(resource, &rl);
}

/* Processes of this user now (RLIMIT_NPROC counts them all). */
static long count_user_processes(void)
{
    DIR *proc = opendir("/proc");
    if (proc == NULL)
        return 256;
    long count = 0;
    uid_t me = getuid();
    struct dirent *e;
    char path[300];
    struct stat st;
    while ((e = readdir(proc)) != NULL) {
        if (!isdigit((unsigned char)e->d_name[0]))
            continue;
        snprintf(path, sizeof path, "/proc/%s", e->d_name);
        if (stat(path, &st) == 0 && st.st_uid == me)
            count++;
    }
    closedir(proc);
    return count;
}

static void set_resource_limits(void)
{
    set_limit(RLIMIT_CPU, PM_CPU_SECONDS, PM_CPU_SECONDS + 2);
    set_limit(RLIMIT_FSIZE, PM_FSIZE_BYTES, PM_FSIZE_BYTES);
    set_limit(RLIMIT_CORE, 0, 0);
    long procs = count_user_processes() + PM_EXTRA_PROCS;
    set_limit(RLIMIT_NPROC, (rlim_t)procs, (rlim_t)procs);
#ifndef PM_UNDER_ASAN
    /* AddressSanitizer reserves terabytes of address space for its shadow. */
    set_limit(RLIMIT_AS, PM_AS_BYTES, PM_AS_BYTES);
#endif
    struct rlimit rl;
    if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != (rlim_t)PM_STACK_BYTES)
        set_limit(RLIMIT_STACK, PM_STACK_BYTES,
                  rl.rlim_max == RLIM_INFINITY ? RLIM_INFINITY : rl.rlim_max);
}

/* ------------------------------------------------------------------------
 * The fixture around every test (runs in the test's own process).
 * ------------------------------------------------------------------------ */

/* Check counts a test that calls exit(0) as passed.  In fork mode the
 * child's exit is watched: exit(0) before the teardown has finished is the
 * code under test leaving early, and is turned into a distinct exit value
 * that Check reports as an early exit. */
#define PM_EARLY_EXIT_STATUS 86
static int forking;
static volatile int test_finished;

/* The verdict for the grader.  When the grader runs a suite it passes the
 * write end of a pipe as fd 3 (PMLAB_RESULT_FD=3); after Check has run the
 * test, this process (which runs no learner code: the grader refuses
 * constructors) writes there what it saw.  The test's own process closes
 * fd 3 before any learner code runs, so the learner cannot write to it.
 * A test counts as finished only if its process wrote the nonce to the
 * done pipe after the teardown: an exit in the middle of the test never
 * gets there. */
static int result_fd = -1;
static int done_pipe[2] = {-1, -1};
static char nonce[33];

static void make_nonce(void)
{
    unsigned char bytes[16];
    if (getrandom(bytes, sizeof bytes, 0) != (ssize_t)sizeof bytes) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        for (size_t i = 0; i < sizeof bytes; i++)
            bytes[i] = (unsigned char)((ts.tv_nsec >> (i % 8)) ^ (getpid() << i));
    }
    for (size_t i = 0; i < sizeof bytes; i++)
        snprintf(nonce + 2 * i, 3, "%02x", bytes[i]);
}

/* The system calls a test's process may not make, installed before the
 * runtime starts (so before any learner code): no other program, no new
 * session or group, no signal to another process, no change to any file
 * but by writing one it opened.  The grader's sandbox adds its own filter
 * around the whole suite. */
static void install_test_filter(void)
{
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (ctx == NULL)
        return;
    static const int denied[] = {
        SCMP_SYS(execve),
        SCMP_SYS(execveat),
        SCMP_SYS(setsid),
        SCMP_SYS(setpgid),
        SCMP_SYS(unlink),
        SCMP_SYS(unlinkat),
        SCMP_SYS(rename),
        SCMP_SYS(renameat),
        SCMP_SYS(renameat2),
        SCMP_SYS(rmdir),
        SCMP_SYS(truncate),
        SCMP_SYS(chmod),
        SCMP_SYS(fchmod),
        SCMP_SYS(fchmodat),
        SCMP_SYS(chown),
        SCMP_SYS(fchown),
        SCMP_SYS(lchown),
        SCMP_SYS(fchownat),
        SCMP_SYS(link),
        SCMP_SYS(linkat),
        SCMP_SYS(symlink),
        SCMP_SYS(symlinkat),
        SCMP_SYS(utimensat),
        SCMP_SYS(utimes),
        SCMP_SYS(futimesat),
        SCMP_SYS(utime),
        SCMP_SYS(mknod),
        SCMP_SYS(mknodat),
        SCMP_SYS(socket),
        SCMP_SYS(ptrace),
        SCMP_SYS(process_vm_readv),
        SCMP_SYS(process_vm_writev),
        SCMP_SYS(pidfd_open),
        SCMP_SYS(pidfd_send_signal),
        SCMP_SYS(tkill),
        SCMP_SYS(personality),
    };
    int ok = 1;
    for (size_t i = 0; i < sizeof denied / sizeof denied[0]; i++)
        ok &= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), denied[i], 0) == 0;
    /* Signals only to itself (abort() is tgkill(self, self, SIGABRT)). */
    scmp_datum_t self = (scmp_datum_t)getpid();
    ok &= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(kill), 1,
                           SCMP_A0(SCMP_CMP_NE, self)) == 0;
    ok &= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(tgkill), 1,
                           SCMP_A0(SCMP_CMP_NE, self)) == 0;
    ok &= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(rt_sigqueueinfo), 1,
                           SCMP_A0(SCMP_CMP_NE, self)) == 0;
    ok &= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(rt_tgsigqueueinfo), 1,
                           SCMP_A0(SCMP_CMP_NE, self)) == 0;
    if (ok)
        seccomp_load(ctx);
    seccomp_release(ctx);
}

/* After srunner_run_all, in the runner: one record per test for the grader. */
static void report_results(SRunner *sr)
{
    if (result_fd < 0)
        return;
    char done[256] = "";
    if (done_pipe[0] >= 0) {
        close(done_pipe[1]);
        ssize_t n = read(done_pipe[0], done, sizeof done - 1);
        done[n > 0 ? n : 0] = '\0';
        close(done_pipe[0]);
    }
    int finished = strcmp(done, nonce) == 0;
    TestResult **results = srunner_results(sr);
    int n = srunner_ntests_run(sr);
    FILE *f = fdopen(result_fd, "w");
    if (f == NULL)
        return;
    for (int i = 0; i < n; i++) {
        int rtype = tr_rtype(results[i]);
        fprintf(f, "test %s\nresult %s\nfinished %d\n", tr_tcname(results[i]),
                rtype == CK_PASS      ? "passed"
                : rtype == CK_FAILURE ? "failure"
                                      : "error",
                finished && n == 1);
    }
    fclose(f);
    free(results);
}

static void watch_exit(int status, void *arg)
{
    (void)arg;
    if (status == 0 && !test_finished) {
        static const char msg[] = "pmlab: early exit: the code under test called exit(0)\n";
        (void)!write(STDERR_FILENO, msg, sizeof msg - 1);
        _exit(PM_EARLY_EXIT_STATUS);
    }
}

#ifdef PM_UNDER_ASAN
/* AddressSanitizer cannot run under RLIMIT_AS (it reserves terabytes for
 * its shadow), and its own hard_rss_limit_mb watches from a thread that
 * the test's process, forked by Check, does not have.  This thread, started
 * in the test's process, does the same. */
static void *watch_memory(void *arg)
{
    (void)arg;
    long page = sysconf(_SC_PAGESIZE);
    for (;;) {
        char buf[128];
        int fd = open("/proc/self/statm", O_RDONLY);
        if (fd >= 0) {
            ssize_t n = read(fd, buf, sizeof buf - 1);
            close(fd);
            long size = 0, resident = 0;
            if (n > 0) {
                buf[n] = '\0';
                sscanf(buf, "%ld %ld", &size, &resident);
            }
            if (resident * page > (long)PM_ASAN_RSS_MB << 20) {
                static const char msg[] =
                    "pmlab: out of memory (more than the resident-memory limit under "
                    "AddressSanitizer)\n";
                (void)!write(STDERR_FILENO, msg, sizeof msg - 1);
                _exit(3);
            }
        }
        nanosleep(&(struct timespec){.tv_nsec = 20 * 1000 * 1000}, NULL);
    }
    return NULL;
}

static void start_memory_watch(void)
{
    pthread_t thread;
    if (pthread_create(&thread, NULL, watch_memory, NULL) == 0)
        pthread_detach(thread);
}
#else
static void start_memory_watch(void)
{
    /* RLIMIT_AS, set by the grader before exec, holds without sanitizers. */
}
#endif

/* Where a test that runs on and on is: after PM_SAMPLE_FIRST_MS of CPU time,
 * and every PM_SAMPLE_EVERY_MS after that, its stack goes to stderr as
 * offsets into this program,
 *
 *     pmlab: running: +0x1a2b +0x1c30 ...
 *
 * so that the grader can name the function a test never returned from and
 * stop other tests stuck in the same one early.  The count of these lines
 * is the CPU time the test had: a test that timed out with few of them was
 * starved by its neighbours, not looping. */
extern char __executable_start;

static void sample_stack(int sig)
{
    (void)sig;
    int saved = errno;
    void *frames[32];
    int n = backtrace(frames, 32);
    char line[32 * 20 + 32] = "pmlab: running:";
    size_t len = strlen(line);
    for (int i = 0; i < n; i++) {
        uintptr_t offset = (uintptr_t)frames[i] - (uintptr_t)&__executable_start;
        char hex[20];
        int k = 0;
        do {
            hex[k++] = "0123456789abcdef"[offset & 15];
            offset >>= 4;
        } while (offset != 0 && k < 16);
        line[len++] = ' ';
        line[len++] = '+';
        line[len++] = '0';
        line[len++] = 'x';
        while (k > 0)
            line[len++] = hex[--k];
    }
    line[len++] = '\n';
    (void)!write(STDERR_FILENO, line, len);
    errno = saved;
}

static void start_sampling(void)
{
    void *warm[1];
    backtrace(warm, 1); /* loads the unwinder now, not inside the handler */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = sample_stack;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGPROF, &sa, NULL);
    struct itimerval every = {{0, PM_SAMPLE_EVERY_MS * 1000},
                              {PM_SAMPLE_FIRST_MS / 1000, PM_SAMPLE_FIRST_MS % 1000 * 1000}};
    setitimer(ITIMER_PROF, &every, NULL);
}

static int uses_runtime(void)
{
    return &pm_needs_runtime == NULL || pm_needs_runtime;
}

static void test_setup(void)
{
    test_finished = 0;
    if (forking) {
        /* Before anything else: the learner's code must not reach the
         * grader's pipe, nor make the calls the filter refuses. */
        if (result_fd >= 0)
            close(result_fd);
        if (done_pipe[0] >= 0)
            close(done_pipe[0]);
        install_test_filter();
        start_memory_watch();
        on_exit(watch_exit, NULL);
        /* Check gives each test its own process group, so a grader that
         * kills the runner's group would miss this process: die with it. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        /* Not under make debug (no fork): the signals would stop gdb. */
        start_sampling();
    }
    /* main() ignores SIGXFSZ so that the runner survives a flooded log;
     * the test itself must die of it. */
    signal(SIGXFSZ, SIG_DFL);
    install_fault_handler();
    if (uses_runtime())
        PmRuntime_Init();
}

static void test_teardown(void)
{
    if (uses_runtime())
        PmRuntime_Fini();
    test_finished = 1;
    if (forking && done_pipe[1] >= 0)
        (void)!write(done_pipe[1], nonce, strlen(nonce));
}

/* ------------------------------------------------------------------------
 * Helpers for tests.
 * ------------------------------------------------------------------------ */

void pm_heap_counts(long *live, long *refs)
{
    PmGC_Collect();
    *live = (long)_Pm_GetLiveObjects();
    *refs = (long)_Pm_GetRefTotal();
}

/* Tracebacks, if any, follow the printed output in *out. */
int pm_run_source(const char *source, char **out)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *stream = open_memstream(&buf, &len);
    ck_assert_msg(stream != NULL, "could not capture the output: %s", strerror(errno));
    PmRunOptions opt;
    memset(&opt, 0, sizeof opt);
    opt.out = stream;
    opt.err = stream;
    PmRunResult res;
    memset(&res, 0, sizeof res);
    PmRunStatus status = PmRun_String("<test>", source, &opt, &res);
    fclose(stream);
    *out = buf;
    return (int)status;
}

/* ------------------------------------------------------------------------
 * Scenario tests.
 * ------------------------------------------------------------------------ */

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    if (out == NULL) {
        fclose(f);
        return NULL;
    }
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        fwrite(chunk, 1, n, out);
    fclose(f);
    fclose(out);
    return buf;
}

/* The k-th line (1-based) of text, copied into dst (without its newline);
 * returns 0 if text has fewer lines. */
static int nth_line(const char *text, long k, char *dst, size_t size)
{
    const char *p = text;
    for (long i = 1; i < k; i++) {
        p = strchr(p, '\n');
        if (p == NULL)
            return 0;
        p++;
    }
    if (*p == '\0')
        return 0;
    size_t n = strcspn(p, "\n");
    if (n >= size)
        n = size - 1;
    memcpy(dst, p, n);
    dst[n] = '\0';
    return 1;
}

/* 1-based number of the first line where a and b differ, 0 if equal. */
static long first_difference(const char *a, const char *b)
{
    long line = 1;
    for (;;) {
        size_t na = strcspn(a, "\n"), nb = strcspn(b, "\n");
        if (*a == '\0' && *b == '\0')
            return 0;
        if (na != nb || memcmp(a, b, na) != 0)
            return line;
        a += na;
        b += nb;
        if (*a == '\n')
            a++;
        if (*b == '\n')
            b++;
        line++;
    }
}

static void make_dirs(const char *path)
{
    char *copy = xstrdup(path);
    for (char *p = copy + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            mkdir(copy, 0777);
            *p = '/';
        }
    }
    mkdir(copy, 0777);
    free(copy);
}

void pm_draw_failure(const char *test, int (*draw)(const char *path, void *arg), void *arg)
{
    const char *artifacts = getenv("PMLAB_ARTIFACTS");
    if (artifacts == NULL || *artifacts == '\0' || test == NULL || *test == '\0')
        return;
    make_dirs(artifacts);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.svg", artifacts, test);
    fflush(stdout);
    fflush(stderr);
    pid_t child = fork();
    if (child < 0)
        return;
    if (child == 0) {
        /* A few seconds, then SIGALRM ends it (a test may signal no
         * process but its own). */
        alarm(5);
        _exit(draw(path, arg) == 0 ? 0 : 1);
    }
    waitpid(child, NULL, 0);
}

/* Re-run the scenario up to output line k on a fresh runtime: the line of
 * the statement that printed it, and (if artifacts are wanted) the heap
 * picture at that moment plus the divergence record for the grader. */
static int explain_divergence(const PmTestEntry *t, const char *path, const char *rel, long k,
                              const char *expected, const char *got)
{
    PmRuntime_Fini();
    PmRuntime_Init();

    const char *artifacts = getenv("PMLAB_ARTIFACTS");
    char svg[4096] = "", json_path[4096] = "";
    if (artifacts != NULL && *artifacts != '\0') {
        make_dirs(artifacts);
        snprintf(svg, sizeof svg, "%s/%s.svg", artifacts, t->name);
        snprintf(json_path, sizeof json_path, "%s/%s.json", artifacts, t->name);
    }

    char *sink_buf = NULL;
    size_t sink_len = 0;
    FILE *sink = open_memstream(&sink_buf, &sink_len);
    PmRunOptions opt;
    memset(&opt, 0, sizeof opt);
    opt.out = sink;
    opt.err = sink;
    opt.stop_after_output = k;
    opt.heap_svg = svg[0] ? svg : NULL;
    PmRunResult res;
    memset(&res, 0, sizeof res);
    PmRun_File(path, &opt, &res);
    if (sink != NULL)
        fclose(sink);
    free(sink_buf);
    int line = res.last_line;

    if (json_path[0]) {
        json_t *record = json_pack("{s:s, s:I, s:i, s:s, s:s}", "scenario", rel, "output_line",
                                   (json_int_t)k, "line", line, "expected", expected, "got", got);
        if (record != NULL) {
            json_dump_file(record, json_path, JSON_INDENT(2));
            json_decref(record);
        }
    }
    return line;
}

/* "1 object", "3 objects". */
static const char *plural(long n, const char *one, const char *many)
{
    return n == 1 || n == -1 ? one : many;
}

typedef struct {
    const char *scenario;
    const PmHeapBaseline *baseline;
} LeakPicture;

/* What the scenario left alive after its module was torn down: the leak. */
static int draw_leak(const char *path, void *arg)
{
    const LeakPicture *leak = arg;
    char title[512];
    const char *base = strrchr(leak->scenario, '/');
    snprintf(title, sizeof title,
             "%s: left alive after the module was torn down (every object here is a leak)",
             base != NULL ? base + 1 : leak->scenario);
    /* Few nodes: the picture is drawn inside the test's time limit. */
    PmHeapDrawOptions opt = {
        .title = title, .since = leak->baseline, .show_gc = 1, .max_nodes = 80};
    return PmHeap_Render(path, "svg", &opt);
}

/* ---- which deallocator leaked ----------------------------------------------
 * A scenario that leaked runs again with the deallocators the suite names
 * (pm_dealloc_owners) watched: each container's references are noted (with a
 * hold of our own, so they stay alive to be looked at), its deallocator
 * runs, and any reference it did not give back counts against it. */
enum { MAX_WATCHED = 8, MAX_HELD = 256, WATCH_DEPTH = 20 };

static struct {
    const PmDeallocOwner *owner;
    void (*dealloc)(PmObject *);
    long containers, items; /* freed without releasing this many of their items */
} watched[MAX_WATCHED];
static size_t nwatched;
static int watch_depth;

typedef struct {
    struct {
        PmObject *op;
        Pm_ssize_t before;
        int times;
    } items[MAX_HELD];
    int n;
} HeldSet;

static int is_immortal_count(PmObject *op)
{
    return (int32_t)(uint32_t)Pm_REFCNT(op) < 0;
}

static int note_held(PmObject *op, void *arg)
{
    HeldSet *h = arg;
    if (op == NULL || is_immortal_count(op))
        return 0;
    for (int i = 0; i < h->n; i++)
        if (h->items[i].op == op) {
            h->items[i].times++;
            return 0;
        }
    if (h->n == MAX_HELD)
        return 0;
    h->items[h->n].op = op;
    h->items[h->n].before = Pm_REFCNT(op);
    h->items[h->n].times = 1;
    h->n++;
    Pm_SET_REFCNT(op, Pm_REFCNT(op) + 1); /* ours, so it outlives the container */
    return 0;
}

static void watched_dealloc(PmObject *op)
{
    size_t k = 0;
    while (k < nwatched && (PmTypeObject *)watched[k].owner->type != Pm_TYPE(op))
        k++;
    if (k == nwatched)
        return; /* cannot happen: only watched types point here */
    HeldSet *held = NULL;
    if (watch_depth < WATCH_DEPTH && Pm_TYPE(op)->tp_traverse != NULL &&
        (held = calloc(1, sizeof *held)) != NULL)
        Pm_TYPE(op)->tp_traverse(op, note_held, held);
    watch_depth++;
    watched[k].dealloc(op);
    watch_depth--;
    if (held == NULL)
        return;
    /* Deferred by the trashcan: its items are released later, by a call
     * that comes back here. */
    int deferred = PmThreadState_Get()->trash_delete_later == op;
    long unreleased = 0;
    for (int i = 0; i < held->n; i++) {
        PmObject *item = held->items[i].op;
        Pm_ssize_t expected = held->items[i].before + 1 - held->items[i].times;
        if (!deferred && Pm_REFCNT(item) > expected)
            unreleased += Pm_REFCNT(item) - expected < held->items[i].times
                              ? Pm_REFCNT(item) - expected
                              : held->items[i].times;
        if (Pm_REFCNT(item) == 1)
            Pm_DECREF(item); /* ours was the last: it dies as it would have */
        else
            Pm_SET_REFCNT(item, Pm_REFCNT(item) - 1);
    }
    free(held);
    if (unreleased > 0) {
        watched[k].containers++;
        watched[k].items += unreleased;
    }
}

/* Run the scenario at path again on a fresh runtime, with the suite's
 * deallocators watched; into why, which one freed containers without
 * releasing their items ("" if none did). */
static void find_leaking_dealloc(const char *path, char *why, size_t size)
{
    why[0] = '\0';
    if (&pm_dealloc_owners == NULL)
        return;
    PmRuntime_Fini();
    PmRuntime_Init();
    nwatched = 0;
    for (const PmDeallocOwner *o = pm_dealloc_owners; o->type != NULL && nwatched < MAX_WATCHED;
         o++) {
        PmTypeObject *type = (PmTypeObject *)o->type;
        watched[nwatched].owner = o;
        watched[nwatched].dealloc = type->tp_dealloc;
        watched[nwatched].containers = watched[nwatched].items = 0;
        type->tp_dealloc = watched_dealloc;
        nwatched++;
    }
    char *sink_buf = NULL;
    size_t sink_len = 0;
    FILE *sink = open_memstream(&sink_buf, &sink_len);
    PmRunOptions opt;
    memset(&opt, 0, sizeof opt);
    opt.out = sink;
    opt.err = sink;
    PmRunResult res;
    memset(&res, 0, sizeof res);
    PmRun_File(path, &opt, &res);
    if (sink != NULL)
        fclose(sink);
    free(sink_buf);
    size_t worst = nwatched;
    for (size_t k = 0; k < nwatched; k++) {
        ((PmTypeObject *)watched[k].owner->type)->tp_dealloc = watched[k].dealloc;
        if (watched[k].items > 0 && (worst == nwatched || watched[k].items > watched[worst].items))
            worst = k;
    }
    if (worst < nwatched)
        snprintf(why, size, "%s freed %ld %s%s without releasing %ld of %s items (read %s)",
                 watched[worst].owner->function, watched[worst].containers,
                 ((PmTypeObject *)watched[worst].owner->type)->tp_name,
                 watched[worst].containers == 1 ? "" : "s", watched[worst].items,
                 watched[worst].containers == 1 ? "its" : "their", watched[worst].owner->section);
}

START_TEST(pm_scenario_test)
{
    const PmTestEntry *t = &the_suite.tests[_i];
    const char *root = getenv("PMLAB_ROOT");
    if (root == NULL || *root == '\0')
        root = ".";
    char rel[1024], path[2048], out_path[2048];
    if (t->dir != NULL) {
        /* A hidden scenario: its folder is given whole. */
        snprintf(rel, sizeof rel, "%s/%s.py", t->dir, t->stem);
        snprintf(path, sizeof path, "%s", rel);
        snprintf(out_path, sizeof out_path, "%s/%s.out", t->dir, t->stem);
    } else {
        snprintf(rel, sizeof rel, "grader/scenarios/%s/%s.py", pm_chapter, t->stem);
        snprintf(path, sizeof path, "%s/%s", root, rel);
        snprintf(out_path, sizeof out_path, "%s/grader/scenarios/%s/%s.out", root, pm_chapter,
                 t->stem);
    }

    char *expected = read_file(out_path);
    ck_assert_msg(expected != NULL, "cannot read %s (%s)", out_path,
                  t->dir != NULL ? "the hidden tests' folder must be readable by the sandbox user"
                                 : "set PMLAB_ROOT to the repository");

    long live_before, refs_before;
    pm_heap_counts(&live_before, &refs_before);
    PmHeapBaseline *baseline = PmHeap_TakeBaseline();

    char *got = NULL, *err = NULL;
    size_t got_len = 0, err_len = 0;
    FILE *out = open_memstream(&got, &got_len);
    FILE *errs = open_memstream(&err, &err_len);
    ck_assert_msg(out != NULL && errs != NULL, "could not capture the output");
    PmRunOptions opt;
    memset(&opt, 0, sizeof opt);
    opt.out = out;
    opt.err = errs;
    PmRunResult res;
    memset(&res, 0, sizeof res);
    PmRunStatus status = PmRun_File(path, &opt, &res);
    fclose(out);
    fclose(errs);

    long k = first_difference(expected, got);
    /* A run that stopped with an error differs at the line it never printed;
     * report the error itself unless the output went wrong before it. */
    if (status != PmRun_OK && (k == 0 || k > res.lines_printed)) {
        char last[512] = "";
        const char *msg = res.message[0] ? res.message : "";
        if (!msg[0]) {
            /* The last non-empty line of the traceback names the error. */
            for (long i = 1; nth_line(err, i, last, sizeof last); i++)
                ;
            msg = last;
        }
        ck_abort_msg("%s line %d: the scenario stopped with an error: %s", rel, res.last_line, msg);
    }
    if (k != 0) {
        char want[256], have[256];
        if (!nth_line(expected, k, want, sizeof want))
            strcpy(want, "(nothing: the output should have ended)");
        if (!nth_line(got, k, have, sizeof have))
            strcpy(have, "(nothing)");
        int line = explain_divergence(t, path, rel, k, want, have);
        ck_abort_msg("%s line %d: output line %ld should be '%s' (what CPython prints), "
                     "yours printed '%s'",
                     rel, line, k, want, have);
    }
    free(expected);
    free(got);
    free(err);

    long live_after, refs_after;
    pm_heap_counts(&live_after, &refs_after);
    long objects = live_after - live_before, refs = refs_after - refs_before;
    if (objects > 0 && baseline != NULL) {
        LeakPicture leak = {rel, baseline};
        pm_draw_failure(t->name, draw_leak, &leak);
    }
    PmHeap_FreeBaseline(baseline);
    char culprit[512] = "";
    if (objects > 0)
        find_leaking_dealloc(path, culprit, sizeof culprit);
    if (culprit[0] != '\0')
        ck_abort_msg("after the scenario, %ld %s and %ld %s are still alive: a leak. %s.", objects,
                     plural(objects, "object", "objects"), refs,
                     plural(refs, "reference", "references"), culprit);
    ck_assert_msg(objects <= 0 && refs <= 0,
                  "after the scenario, %ld %s and %ld %s are still alive: "
                  "a leak (a missing decref); see %s",
                  objects, plural(objects, "object", "objects"), refs,
                  plural(refs, "reference", "references"), t->section ? t->section : "the chapter");
    ck_assert_msg(objects == 0 && refs == 0,
                  "after the scenario, %ld %s and %ld %s fewer exist than "
                  "before it: a decref too many; see %s",
                  -objects, plural(objects, "object", "objects"), -refs,
                  plural(refs, "reference", "references"), t->section ? t->section : "the chapter");
}
END_TEST

/* ------------------------------------------------------------------------
 * main: --list, --run NAME, --run-all.
 * ------------------------------------------------------------------------ */

static const char *kind_name(PmKind kind)
{
    switch (kind) {
    case PM_KIND_UNIT: return "unit";
    case PM_KIND_SIGNAL: return "signal";
    case PM_KIND_SCENARIO: return "scenario";
    }
    return "unit";
}

static int print_manifest(const PmSuite *s)
{
    json_t *tests = json_array();
    for (size_t i = 0; i < s->count; i++) {
        const PmTestEntry *t = &s->tests[i];
        json_array_append_new(
            tests, json_pack("{s:s, s:i, s:s?, s:s?, s:s?, s:s?, s:s, s:b, s:s, s:s?, s:f}", "name",
                             t->name, "points", t->points, "step", t->step, "title", t->title,
                             "hint", t->hint, "section", t->section, "kind", kind_name(t->kind),
                             "hidden", t->hidden, "visibility", t->visibility, "sanitizer_group",
                             t->sanitizer_group, "timeout", timeout_of(t)));
    }
    json_t *manifest = json_pack("{s:s, s:o}", "chapter", pm_chapter, "tests", tests);
    if (manifest == NULL)
        return 1;
    int rc = json_dumpf(manifest, stdout, JSON_INDENT(2));
    fputc('\n', stdout);
    json_decref(manifest);
    return rc == 0 ? 0 : 1;
}

static Suite *build_check_suite(const PmSuite *s, const char *only)
{
    Suite *suite = suite_create(pm_chapter);
    for (size_t i = 0; i < s->count; i++) {
        const PmTestEntry *t = &s->tests[i];
        if (only != NULL && strcmp(only, t->name) != 0)
            continue;
        TCase *tc = tcase_create(t->name);
        tcase_add_checked_fixture(tc, test_setup, test_teardown);
        tcase_set_timeout(tc, timeout_of(t));
        switch (t->kind) {
        case PM_KIND_UNIT: tcase_add_test(tc, t->test); break;
        case PM_KIND_SIGNAL: tcase_add_test_raise_signal(tc, t->test, t->signal); break;
        case PM_KIND_SCENARIO: tcase_add_loop_test(tc, pm_scenario_test, (int)i, (int)i + 1); break;
        }
        suite_add_tcase(suite, tc);
    }
    return suite;
}

static int usage(const char *argv0)
{
    fprintf(stderr,
            "usage: %s --list\n"
            "       %s --run NAME [--xml FILE]\n"
            "       %s --run-all [--xml FILE]\n"
            "       %s --serve (the grader's: tests named on fd 3, one at a time)\n",
            argv0, argv0, argv0, argv0);
    return 2;
}

/* Run the tests of the suite (only the one named, if run is not NULL) under
 * Check, and report to the grader on fd 3 if it passed one; the number
 * of tests that failed. */
static int run_tests(const char *run, const char *xml)
{
    SRunner *sr = srunner_create(build_check_suite(&the_suite, run));
    const char *fork_env = getenv("CK_FORK");
    forking = !(fork_env != NULL && strcmp(fork_env, "no") == 0);
    srunner_set_fork_status(sr, forking ? CK_FORK : CK_NOFORK);
    if (xml != NULL)
        srunner_set_xml(sr, xml);
    const char *fd_env = getenv("PMLAB_RESULT_FD");
    if (forking && fd_env != NULL && strcmp(fd_env, "3") == 0 && fcntl(3, F_GETFD) != -1) {
        result_fd = 3;
        fcntl(result_fd, F_SETFD, FD_CLOEXEC);
        make_nonce();
        if (pipe(done_pipe) != 0)
            done_pipe[0] = done_pipe[1] = -1;
        else
            fcntl(done_pipe[0], F_SETFL, O_NONBLOCK);
    }
    srunner_run_all(sr, CK_ENV);
    report_results(sr);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed;
}

/* ---- --serve: many tests from one sandbox --------------------------------
 * Starting a sandbox and this program costs more than most tests take, so
 * the grader starts one per core and hands it the tests one at a time, on
 * the socket it passes as fd 3 (PMLAB_SERVE_FD=3).  A command is
 *
 *     run NAME<TAB>FOLDER<TAB>XML<TAB>SECONDS
 *
 * with three descriptors attached: the test's stdout, its stderr and the
 * write end of its verdict pipe.  The test runs as with --run, in a process
 * of its own forked from this one (with a fresh nonce, those descriptors as
 * 1, 2 and 3 and nothing else), and Check forks the test's own process from
 * that one, as always: no learner code runs here or in the process that
 * writes the verdict.  "stop" ends the test now (the grader knows it
 * loops); after SECONDS it is ended too.  The answer is
 *
 *     done EXITED CODE SIGNALED SIGNAL TIMED_OUT
 *
 * Neither this process nor the test's runner can be read or written
 * through /proc by the tests (they are not dumpable). */
static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One command and up to three descriptors; the length, 0 at the end. */
static ssize_t receive_command(int sock, char *buf, size_t size, int fds[3])
{
    char control[CMSG_SPACE(3 * sizeof(int))];
    struct iovec iov = {buf, size - 1};
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    fds[0] = fds[1] = fds[2] = -1;
    ssize_t n;
    do
        n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n <= 0)
        return n;
    buf[n] = '\0';
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            size_t k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            memcpy(fds, CMSG_DATA(c), (k > 3 ? 3 : k) * sizeof(int));
        }
    return n;
}

/* In the sandbox's own PID namespace (PMLAB_SERVE_PIDNS=1), where its
 * init is 1 and this server the only other process between tests: kill
 * whatever the last test left, so that nothing outlives its test. */
static void kill_leftovers(void)
{
    const char *ns = getenv("PMLAB_SERVE_PIDNS");
    if (ns == NULL || strcmp(ns, "1") != 0)
        return;
    pid_t self = getpid();
    for (int round = 0; round < 10; round++) {
        DIR *d = opendir("/proc");
        if (d == NULL)
            return;
        int found = 0;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] < '0' || e->d_name[0] > '9')
                continue;
            pid_t pid = (pid_t)atoi(e->d_name);
            if (pid == 1 || pid == self)
                continue;
            kill(pid, SIGKILL);
            found = 1;
        }
        closedir(d);
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
        if (!found)
            return;
        nanosleep(&(struct timespec){.tv_nsec = 1000 * 1000}, NULL);
    }
}

static void run_served_test(char *command, const int fds[3], int sock)
{
    char *fields[4] = {NULL, NULL, NULL, NULL};
    char *p = command + strlen("run ");
    for (int i = 0; i < 4; i++) {
        fields[i] = p;
        p = strchr(p, '\t');
        if (p == NULL) {
            if (i < 3)
                fields[i + 1] = NULL;
            break;
        }
        *p++ = '\0';
    }
    char answer[128];
    if (fields[3] == NULL || fds[0] < 0 || fds[1] < 0 || fds[2] < 0) {
        snprintf(answer, sizeof answer, "done 0 0 0 0 0");
        (void)!send(sock, answer, strlen(answer), 0);
        return;
    }
    double limit = atof(fields[3]), started = now_seconds();
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[0], STDOUT_FILENO);
        dup2(fds[1], STDERR_FILENO);
        dup2(fds[2], 3);
        close_range(4, ~0U, 0);
        if (chdir(fields[1]) == 0)
            setenv("HOME", fields[1], 1);
        exit(run_tests(fields[0], fields[2]) == 0 ? 0 : 1);
    }
    int status = 0, timed_out = 0, waited = pid < 0;
    while (!waited) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid || (r < 0 && errno != EINTR)) {
            waited = r == pid;
            break;
        }
        struct pollfd pfd = {sock, POLLIN, 0};
        if (poll(&pfd, 1, 5) > 0) {
            char stop[64];
            ssize_t n = recv(sock, stop, sizeof stop - 1, 0);
            if (n <= 0 || (n >= 4 && strncmp(stop, "stop", 4) == 0))
                timed_out = 1;
        }
        if (now_seconds() - started > limit)
            timed_out = 1;
        if (timed_out) {
            kill(pid, SIGKILL);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
            waited = 1;
        }
    }
    kill_leftovers();
    snprintf(answer, sizeof answer, "done %d %d %d %d %d", waited && WIFEXITED(status),
             waited && WIFEXITED(status) ? WEXITSTATUS(status) : 0, waited && WIFSIGNALED(status),
             waited && WIFSIGNALED(status) ? WTERMSIG(status) : 0, timed_out);
    (void)!send(sock, answer, strlen(answer), 0);
}

static int serve(void)
{
    const char *fd_env = getenv("PMLAB_SERVE_FD");
    if (fd_env == NULL || strcmp(fd_env, "3") != 0 || fcntl(3, F_GETFD) == -1) {
        fprintf(stderr, "--serve: no socket on fd 3 (PMLAB_SERVE_FD=3)\n");
        return 2;
    }
    int sock = 3;
    fcntl(sock, F_SETFD, FD_CLOEXEC);
    prctl(PR_SET_DUMPABLE, 0);
    for (;;) {
        char command[8192];
        int fds[3];
        ssize_t n = receive_command(sock, command, sizeof command, fds);
        if (n <= 0)
            return 0;
        if (strncmp(command, "run ", 4) == 0)
            run_served_test(command, fds, sock);
        for (int i = 0; i < 3; i++)
            if (fds[i] >= 0)
                close(fds[i]);
    }
}

/* The number N of a "Step N: ..." label; groups without one ("Traces")
 * come after every step. */
static long step_number(const char *step)
{
    long n;
    if (step != NULL && sscanf(step, "Step %ld:", &n) == 1)
        return n;
    return LONG_MAX;
}

/* The grade lists tests in manifest order, with a subtotal per run of one
 * step, and its "next:" line and earlier-step note read that order: a file
 * that registers a later step's tests before another file registers an
 * earlier step's would split a step in two.  So the tests are put in step
 * order, keeping each step's own order (a stable insertion sort: suites
 * have tens of tests). */
static void group_by_step(PmSuite *s)
{
    for (size_t i = 1; i < s->count; i++) {
        PmTestEntry t = s->tests[i];
        long n = step_number(t.step);
        size_t j = i;
        while (j > 0 && step_number(s->tests[j - 1].step) > n) {
            s->tests[j] = s->tests[j - 1];
            j--;
        }
        s->tests[j] = t;
    }
}

int main(int argc, char **argv)
{
    const char *run = NULL, *xml = NULL;
    int list = 0, all = 0, serving = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--list") == 0)
            list = 1;
        else if (strcmp(argv[i], "--serve") == 0)
            serving = 1;
        else if (strcmp(argv[i], "--run-all") == 0)
            all = 1;
        else if (strcmp(argv[i], "--run") == 0 && i + 1 < argc)
            run = argv[++i];
        else if (strcmp(argv[i], "--xml") == 0 && i + 1 < argc)
            xml = argv[++i];
        else
            return usage(argv[0]);
    }
    if (list + all + serving + (run != NULL) != 1)
        return usage(argv[0]);

    pm_register(&the_suite);
    /* An instructor's hidden tests (make grade HIDDEN=dir), if linked in. */
    if (pm_register_hidden) {
        registering_hidden = 1;
        pm_register_hidden(&the_suite);
        registering_hidden = 0;
    }
    group_by_step(&the_suite);
    if (list)
        return print_manifest(&the_suite);

    if (run != NULL) {
        size_t i = 0;
        while (i < the_suite.count && strcmp(the_suite.tests[i].name, run) != 0)
            i++;
        if (i == the_suite.count) {
            fprintf(stderr, "%s: no test named '%s' (see --list)\n", argv[0], run);
            return 2;
        }
    }

    signal(SIGXFSZ, SIG_IGN);
    set_resource_limits();
    if (serving)
        return serve();
    /* Not readable through /proc by the test it forks (see serve). */
    if (getenv("PMLAB_RESULT_FD") != NULL)
        prctl(PR_SET_DUMPABLE, 0);
    return run_tests(run, xml) == 0 ? 0 : 1;
}
