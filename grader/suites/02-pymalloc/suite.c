/* suite.c - the graded suite of chapter 2 (pymalloc): unit tests of Steps 1
 * to 7 (test_units.c), and the traces of grader/traces/02-pymalloc replayed
 * with every check on, then timed against the reference (test_traces.c).
 */
#include "pymalloc_suite.h"

const char pm_chapter[] = "02-pymalloc";

/* The allocator is tested from a clean state: no runtime, no object. */
const int pm_needs_runtime = 0;

void pm_register(PmSuite *s)
{
    register_unit_tests(s);
    register_trace_tests(s);
}
