#!/usr/bin/env bash
# tools/unwritten.sh [-f NAME] FILE... - succeed if the code of FILE... that
# the compiler sees still calls _Pm_Unimplemented (with -f: for function
# NAME), that is, if some of it is not written yet.  A solution file also
# carries its skeleton's text between PM_SKELETON markers (tools/skeletons.py);
# that half is skipped, as `cc` without -DPM_SKELETON skips it.
set -u
name=
if [ "${1:-}" = -f ]; then name=$2; shift 2; fi
[ "$#" -gt 0 ] || exit 1
awk -v name="$name" '
  /^#ifdef PM_SKELETON/ || /^#else \/\* PM_SKELETON/ { skip = 1; next }
  /^#endif \/\* PM_SKELETON/                        { skip = 0; next }
  skip { next }
  name == "" && /_Pm_Unimplemented\(/                { found = 1 }
  name != "" && index($0, "_Pm_Unimplemented(\"" name "\"") { found = 1 }
  END { exit !found }' "$@"
