#!/usr/bin/env bash
# tools/class-demo.sh - a synthetic class, graded and checked: 30
# synthetic submissions (solutions in every accepted layout, mutants,
# pristine skeletons, half-done work, a crashing one, a looping one, a
# cheating one, one that does not compile, one without a chapter, a binary
# file and a malformed folder) graded with make grade-class, then every
# gradebook row checked against what it must say.  Not part of make test
# (it grades 30 students on every chapter, sanitizers and all): run it
# before a release, or to measure a machine.
#
#   bash tools/class-demo.sh [DIR]        (default build/class-demo)
#   JOBS=n CHAPTERS=01,03 bash tools/class-demo.sh
#
# It prints the time the batch took and ends with "N rows right, M wrong".
# Run it again to check the resume: the second run grades nobody.
# CHECK_ONLY=1 grades nothing: it gathers what is graded so far (a batch
# stopped half-way) and checks those rows, counting the others as pending.
set -u
cd "$(dirname "$0")/.."
DEMO=${1:-build/class-demo}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 2)}
CHAPTERS=${CHAPTERS:-}
subs=$DEMO/submissions
truth=$DEMO/truth        # what each student's grade must be computed from
out=$DEMO/out
mkdir -p "$DEMO"
if [ ! -d "$subs" ]; then
  mkdir -p "$subs" "$truth"
  expect=$DEMO/expected.txt
  : >"$expect"
  all=$(ls -d solutions/[0-9][0-9]-* | xargs -n1 basename)
  # expect NAME STATUS CHAPTER=WANT... [reason=TEXT] [mustfail=CH:t1,t2]
  # WANT: max, 0, or below (less than the maximum).
  expect() { printf '%s\n' "$*" >>"$expect"; }
  # truth NAME FROM [chapters]: the chapter folders the grade must read.
  truth() {
    local name=$1 from=$2 ch; shift 2
    mkdir -p "$truth/$name"
    for ch in ${*:-$all}; do cp -r "$from/$ch" "$truth/$name/"; done
  }
  everything_max() { for ch in $all; do printf ' %s=max' "$ch"; done; }
  everything_0() { for ch in $all; do printf ' %s=0' "$ch"; done; }

  # Solutions, in every layout a course meets.
  for n in sol-1 sol-2 sol-3; do
    mkdir -p "$subs/$n"; cp -r solutions/* "$subs/$n/"; truth "$n" solutions
    expect "$n graded$(everything_max)"
  done
  for n in sol-classroom-1 sol-classroom-2; do     # a clone of the handout, work in skeletons/
    mkdir -p "$subs/$n/skeletons" "$subs/$n/.git"; cp README.md Makefile "$subs/$n/"
    cp -r solutions/* "$subs/$n/skeletons/"; truth "$n" solutions
    expect "$n graded$(everything_max)"
  done
  mkdir -p "$subs/submission_1001/submission"; cp -r solutions/* "$subs/submission_1001/submission/"
  truth submission_1001 solutions; expect "submission_1001 graded$(everything_max)"
  mkdir -p "$DEMO/tmp/sol-tar"; cp -r solutions/* "$DEMO/tmp/sol-tar/"
  tar czf "$subs/sol-tar.tar.gz" -C "$DEMO/tmp" sol-tar; truth sol-tar solutions
  expect "sol-tar graded$(everything_max)"
  (cd solutions && /usr/bin/python3 -c "
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    for d, _, fs in os.walk('.'):
        for f in fs:
            z.write(os.path.join(d, f))
" "$OLDPWD/$subs/sol-zip.zip"); truth sol-zip solutions
  expect "sol-zip graded$(everything_max)"

  # Mutants: the solution with one mistake in one chapter.
  for m in 01-refcount/append_forgets_the_incref 01-refcount/trashcan_never_defers \
           02-pymalloc/free_block_not_chained 02-pymalloc/size_class_rounds_down \
           03-cycles/update_refs_only_sets_the_flag 03-cycles/delete_garbage_never_calls_tp_clear \
           04-generations/survivors_are_not_promoted 04-generations/threshold_off_by_one \
           04-generations/counts_are_not_reset; do
    ch=${m%%/*}; n=mut-$(basename "$m" | tr _ -)
    mkdir -p "$subs/$n"; cp -r solutions/* "$subs/$n/"
    patch -s -p1 -d "$subs/$n" <grader/mutants/$m.patch
    truth "$n" "$subs/$n"
    must=$(sed -n 's/^Must fail: *//p' grader/mutants/$m.patch | tr ' ' ,)
    expect "$n graded$(everything_max | sed "s/ $ch=max/ $ch=below/") mustfail=$ch:$must"
  done

  # Pristine skeletons.
  for n in skel-1 skel-2 skel-3 skel-4 skel-5; do
    mkdir -p "$subs/$n"; cp -r skeletons/* "$subs/$n/"; truth "$n" skeletons
    expect "$n graded$(everything_0)"
  done

  # Half done: chapters 1 and 3 written, the others as handed out.
  for n in half-1 half-2; do
    mkdir -p "$subs/$n"; cp -r skeletons/* "$subs/$n/"
    rm -rf "$subs/$n/01-refcount" "$subs/$n/03-cycles"
    cp -r solutions/01-refcount solutions/03-cycles "$subs/$n/"; truth "$n" "$subs/$n"
    expect "$n graded$(everything_0 | sed 's/ 01-refcount=0/ 01-refcount=max/; s/ 03-cycles=0/ 03-cycles=max/')"
  done

  # Broken ones: each must get a row that says why.
  fixture() {  # fixture NAME PATCH: the solution with a robustness fixture applied
    mkdir -p "$subs/$1"; cp -r solutions/* "$subs/$1/"
    local base; base=$(sed -n 's/^Base: *//p' "grader/fixtures/$2.patch")
    [ "$base" = empty ] && rm -f "$subs/$1"/01-refcount/*
    sed '/^--- /,$!d' "grader/fixtures/$2.patch" | patch -s -p1 -d "$subs/$1"
    truth "$1" "$subs/$1"
  }
  fixture crashes crash
  expect "crashes graded$(everything_max | sed 's/ 01-refcount=max/ 01-refcount=below/') reason=crashed"
  fixture loops endless-loop
  expect "loops graded$(everything_max | sed 's/ 01-refcount=max/ 01-refcount=below/') reason=timed out"
  fixture cheats cheat-include-solution
  expect "cheats problems$(everything_max | sed 's/ 01-refcount=max/ 01-refcount=0/') reason=01-refcount: includes ../solutions/"
  fixture no-compile compile-error
  expect "no-compile problems$(everything_max | sed 's/ 01-refcount=max/ 01-refcount=0/') reason=01-refcount: does not compile"
  mkdir -p "$subs/no-ch5"; cp -r solutions/* "$subs/no-ch5/"; rm -rf "$subs/no-ch5/05-biased"
  truth no-ch5 "$subs/no-ch5" $(echo "$all" | grep -v 05-biased)
  expect "no-ch5 problems$(everything_max | sed 's/ 05-biased=max/ 05-biased=0/') reason=05-biased: no 05-biased/ in the submission"
  mkdir -p "$subs/binary"; cp -r solutions/* "$subs/binary/"; cp /bin/true "$subs/binary/02-pymalloc/obmalloc.c"  # any ELF program: a fresh clone has no build/ yet
  truth binary "$subs/binary" $(echo "$all" | grep -v 02-pymalloc)
  expect "binary problems$(everything_max | sed 's/ 02-pymalloc=max/ 02-pymalloc=0/') reason=02-pymalloc: obmalloc.c is an ELF object or program, not C source"
  mkdir -p "$subs/malformed/my work"; echo "see attached" >"$subs/malformed/my work/README.txt"
  expect "malformed rejected$(everything_0) reason=wrong layout"
  rm -rf "$DEMO/tmp"
fi

if [ -n "${CHECK_ONLY:-}" ]; then
  /usr/bin/python3 tools/grade-class.py gather --out "$out"
else
  echo "class-demo: $(ls "$subs" | wc -l) submissions in $subs; grading with JOBS=$JOBS${CHAPTERS:+ CHAPTERS=$CHAPTERS}"
  t0=$(date +%s)
  make -s --no-print-directory grade-class SUBMISSIONS="$subs" OUT="$out" JOBS="$JOBS" \
    ${CHAPTERS:+CHAPTERS=$CHAPTERS} | tee "$DEMO/grade.log"
  t1=$(date +%s)
  echo "class-demo: make grade-class took $((t1 - t0)) s (load average now: $(cut -d' ' -f1-3 /proc/loadavg))"
fi

/usr/bin/python3 - "$DEMO" <<'EOF'
import csv, hashlib, json, os, re, sys
demo = sys.argv[1]
out = os.path.join(demo, 'out')
rows = {r['student']: r for r in csv.DictReader(open(os.path.join(out, 'gradebook.csv')))}
plan = json.load(open(os.path.join(out, 'plan.json')))
chapters = plan['chapters']

def tree_hash(folder, chapters):
    h = hashlib.sha256()
    for ch in sorted(chapters):
        d = os.path.join(folder, ch)
        if not os.path.isdir(d):
            continue
        for n in sorted(os.listdir(d)):
            if not n.endswith(('.c', '.h')):
                continue
            data = open(os.path.join(d, n), 'rb').read()
            h.update(b'%s\0%d\0' % (os.path.join(ch, n).encode(), len(data)))
            h.update(data)
    return h.hexdigest()

right = wrong = pending = 0
for line in open(os.path.join(demo, 'expected.txt')):
    words = line.split()
    name, status = words[0], words[1]
    want, reason, must = {}, None, None
    rest = line.split(None, 2)[2] if len(words) > 2 else ''
    if ' reason=' in ' ' + rest:
        rest, reason = (' ' + rest).split(' reason=', 1)
        reason = reason.strip()
    for w in rest.split():
        k, v = w.split('=', 1)
        if k == 'mustfail':
            must = v
        else:
            want[k] = v
    # A broken chapter that is not graded (CHAPTERS=) leaves a plain row.
    m = re.match(r'([0-9][0-9]-[a-z0-9-]+): ', reason or '')
    if m and m.group(1) not in chapters:
        status, reason = 'graded', None
    if must and must.split(':', 1)[0] not in chapters:
        must = None
    r = rows.get(name)
    if r is not None and r['status'] == 'error' and r['reason'].startswith('not graded yet'):
        pending += 1
        print('  pending %s' % name)
        continue
    problems = []
    if r is None:
        problems.append('no row')
    else:
        if r['status'] != status:
            problems.append('status %s (want %s)' % (r['status'], status))
        total = mx = 0
        for ch in chapters:
            s, m = int(r[ch]), int(r[ch + ' max'])
            total += s
            mx += m
            if m != plan['max'][ch]:
                problems.append('%s max %d (want %d)' % (ch, m, plan['max'][ch]))
            w = want.get(ch)
            if (w == 'max' and s != m) or (w == '0' and s != 0) or (w == 'below' and not 0 <= s < m):
                problems.append('%s %d/%d (want %s)' % (ch, s, m, w))
        if (int(r['total']), int(r['max'])) != (total, mx):
            problems.append('total %s/%s is not the sum %d/%d' % (r['total'], r['max'], total, mx))
        if reason and reason not in r['reason']:
            problems.append('reason %r does not say %r' % (r['reason'], reason))
        said = r['reason'].replace('graded again alone after tests timed out beside other students', '').strip('; ')
        if not reason and said and 'below' not in want.values():
            problems.append('a reason where none was expected: %r' % said)
        truth = os.path.join(demo, 'truth', name)
        sha = tree_hash(truth, chapters) if os.path.isdir(truth) else ''
        if r['sha256'] != sha:
            problems.append('sha256 %s (want %s)' % (r['sha256'][:12], sha[:12]))
        if must and r['status'] != 'rejected':
            ch, tests = must.split(':', 1)
            rep = json.load(open(os.path.join(out, 'students', name, 'report.json')))
            got = {t['name']: t['status'] for c in rep['chapters'] if c['chapter'] == ch for t in c['tests']}
            missed = [t for t in tests.split(',') if got.get(t, 'passed') == 'passed']
            if missed:
                problems.append('these tests should fail but passed: %s' % ' '.join(missed))
    if problems:
        wrong += 1
        print('  WRONG %s: %s' % (name, '; '.join(problems)))
    else:
        right += 1
        print('  right %s' % name)
print('%d rows right, %d wrong%s' % (right, wrong, ', %d not graded yet' % pending if pending else ''))
sys.exit(1 if wrong else 0)
EOF
