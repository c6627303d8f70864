/* witness.c - the witness test type (see refcount_suite.h).  A static type,
 * like the runtime's built-in ones: its instances do not hold a reference
 * to it, and its own count is never touched. */
#include "refcount_suite.h"

long witness_deallocs;
int witness_dealloc_count[WITNESS_MAX_ID];
void (*witness_on_dealloc)(WitnessObject *w);

static void witness_dealloc(PmObject *op)
{
    WitnessObject *w = (WitnessObject *)op;
    witness_deallocs++;
    if (w->id >= 0 && w->id < WITNESS_MAX_ID)
        witness_dealloc_count[w->id]++;
    if (witness_on_dealloc != NULL)
        witness_on_dealloc(w);
    Pm_TYPE(op)->tp_free(op);
}

static PmObject *witness_repr(PmObject *op)
{
    return PmUnicode_FromFormat("<witness %d>", ((WitnessObject *)op)->id);
}

static Pm_hash_t witness_hash(PmObject *op)
{
    return 1000 + ((WitnessObject *)op)->id;
}

PmTypeObject Witness_Type = {
    .ob_base = {.ob_base = {.ob_refcnt = _Pm_IMMORTAL_REFCNT, .ob_type = &PmType_Type}},
    .tp_name = "witness",
    .tp_basicsize = sizeof(WitnessObject),
    .tp_dealloc = witness_dealloc,
    .tp_repr = witness_repr,
    .tp_hash = witness_hash,
    .tp_free = PmObject_Free,
};

void witness_reset(void)
{
    witness_deallocs = 0;
    for (int i = 0; i < WITNESS_MAX_ID; i++)
        witness_dealloc_count[i] = 0;
    witness_on_dealloc = NULL;
}

PmObject *witness_new(int id)
{
    PmObject *op = _PmObject_New(&Witness_Type);
    if (op == NULL)
        ck_abort_msg("could not allocate a witness object (out of memory?)");
    ((WitnessObject *)op)->id = id;
    return op;
}
