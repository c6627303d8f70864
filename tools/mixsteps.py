#!/usr/bin/env python3
"""tools/mixsteps.py - a submission that has written steps 1..K of a chapter.

    tools/mixsteps.py CHAPTER K OUT    write OUT/CHAPTER/*: the solution, with
                                       every function the skeleton leaves for
                                       a step after K put back as the
                                       skeleton has it (its TODO body)

A learner's chapter file after step K: make test grades it to check that
each step's tests need only that step and the ones before it.  The step of
each unwritten function is the one its skeleton names in its
_Pm_Unimplemented("name", "chapters/NN-slug.md, Step N") call.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
STUB = re.compile(r'_Pm_Unimplemented\("([A-Za-z_0-9]+)",\s*"[^"]*Step (\d+)"\)')


def definition(lines, name):
    """(first, last) line indexes of the top-level definition of name: from
    its signature line (at column 0) to the closing brace at column 0."""
    sig = re.compile(r"^[A-Za-z_].*\b" + re.escape(name) + r"\s*\(")
    for i, line in enumerate(lines):
        if not sig.match(line):
            continue
        j = i
        while j < len(lines) and "{" not in lines[j] and not lines[j].rstrip().endswith(";"):
            j += 1
        if j >= len(lines) or "{" not in lines[j]:
            continue  # a declaration
        if lines[j].rstrip().endswith("}"):
            return i, j  # the whole function on one line
        k = j + 1
        while k < len(lines) and not lines[k].startswith("}"):
            k += 1
        return i, k
    return None


def stubs(text):
    """{function name: step} of the skeleton's unwritten functions."""
    return {m.group(1): int(m.group(2)) for m in STUB.finditer(text)}


def mix(chapter, k, out):
    for skel in sorted((ROOT / "skeletons" / chapter).glob("*.c")):
        sol = ROOT / "solutions" / chapter / skel.name
        s_lines = skel.read_text().splitlines(keepends=True)
        r_lines = sol.read_text().splitlines(keepends=True)
        for name, step in stubs(skel.read_text()).items():
            if step <= k:
                continue
            s = definition(s_lines, name)
            r = definition(r_lines, name)
            if s is None or r is None:
                sys.exit(f"mixsteps: {name} (Step {step}) not found in "
                         f"{'the skeleton' if s is None else 'the solution'} of {chapter}")
            r_lines[r[0]:r[1] + 1] = s_lines[s[0]:s[1] + 1]
        dest = pathlib.Path(out) / chapter / skel.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text("".join(r_lines))


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    mix(sys.argv[1], int(sys.argv[2]), sys.argv[3])
