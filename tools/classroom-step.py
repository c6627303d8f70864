#!/usr/bin/env python3
"""tools/classroom-step.py CHAPTER STEP [REPORT] - did every test of one step
pass in the last grade?

The GitHub Classroom workflow (.github/workflows/classroom.yml) grades once
with `make grade`, then asks this, once per step of each chapter, so that
Classroom gives a step's points when all of its tests pass.  REPORT is
build/grade/report.json by default.  Prints the step's tests that did not
pass, with the grader's message; exits 0 if there are none, 1 otherwise
(also when the chapter was not graded).
"""
import json
import sys


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit("usage: tools/classroom-step.py CHAPTER STEP [REPORT]")
    chapter, step = sys.argv[1], sys.argv[2]
    path = sys.argv[3] if len(sys.argv) == 4 else "build/grade/report.json"
    try:
        report = json.load(open(path))
    except (OSError, ValueError) as e:
        print(f"no grade to read ({path}: {e}): the grading step did not finish")
        return 1
    found = [c for c in report.get("chapters", []) if c.get("chapter") == chapter]
    if not found:
        print(f"{chapter} was not graded: is skeletons/{chapter}/ there?")
        return 1
    tests = [t for t in found[0].get("tests", []) if t.get("step") == step and not t.get("hidden")]
    if not tests:
        print(f"{chapter} has no test in '{step}' in this grade")
        return 1
    failing = [t for t in tests if t.get("status") != "passed"]
    points = sum(t.get("points", 0) for t in tests)
    most = sum(t.get("max_points", 0) for t in tests)
    print(f"{chapter}, {step}: {len(tests) - len(failing)} of {len(tests)} tests passed, {points}/{most} points")
    for t in failing:
        print(f"  {t.get('status')}: {t.get('name')}: {t.get('message') or ''}".rstrip())
    if failing:
        print(f"(make grade CH={chapter[:2]} on your machine says more; make hint CH={chapter[:2]} gives the next hint)")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
