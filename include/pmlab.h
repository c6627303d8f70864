/* pmlab.h - everything: the object model, the layers' contracts, the types
 * and the runtime.  Layers and tests include this one header. */
#ifndef PMLAB_H
#define PMLAB_H

#include "pm_object.h"
#include "pm_refcount.h"
#include "pm_mem.h"
#include "pm_gc.h"
#include "pm_types.h"
#include "pm_runtime.h"
#ifdef Pm_GIL_DISABLED
#include "pm_biased.h"
#endif

#endif /* PMLAB_H */
