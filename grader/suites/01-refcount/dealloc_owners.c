/* dealloc_owners.c - the deallocators chapter 1 has the learner write, by
 * the type they free: a scenario that leaks names the one that freed a
 * container without releasing its items (pmtest.h, pm_dealloc_owners).
 */
#include "pmtest.h"
#include "pmlab.h"

const PmDeallocOwner pm_dealloc_owners[] = {
    {&PmList_Type, "list_dealloc", "chapters/01-refcount.md, Step 5"},
    {&PmTuple_Type, "tuple_dealloc", "chapters/01-refcount.md, Step 5"},
    {&PmDict_Type, "dict_dealloc", "chapters/01-refcount.md, Step 5"},
    {NULL, NULL, NULL},
};
