#!/usr/bin/env bash
# compare.sh - replay each allocation trace through CPython's own obmalloc
# (libpython, interpreter not initialised) and through the reference layer
# (solutions/02-pymalloc), and check that both report the same pools and
# arenas: every figure of _PyObject_DebugMallocStats.
#
#   tools/cpython-obmalloc/compare.sh [TRACE ...]
#
# Default: grader/traces/02-pymalloc/*.trace.  The reports are compared
# after every EVERY operations (default 1000) and at the end, so the whole
# history of the heap must agree, not only its last state.  One line per
# trace and arena placement, the first figures that differ under a
# failure, then "N passed, M failed"; exit 0 iff nothing failed.
# SOLUTION=dir compares another layer (a chapter folder laid out like
# solutions/02-pymalloc).
#
# Both sides are built from the same replay.c, so they read the trace with
# the same parser (grader/traces/pmtrace.h) and get their arenas from the
# same deterministic allocator: --arenas=aligned, then --arenas=shifted,
# where every arena loses one pool to alignment.  With the placement fixed,
# nothing in the report depends on where mmap happens to put memory, so no
# line is excluded: the byte breakdown, the alignment loss and the arena
# map's node counts must all agree exactly.  (Under plain mmap they would
# not: "bytes lost to arena alignment", and with it "unused pools", change
# from run to run.)  A figure that one side prints and the other does not
# is a failure too.  A trace that needs more arenas at once than the region
# holds (PM_TRACE_ARENA_SLOTS) falls back to mmap and may differ.
set -u
export LC_ALL=C
cd "$(dirname "$0")/../.."

if ! pkg-config --exists python3-embed 2>/dev/null ||
    [ ! -e "$(pkg-config --variable=includedir python3-embed 2>/dev/null)/python$(pkg-config --modversion python3-embed 2>/dev/null)/Python.h" ]; then
    echo "skipped: python3-dev not installed"
    exit 0
fi

SOLUTION=${SOLUTION:-}
EVERY=${EVERY:-1000}
OUT=build/tools/cpython-obmalloc
CFLAGS="-std=gnu11 -Wall -Wextra -O2 -g -Iinclude -Igrader/traces"
mkdir -p "$OUT"

# The pymemlab side is linked by the Makefile, with the reference layer or
# (SOLUTION=dir) the one in dir.
mine=()
[ -n "$SOLUTION" ] && mine=(SUBMISSION="$(dirname "$SOLUTION")" STACK=mine)
cc $CFLAGS tools/cpython-obmalloc/replay.c $(pkg-config --libs python3-embed) \
        -o "$OUT/cpython-replay" >"$OUT/build.log" 2>&1 &&
    make -s --no-print-directory pm-replay-harness OUT="$OUT/pm-replay" "${mine[@]}" >>"$OUT/build.log" 2>&1 || {
    echo "compare.sh: the replays did not build:" >&2
    tail -20 "$OUT/build.log" >&2
    exit 2
}

if [ "$#" -eq 0 ]; then
    set -- grader/traces/02-pymalloc/*.trace
    [ -e "$1" ] || { echo "compare.sh: no traces in grader/traces/02-pymalloc/" >&2; exit 2; }
fi

# Turn a report into one "figure<TAB>value" line per number, named so that a
# difference reads well: "class 3 (64 bytes) num pools<TAB>12",
# "arenas allocated total<TAB>4", "unused pools<TAB>60" ...
figures() {
    awk '
    /^# after operation/ { when = "after op " $4 ": "; total = 0; next }
    /^Small block threshold/ { sub(/,/, "", $5); print when "small block threshold\t" $5; print when "size classes\t" $7; next }
    /^ *[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ *$/ {
        name = when "class " $1 " (" $2 " bytes)"
        print name " num pools\t" $3
        print name " blocks in use\t" $4
        print name " avail blocks\t" $5
        next
    }
    /=/ {
        split($0, kv, "=")
        label = kv[1]; value = kv[2]
        gsub(/^# */, "", label); gsub(/ +$/, "", label); gsub(/[ ,]/, "", value)
        # "63 unused pools * 16384 bytes" carries a count in its label.
        if (match(label, /^[0-9]+ /)) {
            print when substr(label, RLENGTH + 1) " (count)\t" substr(label, 1, RLENGTH - 1)
            label = substr(label, RLENGTH + 1)
        }
        # Two blocks end in "Total": the arena bytes, then the arena map.
        if (label == "Total") label = (++total == 1) ? "Total (arenas)" : "Total (arena map)"
        print when label "\t" value
    }'
}

passed=0
failed=0
for tr in "$@"; do
    for mode in aligned shifted; do
        name="$(basename "$tr" .trace) --arenas=$mode"
        if ! "$OUT/cpython-replay" --arenas=$mode --stats-every=$EVERY "$tr" >"$OUT/cpython.txt" 2>"$OUT/cpython.err"; then
            echo "FAIL $name: CPython's replay failed: $(head -1 "$OUT/cpython.err")"
            failed=$((failed + 1))
            continue
        fi
        if ! "$OUT/pm-replay" --arenas=$mode --stats-every=$EVERY "$tr" >"$OUT/pm.txt" 2>"$OUT/pm.err"; then
            echo "FAIL $name: the reference's replay failed: $(head -1 "$OUT/pm.err")"
            failed=$((failed + 1))
            continue
        fi
        # The first differences in the trace's order (reports without an
        # "after operation" line sort as the end).
        diffs=$(join -t $'\t' -a 1 -a 2 -e '(missing)' -o 0,1.2,2.2 \
            <(figures <"$OUT/cpython.txt" | sort -t $'\t' -k1,1) \
            <(figures <"$OUT/pm.txt" | sort -t $'\t' -k1,1) |
            awk -F '\t' '$2 != $3' | sort -t ' ' -k3,3n -s | head -20 |
            awk -F '\t' '{ printf "    %s: CPython %s, reference %s\n", $1, $2, $3 }')
        n=$(figures <"$OUT/cpython.txt" | wc -l)
        if [ -z "$diffs" ]; then
            echo "ok   $name: $n figures agree"
            passed=$((passed + 1))
        else
            echo "FAIL $name: figures differ"
            echo "$diffs"
            failed=$((failed + 1))
        fi
    done
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
