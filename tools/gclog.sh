#!/usr/bin/env bash
# tools/gclog.sh SCRIPT OUT COMMAND... - `make run LOG=1`: run COMMAND (pmrun
# with --log), keep its output, and of everything it logs on stderr print
# only the collection lines, in the format of the recorded .gclog files
# beside the chapter-4 scenarios:
#
#     gc: collecting generation N...
#     gc: done, N unreachable, 0 uncollectable
#
# They are also written to OUT.  When SCRIPT has a recorded log beside it
# (x.py -> x.gclog), say whether OUT matches it, and if not, where the
# first difference is.  The exit status is COMMAND's.
set -u
script=$1 out=$2
shift 2

raw=$(mktemp)
trap 'rm -f "$raw"' EXIT
status=0
"$@" 2>"$raw" || status=$?

grep -E '^gc: (collecting generation [0-9]+\.\.\.|done, )' "$raw" >"$out"
# Anything else on stderr that is not the log (an error, a leak report)
# still has to be seen.
grep -vE '^(gc: |alloc |free )' "$raw" >&2
cat "$out"

recorded=${script%.py}.gclog
echo "make run: $(grep -c '^gc: collecting' "$out") collections logged, in $out" >&2
if [ -f "$recorded" ]; then
  if cmp -s "$out" "$recorded"; then
    echo "make run: the same collections as the recorded $recorded" >&2
  else
    line=$(cmp "$out" "$recorded" 2>&1 | sed -n 's/.* line \([0-9]*\).*/\1/p')
    echo "make run: differs from the recorded $recorded${line:+ from line $line}:" >&2
    diff "$out" "$recorded" | head -n 8 >&2
    echo "(diff $out $recorded shows it all; < is yours, > the recorded reference)" >&2
  fi
fi
exit "$status"
