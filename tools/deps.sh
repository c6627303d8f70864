#!/usr/bin/env bash
# tools/deps.sh - the one list of Debian packages pymemlab needs, and the two
# things done with it: `check` (is everything here? name what is missing) and
# `install` (apt-get it).  Used by `make deps`, by `make grade` and by CI.
set -u

# package            what needs it
PACKAGES=(
  build-essential    # cc, make
  pkg-config         # finds the libraries below
  check              # the graded suites (libcheck)
  graphviz           # dot, for the book's figures
  libgraphviz-dev    # cgraph/gvc, for heap pictures
  libjansson-dev     # JSON reports
  libxml2-dev        # JUnit XML and reading Check's XML
  libseccomp-dev     # the grader's sandbox filters system calls
  bubblewrap         # the grader's sandbox (namespaces), where the machine allows them
  pandoc             # the book
  jq                 # the self-test reads report.json
  patch              # the self-test applies mutants
  gdb                # make debug
  chromium           # the self-test looks at the book and a report as a reader does (1280 px)
  python3-dev        # chapter 2 is checked against CPython's own obmalloc (libpython)
  libmimalloc-dev    # make bench compares with mimalloc
  python3-matplotlib # make grade-class draws the class's score histograms
  parallel           # make grade-class ENGINE=parallel (GNU parallel)
)

# Each check: "kind name package".  kind is cmd (a command), pc (a
# pkg-config module) or file (a header without a pkg-config module).
CHECKS=(
  "cmd cc build-essential"
  "cmd make build-essential"
  "cmd pkg-config pkg-config"
  "pc check check"
  "pc libgvc libgraphviz-dev"
  "pc libcgraph libgraphviz-dev"
  "pc jansson libjansson-dev"
  "pc libxml-2.0 libxml2-dev"
  "pc libseccomp libseccomp-dev"
  "cmd dot graphviz"
  "cmd pandoc pandoc"
  "cmd jq jq"
  "cmd patch patch"
  "cmd chromium chromium"
  "cmd bwrap bubblewrap"
  "pc python3-embed python3-dev"
  "file /usr/include/mimalloc.h libmimalloc-dev"
  "file /usr/lib/python3/dist-packages/matplotlib python3-matplotlib"
  "cmd parallel parallel"
)

missing_packages() {
  local kind name pkg seen=" "
  for c in "${CHECKS[@]}"; do
    read -r kind name pkg <<<"$c"
    case $kind in
      cmd) command -v "$name" >/dev/null 2>&1 && continue ;;
      pc) command -v pkg-config >/dev/null 2>&1 && pkg-config --exists "$name" && continue ;;
      file) [ -e "$name" ] && continue ;;
    esac
    case "$seen" in *" $pkg "*) ;; *) seen="$seen$pkg "; printf '%s\n' "$pkg" ;; esac
  done
}

install() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo="sudo -n"
    else
      echo "pymemlab needs Debian packages; run: sudo apt-get install -y ${PACKAGES[*]}" >&2
      return 1
    fi
  fi
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q &&
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"
}

case "${1:-check}" in
  list) printf '%s\n' "${PACKAGES[@]}" ;;
  install) install ;;
  check)
    m=$(missing_packages | tr '\n' ' ')
    [ -z "$m" ] && exit 0
    echo "pymemlab: missing Debian packages: ${m% }. Install them with: sudo apt-get install -y ${m% }   (or: sudo make deps)" >&2
    exit 1 ;;
  ensure)
    # make grade's first step: install what is missing when we may, else
    # name the one command to run.
    m=$(missing_packages | tr '\n' ' ')
    [ -z "$m" ] && exit 0
    if [ "$(id -u)" -eq 0 ] || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }; then
      echo "pymemlab: installing missing Debian packages: ${m% }" >&2
      install >&2 || exit 1
      exit 0
    fi
    echo "pymemlab: missing Debian packages: ${m% }. Install them with: sudo apt-get install -y ${m% }   (or: sudo make deps)" >&2
    exit 1 ;;
  *) echo "usage: tools/deps.sh [check|ensure|install|list]" >&2; exit 2 ;;
esac
