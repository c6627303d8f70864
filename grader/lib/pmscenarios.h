/* pmscenarios.h - a chapter's scenarios register themselves from their
 * folder.  grader/scenarios/register.sh turns grader/scenarios/<chapter>/
 * into the table pm_scenario_entries (built by the Makefile and linked into
 * the chapter's suite); the suite passes it to pm_add_scenarios with what
 * is the same for all its scenarios.
 */
#ifndef PMSCENARIOS_H
#define PMSCENARIOS_H

typedef struct {
    const char *stem; /* grader/scenarios/<chapter>/<stem>.py */
    int step; /* the first step its opening comment names; 0 for
                           "Steps 1 to N together" */
    const char *phrase; /* "Step 3 (Ownership in lists) and Step 4 (...)" */
} PmScenarioEntry;

/* Ends with an entry whose stem is NULL. */
extern const PmScenarioEntry pm_scenario_entries[];

struct PmSuite;
/* Register every scenario of the table, each worth points, graded under
 * step (the chapter's "Scenarios" step).  Its hint names the steps it leans
 * on; it points to sections[n] for its first step n (sections[0]: the
 * scenarios' own section; nsections entries). */
void pm_add_scenarios(struct PmSuite *s, int points, const char *step, const char *const sections[],
                      int nsections);

#endif /* PMSCENARIOS_H */
