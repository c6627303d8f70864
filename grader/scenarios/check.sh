#!/usr/bin/env bash
# check.sh - run every scenario on a pmrun build and compare its output with
# the output recorded from CPython (the .out file next to each .py).
#
# usage: grader/scenarios/check.sh PMRUN [DIR...]
#   PMRUN  the pmrun program to test (e.g. build/rel/ref/bin/pmrun)
#   DIR    folders holding NAME.py + NAME.out pairs
#          (default: every grader/scenarios/*/ folder and examples/)
#
# A scenario passes when `PMRUN FILE` exits with status 0 (pmrun fails when
# the run raised an error or left objects or references behind), prints
# nothing on stderr that mentions a leak, and prints exactly the .out file on
# stdout.  When python3 is installed, `python3 FILE` must still print the .out
# file too; a difference there is reported as "CPython itself now prints
# something else", since it means the recording is stale, not that pmrun is wrong.
# Prints one line per failure followed by the first lines of a unified diff,
# then "N passed, M failed".  Exit status 0 iff M is 0.

set -u

usage() {
    echo "usage: $0 PMRUN [DIR...]" >&2
    exit 2
}

[ $# -ge 1 ] || usage
given=$1
pmrun=$1
shift

# Resolve PMRUN before moving to the repository, so a relative path given
# from anywhere keeps working.
case $pmrun in
    */*) pmrun=$(cd "$(dirname "$pmrun")" 2>/dev/null && pwd)/$(basename "$pmrun") ;;
    *) pmrun=$(command -v "$pmrun" || echo "$pmrun") ;;
esac
if [ ! -x "$pmrun" ]; then
    echo "check.sh: $given is not an executable program; build it first (make pmrun-ref)" >&2
    exit 2
fi

# Folders given on the command line are relative to the caller's directory.
dirs=()
for d in "$@"; do
    if [ ! -d "$d" ]; then
        echo "check.sh: $d is not a folder" >&2
        exit 2
    fi
    dirs+=("$(cd "$d" && pwd)")
done

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$repo" || exit 2
if [ ${#dirs[@]} -eq 0 ]; then
    for d in grader/scenarios/*/ examples/; do
        [ -d "$d" ] && dirs+=("$repo/${d%/}")
    done
fi

# Each run gets a time limit when coreutils' timeout is available.
limit=()
if command -v timeout >/dev/null 2>&1; then
    limit=(timeout 60)
fi
# PMCHECK_SKIP_CPYTHON=1: compare with the recordings only (a second build
# of the same scenarios, when the first run has already asked CPython).
have_python=0
if [ -z "${PMCHECK_SKIP_CPYTHON:-}" ] && command -v python3 >/dev/null 2>&1; then
    have_python=1
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pmcheck.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

passed=0
failed=0

# show_diff EXPECTED EXPECTED_LABEL GOT_LABEL GOT: the first 20 lines of a
# unified diff between the recorded output and what a run printed.
show_diff() {
    diff -u --label "expected ($2)" --label "got ($3)" "$1" "$4" | head -n 20
}

# rel PATH: PATH relative to the repository, as printed in every message.
rel() {
    case $1 in
        "$repo"/*) echo "${1#"$repo"/}" ;;
        *) echo "$1" ;;
    esac
}

for dir in "${dirs[@]}"; do
    for py in "$dir"/*.py; do
        [ -e "$py" ] || continue
        name=$(rel "$py")
        out=${py%.py}.out
        ok=1
        if [ ! -f "$out" ]; then
            echo "FAIL $name: no recorded output $(rel "$out") (record it with python3)"
            failed=$((failed + 1))
            continue
        fi

        # The subshell keeps bash's own "Aborted" notice out of the report.
        (${limit[@]+"${limit[@]}"} "$pmrun" "$py" >"$tmp/stdout" 2>"$tmp/stderr"; exit $?) 2>/dev/null
        status=$?
        if [ $status -ne 0 ]; then
            if [ $status -eq 124 ] && [ ${#limit[@]} -gt 0 ]; then
                echo "FAIL $name: pmrun did not finish within 60 s"
            elif [ $status -gt 128 ]; then
                echo "FAIL $name: pmrun was killed by signal $((status - 128))"
            elif grep -q 'Sanitizer' "$tmp/stderr"; then
                echo "FAIL $name: the sanitizer found a memory error (status $status)"
            else
                case $status in
                    1) why="a Python error escaped" ;;
                    2) why="outside the supported subset" ;;
                    3) why="file not readable" ;;
                    4) why="objects or references were left behind" ;;
                    *) why="unexpected status" ;;
                esac
                echo "FAIL $name: pmrun exited with status $status ($why)"
            fi
            grep -m 10 -v '^ *$' "$tmp/stderr" | sed 's/^/    /'
            ok=0
        elif grep -qi 'leak' "$tmp/stderr"; then
            echo "FAIL $name: pmrun reported a leak"
            grep -i 'leak' "$tmp/stderr" | head -n 10 | sed 's/^/    /'
            ok=0
        fi
        if ! cmp -s "$out" "$tmp/stdout"; then
            echo "FAIL $name: pmrun's output differs from $(rel "$out")"
            show_diff "$out" "$(rel "$out")" "pmrun" "$tmp/stdout"
            ok=0
        fi

        if [ $have_python -eq 1 ]; then
            ${limit[@]+"${limit[@]}"} python3 "$py" >"$tmp/cpython" 2>/dev/null
            if ! cmp -s "$out" "$tmp/cpython"; then
                echo "FAIL $name: CPython itself now prints something else than $(rel "$out")"
                show_diff "$out" "$(rel "$out")" "python3" "$tmp/cpython"
                ok=0
            fi
        fi

        if [ $ok -eq 1 ]; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
        fi
    done
done

echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
