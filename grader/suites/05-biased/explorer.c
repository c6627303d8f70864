/* explorer.c - every interleaving of a small program, not the lucky ones.
 *
 * A program is two or three simulated threads, each a real pthread, of
 * which exactly one runs at a time: it holds the baton until it reaches a
 * switch point (every _Pm_atomic_* wrapper and every PmMutex_Lock of
 * pm_biased.h calls _Pm_atomic_hook first), where it hands the baton back to
 * the scheduler, which picks the thread that takes the next step.  So a
 * schedule is the list of choices made at switch points, and a run of the
 * program under a schedule is deterministic.
 *
 * The bound: every schedule with at most K preemptions (a switch away from
 * a thread that could have gone on), K given by the program, enumerated
 * depth-first as in CHESS (Musuvathi and Qadeer, PLDI 2007): run, then
 * change the last choice that still has an untried alternative within the
 * bound, and run again.  Most concurrency bugs need only one or two
 * preemptions to show.
 *
 * After each schedule: every object freed exactly once if the program
 * expects it freed, never while a thread still held a reference, and with
 * the expected count if it should be alive.  The shortest failing schedule
 * (fewest steps) is reported step by step with the object's fields after
 * each step, and drawn: threads as columns, steps as rows.
 */
#include <errno.h>
#include <graphviz/cgraph.h>
#include <semaphore.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "biased_suite.h"
#include "pmlimits.h"

/* Given by the runtime (runtime/viz/heapviz.c): lay out and render a graph. */
int _PmGraphviz_Render(Agraph_t *g, const char *format, const char *path);

#define X_MAX_STEPS 400 /* a run longer than this "did not finish" */
#define X_MAX_SCHEDULES 200000

typedef struct {
    int thread;
    _Pm_AtomicKind kind;
    const void *addr;
    char what[48]; /* the field or lock, by name */
    char fields[X_MAX_OBJECTS][96]; /* after the step */
} XStep;

typedef struct {
    pthread_t pthread;
    sem_t go;
    int index;
    int done;
    _Pm_AtomicKind kind; /* the switch point it waits at */
    const void *addr;
    int held[X_MAX_OBJECTS]; /* references it holds */
} XThread;

static struct {
    const XProgram *prog;
    XThread threads[X_MAX_THREADS];
    sem_t sched;
    int interleaving; /* switch points are live */
    int aborting; /* threads must leave at their next switch point */
    ProbeObject *objs[X_MAX_OBJECTS];
    uintptr_t tids[X_MAX_THREADS];
    /* the fields of each object when it was deallocated */
    int freed_seen[X_MAX_OBJECTS];
    uintptr_t freed_tid[X_MAX_OBJECTS];
    uint32_t freed_local[X_MAX_OBJECTS];
    Pm_ssize_t freed_shared[X_MAX_OBJECTS];
    /* this run */
    XStep steps[X_MAX_STEPS];
    int nsteps;
    int choice[X_MAX_STEPS]; /* index into the ordered alternatives */
    int nalts[X_MAX_STEPS];
    int preempt_alt[X_MAX_STEPS][X_MAX_THREADS]; /* is alternative j a preemption? */
    int prefix_len;
    char violation[512];
    int violation_step;
} X;

static _Thread_local XThread *x_self;

static void x_violation(const char *fmt, ...)
{
    if (X.violation[0] != '\0')
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(X.violation, sizeof X.violation, fmt, ap);
    va_end(ap);
    X.violation_step = X.nsteps;
}

/* ---- the switch point ---- */
static void x_hook(_Pm_AtomicKind kind, const void *addr)
{
    XThread *t = x_self;
    if (t == NULL || !X.interleaving)
        return;
    t->kind = kind;
    t->addr = addr;
    sem_post(&X.sched);
    while (sem_wait(&t->go) != 0 && errno == EINTR)
        ;
    if (X.aborting)
        pthread_exit(NULL);
}

/* ---- what programs call ---- */
void x_new(int k)
{
    X.objs[k] = probe_new(k);
    x_self->held[k]++;
}

PmObject *x_obj(int k)
{
    return (PmObject *)X.objs[k];
}

void x_take(int k)
{
    Pm_IncRef(x_obj(k));
    x_self->held[k]++;
}

void x_drop(int k)
{
    /* The reference is given up when the call starts: from then on the
     * object may die at any step. */
    x_self->held[k]--;
    drop_ref(x_obj(k));
}

void x_give(int k, int to)
{
    x_self->held[k]--;
    X.threads[to].held[k]++;
}

static int held_total(int k)
{
    int n = 0;
    for (int t = 0; t < X.prog->nthreads; t++)
        n += X.threads[t].held[k];
    return n;
}

static void x_on_dealloc(ProbeObject *p)
{
    int k = p->id;
    if (k < 0 || k >= X_MAX_OBJECTS || X.objs[k] != p)
        return;
    int n = held_total(k);
    if (n > 0)
        x_violation("object %d was deallocated while threads still held %d reference(s) to it", k,
                    n);
    else if (probe_frees(p) > 1)
        x_violation("object %d was deallocated twice", k);
    /* Keep it registered, so that a second deallocation is counted here
     * rather than stopping the run (and every field as it was). */
    PmObject *op = (PmObject *)p;
    int was = X.interleaving;
    X.interleaving = 0;
    uintptr_t tid = op->ob_tid;
    uint32_t local = op->ob_ref_local;
    Pm_ssize_t shared = op->ob_ref_shared;
    _Pm_NewReference(op);
    op->ob_tid = tid;
    op->ob_ref_local = local;
    op->ob_ref_shared = shared;
    _Pm_DEC_REFTOTAL();
    X.interleaving = was;
    X.freed_seen[k] = 1;
    X.freed_tid[k] = tid;
    X.freed_local[k] = local;
    X.freed_shared[k] = shared;
}

/* Nothing may write to an object once it is deallocated. */
static void check_freed_untouched(void)
{
    for (int k = 0; k < X.prog->nobjects; k++) {
        PmObject *op = x_obj(k);
        if (op == NULL || !X.freed_seen[k])
            continue;
        if (op->ob_tid != X.freed_tid[k] || op->ob_ref_local != X.freed_local[k] ||
            op->ob_ref_shared != X.freed_shared[k]) {
            x_violation("object %d was written to after it was deallocated (a use after free)", k);
            X.freed_tid[k] = op->ob_tid;
            X.freed_local[k] = op->ob_ref_local;
            X.freed_shared[k] = op->ob_ref_shared;
        }
    }
}

static const char *thread_name(uintptr_t tid)
{
    static const char *names[] = {"T1", "T2", "T3"};
    if (tid == 0)
        return "0";
    for (int t = 0; t < X.prog->nthreads; t++)
        if (X.tids[t] == tid)
            return names[t];
    return "?";
}

static void snapshot(char out[X_MAX_OBJECTS][96])
{
    for (int k = 0; k < X.prog->nobjects; k++) {
        PmObject *op = x_obj(k);
        if (op == NULL) {
            snprintf(out[k], 96, "-");
            continue;
        }
        Pm_ssize_t shared = op->ob_ref_shared;
        snprintf(out[k], 96, "tid=%s local=%u shared=%zd|%s%s", thread_name(op->ob_tid),
                 op->ob_ref_local, shared >> _Pm_REF_SHARED_SHIFT, shared_state_name(shared),
                 probe_frees(X.objs[k]) ? (probe_frees(X.objs[k]) > 1 ? " FREED x2" : " freed")
                                        : "");
    }
}

static const char *kind_name(_Pm_AtomicKind kind)
{
    switch (kind) {
    case _Pm_ATOMIC_LOAD: return "load";
    case _Pm_ATOMIC_STORE: return "store";
    case _Pm_ATOMIC_ADD: return "atomic add";
    case _Pm_ATOMIC_CAS: return "compare-exchange";
    case _Pm_MUTEX_LOCK: return "lock";
    }
    return "?";
}

static void where(const void *addr, char *buf, size_t n)
{
    for (int k = 0; k < X.prog->nobjects; k++) {
        PmObject *op = x_obj(k);
        if (op == NULL)
            continue;
        if (addr == &op->ob_tid)
            return (void)snprintf(buf, n, "obj%d.ob_tid", k);
        if (addr == &op->ob_ref_local)
            return (void)snprintf(buf, n, "obj%d.ob_ref_local", k);
        if (addr == &op->ob_ref_shared)
            return (void)snprintf(buf, n, "obj%d.ob_ref_shared", k);
    }
    if ((const char *)addr >= (const char *)&_Pm_brc &&
        (const char *)addr < (const char *)(&_Pm_brc + 1))
        return (void)snprintf(buf, n, "bucket %ld's lock",
                              (long)(((const char *)addr - (const char *)&_Pm_brc) /
                                     (long)sizeof(struct _Pm_brc_bucket)));
    snprintf(buf, n, "%p", addr);
}

/* ---- one run ---- */
static void *x_thread_main(void *p)
{
    XThread *t = p;
    x_self = t;
    X.tids[t->index] = _Pm_ThreadId();
    /* setup: alone, no switching */
    thread_enter();
    if (X.prog->setup != NULL)
        X.prog->setup(t->index);
    sem_post(&X.sched);
    while (sem_wait(&t->go) != 0 && errno == EINTR)
        ;
    if (X.aborting)
        return NULL;
    /* the interleaved part: runs to its first switch point, then waits */
    X.prog->body(t->index);
    thread_leave();
    t->done = 1;
    sem_post(&X.sched);
    return NULL;
}

static int enabled(XThread *t)
{
    if (t->done)
        return 0;
    if (t->kind == _Pm_MUTEX_LOCK && ((const PmMutex *)t->addr)->held)
        return 0;
    return 1;
}

/* Run one schedule: X.choice[0..prefix_len-1] are forced, after that the
 * first alternative (go on with the same thread).  Returns the number of
 * preemptions used. */
static int run_once(void)
{
    const XProgram *prog = X.prog;
    memset(&_Pm_brc, 0, sizeof _Pm_brc);
    memset(X.objs, 0, sizeof X.objs);
    memset(X.tids, 0, sizeof X.tids);
    memset(X.freed_seen, 0, sizeof X.freed_seen);
    X.nsteps = 0;
    X.violation[0] = '\0';
    X.violation_step = -1;
    X.aborting = 0;
    X.interleaving = 0;
    for (int i = 0; i < prog->nthreads; i++) {
        XThread *t = &X.threads[i];
        memset(t->held, 0, sizeof t->held);
        t->index = i;
        t->done = 0;
        t->kind = _Pm_ATOMIC_LOAD;
        t->addr = NULL;
        sem_init(&t->go, 0, 0);
    }
    /* setup, one thread after the other */
    for (int i = 0; i < prog->nthreads; i++) {
        if (pthread_create(&X.threads[i].pthread, NULL, x_thread_main, &X.threads[i]) != 0)
            ck_abort_msg("the explorer could not start a thread");
        sem_wait(&X.sched);
    }
    /* each thread runs to its first switch point */
    X.interleaving = 1;
    for (int i = 0; i < prog->nthreads; i++) {
        sem_post(&X.threads[i].go);
        sem_wait(&X.sched);
    }
    int prev = -1, preemptions = 0;
    for (;;) {
        if (X.nsteps > 0)
            snapshot(X.steps[X.nsteps - 1].fields);
        check_freed_untouched();
        /* the alternatives, in order: the thread that ran last, then the others */
        int order[X_MAX_THREADS], n = 0;
        if (prev >= 0 && enabled(&X.threads[prev]))
            order[n++] = prev;
        for (int i = 0; i < prog->nthreads; i++)
            if (i != prev && enabled(&X.threads[i]))
                order[n++] = i;
        if (n == 0) {
            int all_done = 1;
            for (int i = 0; i < prog->nthreads; i++)
                all_done &= X.threads[i].done;
            if (!all_done)
                x_violation("deadlock: every thread left waits for a lock that is held");
            break;
        }
        if (X.nsteps == X_MAX_STEPS) {
            x_violation("the program did not finish in %d steps (a loop that never ends?)",
                        X_MAX_STEPS);
            break;
        }
        int s = X.nsteps;
        int prev_enabled = prev >= 0 && enabled(&X.threads[prev]);
        X.nalts[s] = n;
        for (int j = 0; j < n; j++)
            X.preempt_alt[s][j] = prev_enabled && order[j] != prev;
        if (s >= X.prefix_len)
            X.choice[s] = 0;
        int c = X.choice[s] < n ? X.choice[s] : 0;
        preemptions += X.preempt_alt[s][c];
        int t = order[c];
        X.steps[s].thread = t;
        X.steps[s].kind = X.threads[t].kind;
        X.steps[s].addr = X.threads[t].addr;
        where(X.steps[s].addr, X.steps[s].what, sizeof X.steps[s].what);
        X.nsteps++;
        prev = t;
        sem_post(&X.threads[t].go);
        sem_wait(&X.sched);
    }
    /* stop whatever is left (deadlock, too long) and wait for everyone */
    X.aborting = 1;
    X.interleaving = 0;
    for (int i = 0; i < prog->nthreads; i++)
        if (!X.threads[i].done)
            sem_post(&X.threads[i].go);
    for (int i = 0; i < prog->nthreads; i++) {
        pthread_join(X.threads[i].pthread, NULL);
        sem_destroy(&X.threads[i].go);
    }
    /* the final checks */
    for (int k = 0; k < prog->nobjects && X.violation[0] == '\0'; k++) {
        ProbeObject *p = X.objs[k];
        if (p == NULL)
            continue;
        int frees = probe_frees(p);
        if (prog->expect_freed[k] && frees == 0)
            x_violation("object %d should have been deallocated once every reference was "
                        "dropped, but it is still alive (%s)",
                        k, X.nsteps ? X.steps[X.nsteps - 1].fields[k] : "");
        else if (frees > 1)
            x_violation("object %d was deallocated %d times", k, frees);
        else if (!prog->expect_freed[k] && frees > 0)
            x_violation("object %d was deallocated, but a reference to it is still held", k);
        else if (!prog->expect_freed[k] && raw_count((PmObject *)p) != prog->expect_count[k])
            x_violation("object %d should end with count %zd, it has %zd (%s)", k,
                        prog->expect_count[k], raw_count((PmObject *)p),
                        X.nsteps ? X.steps[X.nsteps - 1].fields[k] : "");
    }
    /* forget the objects of this run */
    for (int k = 0; k < prog->nobjects; k++)
        if (X.objs[k] != NULL)
            _Pm_ForgetReference((PmObject *)X.objs[k]);
    return preemptions;
}

/* ---- the report ---- */
typedef struct {
    XStep steps[X_MAX_STEPS];
    int nsteps;
    char violation[512];
    int violation_step;
    int nthreads, nobjects;
    const char *name;
} XFailure;

static void html_escape(char *out, size_t n, const char *s)
{
    size_t o = 0;
    for (; *s && o + 6 < n; s++) {
        const char *rep = *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '&' ? "&amp;" : NULL;
        if (rep) {
            memcpy(out + o, rep, strlen(rep));
            o += strlen(rep);
        } else
            out[o++] = *s;
    }
    out[o] = '\0';
}

static void step_text(const XFailure *f, int i, char *buf, size_t n)
{
    snprintf(buf, n, "%s %s", kind_name(f->steps[i].kind), f->steps[i].what);
}

/* Threads as columns, steps as rows, the objects' fields beside them. */
static int draw_failure(const char *path, void *arg)
{
    const XFailure *f = arg;
    size_t cap = 64 * 1024 + (size_t)f->nsteps * 1024;
    char *html = malloc(cap);
    if (html == NULL)
        return 1;
    size_t o = 0;
    char esc[600];
    html_escape(esc, sizeof esc, f->violation);
    o += (size_t)snprintf(
        html + o, cap - o,
        "<TABLE BORDER=\"0\" CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"4\">"
        "<TR><TD COLSPAN=\"%d\" BGCOLOR=\"#f8d7da\"><B>%s</B><BR/>%s</TD></TR><TR><TD><B>step</B></TD>",
        1 + f->nthreads + f->nobjects, f->name, esc);
    for (int t = 0; t < f->nthreads; t++)
        o += (size_t)snprintf(html + o, cap - o, "<TD><B>T%d</B></TD>", t + 1);
    for (int k = 0; k < f->nobjects; k++)
        o += (size_t)snprintf(html + o, cap - o, "<TD><B>obj%d after the step</B></TD>", k);
    o += (size_t)snprintf(html + o, cap - o, "</TR>");
    for (int i = 0; i < f->nsteps && o + 2048 < cap; i++) {
        const char *bg = i + 1 == f->violation_step ? " BGCOLOR=\"#f8d7da\"" : "";
        o += (size_t)snprintf(html + o, cap - o, "<TR><TD%s>%d</TD>", bg, i + 1);
        for (int t = 0; t < f->nthreads; t++) {
            char op[128] = "";
            if (f->steps[i].thread == t) {
                char raw[128];
                step_text(f, i, raw, sizeof raw);
                html_escape(op, sizeof op, raw);
            }
            o += (size_t)snprintf(html + o, cap - o, "<TD%s>%s</TD>",
                                  f->steps[i].thread == t ? " BGCOLOR=\"#dbe9f6\"" : "", op);
        }
        for (int k = 0; k < f->nobjects; k++) {
            char v[200];
            html_escape(v, sizeof v, f->steps[i].fields[k]);
            o += (size_t)snprintf(html + o, cap - o, "<TD ALIGN=\"LEFT\">%s</TD>", v);
        }
        o += (size_t)snprintf(html + o, cap - o, "</TR>");
    }
    snprintf(html + o, cap - o, "</TABLE>");
    Agraph_t *g = agopen("schedule", Agdirected, NULL);
    agattr(g, AGNODE, "shape", "plaintext");
    agattr(g, AGNODE, "fontname", "Helvetica");
    /* Declared before the node exists: a label first declared by agsafeset
     * would not keep its HTML marking, and the table would not be drawn. */
    agattr(g, AGNODE, "label", "");
    Agnode_t *node = agnode(g, "schedule", 1);
    agsafeset(node, "label", agstrdup_html(g, html), "");
    free(html);
    return _PmGraphviz_Render(g, "svg", path);
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The CPU time of the whole test process, every simulated thread's. */
static double cpu_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void explore(const char *test, const XProgram *prog)
{
    static XFailure best;
    X.prog = prog;
    X.prefix_len = 0;
    if (prog->step != 0)
        grade_step(prog->step);
    int bound = prog->preemptions;
    /* PMLAB_EXPLORER_BOUND=K explores further (or less), for measuring. */
    if (getenv("PMLAB_EXPLORER_BOUND") != NULL)
        bound = atoi(getenv("PMLAB_EXPLORER_BOUND"));
#if defined(__SANITIZE_THREAD__)
    /* ThreadSanitizer makes each schedule ten times slower, and it does not
     * need them all: it checks the memory orders, the explorer the steps. */
    if (bound > 1)
        bound = 1;
#endif
    sem_init(&X.sched, 0, 0);
    probe_dealloc_hook = x_on_dealloc;
    _Pm_atomic_hook = x_hook;
    Pm_ssize_t reftotal = _Pm_RefTotal, reftotal_here = _Pm_RefTotal_thread;
    best.nsteps = 0;
    long schedules = 0, failures = 0;
    /* Once a schedule has failed, the search may stop short of the end to
     * report it in time: at 60% of the test's time as Check scales it, or
     * of the test process's CPU time limit, whichever comes first.  A
     * search that has found no failure never stops short: passing it
     * unfinished would let slow code (or code that slows down only under
     * the explorer, whose hook it can see) hide a race. */
    const char *m = getenv("CK_TIMEOUT_MULTIPLIER");
    double budget = 0.6 * PM_EXPLORER_TIMEOUT * (m != NULL && atof(m) > 0 ? atof(m) : 1);
    double cpu_budget = 0.6 * PM_CPU_SECONDS;
    double started = now(), cpu_started = cpu_now();
    int complete = 0;
    for (;;) {
        run_once();
        schedules++;
        if (X.violation[0] != '\0') {
            failures++;
            if (best.nsteps == 0 || X.nsteps < best.nsteps) {
                memcpy(best.steps, X.steps, sizeof(XStep) * (size_t)X.nsteps);
                best.nsteps = X.nsteps;
                best.violation_step = X.violation_step;
                snprintf(best.violation, sizeof best.violation, "%s", X.violation);
            }
        }
        /* the next schedule: the deepest choice with an untried
         * alternative within the bound */
        int used[X_MAX_STEPS + 1];
        used[0] = 0;
        for (int s = 0; s < X.nsteps; s++)
            used[s + 1] = used[s] + X.preempt_alt[s][X.choice[s]];
        int next = -1;
        for (int s = X.nsteps - 1; s >= 0 && next < 0; s--) {
            for (int j = X.choice[s] + 1; j < X.nalts[s]; j++) {
                if (used[s] + X.preempt_alt[s][j] <= bound) {
                    X.choice[s] = j;
                    next = s;
                    break;
                }
            }
        }
        if (next < 0) {
            complete = 1;
            break;
        }
        X.prefix_len = next + 1;
        if (schedules >= X_MAX_SCHEDULES ||
            (failures > 0 && (now() - started > budget || cpu_now() - cpu_started > cpu_budget)))
            break;
    }
    _Pm_atomic_hook = NULL;
    probe_dealloc_hook = NULL;
    _Pm_RefTotal = reftotal;
    _Pm_RefTotal_thread = reftotal_here;
    memset(&_Pm_brc, 0, sizeof _Pm_brc);
    sem_destroy(&X.sched);
    double searched_for = now() - started;
    if (getenv("PMLAB_EXPLORER_STATS") != NULL)
        fprintf(stderr, "explorer: %s: %ld schedules (K=%d, %s) in %.2f s, %ld failing\n", test,
                schedules, bound, complete ? "all" : "stopped early", searched_for, failures);
    if (best.nsteps == 0 && failures == 0) {
        /* Only the cap on schedules ends a search without a failure. */
        ck_assert_msg(complete,
                      "%s: the search did not finish: %ld schedules (every one with at most %d "
                      "preemption%s) and none failed, but more remain, more than the explorer "
                      "tries.  Each run of your code takes more steps (atomic operations and "
                      "locks) than it needs: the reference's runs are far shorter.",
                      prog->name, schedules, bound, bound == 1 ? "" : "s");
        return;
    }

    best.nthreads = prog->nthreads;
    best.nobjects = prog->nobjects;
    best.name = prog->name;
    pm_draw_failure(test, draw_failure, &best);
    /* the message: the schedule, step by step.  Check carries at most a
     * few kilobytes of message: past that, the earliest steps are left to
     * the picture. */
    enum { MSG_MAX = 3600 };
    char lines[X_MAX_STEPS][320];
    size_t total = 0;
    for (int i = 0; i < best.nsteps; i++) {
        char op[128];
        step_text(&best, i, op, sizeof op);
        int n = snprintf(lines[i], sizeof lines[i], "  %2d. T%d %-36s ->", i + 1,
                         best.steps[i].thread + 1, op);
        for (int k = 0; k < prog->nobjects && n < (int)sizeof lines[i]; k++)
            n += snprintf(lines[i] + n, sizeof lines[i] - (size_t)n, " obj%d: %s", k,
                          best.steps[i].fields[k]);
        total += strlen(lines[i]) + 1;
    }
    char *msg = malloc(MSG_MAX + 1024);
    if (msg == NULL)
        ck_abort_msg("%s", best.violation);
    char searched[160];
    if (complete)
        snprintf(searched, sizeof searched,
                 "Of %ld schedules tried (every one with at most %d preemption%s)", schedules,
                 bound, bound == 1 ? "" : "s");
    else
        snprintf(searched, sizeof searched,
                 "Of the first %ld schedules with at most %d preemption%s (the search "
                 "stopped there, after %.0f s)",
                 schedules, bound, bound == 1 ? "" : "s", searched_for);
    size_t o = (size_t)snprintf(msg, MSG_MAX, "%s: %s.\n%s, %ld fail; the shortest, %d steps:\n",
                                prog->name, best.violation, searched, failures, best.nsteps);
    int first = 0;
    while (first < best.nsteps && o + total + 80 > MSG_MAX)
        total -= strlen(lines[first++]) + 1;
    if (first > 0)
        o += (size_t)snprintf(msg + o, MSG_MAX + 1024 - o,
                              "  (steps 1-%d are in the picture of this schedule)\n", first);
    for (int i = first; i < best.nsteps; i++)
        o += (size_t)snprintf(msg + o, MSG_MAX + 1024 - o, "%s\n", lines[i]);
    ck_abort_msg("%s", msg);
}
