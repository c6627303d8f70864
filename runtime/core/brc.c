/* brc.c - what the free-threaded build gives chapter 5 around its counting
 * layer: the explorer's hook, locks, object stacks, the table of threads the
 * merge queue uses, and a thread's life.  Compiled only with
 * -DPm_GIL_DISABLED (CPython: Include/internal/pycore_object_stack.h,
 * Python/lock.c, Python/pystate.c).
 */
#include "pmlab.h"

#ifdef Pm_GIL_DISABLED
#include <stdlib.h>

void (*_Pm_atomic_hook)(_Pm_AtomicKind kind, const void *addr);

struct _Pm_brc_state _Pm_brc;
static _Thread_local struct _Pm_brc_thread_state brc_thread_state;

struct _Pm_brc_thread_state *_Pm_brc_thread_state_get(void)
{
    return &brc_thread_state;
}

/* Under the explorer only one thread runs at a time, so a lock is a flag
 * that the explorer reads to know which threads may take a step. */
void PmMutex_Lock(PmMutex *m)
{
    if (_Pm_atomic_hook != NULL) {
        _Pm_atomic_hook(_Pm_MUTEX_LOCK, m);
        m->held = 1;
        return;
    }
    pthread_mutex_lock(&m->m);
    m->held = 1;
}

void PmMutex_Unlock(PmMutex *m)
{
    m->held = 0;
    if (_Pm_atomic_hook == NULL) {
        pthread_mutex_unlock(&m->m);
    }
}

/* ---- object stacks ---- */
#define STACK_CHUNK 254
struct _PmObjectStackChunk {
    _PmObjectStackChunk *prev;
    Pm_ssize_t n;
    PmObject *objs[STACK_CHUNK];
};

int _PmObjectStack_Push(_PmObjectStack *stack, PmObject *op)
{
    _PmObjectStackChunk *c = stack->head;
    if (c == NULL || c->n == STACK_CHUNK) {
        _PmObjectStackChunk *fresh = malloc(sizeof *fresh);
        if (fresh == NULL) {
            return -1;
        }
        fresh->prev = c;
        fresh->n = 0;
        stack->head = c = fresh;
    }
    c->objs[c->n++] = op;
    return 0;
}

PmObject *_PmObjectStack_Pop(_PmObjectStack *stack)
{
    _PmObjectStackChunk *c = stack->head;
    if (c == NULL) {
        return NULL;
    }
    PmObject *op = c->objs[--c->n];
    if (c->n == 0) {
        stack->head = c->prev;
        free(c);
    }
    return op;
}

void _PmObjectStack_Merge(_PmObjectStack *dst, _PmObjectStack *src)
{
    if (src->head == NULL) {
        return;
    }
    if (dst->head != NULL) {
        _PmObjectStackChunk *last = src->head;
        while (last->prev != NULL) {
            last = last->prev;
        }
        last->prev = dst->head;
    }
    dst->head = src->head;
    src->head = NULL;
}

/* ---- the eval breaker's merge bit ---- */
void _Pm_set_eval_breaker_bit(struct _Pm_brc_thread_state *owner)
{
    __atomic_store_n(&owner->eval_breaker, 1, __ATOMIC_RELAXED);
}

void _Pm_HandlePending(void)
{
    struct _Pm_brc_thread_state *brc = &brc_thread_state;
    if (__atomic_load_n(&brc->eval_breaker, __ATOMIC_RELAXED) != 0) {
        __atomic_store_n(&brc->eval_breaker, 0, __ATOMIC_RELAXED);
        _Pm_brc_merge_refcounts();
    }
}

/* ---- a thread's life ---- */
void PmThreadState_Bind(void)
{
    _Pm_brc_init_thread();
}

void PmThreadState_Delete(void)
{
    _Pm_brc_remove_thread();
    __atomic_fetch_add(&_Pm_RefTotal, _Pm_RefTotal_thread, __ATOMIC_RELAXED);
    _Pm_RefTotal_thread = 0;
}

#endif /* Pm_GIL_DISABLED */
