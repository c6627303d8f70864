#!/usr/bin/env python3
"""tools/handout-leaks.py TREE - is any solution's code, or any hidden test, in
TREE's text files?

The secret code is every function body of solutions/*/*.c (the reference
view: the PM_SKELETON halves left out) that is more than a few lines long
and is not also in the chapter's skeleton (given code, such as chapter 2's
radix tree, ships on purpose).  Each body is compared, whitespace
normalised, with every text file of TREE (every file git lists there, or
every file if TREE is no repository).  Prints one line per body found, and
a last line "N secret bodies, M found"; exits 1 if any is found.

The instructor's hidden tests are secret too: every function body of
hidden/*/*.c of a few lines or more, and the text of every hidden scenario
(hidden/*/scenarios/*.py, less its opening comment lines, which may well
resemble a public scenario's).

Run on this repository itself it finds every one of them (make test checks
that too, so that a check that finds nothing is known to be able to).
"""
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
MIN_LINES = 5  # a body of this many non-blank lines or more (the suite's heap
# checker shares a 4-line pool-alignment helper with chapter 2, on purpose)


def reference_view(text):
    """The solution as the compiler sees it without -DPM_SKELETON."""
    out, state = [], []
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("#ifndef PM_SKELETON"):
            state.append("ref")
            continue
        if s.startswith("#ifdef PM_SKELETON"):
            state.append("skel")
            continue
        if state and s.startswith("#else") and "PM_SKELETON" in s:
            state[-1] = "skel"
            continue
        if state and s.startswith("#endif") and "PM_SKELETON" in s:
            state.pop()
            continue
        if "skel" not in state:
            out.append(line)
    return "\n".join(out)


def bodies(text):
    """Each function body: from a '{' alone at column 0 to the next '}' at
    column 0 (the project's style, .clang-format)."""
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        if lines[i] == "{":
            j = i + 1
            while j < len(lines) and not lines[j].startswith("}"):
                j += 1
            yield "\n".join(lines[i + 1 : j])
            i = j
        i += 1


def norm(text):
    return " ".join(text.split())


def secrets():
    found = []
    for sol in sorted((ROOT / "solutions").glob("[0-9][0-9]-*/*.c")):
        skel = ROOT / "skeletons" / sol.relative_to(ROOT / "solutions")
        given = norm(skel.read_text()) if skel.exists() else ""
        for body in bodies(reference_view(sol.read_text())):
            if sum(1 for l in body.splitlines() if l.strip()) < MIN_LINES:
                continue
            n = norm(body)
            if n and n not in given:
                found.append((sol.relative_to(ROOT), body.splitlines()[0].strip(), n))
    # The suite sources a handout has only compiled (HANDOUT_AS_OBJECT).
    for conf in sorted(ROOT.glob("grader/suites/[0-9][0-9]-*/chapter.conf")):
        for line in conf.read_text().splitlines():
            m = re.match(r"^HANDOUT_AS_OBJECT\s*[:?]?=\s*(.*)$", line)
            # (less what the skeletons give anyway, such as a printf helper)
            given = " ".join(norm(f.read_text())
                             for f in (ROOT / "skeletons" / conf.parent.name).glob("*.c"))
            for name in (m.group(1).split() if m else []):
                src = conf.parent / name
                for body in bodies(src.read_text()):
                    if sum(1 for l in body.splitlines() if l.strip()) >= MIN_LINES and \
                            norm(body) not in given:
                        found.append((src.relative_to(ROOT), body.splitlines()[0].strip(), norm(body)))
    for test in sorted(ROOT.glob("hidden/[0-9][0-9]-*/*.c")):
        for body in bodies(test.read_text()):
            if sum(1 for l in body.splitlines() if l.strip()) >= MIN_LINES:
                found.append((test.relative_to(ROOT), body.splitlines()[0].strip(), norm(body)))
    for py in sorted(ROOT.glob("hidden/[0-9][0-9]-*/scenarios/*.py")):
        code = [l for l in py.read_text().splitlines() if not l.lstrip().startswith("#")]
        if code:
            found.append((py.relative_to(ROOT), code[0].strip(), norm("\n".join(code))))
    return found


def text_files(tree):
    try:
        names = subprocess.run(["git", "-C", str(tree), "ls-files", "-z"], check=True,
                               capture_output=True).stdout.decode().split("\0")
        files = [tree / n for n in names if n]
    except (subprocess.CalledProcessError, FileNotFoundError):
        files = [p for p in tree.rglob("*") if p.is_file() and ".git" not in p.parts]
    for p in files:
        try:
            data = p.read_bytes()
        except OSError:
            continue
        if b"\0" in data:
            continue  # an object file, a picture: not text
        yield p, norm(data.decode("utf-8", "replace"))


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: tools/handout-leaks.py TREE")
    tree = pathlib.Path(sys.argv[1]).resolve()
    secret = secrets()
    files = list(text_files(tree))
    hits = 0
    for sol, first, body in secret:
        where = [str(p.relative_to(tree)) for p, text in files if body in text]
        if where:
            hits += 1
            print(f"{sol}: the body that starts '{first}' is in {', '.join(where[:3])}")
    print(f"{len(secret)} secret bodies, {hits} found in {len(files)} text files")
    sys.exit(1 if hits else 0)


if __name__ == "__main__":
    main()
