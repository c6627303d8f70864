/* pmtracegen.c - writes the large synthetic traces of pmsynth.h to files,
 * for pmreplay:  pmtracegen NAME > NAME.trace   (pmtracegen --list: names)
 */
#include <stdio.h>
#include <string.h>

#include "pmsynth.h"

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; i < PM_SYNTH_COUNT; i++)
            puts(pm_synth_traces[i].name);
        return 0;
    }
    if (argc == 2) {
        for (size_t i = 0; i < PM_SYNTH_COUNT; i++) {
            if (strcmp(pm_synth_traces[i].name, argv[1]) == 0) {
                pm_synth_traces[i].write(stdout);
                return fflush(stdout) == 0 ? 0 : 1;
            }
        }
        fprintf(stderr, "pmtracegen: no synthetic trace called '%s' (see --list)\n", argv[1]);
        return 2;
    }
    fprintf(stderr, "usage: pmtracegen NAME > NAME.trace\n       pmtracegen --list\n");
    return 2;
}
