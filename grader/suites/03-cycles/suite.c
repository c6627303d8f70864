/* suite.c - the graded suite of chapter 3 (finding cycles): the unit tests
 * of Steps 1 to 6 (test_tracking.c, test_refs.c, test_collection.c, built on
 * the node container of nodes.c) and the scenarios of Step 7, whole programs
 * whose output must match CPython's and which must leave nothing behind.
 * The scenarios run the whole collector: your chapter 3 under the
 * reference chapter 4.
 */
#include "cycles_suite.h"
#include "pmscenarios.h"

const char pm_chapter[] = "03-cycles";

/* The scenarios register themselves from grader/scenarios/03-cycles/
 * (grader/scenarios/register.sh): one point each, graded under the
 * scenarios' step; each hint names the steps the scenario's opening comment
 * names and points to the first one's section (sections[0]: the scenarios'
 * own). */
static const char *const sections[] = {SECTION7, SECTION1, SECTION2, SECTION3,
                                       SECTION4, SECTION5, SECTION6, SECTION7};

void pm_register(PmSuite *s)
{
    register_tracking_tests(s);
    register_refs_tests(s);
    register_collection_tests(s);
    pm_add_scenarios(s, 1, STEP7, sections, sizeof sections / sizeof sections[0]);
}
