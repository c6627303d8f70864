#!/usr/bin/env python3
"""tools/mixsteps.py - a submission that has written steps 1..K of a chapter.

    tools/mixsteps.py CHAPTER K OUT    write OUT/CHAPTER/*.c

A learner's chapter file after step K, made from the one source of both
texts (tools/skeletons.py): each region of a solution file marked

    #ifndef PM_SKELETON
    ...the reference's lines...
    #else /* PM_SKELETON */
    ...the skeleton's lines...
    #endif /* PM_SKELETON */

is taken as the skeleton has it when its skeleton half leaves a function
for a step after K (its _Pm_Unimplemented("name", "chapters/NN-slug.md,
Step N") call says which step), and as the reference has it otherwise.
make test grades these files to check that each step's tests need only that
step and the ones before it (tools/steps-alone.sh).
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))
import skeletons  # noqa: E402  (the marker format and its parser)

STUB = re.compile(r'_Pm_Unimplemented\("[A-Za-z_0-9]+",\s*"[^"]*Step (\d+)"\)')


def mix(text, k):
    """text (a solution file with markers) as a learner has it after step k."""
    out, ref, skel, state = [], [], [], None
    for line in text.splitlines(keepends=True):
        mark = line.rstrip("\n")
        if mark in (skeletons.BEGIN_REF, skeletons.BEGIN_SKEL):
            state = "ref" if mark == skeletons.BEGIN_REF else "skel"
            ref, skel = [], []
        elif mark == skeletons.ELSE:
            state = "skel" if state == "ref" else "ref"
        elif mark == skeletons.END:
            steps = [int(s) for s in STUB.findall("".join(skel))]
            out += skel if steps and max(steps) > k else ref
            state = None
        elif state == "ref":
            ref.append(line)
        elif state == "skel":
            skel.append(line)
        else:
            out.append(line)
    return "".join(out)


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    chapter, k, out = sys.argv[1], int(sys.argv[2]), pathlib.Path(sys.argv[3])
    for sol in sorted((ROOT / "solutions" / chapter).glob("*.c")):
        skeletons.view(sol.read_text(), True)  # raises on malformed markers
        dest = out / chapter / sol.name
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(mix(sol.read_text(), k))


if __name__ == "__main__":
    main()
