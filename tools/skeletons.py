#!/usr/bin/env python3
"""tools/skeletons.py - every skeleton is generated from its solution.

A solution file is the one source of both texts.  Where the learner's file
differs from the reference (a function's comment, its TODO body, the file's
opening comment), the solution holds both versions, marked so that the C
compiler sees only the reference:

    #ifndef PM_SKELETON
    ...the reference's lines...
    #else /* PM_SKELETON */
    ...the skeleton's lines...
    #endif /* PM_SKELETON */

(either half may be missing: "#ifndef PM_SKELETON ... #endif" is reference
only, "#ifdef PM_SKELETON ... #endif" skeleton only).  Every other line, such
as the given code, is in both.  The skeleton is the file with the skeleton's
lines kept, the reference's dropped and the markers removed, what
`unifdef -DPM_SKELETON` would print (and `cc -DPM_SKELETON` compiles it).

    tools/skeletons.py            write skeletons/NN-slug/* from solutions/
    tools/skeletons.py --check    change nothing; exit 1 if a skeleton differs
    tools/skeletons.py --absorb   fold the skeletons' current text back into
                                  the solutions' markers (after editing a
                                  skeleton by hand), then regenerate
"""
import difflib
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
BEGIN_REF = "#ifndef PM_SKELETON"
BEGIN_SKEL = "#ifdef PM_SKELETON"
ELSE = "#else /* PM_SKELETON */"
END = "#endif /* PM_SKELETON */"
# An unchanged run this short between two changes is folded into them, so
# that a function reads as one block rather than alternating fragments.
MIN_SHARED = 4


class MarkerError(Exception):
    pass


def view(text, skeleton):
    """The skeleton's (skeleton=True) or the reference's lines of text."""
    out, state = [], None  # None: both; "ref" or "skel": one side only
    for n, line in enumerate(text.splitlines(keepends=True), 1):
        mark = line.rstrip("\n")
        if mark in (BEGIN_REF, BEGIN_SKEL):
            if state is not None:
                raise MarkerError(f"line {n}: {mark} inside another marked region")
            state = "ref" if mark == BEGIN_REF else "skel"
        elif mark == ELSE:
            if state is None:
                raise MarkerError(f"line {n}: {ELSE} outside a marked region")
            state = "skel" if state == "ref" else "ref"
        elif mark == END:
            if state is None:
                raise MarkerError(f"line {n}: {END} outside a marked region")
            state = None
        elif state is None or (state == "skel") == skeleton:
            out.append(line)
    if state is not None:
        raise MarkerError(f"a marked region is not closed by {END}")
    return "".join(out)


def comment_states(lines):
    """For each line boundary (0..len), whether it falls inside a /* */ comment."""
    states, inside = [False], False
    for line in lines:
        i, quote = 0, None
        while i < len(line):
            two = line[i:i + 2]
            if inside:
                if two == "*/":
                    inside, i = False, i + 2
                    continue
            elif quote:
                if line[i] == "\\":
                    i += 1
                elif line[i] == quote:
                    quote = None
            elif two == "/*":
                inside, i = True, i + 2
                continue
            elif two == "//":
                break
            elif line[i] in "\"'":
                quote = line[i]
            i += 1
        states.append(inside)
    return states


def balanced(lines):
    """True if the preprocessor conditionals in lines open and close there."""
    depth = 0
    for line in lines:
        words = line.strip().lstrip("#").split() if line.lstrip().startswith("#") else []
        word = words[0] if words else ""
        if word in ("if", "ifdef", "ifndef"):
            depth += 1
        elif word == "endif":
            depth -= 1
            if depth < 0:
                return False
        elif word in ("else", "elif") and depth == 0:
            return False
    return depth == 0


def merge(ref, skel):
    """One marked text whose two views are ref and skel."""
    a, b = ref.splitlines(keepends=True), skel.splitlines(keepends=True)
    ops = difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()
    # Regions: [a_start, a_end, b_start, b_end, same]; fold short shared runs
    # (but keep the closing brace of a function as a boundary).
    regions = []
    for i, (tag, i1, i2, j1, j2) in enumerate(ops):
        same = tag == "equal"
        inner = 0 < i < len(ops) - 1
        if same and inner and i2 - i1 < MIN_SHARED and "}\n" not in a[i1:i2]:
            same = False
        if regions and regions[-1][4] == same:
            regions[-1][1], regions[-1][3] = i2, j2
        else:
            regions.append([i1, i2, j1, j2, same])
    # A marker is a preprocessor line: it must not fall inside a comment, nor
    # split a conditional.  Widen a changed region over its neighbours until
    # both hold.
    ca, cb = comment_states(a), comment_states(b)

    def ok(r):
        return r[4] or (balanced(a[r[0]:r[1]]) and balanced(b[r[2]:r[3]])
                        and not (ca[r[0]] or ca[r[1]] or cb[r[2]] or cb[r[3]]))

    k = 0
    while k < len(regions):
        r = regions[k]
        if ok(r):
            k += 1
            continue
        # Take one more line from a shared neighbour (or all of a changed one).
        if (ca[r[0]] or cb[r[2]] or k + 1 == len(regions)) and k > 0:
            prev = regions[k - 1]
            if prev[4] and prev[1] - prev[0] > 1:
                prev[1] -= 1
                prev[3] -= 1
                r[0] -= 1
                r[2] -= 1
            else:
                r[0], r[2] = prev[0], prev[2]
                regions.pop(k - 1)
                k -= 1
        elif k + 1 < len(regions):
            nxt = regions[k + 1]
            if nxt[4] and nxt[1] - nxt[0] > 1:
                nxt[0] += 1
                nxt[2] += 1
                r[1] += 1
                r[3] += 1
            else:
                r[1], r[3] = nxt[1], nxt[3]
                regions.pop(k + 1)
        else:
            raise MarkerError("cannot mark a region that splits a comment or a conditional")
    out = []
    for i1, i2, j1, j2, same in regions:
        if same:
            out += a[i1:i2]
        elif i2 > i1 and j2 > j1:
            out += [BEGIN_REF + "\n"] + a[i1:i2] + [ELSE + "\n"] + b[j1:j2] + [END + "\n"]
        elif i2 > i1:
            out += [BEGIN_REF + "\n"] + a[i1:i2] + [END + "\n"]
        elif j2 > j1:
            out += [BEGIN_SKEL + "\n"] + b[j1:j2] + [END + "\n"]
    text = "".join(out)
    assert view(text, False) == ref and view(text, True) == skel
    return text


def pairs():
    """(solution, skeleton) paths of every chapter file."""
    for sol in sorted((ROOT / "solutions").glob("[0-9][0-9]-*/*.[ch]")):
        yield sol, ROOT / "skeletons" / sol.relative_to(ROOT / "solutions")


def main(argv):
    mode = argv[1] if len(argv) > 1 else "--write"
    if mode not in ("--write", "--check", "--absorb"):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    status = 0
    for sol, skel in pairs():
        name = skel.relative_to(ROOT)
        text = sol.read_text()
        try:
            if mode == "--absorb":
                if skel.exists():
                    merged = merge(view(text, False), skel.read_text())
                    if merged != text:
                        sol.write_text(merged)
                        print(f"{sol.relative_to(ROOT)}: took the text of {name}")
                    text = merged
            want = view(text, True)
        except MarkerError as e:
            print(f"{sol.relative_to(ROOT)}: {e}", file=sys.stderr)
            status = 1
            continue
        have = skel.read_text() if skel.exists() else None
        if have == want:
            continue
        if mode == "--check":
            print(f"{name} is not what its solution generates:")
            sys.stdout.writelines(difflib.unified_diff(
                (have or "").splitlines(keepends=True), want.splitlines(keepends=True),
                f"{name} (as committed)", f"{name} (generated)"))
            status = 1
        else:
            skel.parent.mkdir(parents=True, exist_ok=True)
            skel.write_text(want)
            print(f"wrote {name}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
