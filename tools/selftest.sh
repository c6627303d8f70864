#!/usr/bin/env bash
# tools/selftest.sh - `make test`: the project's own test suite.
#
# Checks what must stay true of the workbook: the solutions grade 100%, the
# pristine skeletons grade 0 without breaking the grader (and are what the
# generator makes of the solutions), every mutant loses points at the tests
# meant to catch it, every robustness fixture is graded as it should be,
# every scenario prints what CPython prints, the reference is clean under
# ASan/UBSan, and the book builds.
#
# ONLY="mutants fixtures" (make test ONLY=mutants) runs those sections
# alone, after the build; the names are in SECTIONS below.  Either way the
# run ends with each section's seconds (wall clock and CPU) and one line
# "N passed, M failed".  Sections run two at a time (SECTION_JOBS=1: one by
# one); CONTRIBUTING.md ("The project's own tests") says how, and how to add
# one.
set -u
cd "$(dirname "$0")/.."

SECTIONS=(build classify solutions chapters learner skeletons generated mutants steps own fixtures scenarios traces asan book bench handout class hidden gradescope)
ONLY=${ONLY:-}
ONLY=${ONLY//,/ }
for s in $ONLY; do
  [[ " ${SECTIONS[*]} " == *" $s "* ]] || { echo "make test: no section '$s' (sections: ${SECTIONS[*]})" >&2; exit 2; }
done
# wanted SECTION: is it to run?
wanted() { [ -z "$ONLY" ] || [[ " $ONLY " == *" $1 "* ]]; }

OUT=build/selftest
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
rm -rf "$OUT"
mkdir -p "$OUT"

passed=0
failed=0
failures=()
ok()   { passed=$((passed + 1)); printf '  ok    %s\n' "$1"; }
fail() { failed=$((failed + 1)); failures+=("$1"); printf '  FAIL  %s\n' "$1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/        /'; }
section() { printf '\n== %s ==\n' "$1"; }
# Seconds per section, wall clock and CPU (user + system of the section's
# processes; on a busy machine the CPU figure is the steadier one).
now() { printf '%s' "${EPOCHREALTIME/[.,]/}"; }   # microseconds
# cpu: cpu_us = CPU microseconds of this shell's finished children so far.
# (times must run in this shell, not in a $(...) subshell; the file is
# this shell's own, as sections run at once.)
cpu() {
  local f="$OUT/.times.$BASHPID"
  times >"$f"
  read -r cpu_us < <(tail -1 "$f" | awk '{ t = 0; for (i = 1; i <= NF; i++) { split($i, a, "m"); t += a[1] * 60 + a[2] } printf "%d\n", t * 1000000 }')
  rm -f "$f"
}
timing=()
clock_start() { t_wall=$(now); cpu; t_cpu=$cpu_us; }
clock_stop() {
  local w=$(( $(now) - t_wall )); cpu
  timing+=("$(printf '%-10s %6.1f %7.1f' "$1" "${w}e-6" "$(( cpu_us - t_cpu ))e-6")")
}

CHAPTERS=$(ls -d solutions/[0-9][0-9]-* | xargs -n1 basename)

# grade NAME SUBMISSION [pmgrade args...] -> report in $OUT/NAME, status in $rc
grade() {
  local name=$1 sub=$2; shift 2
  mkdir -p "$(dirname "$OUT/$name")"
  build/bin/pmgrade --root . --submission "$sub" --out "$OUT/$name" --jobs "$JOBS" --quiet "$@" \
    >"$OUT/$name.log" 2>&1
  rc=$?
}
report() { jq -r "$1" "$OUT/$2/report.json" 2>/dev/null; }
# conf CHAPTER KEY: a value of the chapter's chapter.conf (empty if unset).
conf() { sed -n "s/^$2 *[:?]*= *//p" "grader/suites/$1/chapter.conf" 2>/dev/null | tail -1; }
# Several sections read the graded solutions: they are graded once per run,
# before any section that calls need_solutions starts (see the end).
need_solutions() {
  if [ ! -f "$OUT/solutions.rc" ]; then
    grade solutions solutions
    echo "$rc" >"$OUT/solutions.rc"
  fi
  solutions_rc=$(<"$OUT/solutions.rc")
}

section "build"
start=$(date +%s)
clock_start
if make -s --no-print-directory -j"$JOBS" build/bin/pmgrade build/rel/libpmruntime.a build/asan/libpmruntime.a \
     build/rel/ref/bin/pmrun build/rel/ref/bin/pmgcsteps build/rel/ref/bin/pmreplay build/asan/ref/bin/pmrun >"$OUT/build.log" 2>&1; then
  ok "the grader, the runtime and the reference pmrun build (rel and asan)"
else
  fail "build" "$(tail -30 "$OUT/build.log")"
  printf '\n%d passed, %d failed\n' "$passed" "$((failed))"
  exit 1
fi
# Everything the sections link and that more than one of them could build:
# each chapter's reference suite in each of its variants (the objects of
# every layer, the suite's, the test library's), the reference layers in
# the debugging variants (make handout), the free-threaded pmrun and the
# grader's own test programs.  Built here once, with make's parallelism,
# the sections running at once never compile the same file together.
prebuilt=1
for ch in $CHAPTERS; do
  vs=$(conf "$ch" VARIANTS)
  for v in ${vs:-rel asan}; do
    make -s --no-print-directory -j"$JOBS" suite CH="$ch" VARIANT="$v" SUBMISSION=solutions \
      OUT="$OUT/prebuild/$ch-$v" >>"$OUT/build.log" 2>&1 || prebuilt=0
  done
done
for v in rel asan debug ftdebug; do
  make -s --no-print-directory -j"$JOBS" ref-objs VARIANT=$v >>"$OUT/build.log" 2>&1 || prebuilt=0
done
make -s --no-print-directory -j"$JOBS" build/ft/ref/bin/pmrun build/bin/classify_test build/bin/pmtracegen \
  >>"$OUT/build.log" 2>&1 || prebuilt=0
[ $prebuilt = 1 ] && ok "every chapter's reference suite builds in each of its variants" \
  || fail "a reference suite or program does not build" "$(tail -30 "$OUT/build.log")"
clock_stop build

sec_classify() {
section "the grader explains how a test ended"
if make -s --no-print-directory build/bin/classify_test >"$OUT/classify.log" 2>&1 &&
   build/bin/classify_test grader/pmgrade/tests/classify >>"$OUT/classify.log" 2>&1; then
  ok "pg_classify: $(tail -1 "$OUT/classify.log")"
else
  fail "pg_classify: $(tail -1 "$OUT/classify.log")" "$(grep -v '^ok' "$OUT/classify.log" | head -20)"
fi
if make -s --no-print-directory build/bin/report_test >"$OUT/report-table.log" 2>&1 &&
   build/bin/report_test >>"$OUT/report-table.log" 2>&1; then
  ok "the table's next: line and earlier-step note: $(tail -1 "$OUT/report-table.log")"
else
  fail "the table's next: line or earlier-step note: $(tail -1 "$OUT/report-table.log")" \
    "$(grep -v '^ok' "$OUT/report-table.log" | head -20)"
fi
}

sec_solutions() {
section "solutions grade 100%"
need_solutions
rc=$solutions_rc
score=$(report .score solutions); max=$(report .max_score solutions)
if [ "$rc" -eq 0 ] && [ -n "$score" ] && [ "$score" = "$max" ] && [ "$max" != 0 ]; then
  ok "solutions: $score/$max"
else
  fail "solutions: ${score:-?}/${max:-?} (exit $rc)" \
    "$(report '.chapters[].tests[] | select(.status != "passed") | "\(.name): \(.status): \(.message)"' solutions | head -20)"
fi
for f in report.json results.json junit.xml report.html; do
  [ -s "$OUT/solutions/$f" ] && ok "solutions: $f written" || fail "solutions: $f missing"
done
jq -e 'has("score") and (.tests | type == "array") and (.tests | length > 0)' "$OUT/solutions/results.json" >/dev/null 2>&1 \
  && ok "results.json is Gradescope-shaped (score, tests)" || fail "results.json lacks score or tests"
}

sec_chapters() {
section "each chapter and its graded suite name the same tests"
need_solutions
for ch in $CHAPTERS; do
  md=chapters/$ch.md
  [ -f "$md" ] || { fail "$ch: no chapter $md"; continue; }
  report ".chapters[] | select(.chapter == \"$ch\") | .tests[].name" solutions | sort >"$OUT/tests-$ch.txt"
  # Tests the chapter says grade a step must exist ...
  gone=$(grep -i 'graded by' "$md" | grep -o '`[a-z0-9_]*`' | tr -d '`' | sort -u | comm -23 - "$OUT/tests-$ch.txt")
  # ... and every test of a step, scenarios aside, is named in the chapter.
  unnamed=$(report ".chapters[] | select(.chapter == \"$ch\") | .tests[] | select((.step | startswith(\"Step \")) and .kind != \"scenario\") | .name" solutions |
    while read -r t; do grep -q "\`$t\`" "$md" || echo "$t"; done)
  if [ -z "$gone" ] && [ -z "$unnamed" ]; then
    ok "$ch: the chapter names every test of its steps, and only tests that exist"
  else
    fail "$ch: chapter and suite disagree" "$( [ -n "$gone" ] && echo "named in $md but not in the suite: $(echo $gone)"; [ -n "$unnamed" ] && echo "in the suite but not named in $md: $(echo $unnamed)")"
  fi
done
}

sec_learner() {
section "the learner's commands: second hints, make run's layers"
need_solutions
while IFS= read -r line; do
  case $line in ok\ *) ok "${line#ok }" ;; FAIL\ *) fail "${line#FAIL }" ;; esac
done < <(bash tools/check-learner.sh "$OUT/solutions/report.json" 2>&1)
}

sec_skeletons() {
section "pristine skeletons grade 0"
need_solutions
grade skeletons skeletons
score=$(report .score skeletons); max=$(report .max_score skeletons)
npass=$(report '[.chapters[].tests[] | select(.status == "passed")] | length' skeletons)
if [ "$rc" -eq 1 ] && [ "$score" = 0 ] && [ "${max:-0}" -gt 0 ] && [ "$npass" = 0 ]; then
  ok "skeletons: 0/$max, the grader exits 1 and reports every test"
else
  fail "skeletons: ${score:-?}/${max:-?}, exit $rc, $npass tests passed" \
    "$(report '.chapters[].tests[] | select(.status == "passed") | .name' skeletons | head)"
fi
for ch in $CHAPTERS; do
  # Every scenario on disk is a graded test of its chapter.
  unregistered=()
  for py in grader/scenarios/"$ch"/*.py; do
    [ -e "$py" ] || continue
    t=scenario_$(basename "$py" .py | tr -c 'A-Za-z0-9\n' '_')
    [ -n "$(report ".chapters[].tests[] | select(.name == \"$t\") | .name" solutions)" ] || unregistered+=("$py")
  done
  [ ${#unregistered[@]} -eq 0 ] && ok "$ch: every scenario is a graded test" \
    || fail "$ch: scenarios not registered in grader/suites/$ch: ${unregistered[*]}"
  b=$(report ".chapters[] | select(.chapter == \"$ch\") | .build" skeletons)
  [ "$b" = ok ] && ok "skeletons/$ch compiles as shipped" || fail "skeletons/$ch does not build: $b"
done
}

sec_generated() {
section "the skeletons are generated from the solutions"
if python3 tools/skeletons.py --check >"$OUT/generated.log" 2>&1; then
  ok "every skeleton is what tools/skeletons.py makes of its solution"
else
  fail "skeletons differ from their solutions' skeleton text (run make skeletons, or fold a skeleton edit back with tools/skeletons.py --absorb)" \
    "$(head -30 "$OUT/generated.log")"
fi
}

sec_mutants() {
section "mutants lose points where they should"
# Each mutant's 'Must fail:' tests run in its chapter's suite, as the
# grader builds it, variant after variant of chapter.conf's VARIANTS: a test
# that passes in the first runs again in the next (normally the sanitizer
# build), as the grader would run it.  Every one of them must fail in one of
# them.  JOBS mutants at a time, each into a file of its own, printed in
# order.  (The grader itself is checked by the solutions, skeletons and
# fixtures sections; here it is the tests' power that is checked.)
local mutants=() ch patch
mkdir -p "$OUT/mutants"
for ch in $CHAPTERS; do
  # A chapter with a SELFTEST script of its own runs its mutants there.
  [ -n "$(conf "$ch" SELFTEST)" ] && continue
  for patch in grader/mutants/"$ch"/*.patch; do
    [ -e "$patch" ] || continue
    mutants+=("$patch")
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
    check_mutant "$ch" "$patch" >"$OUT/mutants/$(basename "$patch" .patch).result" 2>&1 &
  done
done
wait
for patch in "${mutants[@]}"; do
  cat "$OUT/mutants/$(basename "$patch" .patch).result"
done
}

# check_mutant CHAPTER PATCH: prints the mutant's ok or FAIL line.
check_mutant() {
  local ch=$1 patch=$2 m dir must vs v first t left caught=() still log
  m=$(basename "$patch" .patch)
  dir="$OUT/mutants/$m"
  mkdir -p "$dir/src" "$dir/artifacts"
  cp -r solutions/"$ch" "$dir/src/"
  if ! patch -s -p1 -d "$dir/src" <"$patch" >"$dir/patch.log" 2>&1; then
    fail "mutant $m: the patch no longer applies" "$(cat "$dir/patch.log")"; return
  fi
  must=$(sed -n 's/^Must fail: *//p' "$patch")
  [ -n "$must" ] || { fail "mutant $m: no 'Must fail:' line"; return; }
  left=$must
  vs=$(conf "$ch" VARIANTS); vs=${vs:-rel asan}; first=${vs%% *}
  for v in $vs; do
    [ -n "$left" ] || break
    if ! make -s --no-print-directory suite CH="$ch" VARIANT="$v" SUBMISSION="$dir/src" OUT="$dir/$v" \
         >"$dir/build-$v.log" 2>&1; then
      fail "mutant $m: does not build in $v" "$(tail -5 "$dir/build-$v.log")"; return
    fi
    still=
    for t in $left; do
      log="$dir/$v-$t.log"
      # The environment the grader gives a test (grader/pmgrade/grade.c).
      run_mutant_test() {
        PMLAB_ROOT=. PMLAB_ARTIFACTS="$dir/artifacts" CK_FORK=yes CK_TIMEOUT_MULTIPLIER=$1 \
        ASAN_OPTIONS=detect_leaks=0:abort_on_error=0:halt_on_error=1 \
        UBSAN_OPTIONS=halt_on_error=1 TSAN_OPTIONS=halt_on_error=1:atexit_sleep_ms=0 \
          timeout 300 "$dir/$v/suite" --run "$t" >"$log" 2>&1
      }
      if run_mutant_test 1; then
        still="$still $t"
      elif grep -q "Test timeout expired" "$log" && run_mutant_test 4; then
        # It only ran out of time on a busy machine: it passes.
        still="$still $t"
      else
        [ "$v" = "$first" ] && caught+=("$t") || caught+=("$t (in $v)")
      fi
    done
    left=$still
  done
  if [ -z "$left" ]; then
    ok "mutant $m fails where it should: ${caught[*]}"
  else
    fail "mutant $m: these tests should fail but pass:$left"
  fi
}

sec_steps() {
section "each step is graded on its own"
# Steps 1..K from the solution, the rest from the skeleton: the tests of
# step K pass, those of step K+1 do not yet (grader/steps-alone.known lists
# the tests that still wait for a later step, and why).
if bash tools/steps-alone.sh "$OUT/steps-alone" >"$OUT/steps-alone.log" 2>&1; then
  ok "steps 1..K of every chapter: $(tail -1 "$OUT/steps-alone.log"), $(grep -c '^known' "$OUT/steps-alone.log") known to wait"
else
  fail "a step's tests wait for a later step: $(tail -1 "$OUT/steps-alone.log")" "$(grep '^FAIL' "$OUT/steps-alone.log" | head -20)"
fi
}

sec_own() {
# A chapter's own checks: the script its chapter.conf names as SELFTEST
# (chapter 5: its mutants in the plain build, the explorer and
# ThreadSanitizer, and the scenarios on the free-threaded build).
for ch in $CHAPTERS; do
  script=$(conf "$ch" SELFTEST)
  [ -n "$script" ] || continue
  section "$ch: its own checks ($script)"
  while IFS= read -r line; do
    case $line in
      "ok   "*) ok "${line#ok   }" ;;
      "FAIL "*) fail "${line#FAIL }" ;;
      *) printf '%s\n' "$line" ;;
    esac
  done < <(bash "$script" "$OUT")
done
}

sec_fixtures() {
section "robustness fixtures"
# The checkout as git sees it (tracked changes and new files outside build/).
checkout_state() {
  { git status --porcelain --untracked-files=all 2>/dev/null | grep -v ' build/'; git diff 2>/dev/null; } | md5sum
}
# JOBS fixtures at a time, each into a file of its own, printed in order.
mkdir -p "$OUT/fixtures"
# (A fixture that changed the checkout fails, and so may the one beside it.)
local fixtures=() patch
for patch in grader/fixtures/*.patch; do
  [ -e "$patch" ] || continue
  fixtures+=("$patch")
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
  JOBS=1 check_fixture "$patch" >"$OUT/fixtures/$(basename "$patch" .patch).result" 2>&1 &
done
wait
for patch in "${fixtures[@]}"; do
  cat "$OUT/fixtures/$(basename "$patch" .patch).result"
done
check_loop_on_two_cores
}

# With two tests at a time, a second test stuck where the first is stuck
# is stopped at once: the loop of endless-loop-shared costs one whole
# timeout, not two side by side; and a function that is slow but returns
# (chapter 1's solution, _PmList_Pop spinning ~2 s once per test) still
# gets full marks, the stopped test graded again alone.
check_loop_on_two_cores() {
  local dir=$OUT/fixtures/two-cores waited stopped score spun
  rm -rf "$dir" && mkdir -p "$dir/loop" "$dir/slow"
  cp -r solutions/01-refcount "$dir/loop/" && cp -r solutions/01-refcount "$dir/slow/"
  if ! patch -s -p1 -d "$dir/loop" <grader/fixtures/endless-loop-shared.patch ||
     ! python3 - "$dir/slow/01-refcount/refcount.c" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
head = "PmObject *_PmList_Pop(PmObject *op, Pm_ssize_t index)\n{\n"
spin = ("    static int slow_once;\n    if (!slow_once) {\n        slow_once = 1;\n"
        "        for (volatile long k = 0; k < 6000000000L; k++)\n            ;\n    }\n")
assert s.count(head) == 1, "no _PmList_Pop to slow down"
open(p, "w").write(s.replace(head, head + spin))
PY
  then
    fail "two tests at a time: the loop or the slow _PmList_Pop could not be made"; return
  fi
  # (Check's whole 5 s: the second test needs over a second of CPU time to
  # be seen stuck, and other sections of make test may share the cores.)
  CK_TIMEOUT_MULTIPLIER=1 JOBS=2 grade fixtures/two-cores/loop.out "$dir/loop" --chapter 01 --no-sanitizers
  score=$(report '.chapters[0].score' fixtures/two-cores/loop.out)
  waited=$(report '[.chapters[].tests[] | select(.status == "timeout" and (.stopped_early | not))] | length' fixtures/two-cores/loop.out)
  stopped=$(report '[.chapters[].tests[] | select(.stopped_early == true and (.message | contains("_PmList_Pop loops, as")))] | length' fixtures/two-cores/loop.out)
  if [ "$score" = 118 ] && [ "$waited" = 1 ] && [ "$stopped" = 5 ]; then
    ok "two tests at a time: endless-loop-shared waits out one timeout; the other 5 tests stuck in _PmList_Pop are stopped early, score 118"
  else
    fail "two tests at a time: endless-loop-shared: score $score, $waited waited out, $stopped stopped early (want 118, 1, 5)" \
      "$(report '.chapters[0].tests[] | select(.status == "timeout") | "\(.name): \(.message)"' fixtures/two-cores/loop.out)"
  fi
  # (The tests that pop, two of them side by side from the start.)
  CK_TIMEOUT_MULTIPLIER=3 JOBS=2 grade fixtures/two-cores/slow.out "$dir/slow" --chapter 01 --no-sanitizers \
    --tests pop_hands_the_lists_reference_to_the_caller,pop_with_a_negative_index_counts_from_the_end,pop_from_an_empty_list_raises_index_error,scenario_list_insert_and_pop,scenario_pop_returns_the_lists_reference
  score=$(report '"\(.score)/\(.max_score)"' fixtures/two-cores/slow.out)
  # (The spin must really hold the tests in _PmList_Pop for over a second
  # of CPU, long enough to be seen stuck there, or nothing was tried.)
  spun=$(report '[.chapters[].tests[] | select(.name | startswith("pop_")) | select(.duration > 1.3)] | length' fixtures/two-cores/slow.out)
  if [ "$rc" = 0 ] && [ "${spun:-0}" -ge 2 ]; then
    ok "two tests at a time: a _PmList_Pop that is slow but returns still passes the tests that pop ($score)"
  else
    fail "two tests at a time: a slow but correct _PmList_Pop scores $score ($spun of its pop_ tests spun over 1.3 s; want 2 or more)" \
      "$(report '.chapters[0].tests[] | select(.status != "passed") | "\(.name): \(.message)"' fixtures/two-cores/slow.out)"
  fi
}

# check_fixture PATCH: grade the fixture, print its ok or FAIL line.
check_fixture() {
  local patch=$1 fx want want_msg want_score want_tests base sanitizers ch dir before after
  local files_ok statuses score said problems seen w f
  fx=$(basename "$patch" .patch)
  want=$(sed -n 's/^Expect: *//p' "$patch")
  want_msg=$(sed -n 's/^Expect-message: *//p' "$patch")
  want_score=$(sed -n 's/^Score: *//p' "$patch")
  # Tests: the tests the misbehaviour is tried on (default: the chapter's all).
  want_tests=$(sed -n 's/^Tests: *//p' "$patch")
  max_waited=$(sed -n 's/^Max-waited-out: *//p' "$patch")
  multiplier=$(sed -n 's/^Timeout-multiplier: *//p' "$patch")
  base=$(sed -n 's/^Base: *//p' "$patch"); base=${base:-solutions}
  sanitizers=--no-sanitizers
  grep -q '^Sanitizers: *yes' "$patch" && sanitizers=
  ch=$(sed -n 's#^+++ b/\([0-9][0-9]-[^/]*\)/.*#\1#p' "$patch" | head -1)
  dir="$OUT/fixtures/$fx/src"
  mkdir -p "$dir/$ch"
  [ "$base" = empty ] || cp -r "$base/$ch" "$dir/"
  if ! patch -s -p1 -d "$dir" <"$patch" >"$OUT/fixtures/$fx/patch.log" 2>&1; then
    fail "fixture $fx: the patch no longer applies" "$(cat "$OUT/fixtures/$fx/patch.log")"
    return
  fi
  before=$(checkout_state)
  # The misbehaviour should cost points quickly: shorten Check's per-test
  # timeout for these runs.
  CK_TIMEOUT_MULTIPLIER=${multiplier:-0.4} grade "fixtures/$fx" "$dir" --chapter "$ch" $sanitizers \
    ${want_tests:+--tests "${want_tests// /,}"}
  after=$(checkout_state)
  files_ok=1
  for f in report.json results.json junit.xml report.html; do
    [ -s "$OUT/fixtures/$fx/$f" ] || files_ok=0
  done
  statuses=$(report '[.chapters[].tests[].status] | unique | join(" ")' "fixtures/$fx")
  score=$(report '.chapters[0].score' "fixtures/$fx")
  said=$(report '[.. | strings] | join("\n")' "fixtures/$fx")
  problems=()
  [ -n "$want" ] || problems+=("no 'Expect:' line")
  [ "$rc" -eq 1 ] || problems+=("exit $rc")
  [ $files_ok = 1 ] || problems+=("reports missing")
  # Expect: a status, or several separated by '|' (any one of them).
  seen=0
  for w in ${want//|/ }; do [[ " $statuses " == *" $w "* ]] && seen=1; done
  [ $seen = 1 ] || problems+=("statuses: ${statuses:-none} (want $want)")
  [ -z "$want_msg" ] || grep -qF -- "$want_msg" <<<"$said" || problems+=("the report never says '$want_msg'")
  [ -z "$want_score" ] || [ "$score" = "$want_score" ] || problems+=("score ${score:-?} (want $want_score)")
  # Tests that timed out without being stopped early as stuck in a function
  # known to loop: each one cost its whole timeout.
  waited=$(report '[.chapters[].tests[] | select(.status == "timeout" and (.stopped_early | not))] | length' "fixtures/$fx")
  [ -z "$max_waited" ] || [ "${waited:-99}" -le "$max_waited" ] || problems+=("$waited tests waited out their whole timeout (at most $max_waited)")
  stopped=$(report '[.chapters[].tests[] | select(.stopped_early == true)] | length' "fixtures/$fx")
  [ "$before" = "$after" ] || problems+=("the checkout changed")
  if [ ${#problems[@]} -eq 0 ]; then
    ok "fixture $fx: ${want}${want_msg:+ ('$want_msg')}${want_score:+, score $score}${want_tests:+ (on $(wc -w <<<"$want_tests") tests)}${max_waited:+, $waited waited out, $stopped stopped early}, checkout unchanged"
  else
    fail "fixture $fx: ${problems[*]}" "$(tail -5 "$OUT/fixtures/$fx.log")"
  fi
}

# check_scenarios PMRUN LOG: grader/scenarios/check.sh over every folder,
# in two halves at once (the runs are independent); LOG gets both logs and
# the sum as its last line; the status is 0 iff nothing failed.
check_scenarios() {
  local pmrun=$1 log=$2 first=() rest=() d
  for d in grader/scenarios/*/ examples/ tests/subset/; do
    [ -d "$d" ] || continue
    if [ ${#first[@]} -eq 0 ]; then first+=("${d%/}"); else rest+=("${d%/}"); fi
  done
  bash grader/scenarios/check.sh "$pmrun" "${first[@]}" >"$log.1" 2>&1 &
  local pid=$!
  bash grader/scenarios/check.sh "$pmrun" "${rest[@]}" >"$log.2" 2>&1
  wait "$pid"
  local p=0 f=0 a b
  for part in "$log.1" "$log.2"; do
    read -r a b < <(tail -1 "$part" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p')
    [ -n "${a:-}" ] || { a=0; b=1; }
    p=$((p + a)); f=$((f + b))
  done
  { cat "$log.1" "$log.2"; echo "$p passed, $f failed"; } >"$log"
  [ "$f" -eq 0 ]
}

sec_scenarios() {
section "scenarios print what CPython prints"
if check_scenarios build/rel/ref/bin/pmrun "$OUT/scenarios.log"; then
  ok "scenarios and examples: $(tail -1 "$OUT/scenarios.log")"
else
  fail "scenarios: $(tail -1 "$OUT/scenarios.log")" "$(grep -v '^ok' "$OUT/scenarios.log" | head -40)"
fi
}
sec_traces() {
section "allocation traces: the reference and CPython's obmalloc agree"
if make -s --no-print-directory build/rel/ref/bin/pmreplay build/bin/pmtracegen >"$OUT/replay-build.log" 2>&1; then
  mkdir -p "$OUT/traces"
  bad=()
  n=0
  for t in grader/traces/*/*.trace; do
    [ -e "$t" ] || continue
    n=$((n + 1))
    build/rel/ref/bin/pmreplay --stats "$t" >"$OUT/traces/$(basename "$t" .trace).stats" 2>&1 &&
      cmp -s "$OUT/traces/$(basename "$t" .trace).stats" "${t%.trace}.stats" || bad+=("$t")
  done
  for name in $(build/bin/pmtracegen --list); do
    n=$((n + 1))
    build/bin/pmtracegen "$name" >"$OUT/traces/synth_$name.trace"
    expected=$(ls grader/traces/*/synth_"$name".stats 2>/dev/null | head -1)
    build/rel/ref/bin/pmreplay --stats "$OUT/traces/synth_$name.trace" >"$OUT/traces/synth_$name.stats" 2>&1 &&
      [ -n "$expected" ] && cmp -s "$OUT/traces/synth_$name.stats" "$expected" || bad+=("synth_$name")
  done
  [ ${#bad[@]} -eq 0 ] && ok "the reference replays all $n traces and prints their recorded statistics" \
    || fail "traces whose statistics changed (regenerate as grader/traces/README.md says, if intended): ${bad[*]}"
else
  fail "pmreplay does not build" "$(tail -20 "$OUT/replay-build.log")"
fi
# The pre-3.10 geometry (4 KiB pools, 256 KiB arenas, address_in_range
# instead of the radix tree) is a build option: it must build and replay
# every trace with its checks (its statistics differ, by design).  It is
# the Makefile's oldgeom variant, built warning-free (-Werror).
mkdir -p "$OUT/old-geometry"
if make -s --no-print-directory -j"$JOBS" build/oldgeom/ref/bin/pmreplay >"$OUT/old-geometry/build.log" 2>&1; then
  bad=()
  for t in grader/traces/*/*.trace "$OUT"/traces/synth_*.trace; do
    [ -e "$t" ] || continue
    build/oldgeom/ref/bin/pmreplay --fill --check "$t" >/dev/null 2>"$OUT/old-geometry/last.log" || bad+=("$t")
  done
  [ ${#bad[@]} -eq 0 ] && ok "the pre-3.10 geometry builds and replays every trace with its checks" \
    || fail "the pre-3.10 geometry fails on: ${bad[*]}"
else
  fail "the pre-3.10 geometry does not build" "$(tail -20 "$OUT/old-geometry/build.log")"
fi
if bash tools/cpython-obmalloc/compare.sh >"$OUT/cpython-obmalloc.log" 2>&1; then
  ok "CPython's own obmalloc (libpython): $(tail -1 "$OUT/cpython-obmalloc.log")"
else
  fail "CPython's obmalloc disagrees: $(tail -1 "$OUT/cpython-obmalloc.log")" "$(grep -v '^ok' "$OUT/cpython-obmalloc.log" | head -30)"
fi
}
sec_bench() {
section "make bench's collector table"
# The bench variant (objects without the registry links, Pm_NO_TRACE_REFS)
# builds, and gc_bench times every shape on a small graph on both sides;
# it exits 1 if the two sides found different garbage.
if make -s --no-print-directory -j"$JOBS" build/bench/bench/gc_bench >"$OUT/bench-build.log" 2>&1; then
  if build/bench/bench/gc_bench --objects 3000 bench/gc_bench.py >"$OUT/gc_bench.log" 2>&1 &&
     [ "$(grep -cE '^\| (chain|cycles|random) +\| +3000 ' "$OUT/gc_bench.log")" = 3 ]; then
    ok "gc_bench: chain, cycles and random at 3,000 objects, the same garbage found on both sides"
  else
    fail "gc_bench at 3,000 objects" "$(tail -20 "$OUT/gc_bench.log")"
  fi
else
  fail "the bench variant does not build" "$(tail -20 "$OUT/bench-build.log")"
fi
}
sec_asan() {
section "the reference is clean under AddressSanitizer and UBSan"
# CPython itself was asked in the scenarios section.
if ASAN_OPTIONS=detect_leaks=1 PMCHECK_SKIP_CPYTHON=1 check_scenarios build/asan/ref/bin/pmrun "$OUT/scenarios-asan.log"; then
  ok "scenarios on the ASan/UBSan reference: $(tail -1 "$OUT/scenarios-asan.log")"
else
  fail "scenarios under ASan: $(tail -1 "$OUT/scenarios-asan.log")" "$(grep -v '^ok' "$OUT/scenarios-asan.log" | head -40)"
fi
# The graded run of the solutions also ran every test under ASan.
need_solutions
asan_fail=$(report '[.chapters[].tests[] | select(.status == "memory-error")] | length' solutions)
[ "${asan_fail:-1}" = 0 ] && ok "solutions: no test reports a memory error under ASan" \
  || fail "solutions: $asan_fail tests report memory errors under ASan"
}

sec_book() {
section "the book"
if bash book/build.sh "$OUT/book" >"$OUT/book.log" 2>&1; then
  ok "the book builds (HTML and EPUB)"
  for md in chapters/*.md; do
    stem=$(basename "$md" .md)
    [ -s "$OUT/book/$stem.html" ] && ok "book: $stem.html" || fail "book: $stem.html missing"
  done
  [ -s "$OUT/book/pymemlab.epub" ] && ok "book: pymemlab.epub" || fail "book: EPUB missing"
  nfig=0; badfig=()
  for svg in "$OUT"/book/fig/*.svg; do
    [ -e "$svg" ] || continue
    nfig=$((nfig + 1))
    grep -q '<svg' "$svg" || badfig+=("$(basename "$svg")")
  done
  if [ "$nfig" -gt 0 ] && [ ${#badfig[@]} -eq 0 ]; then ok "book: $nfig figures render as SVG"
  else fail "book: figures missing or broken: ${badfig[*]:-none rendered}"; fi
  # Every figure a chapter links to exists.
  missing=$(grep -ho 'fig/[A-Za-z0-9_.-]*\.svg' "$OUT"/book/*.html | sort -u | while read -r f; do [ -e "$OUT/book/$f" ] || echo "$f"; done)
  [ -z "$missing" ] && ok "book: every figure a page links to exists" || fail "book: missing figures: $missing"
  # The instructors' page, linked from chapter 0; this repository's edition
  # of the text (book/editions.lua), not the handout's.
  if grep -q 'href="instructors.html"' "$OUT/book/00-start.html" && grep -q 'solutions/</code></strong> holds' "$OUT/book/00-start.html" &&
     ! grep -q 'prebuilt/</code></strong> holds' "$OUT/book/00-start.html" && ! grep -q ':::' "$OUT/book/00-start.html"; then
    ok "book: chapter 0 links to the instructors' page and tells of solutions/ (this repository's edition)"
  else
    fail "book: chapter 0's link to instructors.html, or its edition's text (solutions/, not prebuilt/)"
  fi
else
  fail "the book does not build" "$(tail -20 "$OUT/book.log")"
fi
section "what the learner sees: pictures and messages"
# After teardown an empty heap says so; a scenario's leak is drawn and names
# the deallocator that leaked; a dict left tracked is drawn unlike the
# reference's (each object's generation is in the picture).
if build/rel/ref/bin/pmrun --teardown-svg "$OUT/cycle.teardown.svg" examples/cycle.py >/dev/null 2>&1 &&
   grep -q '>no objects<' "$OUT/cycle.teardown.svg"; then
  ok "pmrun --teardown-svg: a clean run draws 'no objects'"
else
  fail "pmrun --teardown-svg: no 'no objects' picture for a clean run"
fi
# Two mutants graded here on the scenarios that show it (the mutant
# section grades each on its Must-fail tests alone).
for spec in "01-refcount list_dealloc_skips_the_items scenario_append_adds_a_reference scenario_del_item_releases_it scenario_list_insert_and_pop" \
            "04-generations dicts_untracked_at_every_collection scenario_dicts_untracked_only_by_full_collections" \
            "02-pymalloc heap_checker_ignores_the_fingers the_heap_checker_finds_a_stale_finger"; do
  read -r ch m tests <<<"$spec"
  dir="$OUT/pictures/$m/src"
  mkdir -p "$dir"
  cp -r solutions/"$ch" "$dir/"
  patch -s -p1 -d "$dir" <grader/mutants/"$ch"/"$m".patch >/dev/null 2>&1 &&
    grade "pictures/$m" "$dir" --chapter "$ch" --tests "$tests"
done
m=list_dealloc_skips_the_items
leak=$(report '[.chapters[].tests[] | select(.message // "" | test("list_dealloc freed")) | select(.heap_svg_mine != null)] | length' "pictures/$m")
[ "${leak:-0}" -gt 0 ] && ok "mutant $m: $leak leaking scenarios name list_dealloc and draw what was left" ||
  fail "mutant $m: no leaking scenario names list_dealloc with a picture of the leak"
m=dicts_untracked_at_every_collection
mine=$(report '.chapters[].tests[] | select(.name == "scenario_dicts_untracked_only_by_full_collections") | .heap_svg_mine' "pictures/$m")
ref=$(report '.chapters[].tests[] | select(.name == "scenario_dicts_untracked_only_by_full_collections") | .heap_svg_ref' "pictures/$m")
if [ -f "$mine" ] && [ -f "$ref" ] && grep -q '>untracked<' "$mine" && ! grep -q '>untracked<' "$ref"; then
  ok "mutant $m: its heap and the reference's differ (untracked vs generation)"
else
  fail "mutant $m: the two pictures do not show the dict's tracking"
fi

# Chapter 2: a unit test's failure shows the reference's arenas beside the
# learner's, drawn at the check that failed (here both show the finger the
# test made stale, in red).
m=heap_checker_ignores_the_fingers
mine=$(report '.chapters[].tests[] | select(.name == "the_heap_checker_finds_a_stale_finger") | .heap_svg_mine' "pictures/$m")
ref=$(report '.chapters[].tests[] | select(.name == "the_heap_checker_finds_a_stale_finger") | .heap_svg_ref' "pictures/$m")
if [ -f "$mine" ] && [ -f "$ref" ] && grep -q '>stale: ' "$mine" && grep -q '>stale: ' "$ref" &&
   grep -q '>the reference, passing the check that failed for you' "$ref"; then
  ok "mutant $m: its arenas and the reference's at the failing check, the stale finger red in both"
else
  fail "mutant $m: no reference picture at the failing check, or no stale finger drawn"
fi

section "pages as a reader sees them (Chromium, 1280 px)"
# The book's pages with wide figures, and a report with heap pictures (a
# mutant's that diverged): every image loads, no figure is shrunk below
# what can be read, and the screenshot has the window's size.
pages=("$OUT"/book/01-*.html "$OUT"/book/02-*.html "$OUT"/book/04-*.html)
report_with_heaps=$(grep -l '<svg' "$OUT"/pictures/*/report.html 2>/dev/null | head -1)
[ -n "$report_with_heaps" ] && pages+=("$report_with_heaps") || fail "no mutant's report.html has a heap picture"
arenas_report=$OUT/pictures/heap_checker_ignores_the_fingers/report.html
[ -f "$arenas_report" ] && [ "$arenas_report" != "$report_with_heaps" ] && pages+=("$arenas_report")
if bash tools/pagecheck.sh --shots "$OUT/shots" "${pages[@]}" >"$OUT/pages.log" 2>&1; then
  ok "pages: $(grep -c '^ok' "$OUT/pages.log") look right at 1280 px (screenshots in $OUT/shots)"
else
  fail "pages at 1280 px" "$(grep -v '^ok' "$OUT/pages.log" | head -20)"
fi
# Chapter 2's report shows both heaps, yours and the reference's, each
# readable (pagecheck counts the inline pictures it measured).
grep -q "^ok .*heap_checker_ignores_the_fingers/report.html: 2 figures" "$OUT/pages.log" &&
  ok "pages: chapter 2's report shows your arenas and the reference's, both readable at 1280 px" ||
  fail "pages: chapter 2's report does not show two readable heap pictures" "$(grep heap_checker_ignores "$OUT/pages.log")"

if bash book/check-snippets.sh >"$OUT/snippets.log" 2>&1; then
  ok "book: 'see it in real Python' snippets: $(tail -1 "$OUT/snippets.log")"
else
  fail "book snippets: $(tail -1 "$OUT/snippets.log")" "$(head -30 "$OUT/snippets.log")"
fi
}

# make handout: a repository without the solutions, cloned and used as a
# student would, by its README's commands; no solution body in any of its
# text files; CHAPTERS= keeps exactly the chapters named.
sec_handout() {
section "make handout: a student's repository without the solutions"
local t0 ho=$OUT/handout clone=$OUT/handout-clone part=$OUT/handout-0103 h top=$PWD
t0=$(date +%s)
rm -rf "$ho" "$clone" "$part"
if ! make -s --no-print-directory handout DEST="$ho" >"$OUT/handout.log" 2>&1; then
  fail "make handout" "$(tail -20 "$OUT/handout.log")"; return
fi
if ! git clone -q "$ho" "$clone" 2>>"$OUT/handout.log"; then
  fail "git clone of the handout" "$(tail -5 "$OUT/handout.log")"; return
fi
ok "make handout DEST=$ho, cloned ($(git -C "$clone" ls-files | wc -l) files)"
local absent=()
for p in solutions hidden tests/hidden chapters/instructors.md grader/mutants grader/fixtures CONTRIBUTING.md tools/skeletons.py tools/selftest.sh tools/gradescope; do
  [ -e "$clone/$p" ] && absent+=("$p")
done
grep -q '^## For instructors' "$clone/chapters/00-start.md" && absent+=("the instructor section of chapter 0")
[ ${#absent[@]} -eq 0 ] && ok "handout: no solutions, mutants, fixtures, instructor notes or self-test" \
  || fail "handout contains: ${absent[*]}"
python3 tools/handout-leaks.py "$clone" >"$OUT/handout-leaks.log" 2>&1
python3 tools/handout-leaks.py . >"$OUT/handout-leaks-self.log" 2>&1
h=$(tail -1 "$OUT/handout-leaks.log")
local self n
self=$(tail -1 "$OUT/handout-leaks-self.log")
n=${self%% *}
if [[ "$h" == *", 0 found"* ]] && [[ "$self" == "$n secret bodies, $n found"* ]] && [ "${n:-0}" -gt 0 ]; then
  ok "handout: no solution function body in its text files ($h; the check finds all $n in this repository)"
else
  fail "handout: solution code in it ($h; on this repository: $self)" "$(head -20 "$OUT/handout-leaks.log")"
fi
# The prebuilt objects carry no debugging information naming this tree.
h=$(cd "$clone" && git ls-files -z | xargs -0 grep -l -F "$PWD" 2>/dev/null | head -3 | xargs)
[ -z "$h" ] && ok "handout: no file names this tree's folder ($(ls "$clone"/prebuilt/*/*.o | wc -l) prebuilt objects)" \
  || fail "handout: files name this tree's folder: $h"
# Reuse what this tree built from the same sources (the runtime, the suite of
# chapter 1, the programs): the clone compiles only what differs.
for v in rel asan bench; do
  for d in runtime libpmruntime.a main pmtest suites/01-refcount pmscenarios.o scenarios; do
    [ -e "build/$v/$d" ] && mkdir -p "$clone/build/$v/$(dirname "$d")" && cp -r "build/$v/$d" "$clone/build/$v/$(dirname "$d")/"
  done
done
mkdir -p "$clone/build/bin"
[ -d build/scenarios ] && cp -r build/scenarios "$clone/build/"
cp build/bin/pmgrade "$clone/build/bin/"
# The README's commands, in the clone.
for cmd in "make grade CH=01" "make run STACK=ref SCRIPT=examples/cycle.py" "make book"; do
  grep -qF "$cmd" "$clone/README.md" || fail "handout README: no '$cmd'"
done
(cd "$clone" && make -s --no-print-directory grade CH=01) >"$OUT/handout-pristine.log" 2>&1
local prc=$? pscore pmax pn
pscore=$(jq -r '.score' "$clone/build/grade/report.json" 2>/dev/null)
pmax=$(jq -r '.max_score' "$clone/build/grade/report.json" 2>/dev/null)
pn=$(jq -r '[.chapters[].tests[]] | length' "$clone/build/grade/report.json" 2>/dev/null)
cp "$clone/build/grade/report.json" "$OUT/handout-pristine.json" 2>/dev/null
mkdir -p "$clone/submission/01-refcount"
cp solutions/01-refcount/*.c "$clone/submission/01-refcount/"
(cd "$clone" && make -s --no-print-directory grade CH=01 SUBMISSION=submission) >"$OUT/handout-solution.log" 2>&1
local src=$? sscore smax sn
sscore=$(jq -r '.score' "$clone/build/grade/report.json" 2>/dev/null)
smax=$(jq -r '.max_score' "$clone/build/grade/report.json" 2>/dev/null)
sn=$(jq -r '[.chapters[].tests[]] | length' "$clone/build/grade/report.json" 2>/dev/null)
if [ "$prc" != 0 ] && [ "$pscore" = 0 ] && [ "${pn:-0}" -gt 1 ] && [ "$pn" = "$sn" ]; then
  ok "handout: make grade CH=01 on the pristine skeleton: 0/$pmax, all $pn tests reported"
else
  fail "handout: pristine skeleton: exit $prc, score $pscore/$pmax, $pn tests (the solution: $sn)" "$(tail -20 "$OUT/handout-pristine.log")"
fi
if [ "$src" = 0 ] && [ -n "$sscore" ] && [ "$sscore" = "$smax" ]; then
  ok "handout: chapter 1's solution handed in: $sscore/$smax"
else
  fail "handout: chapter 1's solution: exit $src, score $sscore/$smax" "$(tail -20 "$OUT/handout-solution.log")"
fi
if (cd "$clone" && make -s --no-print-directory run STACK=ref SCRIPT=examples/cycle.py) >"$OUT/handout-run.out" 2>"$OUT/handout-run.err" &&
   diff -q examples/cycle.out "$OUT/handout-run.out" >/dev/null && [ -s "$clone/build/run/cycle.ref.svg" ]; then
  ok "handout: make run STACK=ref SCRIPT=examples/cycle.py prints what CPython prints, and draws the heap"
else
  fail "handout: make run STACK=ref" "$(tail -10 "$OUT/handout-run.err"; diff examples/cycle.out "$OUT/handout-run.out" | head)"
fi
# Its make help offers only what works there.
h=$(cd "$clone" && make -s --no-print-directory help 2>&1)
if [[ "$h" == *"make grade "* ]] && ! grep -qE '^  make (test|skeletons|handout|gradescope) ' <<<"$h"; then
  ok "handout: make help lists the learner's commands, not the maintainers' (test, skeletons, handout, gradescope)"
else
  fail "handout: make help" "$(grep -E '^  make (test|skeletons|handout|gradescope) ' <<<"$h")"
fi
# Chapter 0 speaks of the handout's folders, not of this repository's.
h=$(grep -nE 'solutions/|^:::|instructors|`make test`|CONTRIBUTING' "$clone/chapters/00-start.md" | head -3)
[ -z "$h" ] && grep -q 'prebuilt/' "$clone/chapters/00-start.md" \
  && ok "handout: chapter 0 names prebuilt/, not solutions/, the instructors' page or the self-test" \
  || fail "handout: chapter 0 still says: $h"
# Its CI: the GitHub Classroom workflow parses, reports every graded step,
# gives each step of chapter 1 the points of its tests, and its command works
# here (the solution's grade is the last one made in the clone).
h=$(cd "$clone" && python3 - build/grade/report.json <<'PY' 2>&1
import json, subprocess, sys, yaml
wf = yaml.safe_load(open(".github/workflows/classroom.yml"))
steps = wf["jobs"]["run-autograding-tests"]["steps"]
graders = [s for s in steps if "command-grader" in s.get("uses", "")]
reporter = [s for s in steps if "grading-reporter" in s.get("uses", "")][0]
ids = [s["id"] for s in graders]
assert reporter["with"]["runners"].split(",") == ids, "the reporter's runners are not the graders"
for i in ids:
    assert reporter["env"][i.upper() + "_RESULTS"] == "${{steps.%s.outputs.result}}" % i, i
assert "push" in wf["on"], "not run on push"
report = json.load(open(sys.argv[1]))
want = {}
for c in report["chapters"]:
    for t in c["tests"]:
        key = f'{c["chapter"]}, {t["step"]}'
        want[key] = want.get(key, 0) + t["max_points"]
ch1 = [s for s in graders if s["with"]["test-name"].startswith("01-refcount, ")]
assert ch1 and all(s["with"]["max-score"] == want.get(s["with"]["test-name"]) for s in ch1), \
    "points: " + str([(s["with"]["test-name"], s["with"]["max-score"], want.get(s["with"]["test-name"])) for s in ch1])
for s in ch1:
    r = subprocess.run(s["with"]["command"], shell=True, capture_output=True, text=True)
    assert r.returncode == 0, f'{s["with"]["command"]}: exit {r.returncode}: {r.stdout}'
print(f"{len(ids)} graded steps, {sum(s['with']['max-score'] for s in graders)} points; chapter 1's {len(ch1)} steps pass on the solution")
PY
)
if [ $? = 0 ]; then
  ok "handout: .github/workflows/classroom.yml parses: $h"
else
  fail "handout: the GitHub Classroom workflow" "$h"
fi
h=$(cd "$clone" && python3 tools/classroom-step.py 01-refcount "Step 1: Counting" "$top/$OUT/handout-pristine.json" 2>&1)
if [ $? = 1 ] && [[ "$h" == *"0 of "*"not-written: "* ]]; then
  ok "handout: a step of the pristine skeleton earns nothing, and says which tests: $(echo "$h" | head -1)"
else
  fail "handout: tools/classroom-step.py on the pristine skeleton" "$h"
fi
# Chapter 2's suite there links its given state from prebuilt/
# (HANDOUT_AS_OBJECT), in the plain and the sanitizer builds, and the
# reference's heap checker from the prebuilt reference.
mkdir -p "$clone/submission/02-pymalloc"
cp solutions/02-pymalloc/*.c "$clone/submission/02-pymalloc/"
(cd "$clone" && make -s --no-print-directory grade CH=02 SUBMISSION=submission) >"$OUT/handout-solution-02.log" 2>&1
local src2=$?
sscore=$(jq -r '.score' "$clone/build/grade/report.json" 2>/dev/null)
smax=$(jq -r '.max_score' "$clone/build/grade/report.json" 2>/dev/null)
if [ "$src2" = 0 ] && [ -n "$sscore" ] && [ "$sscore" = "$smax" ] && [ ! -e "$clone/grader/suites/02-pymalloc/given_steps.c" ] &&
   [ -s "$clone/prebuilt/02-pymalloc/suite-asan.o" ]; then
  ok "handout: chapter 2's solution handed in: $sscore/$smax, with the suite's given state only prebuilt"
else
  fail "handout: chapter 2's solution: exit $src2, score $sscore/$smax" "$(tail -20 "$OUT/handout-solution-02.log")"
fi
# make bench's programs build on the prebuilt reference, and the collector's
# times a small graph there, on both sides.
if (cd "$clone" && make -s --no-print-directory bench-programs &&
    build/bench/bench/gc_bench --objects 3000 bench/gc_bench.py) >"$OUT/handout-bench.log" 2>&1 &&
   [ "$(grep -cE '^\| (chain|cycles|random) +\| +3000 ' "$OUT/handout-bench.log")" = 3 ]; then
  ok "handout: make bench's programs build on the prebuilt reference, and gc_bench times a small graph there"
else
  fail "handout: make bench's programs" "$(tail -10 "$OUT/handout-bench.log")"
fi
# Two chapters only: exactly those, and the reference of every chapter.
if make -s --no-print-directory handout DEST="$part" CHAPTERS=01,03 >"$OUT/handout-0103.log" 2>&1; then
  local got want="01-refcount 03-cycles" bad=()
  for d in skeletons grader/suites grader/scenarios; do
    got=$(cd "$part/$d" && ls -d [0-9][0-9]-* 2>/dev/null | xargs)
    [[ "$d" == grader/scenarios ]] && want_d="01-refcount 03-cycles" || want_d=$want
    [ "$got" = "$want_d" ] || bad+=("$d: $got")
  done
  got=$(cd "$part/chapters" && ls *.md | xargs)
  [ "$got" = "00-start.md 01-refcount.md 03-cycles.md" ] || bad+=("chapters: $got")
  got=$(cd "$part/prebuilt" && ls -d [0-9][0-9]-* | xargs)
  [ "$got" = "$CHAPTERS" ] || [ "$got" = "$(echo $CHAPTERS)" ] || bad+=("prebuilt: $got")
  [ ${#bad[@]} -eq 0 ] && ok "make handout CHAPTERS=01,03: chapters 1 and 3 only, the reference of all $(echo $CHAPTERS | wc -w)" \
    || fail "make handout CHAPTERS=01,03: ${bad[*]}"
  # Its book: chapters 0, 1 and 3, drawn by the prebuilt reference.
  for d in runtime libpmruntime.a main; do
    mkdir -p "$part/build/rel" && cp -r "build/rel/$d" "$part/build/rel/"
  done
  if (cd "$part" && make -s --no-print-directory book) >"$OUT/handout-book.log" 2>&1 &&
     [ "$(cd "$part/build/book" && ls *.html | xargs)" = "00-start.html 01-refcount.html 03-cycles.html index.html" ]; then
    ok "make handout CHAPTERS=01,03: make book there writes chapters 0, 1 and 3"
  else
    fail "make handout CHAPTERS=01,03: make book" "$(tail -10 "$OUT/handout-book.log")"
  fi
  # Every link of its book leads to a page or a figure it has.
  # (No book, no pages or a failing check fails too, not only a dead link.)
  if h=$(cd "$part/build/book" 2>&1 && python3 - 2>&1 <<'PY'
import glob, os, re, sys
pages = sorted(glob.glob("*.html"))
if not pages:
    sys.exit("no page to check")
dead = [f"{f} -> {u}" for f in pages
        for u in re.findall(r'(?:href|src)="([^"#]*)(?:#[^"]*)?"', open(f).read())
        if u and not re.match(r"[a-z]+:", u) and not os.path.exists(os.path.normpath(u))]
print("\n".join(dead) if dead else f"{len(pages)} pages")
sys.exit(1 if dead else 0)
PY
  ); then
    ok "make handout CHAPTERS=01,03: every link of its book leads somewhere ($h)"
  else
    fail "make handout CHAPTERS=01,03: dead links in its book" "$(echo "$h" | head -5)"
  fi
  # The learner's stack there: chapters 1 and 3 written, the reference for
  # the rest (make run's default stack, and the final exam's suite).
  cp solutions/01-refcount/*.c "$part/skeletons/01-refcount/"
  cp solutions/03-cycles/*.c "$part/skeletons/03-cycles/"
  h=$(cd "$part" && make -s --no-print-directory run SCRIPT=examples/cycle.py 2>&1 >"$top/$OUT/handout-0103-run.out")
  if [ $? = 0 ] && diff -q examples/cycle.out "$OUT/handout-0103-run.out" >/dev/null &&
     [[ "$h" == *"your layers: 01-refcount 03-cycles;"* ]]; then
    ok "make handout CHAPTERS=01,03: make run on the learner's chapters 1 and 3 prints what CPython prints"
  else
    fail "make handout CHAPTERS=01,03: make run on the learner's stack" "$h"
  fi
  # Without chapter 2, make replay replays through the reference allocator, and says so.
  h=$(cd "$part" && make -s --no-print-directory build/bin/pmtracegen >/dev/null 2>&1 &&
      build/bin/pmtracegen churn >build/churn.trace &&
      make -s --no-print-directory replay TRACE=build/churn.trace 2>&1 >"$top/$OUT/handout-0103-replay.out")
  if [ $? = 0 ] && [[ "$h" == *"chapter 2 is not in this handout: replaying through the reference allocator"* ]] &&
     grep -q "^# arenas allocated total" "$OUT/handout-0103-replay.out"; then
    ok "make handout CHAPTERS=01,03: make replay there replays through the reference allocator, with its checks and statistics"
  else
    fail "make handout CHAPTERS=01,03: make replay" "$h$(tail -5 "$OUT/handout-0103-replay.out")"
  fi
  if (cd "$part" && make -s --no-print-directory suite CH=01 STACK=mine OUT=build/exam) >"$OUT/handout-0103-exam.log" 2>&1; then
    ok "make handout CHAPTERS=01,03: the final exam's suite (STACK=mine) links the learner's 1 and 3 with the reference of 2, 4 and 5"
  else
    fail "make handout CHAPTERS=01,03: the final exam's suite" "$(tail -5 "$OUT/handout-0103-exam.log")"
  fi
else
  fail "make handout CHAPTERS=01,03" "$(tail -20 "$OUT/handout-0103.log")"
fi
echo "  (the handout section took $(( $(date +%s) - t0 )) s)"
}

# Hidden tests (hidden/NN-slug/, pmgrade --hidden): the solution passes
# them, a mutant that only a hidden test catches loses that test's points and
# no other, and the learner's reports (the terminal, report.html, junit.xml)
# give a count, never a hidden test's name or message.
sec_hidden() {
section "hidden tests: graded with --hidden, only counted in the learner's reports"
local t0 ch names patch=tests/hidden/delitem_releases_the_value_in_the_table.patch
local mdir=$OUT/hidden/mutant must mpid
t0=$(date +%s)
mkdir -p "$mdir"
cp -r solutions/01-refcount "$mdir/"
if ! patch -s -p1 -d "$mdir" <"$patch" >"$OUT/hidden/patch.log" 2>&1; then
  fail "hidden: the mutant $patch no longer applies" "$(cat "$OUT/hidden/patch.log")"; return
fi
must=$(sed -n 's/^Must fail: *//p' "$patch")
for ch in 01-refcount 03-cycles; do
  if [ "$ch" = 03-cycles ]; then
    # Chapter 1's hidden objects are built now: the mutant, on every test of
    # chapter 1 as the learner's terminal shows it (without the sanitizer
    # pass, which grades the same tests again), beside chapter 3.
    build/bin/pmgrade --root . --submission "$mdir" --chapter 01 --hidden hidden --no-sanitizers \
      --out "$OUT/hidden/mutant-report" --jobs "$JOBS" >"$OUT/hidden/mutant.log" 2>&1 &
    mpid=$!
  fi
  names=$( (grep -ho 'PM_ADD[A-Z_]*(s, [A-Za-z0-9_]*' hidden/$ch/*.c | sed 's/.*, //';
            ls hidden/$ch/scenarios/*.py 2>/dev/null | xargs -rn1 basename | sed 's/\.py$//; s/^/scenario_/') | xargs)
  grade "hidden/$ch" solutions --chapter "$ch" --hidden hidden --tests "${names// /,}"
  local n score max vis
  n=$(report '[.chapters[].tests[] | select(.hidden)] | length' "hidden/$ch")
  score=$(report '.score' "hidden/$ch"); max=$(report '.max_score' "hidden/$ch")
  vis=$(jq -r '[.tests[].visibility] | unique | join(",")' "$OUT/hidden/$ch/results.json" 2>/dev/null)
  if [ "$rc" = 0 ] && [ "$n" = "$(wc -w <<<"$names")" ] && [ "$n" -gt 0 ] && [ "$score" = "$max" ] &&
     [[ "$vis" == *after_due_date* ]] && [[ "$vis" != *visible* ]]; then
    ok "hidden: the solution of $ch passes its $n hidden tests ($score/$max; visibility in results.json: $vis)"
  else
    fail "hidden: $ch's solution on its hidden tests ($names): exit $rc, $n hidden tests, $score/$max, visibility $vis" "$(tail -15 "$OUT/hidden/$ch.log")"
  fi
done
wait "$mpid"
local mrc=$? r=$OUT/hidden/mutant-report bad lost pts leaked=() msg
bad=$(jq -r '[.chapters[].tests[] | select(.status != "passed") | "\(.name):\(.hidden)"] | join(" ")' "$r/report.json" 2>/dev/null)
lost=$(jq -r '(.max_score - .score)' "$r/report.json" 2>/dev/null)
pts=$(jq -r --arg t "$must" '[.chapters[].tests[] | select(.name == $t) | .max_points] | add' "$r/report.json" 2>/dev/null)
if [ "$mrc" = 1 ] && [ "$bad" = "$must:true" ] && [ "$lost" = "$pts" ]; then
  ok "hidden: a mutant no public test catches ($(basename "$patch" .patch)) loses the $pts points of the hidden $must, and only those"
else
  fail "hidden: the mutant $(basename "$patch" .patch): exit $mrc, failed: ${bad:-none}, lost $lost (the hidden test is worth $pts)" "$(tail -15 "$OUT/hidden/mutant.log")"
fi
# What the learner reads: a count, no hidden name or message.
msg=$(jq -r --arg t "$must" '.chapters[].tests[] | select(.name == $t) | .message' "$r/report.json" 2>/dev/null)
for ch in 01-refcount; do
  for t in $(grep -ho 'PM_ADD[A-Z_]*(s, [A-Za-z0-9_]*' hidden/$ch/*.c | sed 's/.*, //') scenario_queue_of_jobs "${msg:0:60}"; do
    for f in "$OUT/hidden/mutant.log" "$r/report.html" "$r/junit.xml"; do
      grep -qF -- "$t" "$f" 2>/dev/null && leaked+=("$(basename "$f"): $t")
    done
  done
done
local summary
summary=$(grep -o 'hidden tests: [0-9]* of [0-9]* passed, [0-9]*/[0-9]* points' "$OUT/hidden/mutant.log" | head -1)
if [ ${#leaked[@]} -eq 0 ] && [ -n "$summary" ] && grep -qF "$summary" "$r/report.html" &&
   grep -q 'name="hidden_tests"' "$r/junit.xml" && [ -n "$msg" ]; then
  ok "hidden: the learner's terminal, report.html and junit.xml say '$summary' and name no hidden test"
else
  fail "hidden: the learner's reports: summary '${summary}', hidden text found: ${leaked[*]:-none}"
fi
build/bin/pmgrade --root . --hidden "$OUT/hidden/no-such-folder" --chapter 01 --out "$OUT/hidden/none" --quiet >"$OUT/hidden/none.log" 2>&1
[ $? = 2 ] && grep -q "no such folder" "$OUT/hidden/none.log" && ok "hidden: --hidden with a missing folder stops with status 2 and says so" \
  || fail "hidden: --hidden with a missing folder" "$(cat "$OUT/hidden/none.log")"
echo "  (the hidden section took $(( $(date +%s) - t0 )) s)"
}

# make gradescope: the package unpacked into a folder laid out like
# Gradescope's (AUTOGRADER_ROOT), its setup.sh run (the build, not apt), then
# run_autograder on a solution handed in as one file beside a forged
# results.json (full marks, hidden tests included) and on a skeleton handed in
# as a whole repository (0); results.json checked against Gradescope's format.
# Run as whoever runs make test: as root (CI), the grade is sandboxed as
# pmgrade's own user.
sec_gradescope() {
section "make gradescope: autograder.zip, unpacked and run as Gradescope does"
local t0 g=$OUT/gradescope ag src zip h
t0=$(date +%s)
ag=$PWD/$g/autograder src=$PWD/$g/autograder/source/pymemlab zip=$PWD/$g/autograder.zip
rm -rf "$g"; mkdir -p "$ag/source" "$ag/submission" "$ag/results"
if ! make -s --no-print-directory gradescope CH=01 HIDDEN=hidden DEST="$zip" >"$g/make.log" 2>&1; then
  fail "make gradescope CH=01 HIDDEN=hidden" "$(tail -10 "$g/make.log")"; return
fi
# Unpacked as unzip does (modes and times kept).
python3 - "$zip" "$ag/source" <<'PY' >"$g/unzip.log" 2>&1
import os, sys, time, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = set(z.namelist())
assert {"setup.sh", "run_autograder"} <= names, "setup.sh or run_autograder is not at the root"
for info in z.infolist():
    path = z.extract(info, sys.argv[2])
    if info.external_attr >> 16:
        os.chmod(path, (info.external_attr >> 16) & 0o7777)
    t = time.mktime(info.date_time + (0, 0, -1))
    os.utime(path, (t, t))
PY
local unzipped=$?
if [ "$unzipped" != 0 ] || [ ! -x "$ag/source/run_autograder" ] || [ ! -f "$src/hidden-tests/01-refcount/test_hidden_ownership.c" ]; then
  fail "autograder.zip: no executable run_autograder at its root, or no hidden tests in it" "$(cat "$g/unzip.log")"; return
fi
ok "make gradescope: $(du -k "$zip" | cut -f1) KiB, setup.sh and run_autograder at its root, the hidden tests inside"
# What this tree built already (the same sources): setup.sh compiles only the rest.
for v in rel asan; do
  for d in runtime libpmruntime.a main pmtest suites/01-refcount pmscenarios.o scenarios ref; do
    [ -e "build/$v/$d" ] && mkdir -p "$src/build/$v/$(dirname "$d")" && cp -rp "build/$v/$d" "$src/build/$v/$(dirname "$d")/"
  done
done
mkdir -p "$src/build/bin" && cp -p build/bin/pmgrade "$src/build/bin/"
[ -d build/scenarios ] && cp -rp build/scenarios "$src/build/"
if AUTOGRADER_ROOT=$ag PYMEMLAB_NO_APT=1 bash "$ag/source/setup.sh" >"$g/setup.log" 2>&1; then
  ok "setup.sh, its build part (apt left out): the grader, the runtime and the reference built"
else
  fail "setup.sh" "$(tail -15 "$g/setup.log")"; return
fi
# A solution, one file, with a forged results.json beside it.
cp solutions/01-refcount/refcount.c "$ag/submission/"
echo '{"score": 1000, "output": "forged", "tests": []}' >"$ag/submission/results.json"
AUTOGRADER_ROOT=$ag PYMEMLAB_PMGRADE_FLAGS=--no-sanitizers bash "$ag/source/run_autograder" >"$g/solution.out" 2>&1
cp "$ag/results/results.json" "$g/solution.json" 2>/dev/null
if h=$(python3 tools/gradescope/check-results.py "$g/solution.json" full) && [[ "$h" == *"(4 not visible"* ]] &&
   grep -q '^Layout: the files of 01-refcount' "$g/solution.out"; then
  ok "run_autograder$([ "$(id -u)" = 0 ] && echo ' as root'): chapter 1's solution as one file: $h; the forged results.json ignored"
else
  fail "run_autograder on the solution: $h" "$(tail -15 "$g/solution.out")"
fi
# A skeleton, as a whole repository (a handout cloned into a folder).
rm -rf "$ag/submission" "$ag/results"; mkdir -p "$ag/submission/pymemlab-main/skeletons" "$ag/results"
cp -r skeletons/01-refcount "$ag/submission/pymemlab-main/skeletons/"
cp README.md "$ag/submission/pymemlab-main/"
AUTOGRADER_ROOT=$ag PYMEMLAB_PMGRADE_FLAGS=--no-sanitizers bash "$ag/source/run_autograder" >"$g/skeleton.out" 2>&1
cp "$ag/results/results.json" "$g/skeleton.json" 2>/dev/null
if h=$(python3 tools/gradescope/check-results.py "$g/skeleton.json" 0) &&
   grep -q '^Layout: a repository (pymemlab-main/skeletons)' "$g/skeleton.out"; then
  ok "run_autograder: the pristine skeleton as a whole repository: $h"
else
  fail "run_autograder on the skeleton: $h" "$(tail -15 "$g/skeleton.out")"
fi
# Chapter folders, and an upload with nothing to grade (staging only).
rm -rf "$ag/submission"; mkdir -p "$ag/submission/homework/01-refcount"
cp skeletons/01-refcount/refcount.c "$ag/submission/homework/01-refcount/"
ln -s /etc/passwd "$ag/submission/homework/01-refcount/extra.c"
h=$(AUTOGRADER_ROOT=$ag PYMEMLAB_STAGE_ONLY=1 bash "$ag/source/run_autograder" 2>&1)
if [[ "$h" == *"Layout: chapter folders"* ]] && [[ "$h" == *"01-refcount/refcount.c  <-  homework/01-refcount/refcount.c"* ]] &&
   [[ "$h" != *extra.c* ]]; then
  ok "run_autograder: chapter folders are taken (and a symbolic link is not)"
else
  fail "run_autograder: the chapter-folder layout" "$h"
fi
echo "  (the gradescope section took $(( $(date +%s) - t0 )) s)"
}

# make grade-class on a small class (tools/selftest-class.sh).
sec_class() {
section "make grade-class: a class in one command"
source tools/selftest-class.sh
}

# ---------------------------------------------------------- the run ---
# The sections run SECTION_JOBS at a time (default 2: most of them are one
# process after another, and two at once keep both cores busy).  Each runs
# in a subshell that writes to $OUT/sections/NAME.out; the outputs are
# printed in the order of SECTIONS, each as soon as it and those before it
# are done, and the ok/FAIL lines in them are what is counted.  A section
# whose function calls need_solutions starts once the solutions' grade
# (started first) is done.  Sections share the build folder: the build
# section above built every object they link, so that no two of them
# compile the same file at once.  A new section: a sec_NAME function and
# its name in SECTIONS.
SECTION_JOBS=${SECTION_JOBS:-2}
export PYTHONDONTWRITEBYTECODE=1   # no __pycache__ in the checkout while pmgrade watches it
mkdir -p "$OUT/sections"
todo=() needs=()
for s in "${SECTIONS[@]}"; do
  [ "$s" = build ] && continue
  wanted "$s" || continue
  todo+=("$s")
  declare -f "sec_$s" 2>/dev/null | grep -q need_solutions && needs+=("$s")
done
needs_solutions() { [[ " ${needs[*]} " == *" $1 "* ]]; }

run_section() {  # in a subshell
  local s=$1
  exec >"$OUT/sections/$s.out" 2>&1
  clock_start
  # A section listed but not defined is a failure, not a silent skip.
  if declare -F "sec_$s" >/dev/null; then "sec_$s"; else fail "section '$s' is listed but has no sec_$s"; fi
  clock_stop "$s"
  printf '%s\n' "${timing[-1]}" >"$OUT/sections/$s.time"
}

declare -A running=() finished=()
solutions_job=
if [ ${#needs[@]} -gt 0 ]; then
  ( exec >"$OUT/solutions-grade.out" 2>&1; clock_start; need_solutions; clock_stop "(grading the solutions)"
    printf '%s\n' "${timing[-1]}" >"$OUT/sections/solutions-grade.time" ) &
  solutions_job=$!
  running[$solutions_job]=solutions-grade
fi
declare -A launched=()
printed=0
while [ $printed -lt ${#todo[@]} ]; do
  # Start what may start, in order.  The solutions' grade runs alone: it
  # already runs two tests at a time, and every test must pass within its
  # time limit, which a third process on two cores can make it miss.  A
  # section that needs the solutions waits for that grade.
  for s in "${todo[@]}"; do
    [ ${#running[@]} -lt "$SECTION_JOBS" ] || break
    [ -n "${running[${solutions_job:-none}]:-}" ] && break
    [ -z "${launched[$s]:-}" ] || continue
    needs_solutions "$s" && [ -n "${running[${solutions_job:-none}]:-}" ] && continue
    run_section "$s" &
    running[$!]=$s
    launched[$s]=1
  done
  # Print what is done, in order.
  while [ $printed -lt ${#todo[@]} ] && [ -n "${finished[${todo[$printed]}]:-}" ]; do
    s=${todo[$printed]}
    cat "$OUT/sections/$s.out"
    while IFS= read -r line; do
      case $line in
        "  ok    "*) passed=$((passed + 1)) ;;
        "  FAIL  "*) failed=$((failed + 1)); failures+=("${line#  FAIL  }") ;;
      esac
    done <"$OUT/sections/$s.out"
    if [ -f "$OUT/sections/$s.time" ]; then
      timing+=("$(<"$OUT/sections/$s.time")")
    else
      failed=$((failed + 1)); failures+=("section $s stopped before its end")
    fi
    printed=$((printed + 1))
  done
  [ $printed -lt ${#todo[@]} ] || break
  pid=
  wait -n -p pid "${!running[@]}"
  [ -n "$pid" ] || continue
  [ "${running[$pid]}" = solutions-grade ] || finished[${running[$pid]}]=1
  unset "running[$pid]"
done

[ -f "$OUT/sections/solutions-grade.time" ] && timing+=("$(<"$OUT/sections/solutions-grade.time")")
end=$(date +%s)
echo
if [ "$failed" -gt 0 ]; then
  echo "Failed:"
  printf '  - %s\n' "${failures[@]}"
fi
echo "Seconds per section (wall, CPU):"
printf '  %s\n' "${timing[@]}"
echo "make test${ONLY:+ ONLY=\"$ONLY\"} took $((end - start)) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
