#!/usr/bin/env bash
# tools/stack.sh SUBMISSION [SCRIPT] - which chapters `make run` takes from
# your folder; the reference serves the rest.
#
# A chapter is yours once you have written it: none of its files calls
# _Pm_Unimplemented any more.  Chapters may be done in any order (chapter 3
# before chapter 2, say), so each one is judged on its own.  The chapter
# you are working on is yours too when you run one of its own scenarios
# (SCRIPT under grader/scenarios/NN-slug/): that is what its hint means by
# "run it", and a function you have not written yet then stops the run and
# names itself.  Prints one slug per line, in chapter order.
set -u
sub=${1:-skeletons}
script=${2:-}
wanted=
case "$script" in
  grader/scenarios/[0-9][0-9]-*/* | ./grader/scenarios/[0-9][0-9]-*/*)
    wanted=${script#./}
    wanted=${wanted#grader/scenarios/}
    wanted=${wanted%%/*}
    ;;
esac
# Every chapter: solutions/ has them all (prebuilt/ in a handout).
ref=solutions
[ -d solutions ] || ref=prebuilt
for dir in "$ref"/[0-9][0-9]-*/; do
  ch=$(basename "$dir")
  # make run uses the default object header: a layer written only for
  # another one (chapter 5's, free-threaded) is not part of it.
  conf=grader/suites/$ch/chapter.conf
  if [ -f "$conf" ] && grep -q '^OBJECT_HEADERS' "$conf" &&
     ! grep -Eq '^OBJECT_HEADERS *=(.* )?default( |$)' "$conf"; then
    continue
  fi
  files=( "$sub/$ch"/*.c )
  [ -e "${files[0]}" ] || continue
  if [ "$ch" = "$wanted" ] || ! bash tools/unwritten.sh "${files[@]}"; then
    echo "$ch"
  fi
done
