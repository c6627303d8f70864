/* common.c - the probe type, raw views of the header, and real threads
 * (see biased_suite.h). */
#include <stdio.h>
#include <stdlib.h>

#include "biased_suite.h"

void (*probe_dealloc_hook)(ProbeObject *p);

/* The probe's memory is never given back during the test (see the header),
 * so dealloc only records. */
static void probe_dealloc(PmObject *op)
{
    ProbeObject *p = (ProbeObject *)op;
    __atomic_fetch_add(&p->frees, 1, __ATOMIC_SEQ_CST);
    __atomic_store_n(&p->dead, 1, __ATOMIC_SEQ_CST);
    /* A plain write, as a real deallocator's: ThreadSanitizer reports it if
     * a thread that used the object is not ordered before this one. */
    p->value = -1;
    if (probe_dealloc_hook != NULL)
        probe_dealloc_hook(p);
}

PmTypeObject Probe_Type = {
    .ob_base = {.ob_base = {.ob_ref_local = UINT32_MAX, .ob_type = &PmType_Type}},
    .tp_name = "probe",
    .tp_basicsize = sizeof(ProbeObject),
    .tp_dealloc = probe_dealloc,
};

ProbeObject *probe_new(int id)
{
    ProbeObject *p = calloc(1, sizeof *p);
    if (p == NULL)
        ck_abort_msg("could not allocate a probe object (out of memory?)");
    Pm_SET_TYPE(p, &Probe_Type);
    p->id = id;
    p->value = 1000 + id;
    _Pm_NewReference((PmObject *)p);
    return p;
}

int probe_frees(ProbeObject *p)
{
    return __atomic_load_n(&p->frees, __ATOMIC_SEQ_CST);
}
int probe_dead(ProbeObject *p)
{
    return __atomic_load_n(&p->dead, __ATOMIC_SEQ_CST);
}

uintptr_t raw_tid(PmObject *op)
{
    return __atomic_load_n(&op->ob_tid, __ATOMIC_RELAXED);
}
uint32_t raw_local(PmObject *op)
{
    return __atomic_load_n(&op->ob_ref_local, __ATOMIC_RELAXED);
}
Pm_ssize_t raw_shared(PmObject *op)
{
    return __atomic_load_n(&op->ob_ref_shared, __ATOMIC_RELAXED);
}
Pm_ssize_t raw_count(PmObject *op)
{
    return (Pm_ssize_t)raw_local(op) + (raw_shared(op) >> _Pm_REF_SHARED_SHIFT);
}

const char *shared_state_name(Pm_ssize_t shared)
{
    static const char *names[] = {"INIT", "MAYBE_WEAKREF", "QUEUED", "MERGED"};
    return names[shared & _Pm_REF_SHARED_FLAG_MASK];
}

void describe_fields(char *buf, size_t n, PmObject *op)
{
    Pm_ssize_t shared = raw_shared(op);
    snprintf(
        buf, n, "ob_tid=%s, ob_ref_local=%u, ob_ref_shared=%zd (count %zd, %s), true count %zd",
        raw_tid(op) == 0 ? "0" : (raw_tid(op) == _Pm_ThreadId() ? "this thread" : "another thread"),
        raw_local(op), shared, shared >> _Pm_REF_SHARED_SHIFT, shared_state_name(shared),
        raw_count(op));
}

int any_bucket_locked(void)
{
    for (int i = 0; i < _Pm_BRC_NUM_BUCKETS; i++) {
        if (pthread_mutex_trylock(&_Pm_brc.table[i].mutex.m) != 0)
            return 1;
        pthread_mutex_unlock(&_Pm_brc.table[i].mutex.m);
    }
    return 0;
}

/* ---- each step graded on its own (see biased_suite.h) ---- */
static int step_graded = 6;

void grade_step(int step)
{
    step_graded = step;
}
int graded_step(void)
{
    return step_graded;
}

/* Before Step 6, the harness registers the thread as the contract says
 * _Pm_brc_init_thread does: the learner's _Pm_ThreadId (Step 1) as its tid,
 * linked into that tid's bucket. */
void thread_enter(void)
{
    if (step_graded >= 6) {
        PmThreadState_Bind();
        return;
    }
    struct _Pm_brc_thread_state *me = _Pm_brc_thread_state_get();
    uintptr_t tid = _Pm_ThreadId();
    struct _Pm_brc_bucket *bucket = &_Pm_brc.table[tid % _Pm_BRC_NUM_BUCKETS];
    PmMutex_Lock(&bucket->mutex);
    me->tid = tid;
    me->bucket_next = bucket->head;
    bucket->head = me;
    PmMutex_Unlock(&bucket->mutex);
}

/* ... and it leaves with the reference's _Pm_brc_remove_thread, which
 * merges what was queued to it, then as PmThreadState_Delete does. */
void thread_leave(void)
{
    if (step_graded >= 6) {
        PmThreadState_Delete();
        return;
    }
    _PmRef_brc_remove_thread();
    __atomic_fetch_add(&_Pm_RefTotal, _Pm_RefTotal_thread, __ATOMIC_RELAXED);
    _Pm_RefTotal_thread = 0;
}

/* Pm_DecRef, for a test of a step before the one that writes each path:
 * the owner's path is Step 3, another thread's (_Pm_DecRefShared) Step 4.
 * A path not written yet is done here as the reference's Pm_DecRef does
 * it, load for load (so the explorer sees the same switch points), with
 * the reference's _Pm_MergeZeroLocalRefcount and _Pm_DecRefShared. */
void drop_ref(PmObject *op)
{
    if (step_graded >= 4) {
        Pm_DecRef(op);
        return;
    }
    /* Only the owner itself gives up ownership while it runs (its threads
     * are registered), so a read that is not a switch point decides. */
    int owned = __atomic_load_n(&op->ob_tid, __ATOMIC_RELAXED) == _Pm_ThreadId();
    if (owned && step_graded >= 3) {
        Pm_DecRef(op);
        return;
    }
    uint32_t local = _Pm_atomic_load_uint32_relaxed(&op->ob_ref_local);
    if (local == _Pm_IMMORTAL_REFCNT_LOCAL)
        return;
    _Pm_DEC_REFTOTAL();
    (void)_Pm_atomic_load_uintptr_relaxed(&op->ob_tid); /* the owner test, decided above */
    if (!owned) {
        _PmRef_DecRefShared(op);
        return;
    }
    _Pm_atomic_store_uint32_relaxed(&op->ob_ref_local, local - 1);
    if (local - 1 == 0)
        _PmRef_MergeZeroLocalRefcount(op);
}

/* ---- real threads ---- */
typedef struct {
    void (*fn)(void *);
    void *arg;
} OneJob;

static void *one_main(void *p)
{
    OneJob *job = p;
    thread_enter();
    job->fn(job->arg);
    thread_leave();
    return NULL;
}

void run_on_thread(void (*fn)(void *), void *arg)
{
    OneJob job = {fn, arg};
    pthread_t t;
    if (pthread_create(&t, NULL, one_main, &job) != 0)
        ck_abort_msg("could not start a thread");
    pthread_join(t, NULL);
}

typedef struct {
    void (*fn)(int, void *);
    void *arg;
    int i;
    pthread_barrier_t *barrier;
} ManyJob;

static void *many_main(void *p)
{
    ManyJob *job = p;
    thread_enter();
    pthread_barrier_wait(job->barrier);
    job->fn(job->i, job->arg);
    thread_leave();
    return NULL;
}

void run_threads(int n, void (*fn)(int, void *), void *arg)
{
    pthread_t t[16];
    ManyJob jobs[16];
    pthread_barrier_t barrier;
    if (n > 16)
        n = 16;
    pthread_barrier_init(&barrier, NULL, (unsigned)n);
    for (int i = 0; i < n; i++) {
        jobs[i] = (ManyJob){fn, arg, i, &barrier};
        if (pthread_create(&t[i], NULL, many_main, &jobs[i]) != 0)
            ck_abort_msg("could not start thread %d", i);
    }
    for (int i = 0; i < n; i++)
        pthread_join(t[i], NULL);
    pthread_barrier_destroy(&barrier);
}

struct Worker {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    void (*fn)(void *);
    void *arg;
    int busy, stop;
};

static void *worker_main(void *p)
{
    Worker *w = p;
    thread_enter();
    pthread_mutex_lock(&w->lock);
    for (;;) {
        while (!w->busy && !w->stop)
            pthread_cond_wait(&w->cond, &w->lock);
        if (w->busy) {
            pthread_mutex_unlock(&w->lock);
            w->fn(w->arg);
            pthread_mutex_lock(&w->lock);
            w->busy = 0;
            pthread_cond_broadcast(&w->cond);
            continue;
        }
        break;
    }
    pthread_mutex_unlock(&w->lock);
    thread_leave();
    return NULL;
}

Worker *worker_start(void)
{
    Worker *w = calloc(1, sizeof *w);
    if (w == NULL)
        ck_abort_msg("out of memory");
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0)
        ck_abort_msg("could not start a thread");
    return w;
}

void worker_do(Worker *w, void (*fn)(void *), void *arg)
{
    pthread_mutex_lock(&w->lock);
    w->fn = fn;
    w->arg = arg;
    w->busy = 1;
    pthread_cond_broadcast(&w->cond);
    while (w->busy)
        pthread_cond_wait(&w->cond, &w->lock);
    pthread_mutex_unlock(&w->lock);
}

void worker_stop(Worker *w)
{
    pthread_mutex_lock(&w->lock);
    w->stop = 1;
    pthread_cond_broadcast(&w->cond);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_mutex_destroy(&w->lock);
    pthread_cond_destroy(&w->cond);
    free(w);
}
