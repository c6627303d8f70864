/* suite.c - the graded suite of chapter 5 (biased reference counting): the
 * unit and stress tests of Steps 1 to 4 (test_counting.c), of Steps 5 and 6
 * (test_queue.c), and the explorer's programs (test_explore.c).  The suite
 * is built with -DPm_GIL_DISABLED, and again under ThreadSanitizer.
 */
#include "biased_suite.h"

const char pm_chapter[] = "05-biased";

void register_counting(PmSuite *s);
void register_queue(PmSuite *s);
void register_explore(PmSuite *s);

/* Under ThreadSanitizer, the first data race ends the test, so that it
 * fails with TSan's report (both stacks) as its message; a longer history
 * than the default keeps the earlier access's stack restorable. */
const char *__tsan_default_options(void);
const char *__tsan_default_options(void)
{
    return "halt_on_error=1:abort_on_error=0:exitcode=66:report_signal_unsafe=0:history_size=4";
}

void pm_register(PmSuite *s)
{
    register_counting(s);
    register_queue(s);
    register_explore(s);
}
