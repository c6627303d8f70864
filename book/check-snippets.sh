#!/bin/sh
# check-snippets.sh - run every "see it in real Python" snippet of the book
# with python3 and compare what it prints with the output the text shows.
#
#   book/check-snippets.sh [chapters/*.md ...]
#
# A snippet is a ```{.python .run}``` block; the ```{.output}``` block right
# after it holds exactly what python3 prints.  One line per mismatch (with a
# diff), then "N passed, M failed"; exit 0 iff nothing failed.
set -u

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")

if ! command -v python3 >/dev/null 2>&1; then
    echo "skipped: python3 not installed"
    exit 0
fi
if ! command -v pandoc >/dev/null 2>&1; then
    echo "check-snippets.sh: pandoc is needed to read the chapters (apt-get install pandoc)" >&2
    exit 2
fi

if [ "$#" -eq 0 ]; then
    set -- "$root"/chapters/*.md
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

count=0
for md in "$@"; do
    if ! SNIPPET_DIR="$work" SNIPPET_SOURCE="$(basename "$md")" SNIPPET_OFFSET="$count" \
        pandoc --lua-filter "$here/snippets.lua" -t plain -o /dev/null "$md"; then
        echo "check-snippets.sh: pandoc could not read $md" >&2
        exit 2
    fi
    count=$(find "$work" -name '*.py' | wc -l)
done

passed=0
failed=0
for py in "$work"/*.py; do
    [ -e "$py" ] || break
    stem=${py%.py}
    where=$(cat "$stem.where")
    if [ -e "$stem.missing" ]; then
        echo "FAIL $where: no {.output} block follows it"
        failed=$((failed + 1))
        continue
    fi
    # Run from an empty folder so that nothing local shadows a module.
    (cd "$work" && python3 "$py") >"$stem.got" 2>&1
    if cmp -s "$stem.out" "$stem.got"; then
        passed=$((passed + 1))
    else
        echo "FAIL $where: output differs (--- book, +++ python3)"
        diff -u --label book --label python3 "$stem.out" "$stem.got" | sed 's/^/    /'
        failed=$((failed + 1))
    fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
