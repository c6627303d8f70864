/* exceptions.c - the exceptions the runtime raises, as objects a scenario
 * can catch and print (CPython's Objects/exceptions.c, reduced): one class
 * per PmExcKind, the bases a handler may name instead (LookupError,
 * ArithmeticError, Exception, BaseException), and instances holding str(e).
 */
#include <string.h>
#include "../pm_core.h"

/* The classes: one per PmExcKind, then the bases a scenario can name. */
enum { X_LOOKUP = PmExc_AssertionError + 1, X_ARITHMETIC, X_EXCEPTION, X_BASE, X_COUNT };

static const struct {
    const char *name;
    int base;
} exc_classes[X_COUNT] = {
    [PmExc_TypeError] = {"TypeError", X_EXCEPTION},
    [PmExc_ValueError] = {"ValueError", X_EXCEPTION},
    [PmExc_IndexError] = {"IndexError", X_LOOKUP},
    [PmExc_KeyError] = {"KeyError", X_LOOKUP},
    [PmExc_NameError] = {"NameError", X_EXCEPTION},
    [PmExc_AttributeError] = {"AttributeError", X_EXCEPTION},
    [PmExc_ZeroDivisionError] = {"ZeroDivisionError", X_ARITHMETIC},
    [PmExc_OverflowError] = {"OverflowError", X_ARITHMETIC},
    [PmExc_MemoryError] = {"MemoryError", X_EXCEPTION},
    [PmExc_RuntimeError] = {"RuntimeError", X_EXCEPTION},
    [PmExc_RecursionError] = {"RecursionError", PmExc_RuntimeError},
    [PmExc_AssertionError] = {"AssertionError", X_EXCEPTION},
    [X_LOOKUP] = {"LookupError", X_EXCEPTION},
    [X_ARITHMETIC] = {"ArithmeticError", X_EXCEPTION},
    [X_EXCEPTION] = {"Exception", X_BASE},
    [X_BASE] = {"BaseException", 0},
};

static PmTypeObject exc_types[X_COUNT];

typedef struct {
    PmObject_HEAD
    PmObject *message; /* str(e) */
} PmExceptionObject;

static void exc_dealloc(PmObject *op)
{
    PmObject_GC_UnTrack(op);
    Pm_CLEAR(((PmExceptionObject *)op)->message);
    Pm_TYPE(op)->tp_free(op);
}

static int exc_traverse(PmObject *op, visitproc visit, void *arg)
{
    return visit(((PmExceptionObject *)op)->message, arg);
}

static PmObject *exc_str(PmObject *op)
{
    return Pm_NewRef(((PmExceptionObject *)op)->message);
}

/* KeyError('a'): a KeyError's message is already the repr of its key. */
static PmObject *exc_repr(PmObject *op)
{
    PmObject *msg = ((PmExceptionObject *)op)->message;
    PmBuf b;
    _PmBuf_Init(&b);
    _PmBuf_Printf(&b, "%s(", Pm_TYPE(op)->tp_name);
    if (Pm_IS_TYPE(op, &exc_types[PmExc_KeyError]))
        _PmBuf_Append(&b, PmUnicode_AsUTF8(msg), (size_t)Pm_SIZE(msg));
    else if (Pm_SIZE(msg) > 0)
        _PmUnicode_AppendRepr(&b, PmUnicode_AsUTF8(msg), Pm_SIZE(msg));
    _PmBuf_Puts(&b, ")");
    return _PmBuf_Finish(&b);
}

static PmTypeObject *exc_type(int i)
{
    PmTypeObject *tp = &exc_types[i];
    if (tp->tp_name == NULL)
        *tp = (PmTypeObject){_PmType_HEAD_INIT,
                             .tp_name = exc_classes[i].name,
                             .tp_basicsize = sizeof(PmExceptionObject),
                             .tp_dealloc = exc_dealloc,
                             .tp_repr = exc_repr,
                             .tp_str = exc_str,
                             .tp_hash = _Pm_HashPointer,
                             .tp_flags = Pm_TPFLAGS_HAVE_GC,
                             .tp_traverse = exc_traverse,
                             .tp_free = PmObject_GC_Del};
    return tp;
}

PmObject *_PmErr_NewException(PmExcKind kind, const char *message)
{
    PmExceptionObject *e = PmObject_GC_New(PmExceptionObject, exc_type(kind));
    if (e == NULL)
        return NULL;
    if ((e->message = PmUnicode_FromString(message)) == NULL) {
        Pm_TYPE(e)->tp_free(e);
        return NULL;
    }
    PmObject_GC_Track(e);
    return (PmObject *)e;
}

int _PmErr_GivenExceptionMatches(PmObject *cls, PmExcKind kind)
{
    if (PmTuple_Check(cls)) {
        for (Pm_ssize_t i = 0; i < Pm_SIZE(cls); i++) {
            int r = _PmErr_GivenExceptionMatches(PmTuple_GET_ITEM(cls, i), kind);
            if (r != 0)
                return r;
        }
        return 0;
    }
    if (!PmType_Check(cls) || (PmTypeObject *)cls < exc_types ||
        (PmTypeObject *)cls >= exc_types + X_COUNT) {
        PmErr_SetString(PmExc_TypeError,
                        "catching classes that do not inherit from BaseException is not allowed");
        return -1;
    }
    for (int k = (int)kind; k != 0; k = exc_classes[k].base)
        if ((PmTypeObject *)cls == &exc_types[k])
            return 1;
    return cls == (PmObject *)&exc_types[X_BASE];
}

PmObject *_PmExc_Lookup(const char *name)
{
    for (int i = 1; i < X_COUNT; i++)
        if (exc_classes[i].name != NULL && strcmp(name, exc_classes[i].name) == 0)
            return (PmObject *)exc_type(i);
    return NULL;
}
