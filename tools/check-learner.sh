#!/usr/bin/env bash
# tools/check-learner.sh REPORT - checks of the learner's commands, for
# `make test`: the second hints (grader/suites/*/hints.txt) belong to real
# tests and add something to the grader's hint; `make hint` prints them;
# tools/stack.sh gives `make run` the chapters a learner has written, plus
# a graded scenario's own chapter.  REPORT is a report.json of a grade of
# the solutions (it lists every test with its first hint).  Prints one
# "ok ..." or "FAIL ..." line per check; exit 0 iff nothing failed.
set -u
cd "$(dirname "$0")/.."
report=$1
bad=0
ok()   { echo "ok $1"; }
fail() { echo "FAIL $1"; bad=1; }

for f in grader/suites/*/hints.txt; do
  slug=$(basename "$(dirname "$f")")
  names=$(grep -E '^[a-z_0-9]+$' "$f")
  unknown=$(for n in $names; do
              jq -e --arg c "$slug" --arg n "$n" \
                 'any(.chapters[] | select(.chapter == $c) | .tests[]; .name == $n)' \
                 "$report" >/dev/null || echo "$n"
            done)
  [ -z "$unknown" ] && ok "$slug: every test in hints.txt exists ($(wc -w <<<"$names") second hints)" \
                    || fail "$slug: hints.txt names no such test: $(echo $unknown)"
  same=$(for n in $names; do
           second=$(bash tools/hint.sh "$slug" "$n" /dev/null | sed -n 's/^  second hint: //p')
           first=$(jq -r --arg n "$n" 'first(.chapters[].tests[] | select(.name == $n) | .hint)' "$report")
           [ "${first:0:40}" = "${second:0:40}" ] && echo "$n"
         done)
  [ -z "$same" ] && ok "$slug: every second hint differs from the grader's first" \
                 || fail "$slug: the second hint repeats the first: $(echo $same)"
done

out=$(bash tools/hint.sh 04-generations collection_runs_when_count_passes_threshold /dev/null)
grep -q 'second hint: .*count > threshold' <<<"$out" \
  && ok "make hint prints a test's second hint" \
  || fail "make hint CH=04 TEST=collection_runs_when_count_passes_threshold printed: $out"

# make run's layers: a copy of the skeletons with chapter 1 written.
sub=$(mktemp -d)
trap 'rm -rf "$sub"' EXIT
cp -r skeletons/. "$sub"
cp solutions/01-refcount/*.c "$sub/01-refcount/"
got=$(bash tools/stack.sh "$sub" examples/refcount.py | xargs)
[ "$got" = "01-refcount" ] && ok "make run after chapter 1: your chapter 1, the reference for the rest" \
                           || fail "make run after chapter 1 takes: '$got' (want: 01-refcount)"
got=$(bash tools/stack.sh "$sub" grader/scenarios/03-cycles/list_cycle_of_two.py | xargs)
[ "$got" = "01-refcount 03-cycles" ] && ok "make run of a chapter-3 scenario takes your chapter 3 too" \
                                     || fail "make run of a chapter-3 scenario takes: '$got'"
got=$(bash tools/stack.sh solutions examples/cycle.py | xargs)
# Every chapter but those written only for another object header than
# make run's (chapter 5's, free-threaded).
want=$(for d in solutions/[0-9][0-9]-*/; do
         ch=$(basename "$d"); conf=grader/suites/$ch/chapter.conf
         grep -q '^OBJECT_HEADERS' "$conf" 2>/dev/null &&
           ! grep -Eq '^OBJECT_HEADERS *=(.* )?default( |$)' "$conf" || echo "$ch"
       done | xargs)
[ "$got" = "$want" ] && ok "make run SUBMISSION=solutions: every layer written (the PM_SKELETON halves skipped)" \
                     || fail "make run SUBMISSION=solutions takes: '$got' (want: $want)"
got=$(bash tools/stack.sh skeletons examples/cycle.py | xargs)
[ -z "$got" ] && ok "make run on untouched skeletons: the reference for every layer" \
              || fail "make run on untouched skeletons takes: '$got'"
exit "$bad"
