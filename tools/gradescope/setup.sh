#!/usr/bin/env bash
# setup.sh - Gradescope's image build for pymemlab (made by `make gradescope`).
#
# Gradescope unzips autograder.zip into /autograder/source and runs this
# once, as root, on its Ubuntu base image: install the Debian packages the
# grader needs (the grading part of tools/deps.sh: PYMEMLAB_DEPS=grade),
# then build the grader, the runtime and the reference of every chapter, so
# that grading a submission compiles only the submission.
#
# AUTOGRADER_ROOT (default /autograder) moves the whole layout elsewhere, and
# PYMEMLAB_NO_APT=1 skips the packages: how `make test` runs this file.
set -euo pipefail
AG=$(cd "${AUTOGRADER_ROOT:-/autograder}" && pwd)
src=$AG/source/pymemlab
cd "$src"
if [ "${PYMEMLAB_NO_APT:-}" != 1 ]; then
  PYMEMLAB_DEPS=grade bash tools/deps.sh install
fi
# The grader runs the tests as a user of their own, who must be able to read
# the checkout (the scenarios) and write none of it.
chmod -R u+rwX,go+rX,go-w "$src"
chmod +x "$AG/source/run_autograder"
jobs=$(nproc 2>/dev/null || echo 2)
. "$AG/source/autograder.conf"
# What every grade needs, built once here: the grader, the runtime in every
# variant a chapter is graded in, and the reference layers.
# (For one chapter, only the variants it is graded in.)
conf=grader/suites/*/chapter.conf
[ -n "${PYMEMLAB_CH:-}" ] && conf=grader/suites/$PYMEMLAB_CH/chapter.conf
variants=$(sed -n 's/^VARIANTS *= *//p' $conf | tr ' ' '\n' | sort -u | xargs)
targets="build/bin/pmgrade"
for v in ${variants:-rel asan}; do
  targets="$targets build/$v/libpmruntime.a"
done
make -s --no-print-directory -j"$jobs" $targets
for v in ${variants:-rel asan}; do
  make -s --no-print-directory -j"$jobs" ref-objs VARIANT="$v"
done
make -s --no-print-directory -j"$jobs" pmrun-ref
echo "setup.sh: the grader is built in $src (chapters: ${PYMEMLAB_CH:-all}${PYMEMLAB_HIDDEN:+; hidden tests: $PYMEMLAB_HIDDEN})"
