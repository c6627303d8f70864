#!/usr/bin/env bash
# tools/watch.sh - `make watch CH=01`: re-grade a chapter every time one of
# its files is saved.  Uses inotifywait (package inotify-tools) when it is
# installed, and otherwise looks at the files once a second.
set -u
submission=${1:-skeletons}
ch=${2:-}

chapter_dirs() {
  if [ -n "$ch" ]; then ls -d "$submission"/"$ch"*/ 2>/dev/null; else ls -d "$submission"/[0-9][0-9]-*/ 2>/dev/null; fi
}
dirs=$(chapter_dirs)
if [ -z "$dirs" ]; then
  echo "make watch: no chapter folder matches '$submission/$ch*'" >&2
  exit 2
fi

grade() {
  clear 2>/dev/null || true
  make -s --no-print-directory grade SUBMISSION="$submission" ${ch:+CH=$ch}
  echo
  echo "watching $(echo $dirs) - save a file to grade again, Ctrl-C to stop"
}

fingerprint() { find $dirs -name '*.[ch]' -exec stat -c '%n %Y %s' {} + 2>/dev/null | sort | md5sum; }

grade
if command -v inotifywait >/dev/null 2>&1; then
  while inotifywait -qq -r -e close_write,moved_to,create $dirs; do grade; done
else
  last=$(fingerprint)
  while sleep 1; do
    now=$(fingerprint)
    if [ "$now" != "$last" ]; then last=$now; grade; fi
  done
fi
