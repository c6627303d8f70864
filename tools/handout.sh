#!/usr/bin/env bash
# tools/handout.sh DEST CHAPTERS PREBUILT COUNTS - `make handout`: write a
# git repository a student can clone, without the solutions.
#
#   DEST      the new repository (must not exist, or be an empty folder)
#   CHAPTERS  the chapters it contains, "01,03" (empty: every chapter)
#   PREBUILT  the folder of reference objects make built, NN-slug/<variant>.o
#   COUNTS    chapter 2's reference basic-block counts (a generated .c file)
#
# What goes in: the committed files of this repository (git ls-files), less
# what a student must not see or cannot use:
#   solutions/, hidden/ and tests/hidden/ (the instructor's hidden tests and
#   their mutant), grader/mutants/ and grader/fixtures/ (patches of the
#   solutions), CONTRIBUTING.md, chapters/instructors.md and the "For instructors" section of
#   chapters/00-start.md (instructor notes), the project's self-test and the
#   tools that read the solutions, .ci/ (it runs the self-test);
# and, for a chapter that is not handed out, its skeleton, suite, scenarios,
# traces, figures and book chapter.  Its reference object still ships: a
# chapter is graded with the reference for all the others.
# What is added: prebuilt/ (the reference objects, each chapter's
# chapter.conf, the counts), the student's README.md
# (tools/handout-README.md) and .github/workflows/classroom.yml (GitHub
# Classroom's autograding, tools/classroom-workflow.py).
set -euo pipefail
cd "$(dirname "$0")/.."

die() { echo "make handout: $*" >&2; exit 2; }
[ $# -eq 4 ] || die "usage: tools/handout.sh DEST CHAPTERS PREBUILT COUNTS"
dest=$1 wanted=$2 prebuilt=$3 counts=$4
[ -d solutions ] || die "no solutions/ here: this is a handout already"
if [ -e "$dest" ] && [ -n "$(ls -A "$dest" 2>/dev/null)" ]; then
    die "$dest exists and is not empty: name a new folder"
fi

all=$(cd solutions && ls -d [0-9][0-9]-* | sort)
# The chapters handed out: each name of CHAPTERS is a number or a slug.
chosen=
if [ -z "$wanted" ]; then
    chosen=$all
else
    for w in ${wanted//,/ }; do
        hit=
        for c in $all; do
            case "$c" in "$w"-* | "$w") hit=$c ;; esac
        done
        [ -n "$hit" ] || die "CHAPTERS: no chapter '$w' (chapters: $(echo $all))"
        chosen="$chosen $hit"
    done
    chosen=$(printf '%s\n' $chosen | sort -u)
fi
left_out=$(comm -23 <(printf '%s\n' $all) <(printf '%s\n' $chosen))

# Every chapter's reference object is there, in every variant it is built in.
for c in $all; do
    ls "$prebuilt/$c"/*.o >/dev/null 2>&1 || die "no reference objects in $prebuilt/$c"
done

mkdir -p "$dest"
dest=$(cd "$dest" && pwd)

# The committed files, less the excluded ones.
excluded='^(solutions/|hidden/|chapters/instructors\.md$|tests/hidden/|grader/mutants/|grader/fixtures/|\.ci/|CONTRIBUTING\.md$|grader/steps-alone\.known$|tools/(selftest\.sh|selftest-ch5\.sh|selftest-class\.sh|class-demo\.sh|check-learner\.sh|mixsteps\.py|skeletons\.py|steps-alone\.sh|handout\.sh|handout-README\.md|handout-leaks\.py|cpython-obmalloc/|gradescope\.sh|gradescope/|classroom-workflow\.py))'
# A suite's sources its chapter.conf names in HANDOUT_AS_OBJECT ship only
# compiled (prebuilt/NN-slug/suite-<variant>.o): they would show a step's answer.
for c in $all; do
    for f in $(sed -n 's/^HANDOUT_AS_OBJECT *[:?]*= *//p' "grader/suites/$c/chapter.conf"); do
        excluded="$excluded|^grader/suites/$c/${f//./\\.}\$"
    done
done
for c in $left_out; do
    n=${c%%-*}
    excluded="$excluded|^(skeletons|grader/suites|grader/scenarios|grader/traces)/$c/|^chapters/$c\.md\$|^diagrams/$n-"
done
git ls-files -z | grep -zEv "$excluded" | tar --null -T - -cf - | tar -C "$dest" -xf -

# The instructor notes of chapter 0 (its "For instructors" section, which
# points to chapters/instructors.md) and its row for the self-test.
if [ -f "$dest/chapters/00-start.md" ]; then
    awk '/^## For instructors/ { skip = 1; next } /^## / { skip = 0 } !skip' \
        "$dest/chapters/00-start.md" | grep -v '^| `make test` |' >"$dest/chapters/00-start.md.new"
    mv "$dest/chapters/00-start.md.new" "$dest/chapters/00-start.md"
fi
# The parts of the book written for one edition (book/editions.lua): the
# handout keeps its own (::: {.handout-only}) and drops this repository's
# (::: {.repo-only}), which speak of solutions/.
python3 - "$dest"/chapters/*.md <<'PY'
import re, sys
for path in sys.argv[1:]:
    out, mode = [], None
    for line in open(path).read().split("\n"):
        m = re.match(r"^::: *\{\.(repo-only|handout-only)\} *$", line)
        if mode is None and m:
            mode = m.group(1)
            continue
        if mode is not None and line.strip() == ":::":
            mode = None
            continue
        if mode != "repo-only":
            out.append(line)
    open(path, "w").write("\n".join(out))
PY

# The reference, prebuilt.
mkdir -p "$dest/prebuilt"
for c in $all; do
    mkdir -p "$dest/prebuilt/$c"
    cp "$prebuilt/$c"/*.o "$dest/prebuilt/$c/"
    cp "grader/suites/$c/chapter.conf" "$dest/prebuilt/$c/chapter.conf"
done
cp "$counts" "$dest/prebuilt/reference_counts.c"
cat >"$dest/prebuilt/README.md" <<EOF
# The reference layers, prebuilt

\`NN-slug/<variant>.o\` is the reference of chapter NN-slug compiled in one
build variant (see \`VARIANT_FLAGS\` in the Makefile) and linked into one
object; \`NN-slug/suite-<variant>.o\`, the parts of a chapter's test suite
that would show a step's answer (the state chapter 2's suite gives its
early steps). The Makefile takes them when \`solutions/\` is absent: grading a
chapter links your code for it with these objects for all the others, and
\`make run STACK=ref\`, \`make replay STACK=ref\` and \`make book\` run on
them alone. \`NN-slug/chapter.conf\` is the chapter's settings, kept for the
chapters this copy does not contain yet; \`reference_counts.c\` holds the
basic-block counts of the reference allocator that chapter 2's performance
points compare yours with.

They were built with $(cc --version | head -1) on
$( . /etc/os-release 2>/dev/null && echo "${PRETTY_NAME:-Linux}" || echo Linux) ($(uname -m)).
Use the same system: on another compiler or C library they may not link.
EOF

# The student's README: the chapters of this copy filled in.
list=$(for c in $chosen; do printf -- '- `%s` (chapters/%s.md)\n' "$c" "$c"; done)
first=$(printf '%s\n' $chosen | head -1)
first_n=${first%%-*}
python3 - "$dest/README.md" "$list" "$first_n" <<'EOF'
import sys
path, chapters, first = sys.argv[1:]
text = open("tools/handout-README.md").read()
text = text.replace("@CHAPTERS@", chapters).replace("@FIRST@", first)
open(path, "w").write(text)
EOF

# Its continuous integration: GitHub Classroom's autograding workflow, one
# graded step per step of each chapter, worth the step's points (read from
# the reference suites: make list).
mkdir -p "$dest/.github/workflows"
lists=$(mktemp -d)
specs=()
for c in $chosen; do
  make -s --no-print-directory list CH="$c" >"$lists/$c" 2>"$lists/$c.err" ||
    { cat "$lists/$c.err" >&2; rm -rf "$lists"; die "make list CH=$c failed: no points for the Classroom workflow"; }
  specs+=("$c=$lists/$c")
done
python3 tools/classroom-workflow.py "$dest/.github/workflows/classroom.yml" "${specs[@]}" >/dev/null
rm -rf "$lists"

# A repository of one commit.
git -C "$dest" init -q
git -C "$dest" add -A
git -C "$dest" -c user.name=pymemlab -c user.email=pymemlab@localhost \
    commit -q -m "pymemlab handout: $(echo $chosen)"
echo "make handout: $dest: chapters $(echo $chosen); the reference of every chapter prebuilt in prebuilt/"
