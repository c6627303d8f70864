# tools/selftest-class.sh - the `class` section of make test (sourced by
# tools/selftest.sh, whose ok/fail/section it uses): make grade-class on a
# small class of synthetic submissions, one of each kind a course meets,
# graded on chapter 1's two tests that tell them apart (without the
# sanitizers: the point is the batch, not the chapter).  Checks every
# gradebook row's exact values, the resume (a second run grades nobody, a
# changed file regrades one student), GNU parallel with a localhost login
# (':'), the Slurm scripts (one array task run here) and the summary's
# pictures.

class_tests="incref_adds_one_and_decref_removes_one append_takes_a_new_reference"
class_dir=$OUT/class
subs=$class_dir/submissions
cout=$class_dir/out
rm -rf "$class_dir"
mkdir -p "$subs"

# One student of each kind.
mkdir -p "$subs/ada"; cp -r solutions/01-refcount "$subs/ada/"                 # a folder per chapter
mkdir -p "$subs/bo/skeletons" "$subs/bo/.git"                                   # a Classroom clone
cp -r skeletons/01-refcount "$subs/bo/skeletons/"; cp README.md "$subs/bo/"
mkdir -p "$subs/cy"; cp -r solutions/01-refcount "$subs/cy/"                    # a mutant
patch -s -p1 -d "$subs/cy" <grader/mutants/01-refcount/append_forgets_the_incref.patch
mkdir -p "$subs/di"; cp -r solutions/01-refcount "$subs/di/"                    # crashes
sed '/^--- a/,$!d' grader/fixtures/crash.patch | patch -s -p1 -d "$subs/di"
mkdir -p "$subs/ed/submission/01-refcount"                                      # cheats (Gradescope layout)
printf '#include "../solutions/01-refcount/refcount.c"\n' >"$subs/ed/submission/01-refcount/refcount.c"
mkdir -p "$subs/flo/homework"; echo "my answers" >"$subs/flo/homework/notes.txt"  # wrong layout
mkdir -p "$class_dir/gus"; cp -r solutions/01-refcount "$class_dir/gus/"        # a tarball
tar czf "$subs/gus.tar.gz" -C "$class_dir" gus
/usr/bin/python3 - "$subs/hal.zip" <<'EOF'                                      # a zip with a link
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    z.writestr('hal/01-refcount/', '')
    link = zipfile.ZipInfo('hal/01-refcount/refcount.c')
    link.external_attr = 0o120777 << 16
    z.writestr(link, '/etc/passwd')
EOF
mkdir -p "$subs/ivy/01-refcount"; cp build/bin/pmgrade "$subs/ivy/01-refcount/refcount.c"  # binary
mkdir -p "$subs/jo"; ln -s "$PWD/solutions/01-refcount" "$subs/jo/01-refcount"  # a link out
# Two folders of a Gradescope export, named by its submission_metadata.yml:
# one student, and a group of two (loose files, as Gradescope keeps them).
mkdir -p "$subs/submission_301" "$subs/submission_302"
cp solutions/01-refcount/refcount.c "$subs/submission_301/"
cp skeletons/01-refcount/refcount.c "$subs/submission_302/"
cat >"$subs/submission_metadata.yml" <<'EOF'
---
:submission_301:
  :submitters:
  - :name: Kim Lee
    :sid: '1001'
    :email: kim@example.org
  :created_at: 2026-11-30 10:15:02.123456000 -08:00
  :score: 0.0
:submission_302:
  :submitters:
  - :name: Max Roe
    :sid: '1002'
    :email: max@example.org
  - :name: Noa Sun
    :sid: '1003'
    :email: noa@example.org
  :created_at: 2026-11-30 11:00:00.000000000 -08:00
  :score: 0.0
EOF

# The roster names one student more, who handed in nothing.
printf 'student,email\n' >"$class_dir/roster.csv"
for who in ada bo cy di ed flo gus hal ivy jo zed; do printf "%s,%s@example.org\n" "$who" "$who"; done >>"$class_dir/roster.csv"

class_grade() {
  make -s --no-print-directory grade-class SUBMISSIONS="$subs" OUT="$cout" CHAPTERS=01 JOBS=2 ROSTER="$class_dir/roster.csv" \
    GRADEFLAGS="--no-sanitizers --tests ${class_tests// /,}" "$@"
}

t0=$(date +%s)
if class_grade >"$class_dir/run1.log" 2>&1; then
  ok "make grade-class grades a class of 12 and a roster of 11 (run 1: $(( $(date +%s) - t0 )) s)"
else
  fail "make grade-class" "$(tail -15 "$class_dir/run1.log")"
fi

# Every row, exactly.  sha256: the staged tree (path, NUL, length, NUL,
# bytes, sorted by path), computed here from the student's files.
sha_of() {
  /usr/bin/python3 - "$@" <<'EOF'
import hashlib, sys
h = hashlib.sha256()
for rel, path in zip(sys.argv[1::2], sys.argv[2::2]):
    data = open(path, 'rb').read()
    h.update(b'%s\0%d\0' % (rel.encode(), len(data)))
    h.update(data)
print(h.hexdigest())
EOF
}
ref_max=$("$cout/reference/01-refcount/suite" --list |
  jq --arg t " $class_tests " '[.tests[] | .name as $n | select($t | contains(" " + $n + " ")) | .points] | add')
pts() { "$cout/reference/01-refcount/suite" --list | jq --arg n "$1" '.tests[] | select(.name == $n) | .points'; }
p_incref=$(pts incref_adds_one_and_decref_removes_one)
p_append=$(pts append_takes_a_new_reference)
sol=$(sha_of 01-refcount/refcount.c solutions/01-refcount/refcount.c)
check_rows() {
  /usr/bin/python3 - "$cout/gradebook.csv" <<EOF
import csv, sys
rows = {r['student']: r for r in csv.DictReader(open(sys.argv[1]))}
M = $ref_max
want = {
 'ada': ('graded', M, '', '$sol', 'folder: chapter folders'),
 'bo':  ('graded', 0, '', '$(sha_of 01-refcount/refcount.c skeletons/01-refcount/refcount.c)', 'folder: repository (skeletons/)'),
 'cy':  ('graded', M - $p_append, '', '$(sha_of 01-refcount/refcount.c "$subs/cy/01-refcount/refcount.c")', 'folder: chapter folders'),
 'di':  ('graded', 0, '01-refcount: 2 crashed', '$(sha_of 01-refcount/refcount.c "$subs/di/01-refcount/refcount.c")', 'folder: chapter folders'),
 'ed':  ('problems', 0, '01-refcount: includes ../solutions/01-refcount/refcount.c: graded code may include only the headers of include/, system headers and its own files',
         '$(sha_of 01-refcount/refcount.c "$subs/ed/submission/01-refcount/refcount.c")', 'folder: gradescope / chapter folders'),
 'flo': ('rejected', 0, 'wrong layout: no chapter folder (such as 01-refcount/), no skeletons/ folder of a handout and no chapter file (biased.c, cycles.c, generations.c, obmalloc.c, refcount.c) in it', '', ''),
 'gus': ('graded', M, '', '$sol', 'archive: chapter folders'),
 'hal': ('problems', 0, '01-refcount: refcount.c in the archive is a symbolic link (not followed)', '$(sha_of)', 'archive: chapter folders'),
 'ivy': ('problems', 0, '01-refcount: refcount.c is an ELF object or program, not C source', '$(sha_of)', 'folder: chapter folders'),
 'jo':  ('problems', 0, '01-refcount: 01-refcount is not a folder (a link?)', '$(sha_of)', 'folder: chapter folders'),
 'zed': ('missing', 0, 'in the roster, but no submission', '', ''),
 'Kim Lee': ('graded', M, '', '$sol', 'folder: loose files'),
 'Max Roe, Noa Sun': ('graded', 0, '', '$(sha_of 01-refcount/refcount.c skeletons/01-refcount/refcount.c)', 'folder: loose files'),
}
# Whose a Gradescope export's folders are, from its metadata.
for name, sub, sid, email in (('Kim Lee', 'submission_301', '1001', 'kim@example.org'),
                              ('Max Roe, Noa Sun', 'submission_302', '1002 1003', 'max@example.org noa@example.org')):
    r = rows.get(name, {})
    got = (r.get('submission'), r.get('sid'), r.get('email'))
    print('%s|%s (Gradescope export)|%s' % ('OK' if got == (sub, sid, email) else 'BAD', name,
          '' if got == (sub, sid, email) else 'got %r, want %r' % (got, (sub, sid, email))))
if set(rows) != set(want):
    print('BAD rows|students %s, want %s' % (sorted(rows), sorted(want)))
for name, (status, score, reason, sha, layout) in sorted(want.items()):
    r = rows.get(name)
    if r is None:
        continue
    got = (r['status'], int(r['01-refcount']), int(r['01-refcount max']), int(r['total']), int(r['max']),
           r['reason'], r['sha256'], r['layout'])
    exp = (status, score, M, score, M, reason, sha, layout)
    print('%s|%s|%s' % ('OK' if got == exp else 'BAD', name, '' if got == exp else 'got %r, want %r' % (got, exp)))
EOF
}
while IFS='|' read -r verdict name detail; do
  if [ "$verdict" = OK ]; then ok "gradebook row of $name: exact"; else fail "gradebook row of $name" "$detail"; fi
done < <(check_rows)

# The summary: its pictures exist, load, and are the ones the page shows.
if /usr/bin/python3 - "$cout" <<'EOF'
import json, os, re, sys
import matplotlib.image as img
out = sys.argv[1]
page = open(os.path.join(out, 'summary.html')).read()
srcs = re.findall(r'<img src="([^"]+)"', page)
assert srcs == ['histogram-01-refcount.png'], srcs
for s in srcs:
    a = img.imread(os.path.join(out, s))
    assert a.shape[0] > 100 and a.shape[1] > 200, a.shape
s = json.load(open(os.path.join(out, 'summary.json')))
assert s['statuses'] == {'graded': 7, 'problems': 4, 'rejected': 1, 'missing': 1}, s['statuses']
rates = {t['name']: (t['passed'], t['graded']) for t in s['chapters'][0]['tests']}
assert rates == {'incref_adds_one_and_decref_removes_one': (4, 7), 'append_takes_a_new_reference': (3, 7)}, rates
assert s['most_failed'][0]['name'] == 'append_takes_a_new_reference', s['most_failed']
assert len(s['failed_students']) == 6 and 'ed' in page and 'refused' not in s['statuses']
EOF
then
  ok "summary.html: its histogram loads; summary.json: statuses, pass rates, the test most failed"
else
  fail "the class summary" "$(tail -5 "$class_dir/run1.log")"
fi

# Resume: nothing changed, nobody is graded; one file changed, that student
# alone, here through GNU parallel with the one login ':' (this machine).
graded_count() { sed -n 's/.*; \([0-9]*\) to grade.*/\1/p' "$1"; }
class_grade >"$class_dir/run2.log" 2>&1
n2=$(graded_count "$class_dir/run2.log")
# A test that timed out beside other students is graded again, alone: the
# record of cy made to say what a grade on a busy machine leaves.
rec=$cout/students/cy/grade-class.json
jq '.chapters["01-refcount"].tests.incref_adds_one_and_decref_removes_one = "timeout"' "$rec" >"$rec.new" && mv "$rec.new" "$rec"
class_grade >"$class_dir/run2b.log" 2>&1
if grep -q "^grade-class: 1 student had tests that timed out beside others: graded again" "$class_dir/run2b.log" &&
   [ "$(jq -r '.retried' "$rec")" = true ] &&
   grep -q "^cy,graded,$((ref_max - p_append)),.*,graded again alone after tests timed out beside other students," "$cout/gradebook.csv"; then
  ok "a student whose tests timed out beside others is graded again, alone, and the row says so"
else
  fail "the retry of timed-out tests" "$(tail -5 "$class_dir/run2b.log")"
fi
echo "/* an edit */" >>"$subs/cy/01-refcount/refcount.c"
echo ":" >"$class_dir/logins"
class_grade ENGINE=parallel SSHLOGINFILE="$class_dir/logins" >"$class_dir/run3.log" 2>&1
n3=$(graded_count "$class_dir/run3.log")
cy_sha=$(sha_of 01-refcount/refcount.c "$subs/cy/01-refcount/refcount.c")
if [ "$n2" = 0 ] && [ "$n3" = 1 ] && grep -q "^\[1/1\] cy: " "$class_dir/run3.log" &&
   grep -q "^cy,graded,$((ref_max - p_append)),.*,$cy_sha," "$cout/gradebook.csv"; then
  ok "resume: a second run grades nobody; one changed file regrades that student alone"
else
  fail "resume: graded ${n2:-?} then ${n3:-?} (want 0 then 1)" "$(tail -5 "$class_dir/run3.log")"
fi
if [ "$(awk -F'\t' 'NR > 1 { sub(/.* /, "", $9); print $2, $7, $9 }' "$cout/parallel.joblog")" = ": 0 cy" ]; then
  ok "ENGINE=parallel SSHLOGINFILE (':'): that student was graded through GNU parallel"
else
  fail "ENGINE=parallel" "$(cat "$cout/parallel.joblog" "$cout/parallel.log" 2>/dev/null | tail -5)"
fi

# Slurm: the scripts are written, nothing runs; one array task and the
# gather step run here as Slurm would run them.
class_grade ENGINE=slurm FRESH=1 >"$class_dir/run5.log" 2>&1
sl=$cout/slurm
task=$(grep -n '^ed$' "$sl/students.txt" | cut -d: -f1)
rm -f "$cout/gradebook.csv"
if bash -n "$sl/grade-class.sbatch" && bash -n "$sl/gather.sbatch" && bash -n "$sl/submit.sh" &&
   grep -q "^#SBATCH --array=1-11%2$" "$sl/grade-class.sbatch" && [ -n "$task" ] &&
   [ ! -e "$cout/gradebook.csv" ] &&
   SLURM_ARRAY_TASK_ID=$task bash "$sl/grade-class.sbatch" >"$class_dir/slurm-task.log" 2>&1 &&
   bash "$sl/gather.sbatch" >"$class_dir/slurm-gather.log" 2>&1 &&
   grep -q "^ed,problems,0," "$cout/gradebook.csv"; then
  ok "ENGINE=slurm: a job array of 11 and its gather step, written, not run; one task and the gather run here"
else
  fail "ENGINE=slurm" "$(tail -5 "$class_dir/run5.log" "$class_dir/slurm-task.log" 2>/dev/null)"
fi
echo "  (the class section took $(( $(date +%s) - t0 )) s)"
