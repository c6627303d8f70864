#!/usr/bin/env bash
# tools/steps-alone.sh OUTDIR [CHAPTER...] - every step is graded on its own.
#
# For each chapter and each step K the learner writes, grade a submission
# that has written steps 1..K (tools/mixsteps.py: the solution with the
# functions of later steps left as the skeleton has them): every test of
# step K must pass, and no test of step K+1 may pass yet.  So a learner who
# runs the graded tests after each step sees that step's tests turn green,
# and never a test that waits for a later step.
#
# A test listed in grader/steps-alone.known fails this check for a reason
# written there; the line goes once the test no longer needs a later step.
# The steps are checked JOBS at a time (default: the number of cores), each
# into a file of its own, printed in order.
# Prints "ok"/"FAIL" lines and ends with "N checks, M failed".
set -u
cd "$(dirname "$0")/.."
out=${1:-build/steps-alone}
shift || true
rm -rf "$out"
mkdir -p "$out"
known=grader/steps-alone.known
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
export PYTHONDONTWRITEBYTECODE=1
is_known() { grep -q "^$1 $2 " "$known" 2>/dev/null; }

# check_step CH K NEXT: steps 1..K of CH written; prints its lines, then
# "checks N failed M" as its last line.
check_step() {
  local ch=$1 k=$2 next=$3 checks=0 failed=0 sub="$out/$ch/steps-1-to-$2" j t rc why
  if ! python3 tools/mixsteps.py "$ch" "$k" "$sub"; then
    echo "FAIL  $ch: cannot mix steps 1..$k"; echo "checks 0 failed 1"; return
  fi
  if ! make -s --no-print-directory suite CH="$ch" SUBMISSION="$sub" OUT="$sub/suite" \
       >"$sub.build.log" 2>&1; then
    echo "FAIL  $ch steps 1..$k: does not build"; sed 's/^/        /' "$sub.build.log" | tail -5
    echo "checks 0 failed 1"; return
  fi
  for j in $k $next; do
    for t in $(jq -r --arg p "Step $j:" '.tests[] | select(.step | startswith($p)) | .name' "$out/$ch/manifest.json"); do
      checks=$((checks + 1))
      # What is checked here is which step a test needs, not its speed:
      # a busy machine must not turn a slow pass into a failure.
      PMLAB_ROOT=. CK_TIMEOUT_MULTIPLIER=4 timeout 120 "$sub/suite/suite" --run "$t" >"$sub/$t.log" 2>&1
      rc=$?
      if [ "$j" = "$k" ] && [ $rc -ne 0 ]; then
        why="fails with steps 1..$k written"
      elif [ "$j" != "$k" ] && [ $rc -eq 0 ]; then
        why="passes before its step $j is written (steps 1..$k)"
      else
        continue
      fi
      if is_known "$ch" "$t"; then
        echo "known $ch $t: $why"
      else
        echo "FAIL  $ch $t: $why"; failed=$((failed + 1))
      fi
    done
  done
  echo "checks $checks failed $failed"
}

units=()
failed=0
for ch in ${*:-$(ls -d skeletons/[0-9][0-9]-* | xargs -n1 basename)}; do
  steps=$(grep -ho '_Pm_Unimplemented("[A-Za-z_0-9]*", *"[^"]*Step [0-9]*")' skeletons/"$ch"/*.c |
          sed 's/.*Step \([0-9]*\)")/\1/' | sort -nu)
  [ -n "$steps" ] || continue
  # Each suite in its chapter's first variant (chapter.conf), as graded.
  make -s --no-print-directory suite CH="$ch" SUBMISSION=solutions OUT="$out/$ch/list" \
    >"$out/$ch.build.log" 2>&1 || { echo "FAIL  $ch: the solution's suite does not build"; failed=$((failed + 1)); continue; }
  "$out/$ch/list/suite" --list >"$out/$ch/manifest.json"
  # The grade lists tests in the suite's order, a subtotal per run of one
  # step: a step split in two runs reads as two steps, and "next:" and the
  # earlier-step note would look at the wrong one.
  split=$(jq -r '.tests[].step' "$out/$ch/manifest.json" | uniq | sort | uniq -d)
  if [ -n "$split" ]; then
    echo "FAIL  $ch: the tests of $(echo "$split" | paste -sd, -) are not registered together"
    failed=$((failed + 1))
  fi
  for k in $steps; do
    next=$(echo "$steps" | awk -v k="$k" '$1 > k { print; exit }')
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
    check_step "$ch" "$k" "$next" >"$out/$ch-$k.result" 2>&1 &
    units+=("$ch-$k")
  done
done
wait
checks=0
for u in "${units[@]}"; do
  grep -v '^checks ' "$out/$u.result"
  read -r _ c _ f < <(grep '^checks ' "$out/$u.result" || echo "checks 0 failed 1")
  checks=$((checks + c)); failed=$((failed + f))
done
echo "$checks checks, $failed failed"
[ "$failed" -eq 0 ]
