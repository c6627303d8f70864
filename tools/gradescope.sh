#!/usr/bin/env bash
# tools/gradescope.sh ZIP CH HIDDEN - `make gradescope`: Gradescope's
# autograder package for pymemlab.
#
#   ZIP     the file to write (build/gradescope/autograder.zip by default)
#   CH      the chapter graded (01 or 01-refcount); empty: every chapter
#   HIDDEN  a folder of hidden tests (hidden/NN-slug/), or empty: none
#
# At the root of the zip, as Gradescope wants them: setup.sh and
# run_autograder (tools/gradescope/ says what each does), autograder.conf
# (CH and HIDDEN), and pymemlab/, the committed files of this repository
# (with the solutions: the reference layers are built from them on
# Gradescope's own system) and the hidden tests in pymemlab/hidden-tests/.
set -euo pipefail
cd "$(dirname "$0")/.."
die() { echo "make gradescope: $*" >&2; exit 2; }
[ $# -eq 3 ] || die "usage: tools/gradescope.sh ZIP CH HIDDEN"
zip=$1 ch=$2 hidden=$3
[ -d solutions ] || die "the package builds the reference from solutions/, which this copy has not"
if [ -n "$ch" ]; then
  slug=$(cd solutions && ls -d "$ch"* 2>/dev/null | head -1)
  [ -n "$slug" ] || die "CH=$ch: no such chapter ($(cd solutions && ls -d [0-9][0-9]-* | xargs))"
  ch=$slug
fi
if [ -n "$hidden" ]; then
  [ -d "$hidden" ] || die "HIDDEN=$hidden: no such folder"
  ls -d "$hidden"/[0-9][0-9]-* >/dev/null 2>&1 || die "HIDDEN=$hidden has no chapter folder (NN-slug/)"
fi
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/pymemlab"
git ls-files -z | tar --null -T - -cf - | tar -C "$stage/pymemlab" -xf -
cp tools/gradescope/setup.sh tools/gradescope/run_autograder "$stage/"
conf_hidden=
if [ -n "$hidden" ]; then
  rm -rf "$stage/pymemlab/hidden-tests"
  mkdir -p "$stage/pymemlab/hidden-tests"
  cp -r "$hidden"/[0-9][0-9]-* "$stage/pymemlab/hidden-tests/"
  conf_hidden=hidden-tests
fi
cat >"$stage/autograder.conf" <<CONF
# Written by make gradescope: what run_autograder grades.
PYMEMLAB_CH=$ch
PYMEMLAB_HIDDEN=$conf_hidden
CONF
mkdir -p "$(dirname "$zip")"
rm -f "$zip"
zip=$(cd "$(dirname "$zip")" && pwd)/$(basename "$zip")
# Python's zipfile keeps each file's mode (run_autograder stays executable).
(cd "$stage" && python3 - "$zip" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as z:
    for top in ["setup.sh", "run_autograder", "autograder.conf", "pymemlab"]:
        if os.path.isfile(top):
            z.write(top)
            continue
        for d, dirs, files in os.walk(top):
            dirs.sort()
            for f in sorted(files):
                z.write(os.path.join(d, f))
PY
)
echo "make gradescope: $zip ($(du -k "$zip" | cut -f1) KiB): chapters ${ch:-all}${hidden:+, hidden tests from $hidden}"
echo "Upload it as the assignment's autograder (Ubuntu 22.04 base image; a timeout of 40 minutes for every chapter at once)."
