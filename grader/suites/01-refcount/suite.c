/* suite.c - the graded suite of chapter 1 (reference counting): the unit
 * tests of Steps 1 to 6 (test_counting.c, test_ownership.c, test_dealloc.c)
 * and the scenarios of Step 7, whole programs whose output must match
 * CPython's and which must leave nothing behind.
 */
#include "refcount_suite.h"
#include "pmscenarios.h"

const char pm_chapter[] = "01-refcount";

/* The scenarios register themselves from grader/scenarios/01-refcount/
 * (grader/scenarios/register.sh): one point each, graded under the
 * scenarios' step; each hint names the steps the scenario's opening comment
 * names and points to the first one's section (sections[0]: the scenarios'
 * own). */
static const char *const sections[] = {SECTION7, SECTION1, SECTION2, SECTION3,
                                       SECTION4, SECTION5, SECTION6, SECTION7};

void pm_register(PmSuite *s)
{
    register_counting_tests(s);
    register_ownership_tests(s);
    register_dealloc_tests(s);
    pm_add_scenarios(s, 1, STEP7, sections, sizeof sections / sizeof sections[0]);
}
