#!/usr/bin/env python3
"""tools/mixsteps.py - a submission that has written steps 1..K of a chapter.

    tools/mixsteps.py CHAPTER K OUT    write OUT/CHAPTER/*.c

A learner's chapter file after step K, made from the one source of both
texts (tools/skeletons.py: a solution file carries the skeleton's text
between PM_SKELETON markers): the reference's text, with every function
that the skeleton's text leaves for a step after K put back as the skeleton
has it.  The step of such a function is the one its
_Pm_Unimplemented("name", "chapters/NN-slug.md, Step N") call names.
Functions are replaced whole, not marked regions: a region is a stretch of
differing lines and may hold parts of two functions.

A function the learner writes in one step and extends in a later one (the
skeleton says "Step 1 (then Step 2)") is the final version in the
reference; the lines the later step N adds stand, in the reference's text
only, between "#ifndef PM_BEFORE_STEP_N" and its #endif (or the earlier
version under "#ifdef PM_BEFORE_STEP_N").  The compiler never sees these
macros defined in the reference; the mixed file defines PM_BEFORE_STEP_N
for every such N after K, so it holds each function as the learner has it
after step K.  make test grades these
files to check that each step's tests need only that step and the ones
before it (tools/steps-alone.sh).
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import skeletons  # noqa: E402  (the marker format and its parser)

STUB = re.compile(r'_Pm_Unimplemented\("([A-Za-z_0-9]+)",\s*"[^"]*Step (\d+)"\)')
BEFORE = re.compile(r"\bPM_BEFORE_STEP_(\d+)\b")


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


def mix(text, k, where="the solution"):
    """text (a solution file with markers) as a learner has it after step k."""
    ref = skeletons.view(text, False).splitlines(keepends=True)
    skel_text = skeletons.view(text, True)
    skel = skel_text.splitlines(keepends=True)
    for m in STUB.finditer(skel_text):
        name, step = m.group(1), int(m.group(2))
        if step <= k:
            continue
        s, r = definition(skel, name), definition(ref, name)
        if s is None or r is None:
            sys.exit(f"mixsteps: {name} (Step {step}) is not defined in the "
                     f"{'skeleton' if s is None else 'reference'} text of {where}")
        ref[r[0]:r[1] + 1] = skel[s[0]:s[1] + 1]
    if BEFORE.search(skel_text):
        sys.exit(f"mixsteps: PM_BEFORE_STEP_N appears in the skeleton's text of {where}; "
                 "it belongs in the reference's lines only")
    later = sorted({int(n) for n in BEFORE.findall("".join(ref)) if int(n) > k})
    defines = "".join(f"#define PM_BEFORE_STEP_{n} 1\n" for n in later)
    return defines + "".join(ref)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    chapter, k, out = sys.argv[1], int(sys.argv[2]), pathlib.Path(sys.argv[3])
    for sol in sorted((ROOT / "solutions" / chapter).glob("*.c")):
        dest = out / chapter / sol.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(mix(sol.read_text(), k, str(sol.relative_to(ROOT))))


if __name__ == "__main__":
    main()
