#!/usr/bin/env bash
# tools/selftest-ch5.sh OUT - chapter 5's part of make test, the parts the
# generic sections do not cover: every mutant fails its `Must fail:` tests
# (in the free-threaded build, or else under ThreadSanitizer, as the grader
# would find it), and the scenarios of chapters 1, 3 and 4 print what
# CPython prints on the free-threaded build too.  The mutants run their
# Must-fail tests directly, not the whole grade: thirteen grades would take
# minutes.  Prints "ok ..." / "FAIL ..." lines for tools/selftest.sh.
set -u
cd "$(dirname "$0")/.."
OUT=${1:-build/selftest}/ch5
rm -rf "$OUT"
mkdir -p "$OUT"
ch=05-biased

# check_mutant PATCH: prints its ok/FAIL line.
check_mutant() {
  local patch=$1 m dir must t missed where
  m=$(basename "$patch" .patch)
  dir=$OUT/$m
  mkdir -p "$dir/src"
  cp -r solutions/$ch "$dir/src/"
  if ! patch -s -p1 -d "$dir/src" <"$patch" >"$dir/patch.log" 2>&1; then
    echo "FAIL mutant $m: the patch no longer applies"
    return
  fi
  must=$(sed -n 's/^Must fail: *//p' "$patch")
  [ -n "$must" ] || { echo "FAIL mutant $m: no 'Must fail:' line"; return; }
  if ! make -s --no-print-directory suite CH=$ch SUBMISSION="$dir/src" OUT="$dir/ft" >"$dir/build.log" 2>&1; then
    echo "FAIL mutant $m: does not build ($(tail -1 "$dir/build.log"))"
    return
  fi
  missed=() where=()
  for t in $must; do
    if "$dir/ft/suite" --run "$t" >"$dir/$t.log" 2>&1; then
      # passes in the plain build: the grader then runs it under TSan
      if [ ! -x "$dir/tsan/suite" ]; then
        make -s --no-print-directory suite CH=$ch VARIANT=tsan SUBMISSION="$dir/src" OUT="$dir/tsan" \
          >"$dir/build-tsan.log" 2>&1
      fi
      # (the options the grader gives it: grader/pmgrade/grade.c)
      if TSAN_OPTIONS=halt_on_error=1:atexit_sleep_ms=0 "$dir/tsan/suite" --run "$t" >"$dir/$t.tsan.log" 2>&1; then
        missed+=("$t")
      elif grep -q "WARNING: ThreadSanitizer" "$dir/$t.tsan.log"; then
        where+=("$t (ThreadSanitizer)")
      else
        where+=("$t (under ThreadSanitizer)")
      fi
    else
      grep -q "schedules" "$dir/$t.log" && where+=("$t (explorer)") || where+=("$t")
    fi
  done
  if [ ${#missed[@]} -eq 0 ]; then
    echo "ok   mutant $m fails at: ${where[*]}"
  else
    echo "FAIL mutant $m: these tests should fail but pass: ${missed[*]}"
  fi
}
# The scenarios of chapters 1, 3 and 4 on the free-threaded build, beside
# the mutants.
check_ft_scenarios() {
  if make -s --no-print-directory build/ft/ref/bin/pmrun >"$OUT/pmrun.log" 2>&1 &&
     PMCHECK_SKIP_CPYTHON=1 bash grader/scenarios/check.sh build/ft/ref/bin/pmrun \
       grader/scenarios/01-refcount grader/scenarios/03-cycles grader/scenarios/04-generations \
       >"$OUT/scenarios-ft.log" 2>&1; then
    echo "ok   scenarios of chapters 1, 3, 4 on the free-threaded build: $(tail -1 "$OUT/scenarios-ft.log")"
  else
    echo "FAIL scenarios on the free-threaded build: $(tail -1 "$OUT/scenarios-ft.log")"
    grep -v '^ok' "$OUT/scenarios-ft.log" | head -20 | sed 's/^/       /'
  fi
}
# An explorer test of a correct solution that is slow (every thread's exit
# sleeps 4 ms) is not cut off at the chapter's 5 s: the suite lists it
# with its own timeout and Check waits that long.  (Run directly: the
# grader would refuse the usleep.)
check_explorer_time() {
  local dir=$OUT/slow-explorer t=explore_thread_queues_while_the_owner_leaves listed start secs
  mkdir -p "$dir/src" && cp -r solutions/$ch "$dir/src/"
  if ! python3 - "$dir/src/$ch/biased.c" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
head = "void _Pm_brc_remove_thread(void)\n{\n    struct _Pm_brc_thread_state *brc"
assert s.count(head) == 1, "no _Pm_brc_remove_thread to slow down"
s = s.replace(head, head.replace("{\n", "{\n    usleep(4000);\n"))
open(p, "w").write("#include <unistd.h>\n" + s)
PY
  then
    echo "FAIL a slow explorer run: the reference's _Pm_brc_remove_thread could not be slowed"
    return
  fi
  if ! make -s --no-print-directory suite CH=$ch SUBMISSION="$dir/src" OUT="$dir/ft" >"$dir/build.log" 2>&1; then
    echo "FAIL a slow explorer run: does not build ($(tail -1 "$dir/build.log"))"
    return
  fi
  listed=$("$dir/ft/suite" --list | jq -r --arg t "$t" '.tests[] | select(.name == $t) | .timeout')
  start=$(date +%s%N)
  "$dir/ft/suite" --run "$t" >"$dir/$t.log" 2>&1
  local rc=$?
  secs=$(( ($(date +%s%N) - start) / 1000000000 ))
  if [ "$rc" = 0 ] && [ "$secs" -ge 6 ] && [ "$listed" = 20 ]; then
    echo "ok   a correct but slow solution's explorer test runs ${secs} s, past the unit tests' 5 s, and passes (listed with a timeout of $listed s)"
  else
    echo "FAIL a slow explorer run: status $rc after ${secs} s, listed timeout ${listed:-none} (want 0, 6 s or more, 20)"
    tail -5 "$dir/$t.log" | sed 's/^/       /'
  fi
}
check_ft_scenarios >"$OUT/scenarios-ft.result" 2>&1 &
ft_scenarios=$!
check_explorer_time >"$OUT/explorer-time.result" 2>&1 &
explorer_time=$!
# JOBS mutants at a time, each into a file of its own, printed in order.
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
mutants=(grader/mutants/$ch/*.patch)
for patch in "${mutants[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
  check_mutant "$patch" >"$OUT/$(basename "$patch" .patch).result" 2>&1 &
done
wait
for patch in "${mutants[@]}"; do
  r=$OUT/$(basename "$patch" .patch).result
  [ -s "$r" ] && cat "$r" || echo "FAIL mutant $(basename "$patch" .patch): its check said nothing"
done


cat "$OUT/scenarios-ft.result"
[ -s "$OUT/explorer-time.result" ] && cat "$OUT/explorer-time.result" ||
  echo "FAIL a slow explorer run: its check said nothing"
