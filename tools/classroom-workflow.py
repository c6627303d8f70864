#!/usr/bin/env python3
"""tools/classroom-workflow.py OUT CHAPTER=LIST... - write the handout's
GitHub Classroom workflow (make handout calls it).

Each CHAPTER=LIST names a chapter and a file holding what `make list CH=NN`
printed for it (name, points, step: one test a line).  The workflow runs on
every push: it checks the repository out, installs the Debian packages that
grading needs, grades once (make grade), then gives each step of each chapter
its points through GitHub Classroom's command grader (tools/classroom-step.py
says whether every test of the step passed), and the reporter sends the total
to Classroom.  GitHub Classroom's conventions: the workflow it generates
itself (on push and repository_dispatch, the checks: write permission, one
step id per grader, the reporter's runners list and their _RESULTS
variables).
"""
import re
import sys

HEADER = """\
# GitHub Classroom autograding for pymemlab: written by `make handout`.
# On every push: install what grading needs, grade once (make grade), then one
# command grader per step of each chapter, worth the step's points; the
# reporter sends the total to GitHub Classroom.  Grade on your own machine
# with `make grade`: the same tests, with every message and hint.
name: Autograding Tests
'on':
  - push
  - repository_dispatch
permissions:
  checks: write
  actions: read
  contents: read
jobs:
  run-autograding-tests:
    runs-on: ubuntu-latest
    if: github.actor != 'github-classroom[bot]'
    steps:
      - name: Checkout code
        uses: actions/checkout@v4
      - name: Install the Debian packages grading needs
        run: sudo env PYMEMLAB_DEPS=grade bash tools/deps.sh install
      - name: Grade every chapter (make grade)
        run: PYMEMLAB_DEPS=grade make grade || true
"""


def quote(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main():
    out, specs = sys.argv[1], sys.argv[2:]
    steps = []  # (chapter, step, points)
    for spec in specs:
        chapter, path = spec.split("=", 1)
        order, points = [], {}
        for line in open(path):
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 3:
                continue
            m = re.match(r"(\d+) pts?$", parts[1])
            if not m:
                continue
            step = parts[2]
            if step not in points:
                order.append(step)
                points[step] = 0
            points[step] += int(m.group(1))
        if not order:
            sys.exit(f"classroom-workflow.py: no tests listed for {chapter} in {path}")
        steps += [(chapter, s, points[s]) for s in order]
    text = [HEADER]
    ids = []
    for chapter, step, pts in steps:
        num = re.match(r"Step (\d+)", step)
        sid = f"ch{chapter[:2]}-step{num.group(1) if num else len(ids) + 1}"
        if sid in ids:
            sid = f"{sid}-{len(ids) + 1}"
        ids.append(sid)
        name = f"{chapter}, {step}"
        text.append(f"""\
      - name: {quote(name)}
        id: {sid}
        uses: classroom-resources/autograding-command-grader@v1
        with:
          test-name: {quote(name)}
          command: {quote(f"python3 tools/classroom-step.py {chapter} '{step}'")}
          timeout: 5
          max-score: {pts}
""")
    text.append("""\
      - name: Autograding Reporter
        uses: classroom-resources/autograding-grading-reporter@v1
        env:
""")
    for sid in ids:
        text.append(f"          {sid.upper()}_RESULTS: \"${{{{steps.{sid}.outputs.result}}}}\"\n")
    text.append(f"""\
        with:
          runners: {",".join(ids)}
""")
    with open(out, "w") as f:
        f.write("".join(text))
    print(f"{out}: {len(ids)} graded steps, {sum(p for _, _, p in steps)} points")


if __name__ == "__main__":
    main()
