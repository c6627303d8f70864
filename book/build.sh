#!/bin/sh
# build.sh - render the book: every chapters/*.md to OUTDIR/<stem>.html, an
# index, the stylesheet, the Graphviz figures (diagrams/*.dot and heap
# pictures drawn by running the reference pmrun and pmgcsteps) and an EPUB
# of it all.
#
#   book/build.sh OUTDIR
#
# Needs pandoc and Graphviz's dot; never the network.  PMRUN names the
# pmrun to draw with (default: build/rel/ref/bin/pmrun, the reference build,
# which `make book` builds first); PMGCSTEPS names the pmgcsteps, likewise.
# Stops at the first failure, naming it.
set -eu

if [ "$#" -ne 1 ]; then
    echo "usage: book/build.sh OUTDIR" >&2
    exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
mkdir -p "$1"
out=$(cd "$1" && pwd)
pmrun=${PMRUN:-$root/build/rel/ref/bin/pmrun}
pmgcsteps=${PMGCSTEPS:-$root/build/rel/ref/bin/pmgcsteps}
# figures.lua reads the drawn figures' sizes from here.
export PMBOOK_OUT="$out"

# The heap pictures drawn by the reference: figure name, scenario, and the
# number of output lines after which the run stops and draws the heap.
heap_figures="cycle:examples/cycle.py:1 refcount:examples/refcount.py:3"

# The pictures of one collection, step by step: figure prefix, scenario, and
# the number of output lines after which the run stops and the collection
# starts.  Each gives <prefix>-0-before.svg ... <prefix>-4-after.svg.
gc_step_figures="03-steps:examples/cycle_steps.py:1"

fail() {
    echo "book/build.sh: $*" >&2
    exit 1
}

# Run a command; if it fails, say which one and stop.
run() {
    "$@" || fail "failed: $*"
}

for tool in pandoc dot; do
    command -v "$tool" >/dev/null 2>&1 ||
        fail "$tool is not installed (apt-get install $( [ "$tool" = dot ] && echo graphviz || echo pandoc ))"
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

mkdir -p "$out/fig"
run cp "$here/style.css" "$out/style.css"

# ---- figures: diagrams/*.dot -> fig/<name>.svg ----
for dotfile in "$root"/diagrams/*.dot; do
    [ -e "$dotfile" ] || break
    name=$(basename "$dotfile" .dot)
    run dot -Tsvg -o "$out/fig/$name.svg" "$dotfile"
done

# ---- figures drawn by running the reference on a scenario ----
[ -x "$pmrun" ] || fail "the reference pmrun ($pmrun) is missing: build it first (make book does), or set PMRUN"
for entry in $heap_figures; do
    name=${entry%%:*}
    rest=${entry#*:}
    script=${rest%%:*}
    stop=${rest#*:}
    [ -e "$root/$script" ] || fail "scenario $script is missing (needed for fig/$name.svg)"
    (cd "$root" && "$pmrun" --quiet-leaks --stop-after "$stop" --heap-svg "$out/fig/$name.svg" "$script") >/dev/null ||
        fail "failed: $pmrun --quiet-leaks --stop-after $stop --heap-svg $out/fig/$name.svg $script"
    [ -s "$out/fig/$name.svg" ] || fail "$pmrun wrote no picture to fig/$name.svg"
done
# (Chapter 2's figure, from one of its traces: not in a handout without it.)
if [ -e "$root/chapters/02-pymalloc.md" ]; then
    run "$root/build/rel/ref/bin/pmreplay" --heap-svg "$out/fig/02-heap.svg" "$root/grader/traces/02-pymalloc/arenas_return_to_the_os.trace"
fi

[ -x "$pmgcsteps" ] || fail "the reference pmgcsteps ($pmgcsteps) is missing: build it first (make book does), or set PMGCSTEPS"
for entry in $gc_step_figures; do
    name=${entry%%:*}
    rest=${entry#*:}
    script=${rest%%:*}
    stop=${rest#*:}
    [ -e "$root/$script" ] || fail "scenario $script is missing (needed for fig/$name-*.svg)"
    (cd "$root" && "$pmgcsteps" --stop-after "$stop" --out "$out/fig/$name" "$script") >/dev/null 2>"$tmp/gcsteps.log" ||
        fail "failed: $pmgcsteps --stop-after $stop --out $out/fig/$name $script: $(cat "$tmp/gcsteps.log")"
    for step in 0-before 1-update_refs 2-subtract_refs 3-move_unreachable 4-after; do
        [ -s "$out/fig/$name-$step.svg" ] || fail "$pmgcsteps wrote no picture to fig/$name-$step.svg"
    done
done

# ---- chapter titles and summaries ----
# A chapter opens with "# Title"; its YAML block may carry a one-line summary.
printf '%s' '$title$' >"$tmp/title.tpl"
printf '%s' '$summary$' >"$tmp/summary.tpl"
chapters=$(ls "$root"/chapters/*.md 2>/dev/null) || fail "no chapters in chapters/"
for md in $chapters; do
    stem=$(basename "$md" .md)
    run pandoc --shift-heading-level-by=-1 -t plain --wrap=none --template="$tmp/title.tpl" -o "$tmp/$stem.title" "$md"
    run pandoc -t plain --wrap=none --template="$tmp/summary.tpl" -o "$tmp/$stem.summary" "$md"
    [ -s "$tmp/$stem.title" ] || fail "$md has no '# Title' line at the top"
done

common="--standalone --template=$here/template.html --css=style.css --highlight-style=tango"

# ---- one page per chapter, with previous / next links ----
prev=""
set -- $chapters
while [ "$#" -gt 0 ]; do
    md=$1
    shift
    stem=$(basename "$md" .md)
    next=""
    [ "$#" -gt 0 ] && next=$(basename "$1" .md)
    set -f
    nav=""
    [ -n "$prev" ] && nav="-V prev-href=$prev.html"
    [ -n "$next" ] && nav="$nav -V next-href=$next.html"
    set +f
    # shellcheck disable=SC2086
    run pandoc $common --toc --toc-depth=2 --shift-heading-level-by=-1 \
        --resource-path="$out:$root" --lua-filter="$here/figures.lua" --lua-filter="$here/editions.lua" \
        ${prev:+-V "prev-title=$(cat "$tmp/$prev.title")"} \
        ${next:+-V "next-title=$(cat "$tmp/$next.title")"} \
        $nav -o "$out/$stem.html" "$md"
    prev=$stem
done

# ---- the index: each chapter with its summary ----
{
    echo "---"
    echo "title: pymemlab"
    echo "summary: Rebuild CPython's memory management in C, one layer at a time."
    echo "pagetitle: Contents"
    echo "---"
    echo
    echo "::: chapters"
    for md in $chapters; do
        stem=$(basename "$md" .md)
        echo "[$(cat "$tmp/$stem.title")]($stem.html)"
        echo ":   $(cat "$tmp/$stem.summary")"
        echo
    done
    echo ":::"
    echo
    echo "The same text as an e-book: [pymemlab.epub](pymemlab.epub)."
} >"$tmp/index.md"
# shellcheck disable=SC2086
run pandoc $common -V "next-href=$(basename "$(echo "$chapters" | head -n 1)" .md).html" \
    -V "next-title=$(cat "$tmp/$(basename "$(echo "$chapters" | head -n 1)" .md).title")" \
    -o "$out/index.html" "$tmp/index.md"

# ---- the EPUB: all chapters, the stylesheet, the SVG figures ----
# shellcheck disable=SC2086
run pandoc --standalone --toc --toc-depth=2 --epub-chapter-level=1 \
    --metadata title=pymemlab --metadata lang=en \
    --css="$here/style.css" --highlight-style=tango \
    --resource-path="$out:$root" --lua-filter="$here/editions.lua" \
    -o "$out/pymemlab.epub" $chapters

echo "book: $out/index.html, $(echo "$chapters" | wc -l) chapters, $(ls "$out"/fig/*.svg | wc -l) figures, $out/pymemlab.epub"
