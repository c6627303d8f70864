#!/usr/bin/env bash
# tools/hint.sh CHAPTER-SLUG TEST REPORT - `make hint`: the second hint.
#
# The grader's hint under a failing test names the symptom and the section
# of the book to read; it leaves the puzzle to you.  The second hint, kept
# in grader/suites/NN-slug/hints.txt next to the suite, goes one step
# further and says what the fix looks like.  Ask for it when the first one
# was not enough:
#
#   make hint CH=04 TEST=collection_runs_when_count_passes_threshold
#   make hint CH=04     (every test of chapter 4 that failed in the last grade)
#   make hint           (every test that failed in the last grade)
#
# hints.txt: a test's name alone on a line, then its hint on the lines
# below it, indented; '#' lines are comments.
set -u
slug=${1:-} test=${2:-} report=${3:-build/grade/report.json}

# second_hint FILE NAME: the indented lines under NAME, joined.
second_hint() {
  awk -v name="$2" '
    /^#/ { next }
    /^[^ \t]/ { found = ($1 == name); next }
    found && NF { sub(/^[ \t]+/, ""); text = text (text == "" ? "" : " ") $0 }
    END { if (text != "") print text }' "$1"
}

# Where the grader's own hint and section for NAME are, if the last grade
# ran it: "status<TAB>hint<TAB>section".
from_report() {
  [ -f "$report" ] || return 0
  jq -r --arg n "$1" 'first(.chapters[].tests[] | select(.name == $n)
                     | [.status, (.hint // ""), (.section // "")] | @tsv) // empty' "$report"
}

# wrap LABEL TEXT: TEXT folded at 100 columns, under LABEL's end.
wrap() {
  fold -s -w 85 <<<"$2" | sed -e 's/ *$//' -e "1s/^/$1/" -e '2,$s/^/               /'
}

show() { # show SLUG NAME
  local file="grader/suites/$1/hints.txt" text status hint section
  text=$( [ -f "$file" ] && second_hint "$file" "$2")
  IFS=$'\t' read -r status hint section <<<"$(from_report "$2")"
  echo "$2 ($1)"
  [ -n "${status:-}" ] && echo "  last grade: $status"
  [ -n "${hint:-}" ] && wrap "  hint:        " "$hint"
  if [ -n "$text" ]; then
    wrap "  second hint: " "$text"
  elif [[ $2 == scenario_* ]]; then
    echo "  second hint: a scenario's first line says what it checks. Run it on your layers"
    echo "               (make run SCRIPT=grader/scenarios/$1/${2#scenario_}.py) and on the"
    echo "               reference (add STACK=ref), and compare the output and the two heaps."
  else
    echo "  second hint: none for this test; the section below is the place to read."
  fi
  [ -n "${section:-}" ] && echo "  read:        $section"
  return 0
}

if [ -n "$test" ]; then
  if [ -z "$slug" ]; then
    # Find the chapter whose hints or last report know the test.
    for f in grader/suites/*/hints.txt; do
      if grep -qx -- "$test" "$f"; then slug=$(basename "$(dirname "$f")"); break; fi
    done
    if [ -z "$slug" ] && [ -f "$report" ]; then
      slug=$(jq -r --arg n "$test" 'first(.chapters[] | select(any(.tests[]; .name == $n))
                                          | .chapter) // empty' "$report")
    fi
    if [ -z "$slug" ]; then
      echo "make hint: no test named '$test' (make list CH=NN lists a chapter's tests)" >&2
      exit 2
    fi
  elif ! grep -qx -- "$test" "grader/suites/$slug/hints.txt" 2>/dev/null &&
       [[ $test != scenario_* ]] &&
       ! { [ -f "$report" ] && jq -e --arg n "$test" 'any(.chapters[].tests[]; .name == $n)' \
             "$report" >/dev/null; }; then
    echo "make hint: chapter $slug has no test named '$test' (make list CH=${slug%%-*} lists them)" >&2
    exit 2
  fi
  show "$slug" "$test"
  exit 0
fi

if [ ! -f "$report" ]; then
  echo "make hint: no grade yet. Run make grade${slug:+ CH=${slug%%-*}} first, or name a test:" >&2
  echo "           make hint CH=NN TEST=name" >&2
  exit 2
fi
failed=$(jq -r --arg c "$slug" '.chapters[] | select($c == "" or .chapter == $c) | .chapter as $ch
          | .tests[] | select(.status != "passed" and .status != "not-written")
          | "\($ch)\t\(.name)"' "$report")
if [ -z "$failed" ]; then
  echo "make hint: nothing failed in the last grade${slug:+ of $slug} (a TODO test waits for a" \
       "function you have not written: its section says which)."
  exit 0
fi
while IFS=$'\t' read -r ch name; do
  show "$ch" "$name"
  echo
done <<<"$failed"
