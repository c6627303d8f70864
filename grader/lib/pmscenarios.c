/* pmscenarios.c - registering a chapter's scenarios from the table
 * grader/scenarios/register.sh made of its folder (pmscenarios.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmscenarios.h"
#include "pmtest.h"

void pm_add_scenarios(PmSuite *s, int points, const char *step, const char *const sections[],
                      int nsections)
{
    for (const PmScenarioEntry *e = pm_scenario_entries; e->stem != NULL; e++) {
        if (e->step < 0 || e->step >= nsections) {
            fprintf(stderr,
                    "grader/scenarios/%s/%s.py names Step %d, which chapter %s does "
                    "not have\n",
                    pm_chapter, e->stem, e->step, pm_chapter);
            exit(2);
        }
        char hint[1024];
        snprintf(hint, sizeof hint,
                 "This scenario exercises %s; its opening comment says what to watch. Run it "
                 "with make run SCRIPT=grader/scenarios/%s/%s.py to see its heap.",
                 e->phrase, pm_chapter, e->stem);
        /* The registry keeps the pointer: a copy that lives on. */
        pm_add_scenario(s, e->stem, points, step, strdup(hint), sections[e->step]);
    }
}
