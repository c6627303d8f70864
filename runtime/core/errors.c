/* errors.c - the single pending exception (CPython's PyErr_* in
 * Python/errors.c, reduced to a kind and a message) and fatal errors.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "pmlab.h"

static PmExcKind pending_kind;
static char pending_message[512];

void PmErr_SetString(PmExcKind kind, const char *message)
{
    pending_kind = kind;
    snprintf(pending_message, sizeof pending_message, "%s", message ? message : "");
}

PmObject *PmErr_Format(PmExcKind kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    pending_kind = kind;
    vsnprintf(pending_message, sizeof pending_message, fmt, ap);
    va_end(ap);
    return NULL;
}

PmObject *PmErr_NoMemory(void)
{
    PmErr_SetString(PmExc_MemoryError, "");
    return NULL;
}

int PmErr_Occurred(void)
{
    return (int)pending_kind;
}

const char *PmErr_Message(void)
{
    return pending_kind == PmExc_None ? "" : pending_message;
}

const char *PmErr_KindName(PmExcKind kind)
{
    switch (kind) {
    case PmExc_None: return "None";
    case PmExc_TypeError: return "TypeError";
    case PmExc_ValueError: return "ValueError";
    case PmExc_IndexError: return "IndexError";
    case PmExc_KeyError: return "KeyError";
    case PmExc_NameError: return "NameError";
    case PmExc_AttributeError: return "AttributeError";
    case PmExc_ZeroDivisionError: return "ZeroDivisionError";
    case PmExc_OverflowError: return "OverflowError";
    case PmExc_MemoryError: return "MemoryError";
    case PmExc_SyntaxError: return "SyntaxError";
    case PmExc_NotImplementedError: return "NotImplementedError";
    case PmExc_RuntimeError: return "RuntimeError";
    case PmExc_RecursionError: return "RecursionError";
    case PmExc_AssertionError: return "AssertionError";
    }
    return "Exception";
}

void PmErr_Clear(void)
{
    pending_kind = PmExc_None;
    pending_message[0] = '\0';
}

void Pm_FatalError(const char *msg)
{
    fflush(stdout);
    fprintf(stderr, "Fatal Python error: %s\n", msg);
    fflush(stderr);
    abort();
}
