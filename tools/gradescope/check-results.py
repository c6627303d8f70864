#!/usr/bin/env python3
"""tools/gradescope/check-results.py RESULTS WANT - is RESULTS a results.json
as Gradescope reads it, and is its score WANT ("full" or a number)?

Checks the format (the top level's score, output and stdout_visibility;
each test's name, number, score, max_score, status, output and visibility,
with the values Gradescope accepts), that the numbers are unique, and that
the score is the sum of the tests' scores.  Prints one line: what it found,
or what is wrong; exits 1 if anything is.  (make test runs it on what
run_autograder wrote.)
"""
import json
import sys

VISIBILITY = {"hidden", "after_due_date", "after_published", "visible"}


def problems(r, want):
    if not isinstance(r, dict):
        yield "the top level is not an object"
        return
    for key, kind in (("score", (int, float)), ("output", str), ("stdout_visibility", str),
                      ("tests", list)):
        if not isinstance(r.get(key), kind):
            yield f"top level: '{key}' is missing or not a {kind}"
    if r.get("stdout_visibility") not in VISIBILITY:
        yield f"stdout_visibility {r.get('stdout_visibility')!r} is none of {sorted(VISIBILITY)}"
    tests = r.get("tests") or []
    if not tests:
        yield "no tests"
    numbers = set()
    for i, t in enumerate(tests):
        for key, kind in (("name", str), ("number", str), ("score", (int, float)),
                          ("max_score", (int, float)), ("status", str), ("output", str),
                          ("visibility", str)):
            if not isinstance(t.get(key), kind):
                yield f"test {i}: '{key}' is missing or not a {kind}"
        if t.get("status") not in ("passed", "failed"):
            yield f"test {i}: status {t.get('status')!r}"
        if t.get("visibility") not in VISIBILITY:
            yield f"test {i}: visibility {t.get('visibility')!r}"
        if t.get("number") in numbers:
            yield f"test {i}: number {t.get('number')} twice"
        numbers.add(t.get("number"))
        if (t.get("status") == "passed") != (t.get("score") == t.get("max_score")):
            yield f"test {i} ({t.get('name')}): status {t.get('status')} with {t.get('score')}/{t.get('max_score')}"
    total = sum(t.get("score", 0) for t in tests)
    if r.get("score") != total:
        yield f"score {r.get('score')} is not the sum of the tests' scores ({total})"
    most = sum(t.get("max_score", 0) for t in tests)
    expected = most if want == "full" else int(want)
    if r.get("score") != expected:
        yield f"score {r.get('score')}/{most}, expected {expected}"


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: check-results.py RESULTS full|N")
    try:
        r = json.load(open(sys.argv[1]))
    except (OSError, ValueError) as e:
        print(f"{sys.argv[1]}: {e}")
        sys.exit(1)
    bad = list(problems(r, sys.argv[2]))
    if bad:
        print("; ".join(bad[:5]))
        sys.exit(1)
    tests = r["tests"]
    hidden = sum(t["visibility"] != "visible" for t in tests)
    print(f"{r['score']}/{sum(t['max_score'] for t in tests)}, {len(tests)} tests "
          f"({hidden} not visible before the due date or publication)")


if __name__ == "__main__":
    main()
