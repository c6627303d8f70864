/* suite.c - the graded suite of chapter 4 (generations): the unit tests of
 * Steps 1 to 5 (test_counting.c, test_collecting.c, test_thresholds.c,
 * test_module.c), and for Step 6 the scenarios, whose output must match
 * CPython's, and the logs of collections of the long scenarios, which must
 * match the reference's (test_logs.c).
 */
#include "generations_suite.h"
#include "pmscenarios.h"

const char pm_chapter[] = "04-generations";

/* The scenarios register themselves from grader/scenarios/04-generations/
 * (grader/scenarios/register.sh): one point each, graded under the
 * scenarios' step; each hint names the steps the scenario's opening comment
 * names and points to the first one's section (sections[0]: the scenarios'
 * own). */
static const char *const sections[] = {SECTION6, SECTION1, SECTION2, SECTION3,
                                       SECTION4, SECTION5, SECTION6};

void pm_register(PmSuite *s)
{
    register_counting_tests(s);
    register_collecting_tests(s);
    register_step2_log_tests(s);
    register_threshold_tests(s);
    register_link_collection_tests(s);
    register_module_tests(s);
    register_log_tests(s);
    pm_add_scenarios(s, 1, STEP6, sections, sizeof sections / sizeof sections[0]);
}
