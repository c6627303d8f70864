#!/usr/bin/env python3
"""tools/grade-class.py - `make grade-class`: a whole class graded in one command.

Four steps, each a subcommand (`run` does them all):

  intake   every entry of the submissions folder (a folder per student, laid
           out as skeletons/, a Gradescope submission folder, a GitHub
           Classroom clone of the handout, or a tarball or zip per student)
           is read without executing anything of it: only the chapters'
           regular .c and .h files are copied to a staging folder, links are
           never followed, binary and oversized files are refused with a
           reason.  The sha256 of what was staged is the student's key.
  prebuild the reference objects and the reference suites are built once for
           the batch, so that the graders of several students, running at
           once, only link (make finds everything else up to date).
  grade    each student is graded by pmgrade, sandboxed as always, several at
           once: here (ENGINE=local), through GNU parallel (ENGINE=parallel,
           --sshloginfile) or by a Slurm job array (ENGINE=slurm, which
           writes the scripts and stops).  A student already graded with the
           same key is not graded again.
  gather   gradebook.csv, summary.json and summary.html (pass rates, the
           tests most failed, score histograms drawn with matplotlib, the
           students whose grading failed and why).

`one` grades one student of a prepared batch (what a parallel or Slurm job
runs).  chapters/instructors.md documents the layouts and the outputs.
"""

import argparse
import csv
import hashlib
import html
import io
import json
import os
import re
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import tarfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor, wait, FIRST_COMPLETED

SOURCE_LIMIT = 1 << 20          # pmgrade's own limit on a graded file
ARCHIVE_LIMIT = 64 << 20        # bytes extracted from one student's archive
ARCHIVE_MEMBERS = 10000
ARCHIVES = ('.tar.gz', '.tgz', '.tar.bz2', '.tbz2', '.tar.xz', '.txz', '.tar', '.zip')
IGNORED_ENTRIES = {'submission_metadata.yml', 'submission_metadata.json', '__MACOSX'}
CHAPTER_RE = re.compile(r'^[0-9][0-9]-[a-z0-9-]+$')
RECORD = 'grade-class.json'
REPORTS = ('report.json', 'results.json', 'junit.xml', 'report.html', 'report.txt')


class Rejected(Exception):
    """A submission with nothing that can be graded; the message says why."""


def die(msg):
    print('grade-class: ' + msg, file=sys.stderr)
    sys.exit(2)


def safe_name(name):
    """A student's folder name: letters, digits, '.', '_' and '-'."""
    s = re.sub(r'[^A-Za-z0-9._-]', '_', name).lstrip('.')
    return s or 'student'


def write_json(path, data):
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(data, f, indent=1, sort_keys=True)
    os.replace(tmp, path)


def read_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def is_dir(path):
    """A real folder, never a link to one."""
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def mib(n):
    return '%.1f MiB' % (n / (1 << 20))


# ---------------------------------------------------------------- intake ---

def extract_archive(path, dest):
    """Extract a student's archive into dest (a fresh folder), member by member:
    no absolute paths, no '..', no links, no devices, at most ARCHIVE_LIMIT
    bytes and ARCHIVE_MEMBERS members.  Returns {relative path: reason} of the
    members left out."""
    left_out = {}
    total = 0

    def target(name):
        parts = [p for p in name.replace('\\', '/').split('/') if p not in ('', '.')]
        if name.startswith('/') or '..' in parts or not parts:
            return None, None
        return '/'.join(parts), os.path.join(dest, *parts)

    def write(rel, full, reader, size):
        nonlocal total
        total += size
        if total > ARCHIVE_LIMIT:
            raise Rejected('the archive holds more than %s: only the chapters\' source files '
                           'are needed' % mib(ARCHIVE_LIMIT))
        d = os.path.dirname(full)
        os.makedirs(d, exist_ok=True)
        if not os.path.realpath(d).startswith(os.path.realpath(dest)):
            left_out[rel] = 'outside the archive\'s folder'
            return
        # A later member of the same name replaces the earlier, as tar does;
        # a member says its size, but only that many bytes are ever read.
        with open(full, 'wb') as out:
            left = size
            while left > 0:
                chunk = reader.read(min(left, 1 << 16))
                if not chunk:
                    break
                out.write(chunk)
                left -= len(chunk)

    try:
        if path.endswith('.zip'):
            with zipfile.ZipFile(path) as z:
                infos = z.infolist()
                if len(infos) > ARCHIVE_MEMBERS:
                    raise Rejected('the archive has %d members (at most %d)'
                                   % (len(infos), ARCHIVE_MEMBERS))
                for info in infos:
                    rel, full = target(info.filename)
                    if rel is None:
                        left_out[info.filename] = 'a path outside the archive\'s folder'
                        continue
                    mode = info.external_attr >> 16
                    if info.is_dir():
                        os.makedirs(full, exist_ok=True)
                    elif stat.S_ISLNK(mode):
                        left_out[rel] = 'a symbolic link (not followed)'
                    elif mode and not stat.S_ISREG(mode):
                        left_out[rel] = 'not a regular file'
                    elif info.flag_bits & 0x1:
                        left_out[rel] = 'encrypted'
                    else:
                        with z.open(info) as r:
                            write(rel, full, r, info.file_size)
        else:
            with tarfile.open(path) as t:
                count = 0
                for m in t:
                    count += 1
                    if count > ARCHIVE_MEMBERS:
                        raise Rejected('the archive has more than %d members' % ARCHIVE_MEMBERS)
                    rel, full = target(m.name)
                    if rel is None:
                        left_out[m.name] = 'a path outside the archive\'s folder'
                    elif m.isdir():
                        os.makedirs(full, exist_ok=True)
                    elif m.issym() or m.islnk():
                        left_out[rel] = 'a %s link (not followed)' % ('symbolic' if m.issym() else 'hard')
                    elif not m.isfile():
                        left_out[rel] = 'not a regular file'
                    else:
                        write(rel, full, t.extractfile(m), m.size)
    except Rejected:
        raise
    except (OSError, tarfile.TarError, zipfile.BadZipFile, EOFError, ValueError) as e:
        raise Rejected('cannot read the archive: %s' % e)
    return left_out


def gradescope_submitters(folder):
    """Whose each submission_NNN folder of a Gradescope export is, from the
    export's submission_metadata.yml (keys in Ruby's symbol style:
    {':submission_NNN' or 'submission_NNN': {':submitters': [{':name',
    ':sid', ':email'}, ...], ...}}).  {folder: {'student', 'sid', 'email'}};
    a group submission names every submitter, joined by ', '."""
    path = os.path.join(folder, 'submission_metadata.yml')
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            return {}
        with open(path, encoding='utf-8', errors='replace') as f:
            text = f.read(SOURCE_LIMIT * 16)
        import yaml
        data = yaml.safe_load(text)
    except FileNotFoundError:
        return {}
    except Exception as e:  # an export we cannot read: the folder names stay
        print('grade-class: %s not read (%s): students are named by their folders'
              % (path, str(e).splitlines()[0] if str(e) else type(e).__name__), file=sys.stderr)
        return {}
    if not isinstance(data, dict):
        return {}

    def field(d, key):
        v = d.get(':' + key, d.get(key)) if isinstance(d, dict) else None
        return '' if v is None else str(v).strip()

    found = {}
    for key, record in data.items():
        subs = record.get(':submitters', record.get('submitters')) if isinstance(record, dict) else None
        if not isinstance(subs, list):
            continue
        people = [p for p in subs if isinstance(p, dict)]
        names = [field(p, 'name') or field(p, 'email') or field(p, 'sid') for p in people]
        if not any(names):
            continue
        found[str(key).lstrip(':')] = {
            'student': ', '.join(n for n in names if n),
            'sid': ' '.join(field(p, 'sid') for p in people if field(p, 'sid')),
            'email': ' '.join(field(p, 'email') for p in people if field(p, 'email'))}
    return found


def entries(folder):
    """The names in folder that matter: no dot files, no OS debris."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return sorted(n for n in names if not n.startswith('.') and n not in IGNORED_ENTRIES)


def find_chapters_root(root, chapter_files):
    """Where a submission keeps its chapters, and what the layout is called.
    Returns (folder, layout, loose) where loose maps a chapter to the loose
    files found for it (a Gradescope upload of single files)."""
    layout = []
    for _ in range(4):
        names = entries(root)
        if 'submission' in names and is_dir(os.path.join(root, 'submission')) and \
                not any(CHAPTER_RE.match(n) for n in names):
            layout.append('gradescope')
            root = os.path.join(root, 'submission')
            continue
        if any(CHAPTER_RE.match(n) for n in names):
            layout.append('chapter folders')
            return root, ' / '.join(layout), {}
        sk = os.path.join(root, 'skeletons')
        if is_dir(sk) and any(CHAPTER_RE.match(n) for n in entries(sk)):
            layout.append('repository (skeletons/)')
            return sk, ' / '.join(layout), {}
        loose = {}
        for n in names:
            for ch, files in chapter_files.items():
                if n in files:
                    loose.setdefault(ch, []).append(n)
        if loose:
            layout.append('loose files')
            return root, ' / '.join(layout), loose
        # One folder around everything (an archive of a folder): look inside.
        if len(names) == 1 and is_dir(os.path.join(root, names[0])):
            root = os.path.join(root, names[0])
            continue
        break
    expected = ', '.join(sorted(f for fs in chapter_files.values() for f in fs))
    raise Rejected('wrong layout: no chapter folder (such as 01-refcount/), no skeletons/ '
                   'folder of a handout and no chapter file (%s) in it' % expected)


def binary_kind(data):
    if data.startswith(b'\x7fELF'):
        return 'an ELF object or program'
    if data.startswith(b'PK\x03\x04'):
        return 'a zip archive'
    if b'\0' in data:
        return 'binary data'
    return None


def take_file(src, name):
    """The bytes of a chapter file, or a Rejected saying why it is refused."""
    st = os.lstat(src)
    if stat.S_ISLNK(st.st_mode):
        raise Rejected('%s is a symbolic link (not followed): submit the file itself' % name)
    if not stat.S_ISREG(st.st_mode):
        raise Rejected('%s is not a regular file' % name)
    if st.st_size > SOURCE_LIMIT:
        raise Rejected('%s is %s: a graded file may be at most 1 MiB' % (name, mib(st.st_size)))
    fd = os.open(src, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, 'rb') as f:
        data = f.read(SOURCE_LIMIT + 1)
    if len(data) > SOURCE_LIMIT:
        raise Rejected('%s is larger than 1 MiB: a graded file may be at most 1 MiB' % name)
    kind = binary_kind(data)
    if kind:
        raise Rejected('%s is %s, not C source' % (name, kind))
    return data


def stage(student, entry, chapters, chapter_files, staging):
    """Read one submission into staging/src (only the chosen chapters' .c and
    .h files).  Fills student['layout'], ['chapters'] (slug -> state, reason)
    and ['sha256']; raises Rejected when nothing can be graded."""
    src = os.path.join(staging, 'src')
    raw = os.path.join(staging, 'raw')
    shutil.rmtree(staging, ignore_errors=True)
    os.makedirs(src)
    try:
        st = os.lstat(entry)
    except OSError as e:
        raise Rejected('cannot read it: %s' % e.strerror)
    left_out = {}
    if stat.S_ISLNK(st.st_mode):
        raise Rejected('it is a symbolic link (not followed)')
    if stat.S_ISDIR(st.st_mode):
        root, kind = entry, 'folder'
    elif stat.S_ISREG(st.st_mode) and entry.endswith(ARCHIVES):
        os.makedirs(raw)
        left_out = extract_archive(entry, raw)
        root, kind = raw, 'archive'
    else:
        raise Rejected('not a folder or an archive (%s)' % ', '.join(ARCHIVES))
    if not entries(root):
        raise Rejected('the submission is empty')
    root, layout, loose = find_chapters_root(root, chapter_files)
    student['layout'] = kind + ': ' + layout
    rel_root = os.path.relpath(root, raw) if kind == 'archive' else None
    found = 0
    for ch in chapters:
        state = {'state': 'ok', 'reason': ''}
        student['chapters'][ch] = state
        if loose:
            names = loose.get(ch, [])
            folder = root
        else:
            folder = os.path.join(root, ch)
            if os.path.lexists(folder) and not is_dir(folder):
                state.update(state='refused', reason='%s is not a folder (a link?)' % ch)
                continue
            names = [n for n in entries(folder) if n.endswith(('.c', '.h'))] if is_dir(folder) else []
        if rel_root is not None:
            # An archive's links and devices were left out: say so.
            here = os.path.normpath(os.path.relpath(folder, raw))
            bad = sorted(r for r in left_out if os.path.dirname(r) == here and r.endswith(('.c', '.h'))
                         and (not loose or os.path.basename(r) in chapter_files[ch]))
            if bad:
                state.update(state='refused', reason='%s in the archive is %s' % (
                    os.path.basename(bad[0]), left_out[bad[0]]))
                continue
        if not names:
            state.update(state='missing', reason='no %s in the submission' % (
                ch + '/' if not loose else ' or '.join(sorted(chapter_files[ch]))))
            continue
        files = {}
        try:
            for n in sorted(names):
                files[n] = take_file(os.path.join(folder, n), n)
        except Rejected as e:
            state.update(state='refused', reason=str(e))
            continue
        if not any(n.endswith('.c') for n in files):
            state.update(state='missing', reason='no .c file in %s/' % ch)
            continue
        os.makedirs(os.path.join(src, ch))
        for n, data in files.items():
            with open(os.path.join(src, ch, n), 'wb') as f:
                f.write(data)
        found += 1
    shutil.rmtree(raw, ignore_errors=True)
    student['sha256'] = tree_hash(src)
    if found == 0 and all(s['state'] == 'missing' for s in student['chapters'].values()):
        raise Rejected('none of the chapters graded (%s) is in it' % ', '.join(chapters))


def tree_hash(folder):
    h = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        for n in sorted(filenames):
            p = os.path.join(dirpath, n)
            rel = os.path.relpath(p, folder)
            with open(p, 'rb') as f:
                data = f.read()
            h.update(b'%s\0%d\0' % (rel.encode(), len(data)))
            h.update(data)
    return h.hexdigest()


# ------------------------------------------------------------ the batch ---

def workbook_chapters(root):
    base = os.path.join(root, 'solutions')
    if not os.path.isdir(base):
        base = os.path.join(root, 'grader', 'suites')
    return sorted(n for n in os.listdir(base) if CHAPTER_RE.match(n) and os.path.isdir(os.path.join(base, n)))


def chapter_file_names(root, chapters):
    """The file names of each chapter (refcount.c...), to place loose files."""
    out = {}
    for ch in chapters:
        names = set()
        for base in ('skeletons', 'solutions'):
            d = os.path.join(root, base, ch)
            if os.path.isdir(d):
                names.update(n for n in os.listdir(d) if n.endswith(('.c', '.h')))
        out[ch] = names
    return out


def chapter_variants(root, ch):
    conf = os.path.join(root, 'grader', 'suites', ch, 'chapter.conf')
    if not os.path.exists(conf):
        conf = os.path.join(root, 'prebuilt', ch, 'chapter.conf')
    try:
        for line in open(conf):
            m = re.match(r'\s*VARIANTS\s*[:?]?=\s*(.*)', line)
            if m:
                return m.group(1).split()
    except OSError:
        pass
    return ['rel', 'asan']


def run_make(root, args, log):
    with open(log, 'a') as f:
        f.write('$ make %s\n' % ' '.join(args))
        f.flush()
        env = dict(os.environ)
        env.pop('MAKEFLAGS', None)
        env.pop('MFLAGS', None)
        return subprocess.run(['make', '-s', '--no-print-directory', '-C', root] + args,
                              stdout=f, stderr=subprocess.STDOUT, env=env).returncode


def prebuild(a, plan):
    """Build once what every student's grade links against: the grader, the
    reference objects, suites and programs of every variant; then ask each
    chapter's reference suite for its tests (the chapter's maximum)."""
    out, root = a.out, a.root
    ref = os.path.join(out, 'reference')
    log = os.path.join(out, 'prebuild.log')
    open(log, 'w').close()
    hidden = ['HIDDEN=' + os.path.abspath(a.hidden)] if a.hidden else []
    jobs = '-j%d' % max(1, os.cpu_count() or 1)
    targets = ['build/bin/pmgrade', 'pmrun-ref']
    if run_make(root, [jobs] + targets, log) != 0:
        die('the grader does not build (see %s)' % log)
    tests = only_tests(a.gradeflags)
    for ch in plan['chapters']:
        variants = chapter_variants(root, ch)
        for v in variants:
            d = os.path.join(ref, ch, v)
            os.makedirs(d, exist_ok=True)
            if run_make(root, [jobs, 'ref-objs', 'VARIANT=' + v], log) != 0 or \
               run_make(root, [jobs, 'suite', 'CH=' + ch, 'SUBMISSION=solutions', 'OUT=' + d,
                               'VARIANT=' + v] + hidden, log) != 0:
                die('the reference of %s does not build in %s (see %s)' % (ch, v, log))
        # The first variant's suite lists the tests (pmgrade --reference).
        shutil.copy(os.path.join(ref, ch, variants[0], 'suite'), os.path.join(ref, ch, 'suite'))
        listed = subprocess.run([os.path.join(ref, ch, 'suite'), '--list'], capture_output=True)
        try:
            manifest = json.loads(listed.stdout)['tests']
        except (ValueError, KeyError):
            die('the reference suite of %s does not list its tests' % ch)
        plan['tests'][ch] = [{'name': t['name'], 'title': t.get('title', t['name']),
                              'points': t.get('points', 0)}
                             for t in manifest if tests is None or t['name'] in tests]
        plan['max'][ch] = sum(t['points'] for t in plan['tests'][ch])


def only_tests(gradeflags):
    words = shlex.split(gradeflags or '')
    for i, w in enumerate(words):
        if w == '--tests' and i + 1 < len(words):
            return set(re.split(r'[ ,]+', words[i + 1]))
        if w.startswith('--tests='):
            return set(re.split(r'[ ,]+', w[8:]))
    return None


def grading_key(student, plan):
    """What a finished grade stands for: the files and the settings."""
    h = hashlib.sha256()
    h.update(json.dumps([student['sha256'], student['chapters'], plan['chapters'],
                         plan['gradeflags'], plan['hidden']], sort_keys=True).encode())
    return h.hexdigest()


def intake(a):
    root = a.root
    all_chapters = workbook_chapters(root)
    wanted = None
    if a.chapters:
        wanted = []
        for c in re.split(r'[ ,]+', a.chapters.strip()):
            m = [s for s in all_chapters if s.startswith(c)]
            if not m:
                die('no chapter %s (chapters: %s)' % (c, ' '.join(all_chapters)))
            wanted += m
    files = chapter_file_names(root, all_chapters)
    staging = os.path.join(a.out, 'staged')
    os.makedirs(staging, exist_ok=True)
    students, used = [], set()
    names = entries(a.submissions)
    submitters = gradescope_submitters(a.submissions)
    for n in names:
        entry = os.path.join(a.submissions, n)
        if a.roster_file and os.path.abspath(entry) == os.path.abspath(a.roster_file):
            continue
        display = n
        for ext in ARCHIVES:
            if n.endswith(ext) and os.path.isfile(entry):
                display = n[:-len(ext)]
                break
        who = submitters.get(display, {})
        display = who.get('student', display)
        folder = safe_name(display)
        k = 2
        while folder in used:
            folder = '%s-%d' % (safe_name(display), k)
            k += 1
        used.add(folder)
        students.append({'student': display, 'folder': folder, 'entry': entry,
                         'sid': who.get('sid', ''), 'email': who.get('email', '')})
    if a.roster_file:
        have = {s['student'] for s in students}
        for line in open(a.roster_file):
            r = line.strip().split(',')[0].strip()
            if r and not r.startswith('#') and r not in have and r.lower() != 'student':
                folder = safe_name(r)
                while folder in used:
                    folder += '_'
                used.add(folder)
                students.append({'student': r, 'folder': folder, 'entry': None, 'sid': '', 'email': ''})
    # Which chapters: those asked for, else every chapter some submission has.
    chapters = wanted or all_chapters
    for s in students:
        s.update(layout='', chapters={}, sha256='', status='', reason='')
        if s['entry'] is None:
            s.update(status='missing', reason='in the roster, but no submission')
            continue
        try:
            stage(s, s['entry'], chapters, files, os.path.join(staging, s['folder']))
        except Rejected as e:
            s.update(status='rejected', reason=str(e), chapters={})
    if not wanted:
        present = [c for c in all_chapters
                   if any(s['chapters'].get(c, {}).get('state') in ('ok', 'refused') for s in students)]
        chapters = present or all_chapters
        for s in students:
            s['chapters'] = {c: v for c, v in s['chapters'].items() if c in chapters}
            src = os.path.join(staging, s['folder'], 'src')
            if s['status'] == '' and os.path.isdir(src):
                for c in os.listdir(src):
                    if c not in chapters:
                        shutil.rmtree(os.path.join(src, c))
                s['sha256'] = tree_hash(src)
    return students, chapters


def load_plan(out):
    plan = read_json(os.path.join(out, 'plan.json'))
    if plan is None:
        die('no batch prepared in %s (run make grade-class first)' % out)
    return plan


# ------------------------------------------------------ grading a student ---

def pmgrade_has(root, option):
    p = subprocess.run([os.path.join(root, 'build', 'bin', 'pmgrade'), '--help'],
                       capture_output=True, text=True)
    return option in p.stdout


# The graders running now.  Each runs in a session of its own (so that a
# student's timeout stops the grader and its compilers together), so an
# interrupt of this program does not reach them: stop_graders() does.
RUNNING = set()


def stop_graders(*_):
    for p in list(RUNNING):
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    raise KeyboardInterrupt


def grade_one(plan, s, force=False):
    """Grade student s with pmgrade (sandboxed as always) and write their record.
    Returns the record; a record already there for the same key is kept."""
    out = plan['out']
    sdir = os.path.join(out, 'students', s['folder'])
    record_path = os.path.join(sdir, RECORD)
    old = read_json(record_path)
    if not force and old and old.get('key') == s['key'] and old.get('status') != 'error':
        return old
    shutil.rmtree(sdir, ignore_errors=True)
    os.makedirs(sdir)
    rec = {'student': s['student'], 'key': s['key'], 'sha256': s['sha256'],
           'layout': s['layout'], 'chapters': {}, 'status': 'error', 'reason': '',
           'seconds': 0.0}
    src = os.path.join(out, 'staged', s['folder'], 'src')
    cmd = [os.path.join(plan['root'], 'build', 'bin', 'pmgrade'), '--root', plan['root'],
           '--submission', src, '--out', sdir, '--quiet', '--jobs', str(plan['pmgrade_jobs']),
           '--chapter', ','.join(plan['chapters'])]
    # The reference suites were built with the hidden tests, if any.
    cmd += ['--reference', os.path.join(out, 'reference')]
    if plan['hidden']:
        cmd += ['--hidden', plan['hidden']]
    cmd += shlex.split(plan['gradeflags'])
    started = time.time()
    code = None
    with open(os.path.join(sdir, 'pmgrade.log'), 'w') as log:
        p = subprocess.Popen(cmd, cwd=plan['root'], stdout=log, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, start_new_session=True)
        RUNNING.add(p)
        try:
            code = p.wait(timeout=plan['timeout'])
        except subprocess.TimeoutExpired:
            for sig in (signal.SIGTERM, signal.SIGKILL):
                try:
                    os.killpg(p.pid, sig)
                except ProcessLookupError:
                    break
                try:
                    p.wait(timeout=5)
                    break
                except subprocess.TimeoutExpired:
                    pass
    RUNNING.discard(p)
    rec['seconds'] = round(time.time() - started, 1)
    report = read_json(os.path.join(sdir, 'report.json'))
    if not plan.get('keep_builds'):
        shutil.rmtree(os.path.join(sdir, 'builds'), ignore_errors=True)
    if report is not None:
        fill_from_report(rec, report, s)
        # The grader's messages name its own copy of the files: the file's
        # name is enough in a gradebook.
        rec['reason'] = re.sub(re.escape(sdir) + r'/builds/[^/ ]+/[^/ ]+/src/(?:[0-9][0-9]-[a-z0-9-]+/)?',
                               '', rec['reason'])
    complete = report is not None and report.get('status') == 'complete'
    if code is None or code not in (0, 1) or not complete:
        rec['status'] = 'error'
        why = ('the grade did not finish within %d s (TIMEOUT=), so the grader was stopped'
               % plan['timeout'] if code is None else
               'the grader was stopped by signal %d (an interrupted batch?)' % -code if code < 0 else
               'the grader could not finish (exit status %s): see students/%s/pmgrade.log'
               % (code, s['folder']))
        rec['reason'] = why + ('; ' + rec['reason'] if rec['reason'] else '')
    write_json(record_path, rec)
    return rec


# How a test ended, when that is worth a word in the gradebook (a test that
# merely failed, or is not written yet, is not).
STATUS_WORDS = {'crashed': 'crashed', 'timeout': 'timed out', 'stack-overflow': 'overflowed the stack',
                'out-of-memory': 'ran out of memory', 'memory-error': 'memory errors',
                'negative-refcount': 'negative reference counts', 'early-exit': 'exited early',
                'output-flood': 'flooded the output', 'aborted': 'aborted',
                'file-too-large': 'wrote too large a file', 'refused': 'refused'}


def fill_from_report(rec, report, s):
    problems, notes = [], []
    for ch in report.get('chapters', []):
        slug = ch.get('chapter')
        intake = s['chapters'].get(slug, {})
        entry = {'score': ch.get('score', 0), 'max': ch.get('max_score', 0),
                 'build': ch.get('build', ''), 'reason': ''}
        tests = ch.get('tests', [])
        entry['tests'] = {t['name']: t.get('status') for t in tests}
        if intake.get('state') in ('missing', 'refused'):
            entry['build'] = intake['state']
            entry['reason'] = intake['reason']
        elif entry['build'] != 'ok':
            first = next((t.get('message') for t in tests if t.get('message')), '') or ''
            entry['reason'] = first.splitlines()[0] if first else entry['build']
        else:
            counts = {}
            for t in tests:
                w = STATUS_WORDS.get(t.get('status'))
                if w:
                    counts[w] = counts.get(w, 0) + 1
            if counts:
                notes.append('%s: %s' % (slug, ', '.join('%d %s' % (n, w) for w, n in counts.items())))
        if entry['reason']:
            problems.append('%s: %s' % (slug, entry['reason']))
        rec['chapters'][slug] = entry
    rec['status'] = 'problems' if problems else 'graded'
    rec['reason'] = '; '.join(problems + notes)


# ------------------------------------------------------------ progress ---

class Progress:
    """One line that updates in place on a terminal; a line per student elsewhere."""

    def __init__(self, total, already, concurrency):
        self.total, self.done, self.failed = total, already, 0
        self.tty = sys.stdout.isatty()
        self.concurrency = max(1, concurrency)
        self.started = time.time()
        self.graded_now = 0

    def eta(self):
        if self.graded_now == 0:
            return 'time left unknown yet'
        per = (time.time() - self.started) / self.graded_now
        left = per * (self.total - self.done)
        return 'about %s left' % (('%d min' % round(left / 60)) if left >= 90 else '%d s' % left)

    def line(self, running):
        return 'grade-class: %d/%d done, %d failed, %d running, %s' % (
            self.done, self.total, self.failed, running, self.eta())

    def finished(self, rec, running, fresh=True):
        self.done += 1
        if fresh:
            self.graded_now += 1
        if rec['status'] not in ('graded',):
            self.failed += 1
        if self.tty:
            sys.stdout.write('\r\033[K' + self.line(running))
        else:
            total = sum(c.get('score', 0) for c in rec['chapters'].values())
            mx = sum(c.get('max', 0) for c in rec['chapters'].values())
            print('[%d/%d] %s: %d/%d, %s%s (%.0f s)' % (
                self.done, self.total, rec['student'], total, mx, rec['status'],
                ': ' + rec['reason'] if rec['reason'] else '', rec['seconds']))
        sys.stdout.flush()

    def tick(self, running):
        if self.tty:
            sys.stdout.write('\r\033[K' + self.line(running))
            sys.stdout.flush()

    def end(self):
        if self.tty:
            sys.stdout.write('\r\033[K' + self.line(0) + '\n')
            sys.stdout.flush()


# ------------------------------------------------------------- engines ---

def to_grade(plan):
    out = []
    for s in plan['students']:
        if s['status'] in ('rejected', 'missing'):
            continue
        old = read_json(os.path.join(plan['out'], 'students', s['folder'], RECORD))
        # An error is no verdict: a grade that did not finish is tried again.
        if old and old.get('key') == s['key'] and old.get('status') != 'error' and not plan['fresh']:
            continue
        out.append(s)
    return out


def engine_local(plan, todo):
    progress = Progress(len(todo), 0, plan['jobs'])
    pool = ThreadPoolExecutor(max_workers=plan['jobs'])
    try:
        pending = {pool.submit(grade_one, plan, s, True) for s in todo}
        while pending:
            done, pending = wait(pending, timeout=1, return_when=FIRST_COMPLETED)
            for f in done:
                progress.finished(f.result(), len(pending))
            if not done:
                progress.tick(min(len(pending), plan['jobs']))
    except KeyboardInterrupt:
        # No new student; the graders running now are stopped (their rows
        # say error, and the next run grades them again).
        pool.shutdown(wait=False, cancel_futures=True)
        for p in list(RUNNING):
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        raise
    pool.shutdown()
    progress.end()


def timed_out(rec):
    return any(st == 'timeout' for c in rec.get('chapters', {}).values()
               for st in c.get('tests', {}).values())


def retry_timeouts(plan):
    """Grade once more, one at a time and with every core, each student whose
    tests timed out while other students were graded beside them (a busy
    machine makes a correct test late; a real endless loop times out again).
    The second grade is the one that counts, and the reason says so."""
    again = []
    for s in plan['students']:
        if s['status'] in ('rejected', 'missing'):
            continue
        rec = read_json(os.path.join(plan['out'], 'students', s['folder'], RECORD))
        if rec and rec.get('key') == s['key'] and not rec.get('retried') and timed_out(rec):
            again.append(s)
    if not again:
        return
    print('grade-class: %d student%s had tests that timed out beside others: graded again, one at a time'
          % (len(again), '' if len(again) == 1 else 's'))
    solo = dict(plan, pmgrade_jobs=os.cpu_count() or 1)
    progress = Progress(len(again), 0, 1)
    for s in again:
        rec = grade_one(solo, s, True)
        rec['retried'] = True
        note = 'graded again alone after tests timed out beside other students'
        rec['reason'] = rec['reason'] + '; ' + note if rec['reason'] else note
        write_json(os.path.join(plan['out'], 'students', s['folder'], RECORD), rec)
        progress.finished(rec, 0)
    progress.end()


def worker_command(plan):
    return [sys.executable, os.path.join(plan['root'], 'tools', 'grade-class.py'), 'one',
            '--out', plan['out']]


def engine_parallel(plan, todo, loginfile):
    if shutil.which('parallel') is None:
        die('ENGINE=parallel needs GNU parallel (make deps installs it)')
    queue = os.path.join(plan['out'], 'queue.txt')
    with open(queue, 'w') as f:
        for s in todo:
            f.write(s['folder'] + '\n')
    # --workdir: the checkout and OUT must be at the same path on every host.
    cmd = ['parallel', '--jobs', str(plan['jobs']), '--joblog', os.path.join(plan['out'], 'parallel.joblog'),
           '--workdir', plan['root'], '--arg-file', queue]
    if loginfile:
        cmd += ['--sshloginfile', loginfile]
    cmd += [' '.join(shlex.quote(w) for w in worker_command(plan) + ['--force', '--student']) + ' {}']
    progress = Progress(len(todo), 0, plan['jobs'])
    seen = set()
    with open(os.path.join(plan['out'], 'parallel.log'), 'w') as log:
        p = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        while True:
            ended = p.poll() is not None
            for s in todo:
                if s['folder'] in seen:
                    continue
                rec = read_json(os.path.join(plan['out'], 'students', s['folder'], RECORD))
                if rec and rec.get('key') == s['key']:
                    seen.add(s['folder'])
                    progress.finished(rec, len(todo) - len(seen))
            if ended:
                break
            progress.tick(min(plan['jobs'], len(todo) - len(seen)))
            time.sleep(1)
    progress.end()
    if p.returncode != 0:
        print('grade-class: GNU parallel ended with status %d (see %s)'
              % (p.returncode, os.path.join(plan['out'], 'parallel.log')), file=sys.stderr)


SLURM_TEMPLATE = """#!/bin/bash
# grade-class.sbatch - written by make grade-class ENGINE=slurm: one array
# task per student of the batch prepared in {out}.
# Submit with submit.sh (this job, then gather.sbatch once it has ended).
#SBATCH --job-name=pymemlab-grade
#SBATCH --array=1-{n}%{jobs}
#SBATCH --cpus-per-task={cpus}
#SBATCH --time={minutes}
#SBATCH --output={out}/slurm/task-%a.log
set -eu
cd {root}
student=$(sed -n "${{SLURM_ARRAY_TASK_ID}}p" {queue})
exec {worker} --force --student "$student"
"""

GATHER_TEMPLATE = """#!/bin/bash
# gather.sbatch - the gradebook and the class summary, once every task ended.
#SBATCH --job-name=pymemlab-gather
#SBATCH --time=10
#SBATCH --output={out}/slurm/gather.log
set -eu
cd {root}
exec {gather}
"""

SUBMIT_TEMPLATE = """#!/bin/bash
# submit.sh - the grading array, then the gather step after it (afterany:
# a student whose task failed still gets a row).
set -eu
cd "$(dirname "$0")"
job=$(sbatch --parsable grade-class.sbatch)
sbatch --dependency=afterany:"${{job%%;*}}" gather.sbatch
echo "submitted: grading $job, then the gather step"
"""


def engine_slurm(plan, todo):
    d = os.path.join(plan['out'], 'slurm')
    os.makedirs(d, exist_ok=True)
    queue = os.path.join(d, 'students.txt')
    with open(queue, 'w') as f:
        for s in todo:
            f.write(s['folder'] + '\n')
    q = shlex.quote
    fields = dict(out=q(plan['out']), root=q(plan['root']), queue=q(queue), n=max(1, len(todo)),
                  jobs=plan['jobs'], cpus=plan['pmgrade_jobs'],
                  minutes=max(10, plan['timeout'] // 60 + 5),
                  worker=' '.join(q(w) for w in worker_command(plan)),
                  gather=' '.join(q(w) for w in [sys.executable, os.path.join(plan['root'], 'tools', 'grade-class.py'),
                                                   'gather', '--out', plan['out']]))
    for name, text in (('grade-class.sbatch', SLURM_TEMPLATE), ('gather.sbatch', GATHER_TEMPLATE),
                       ('submit.sh', SUBMIT_TEMPLATE)):
        p = os.path.join(d, name)
        with open(p, 'w') as f:
            f.write(text.format(**fields))
        os.chmod(p, 0o755)
    print('grade-class: ENGINE=slurm: %d student%s to grade; nothing was run.' % (len(todo), '' if len(todo) == 1 else 's'))
    print('  the job array:   %s' % os.path.join(d, 'grade-class.sbatch'))
    print('  the gather step: %s' % os.path.join(d, 'gather.sbatch'))
    print('  submit both:     bash %s' % os.path.join(d, 'submit.sh'))


# -------------------------------------------------------------- gather ---

def gather(out):
    plan = load_plan(out)
    chapters = plan['chapters']
    rows, records = [], []
    for s in plan['students']:
        rec = None
        if s['status'] in ('rejected', 'missing'):
            rec = {'student': s['student'], 'status': s['status'], 'reason': s['reason'],
                   'sha256': s.get('sha256', ''), 'layout': s.get('layout', ''), 'chapters': {},
                   'seconds': 0.0}
        else:
            rec = read_json(os.path.join(out, 'students', s['folder'], RECORD))
            if rec is None or rec.get('key') != s['key']:
                rec = {'student': s['student'], 'status': 'error', 'sha256': s['sha256'],
                       'layout': s['layout'], 'chapters': {}, 'seconds': 0.0,
                       'reason': 'not graded yet (interrupted, or its job never ran): run make grade-class again'}
        rec['folder'] = s['folder']
        records.append(rec)
        # A name from a file name could start a spreadsheet formula.
        name = rec['student']
        row = {'student': "'" + name if name and name[0] in '=+-@' else name, 'status': rec['status']}
        total = mx = 0
        for ch in chapters:
            c = rec['chapters'].get(ch)
            score = c['score'] if c else 0
            cmax = c['max'] if c else plan['max'][ch]
            row[ch] = score
            row[ch + ' max'] = cmax
            total += score
            mx += cmax
        row.update(total=total, max=mx, reason=rec['reason'], sha256=rec.get('sha256', ''),
                   layout=rec.get('layout', ''), seconds=rec.get('seconds', 0),
                   submission=os.path.basename(s['entry']) if s.get('entry') else '',
                   sid=s.get('sid', ''), email=s.get('email', ''))
        for k in ('submission', 'sid', 'email'):
            if row[k] and row[k][0] in '=+-@':
                row[k] = "'" + row[k]
        rows.append(row)
    fields = ['student', 'status', 'total', 'max']
    for ch in chapters:
        fields += [ch, ch + ' max']
    fields += ['reason', 'sha256', 'layout', 'seconds', 'submission', 'sid', 'email']
    with open(os.path.join(out, 'gradebook.csv'), 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=fields)
        w.writeheader()
        w.writerows(rows)
    summary = summarise(plan, records, rows)
    write_json(os.path.join(out, 'summary.json'), summary)
    pictures = draw(out, summary)
    write_html(out, summary, rows, records, pictures)
    return summary


def summarise(plan, records, rows):
    chapters = []
    for ch in plan['chapters']:
        graded = [r for r in records if ch in r['chapters'] and r['chapters'][ch].get('build') == 'ok']
        tests = []
        for t in plan['tests'][ch]:
            passed = sum(1 for r in graded if r['chapters'][ch].get('tests', {}).get(t['name']) == 'passed')
            tests.append({'name': t['name'], 'title': t['title'], 'points': t['points'],
                          'passed': passed, 'graded': len(graded),
                          'rate': round(passed / len(graded), 4) if graded else None})
        scores = [row[ch] for row, r in zip(rows, records) if r['status'] not in ('missing', 'rejected', 'error')]
        chapters.append({'chapter': ch, 'max': plan['max'][ch], 'scores': scores,
                         'built': len(graded),
                         'mean': round(sum(scores) / len(scores), 2) if scores else None,
                         'tests': tests})
    most = sorted((dict(t, chapter=c['chapter']) for c in chapters for t in c['tests'] if t['graded']),
                  key=lambda t: (t['rate'], t['chapter'], t['name']))
    counts = {}
    for r in records:
        counts[r['status']] = counts.get(r['status'], 0) + 1
    failed = [{'student': r['student'], 'status': r['status'], 'reason': r['reason'],
               'folder': r['folder']}
              for r in records if r['status'] != 'graded']
    secs = [r.get('seconds', 0) for r in records if r.get('seconds')]
    return {'students': len(records), 'statuses': counts, 'chapters': chapters,
            'most_failed': [t for t in most if t['rate'] < 1][:15],
            'failed_students': failed,
            'timing': {'graded': len(secs), 'seconds_total': round(sum(secs), 1),
                       'seconds_mean': round(sum(secs) / len(secs), 1) if secs else None}}


def draw(out, summary):
    """A histogram of the scores of each chapter, as PNG files beside the page."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    pictures = {}
    for c in summary['chapters']:
        fig, ax = plt.subplots(figsize=(5, 2.6), dpi=100)
        mx = max(1, c['max'])
        bins = [mx * i / 10 for i in range(11)]
        ax.hist(c['scores'], bins=bins, color='#4c72b0', edgecolor='white')
        ax.set_xlim(0, mx)
        ax.set_xlabel('score (out of %d)' % c['max'])
        ax.set_ylabel('students')
        ax.set_title(c['chapter'])
        ax.yaxis.get_major_locator().set_params(integer=True)
        fig.tight_layout()
        name = 'histogram-%s.png' % c['chapter']
        fig.savefig(os.path.join(out, name))
        plt.close(fig)
        pictures[c['chapter']] = name
    return pictures


PAGE_STYLE = """body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#f3f3f3}.num{text-align:right}.bad{color:#a00}.figs img{margin:.3em}
.bar{display:inline-block;height:.8em;background:#4c72b0}"""


def write_html(out, summary, rows, records, pictures):
    e = html.escape
    p = ['<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Class summary</title>',
         '<style>%s</style></head><body>' % PAGE_STYLE, '<h1>Class summary</h1>']
    st = summary['statuses']
    p.append('<p>%d students: %s. The gradebook is <a href="gradebook.csv">gradebook.csv</a>; '
             'the same figures for scripts are in <a href="summary.json">summary.json</a>.</p>'
             % (summary['students'], ', '.join('%d %s' % (n, e(k)) for k, n in sorted(st.items()))))
    p.append('<h2>Scores per chapter</h2><div class="figs">')
    for c in summary['chapters']:
        p.append('<img src="%s" alt="histogram of the scores of %s" width="500" height="260">'
                 % (e(pictures[c['chapter']]), e(c['chapter'])))
    p.append('</div><table><tr><th>chapter</th><th>max</th><th>mean</th><th>built and ran</th></tr>')
    for c in summary['chapters']:
        p.append('<tr><td>%s</td><td class="num">%d</td><td class="num">%s</td><td class="num">%d</td></tr>'
                 % (e(c['chapter']), c['max'], '' if c['mean'] is None else c['mean'], c['built']))
    p.append('</table>')
    p.append('<h2>Students whose grading failed</h2>')
    bad = summary['failed_students']
    if bad:
        p.append('<p>Every student not fully graded: the reason is the first thing to read.</p>'
                 '<table><tr><th>student</th><th>status</th><th>why</th></tr>')
        for b in bad:
            link = 'students/%s/report.html' % b['folder']
            name = ('<a href="%s">%s</a>' % (e(link), e(b['student']))
                    if os.path.exists(os.path.join(out, link)) else e(b['student']))
            p.append('<tr><td>%s</td><td class="bad">%s</td><td>%s</td></tr>' % (name, e(b['status']), e(b['reason'])))
        p.append('</table>')
    else:
        p.append('<p>None: every student was graded.</p>')
    p.append('<h2>The tests most failed</h2>')
    if summary['most_failed']:
        p.append('<table><tr><th>chapter</th><th>test</th><th>passed</th></tr>')
        for t in summary['most_failed']:
            p.append('<tr><td>%s</td><td>%s<br><small>%s</small></td><td class="num">%d of %d</td></tr>'
                     % (e(t['chapter']), e(t['title']), e(t['name']), t['passed'], t['graded']))
        p.append('</table>')
    else:
        p.append('<p>None: every test passed for every student whose chapter built.</p>')
    p.append('<h2>Pass rate of every test</h2><p>Among the students whose chapter built and ran.</p>')
    for c in summary['chapters']:
        p.append('<h3>%s</h3><table><tr><th>test</th><th>points</th><th>passed</th><th></th></tr>' % e(c['chapter']))
        for t in c['tests']:
            rate = t['rate'] or 0
            p.append('<tr><td>%s</td><td class="num">%d</td><td class="num">%d of %d</td>'
                     '<td><span class="bar" style="width:%dpx"></span></td></tr>'
                     % (e(t['name']), t['points'], t['passed'], t['graded'], round(100 * rate)))
        p.append('</table>')
    p.append('<h2>Every student</h2><table><tr><th>student</th><th>status</th><th>total</th>%s</tr>'
             % ''.join('<th>%s</th>' % e(c['chapter']) for c in summary['chapters']))
    for row, r in zip(rows, records):
        link = 'students/%s/report.html' % r['folder']
        name = ('<a href="%s">%s</a>' % (e(link), e(row['student']))
                if os.path.exists(os.path.join(out, link)) else e(row['student']))
        p.append('<tr><td>%s</td><td>%s</td><td class="num">%d/%d</td>%s</tr>' % (
            name, e(row['status']), row['total'], row['max'],
            ''.join('<td class="num">%d/%d</td>' % (row[c['chapter']], row[c['chapter'] + ' max'])
                    for c in summary['chapters'])))
    p.append('</table></body></html>\n')
    with open(os.path.join(out, 'summary.html'), 'w') as f:
        f.write('\n'.join(p))


# ---------------------------------------------------------------- main ---

def inside(path, folder):
    path, folder = os.path.realpath(path), os.path.realpath(folder)
    return path == folder or path.startswith(folder + os.sep)


def cmd_run(a):
    a.root = os.path.realpath(a.root)
    if not a.submissions:
        die('usage: make grade-class SUBMISSIONS=dir [JOBS=n] [CHAPTERS=01,03] [OUT=dir]')
    if not os.path.isdir(a.submissions):
        die('no such folder: %s' % a.submissions)
    a.out = os.path.abspath(a.out or os.path.join(a.root, 'build', 'class'))
    # Every grade compares the checkout before and after each chapter, build/
    # aside: an output folder elsewhere in the checkout, written while other
    # students are graded, would read as a test changing the checkout.
    if inside(a.out, a.root) and not inside(a.out, os.path.join(a.root, 'build')):
        die('OUT=%s is inside the checkout: choose a folder under build/ or outside it' % a.out)
    if inside(a.out, a.submissions):
        die('OUT= may not be inside SUBMISSIONS=')
    if a.engine not in ('local', 'parallel', 'slurm'):
        die('ENGINE= is local, parallel or slurm')
    if a.hidden and not pmgrade_has(a.root, '--hidden'):
        die('HIDDEN= needs a grader with hidden tests (pmgrade --hidden), which this one lacks')
    os.makedirs(a.out, exist_ok=True)
    t0 = time.time()
    students, chapters = intake(a)
    cpus = os.cpu_count() or 1
    jobs = a.jobs or cpus
    plan = {'root': a.root, 'out': a.out, 'chapters': chapters, 'gradeflags': a.gradeflags or '',
            'hidden': os.path.abspath(a.hidden) if a.hidden else '', 'jobs': jobs,
            'pmgrade_jobs': max(1, cpus // jobs), 'timeout': a.timeout, 'fresh': a.fresh,
            'keep_builds': a.keep_builds, 'tests': {}, 'max': {}, 'students': students}
    print('grade-class: %d submission%s in %s, chapters %s' % (
        len(students), '' if len(students) == 1 else 's', a.submissions, ' '.join(chapters)))
    prebuild(a, plan)
    for s in students:
        s['key'] = grading_key(s, plan)
    write_json(os.path.join(a.out, 'plan.json'), plan)
    todo = to_grade(plan)
    skipped = sum(1 for s in students if s['status'] == '') - len(todo)
    t1 = time.time()
    print('grade-class: intake and shared builds took %.0f s; %d to grade%s' % (
        t1 - t0, len(todo), ', %d already graded (same files)' % skipped if skipped else ''))
    if a.engine == 'slurm':
        engine_slurm(plan, todo)
        return 0
    if a.engine == 'parallel':
        engine_parallel(plan, todo, a.sshloginfile)
    else:
        engine_local(plan, todo)
    retry_timeouts(plan)
    summary = gather(a.out)
    print('grade-class: %d graded in %.0f s; %s' % (len(todo), time.time() - t1, ', '.join(
        '%d %s' % (n, k) for k, n in sorted(summary['statuses'].items()))))
    print('grade-class: %s and %s' % (os.path.join(a.out, 'gradebook.csv'), os.path.join(a.out, 'summary.html')))
    return 0


def cmd_one(a):
    plan = load_plan(os.path.abspath(a.out))
    match = [s for s in plan['students'] if s['folder'] == a.student]
    if not match:
        die('no student %s in the batch of %s' % (a.student, a.out))
    s = match[0]
    if s['status'] in ('rejected', 'missing'):
        return 0
    rec = grade_one(plan, s, a.force)
    print('%s: %s %s' % (s['student'], rec['status'], rec['reason']))
    return 0


def main():
    signal.signal(signal.SIGTERM, stop_graders)
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    sub = ap.add_subparsers(dest='cmd')
    r = sub.add_parser('run', help='intake, shared builds, grading and the gradebook')
    r.add_argument('--root', default='.')
    r.add_argument('--submissions')
    r.add_argument('--out')
    r.add_argument('--chapters', default='')
    r.add_argument('--jobs', type=int, default=0)
    r.add_argument('--engine', default='local')
    r.add_argument('--sshloginfile', default='')
    r.add_argument('--hidden', default='')
    r.add_argument('--roster', dest='roster_file', default='')
    r.add_argument('--gradeflags', default='')
    r.add_argument('--timeout', type=int, default=1800)
    r.add_argument('--fresh', action='store_true')
    r.add_argument('--keep-builds', action='store_true')
    o = sub.add_parser('one', help='grade one student of a prepared batch')
    o.add_argument('--out', required=True)
    o.add_argument('--student', required=True)
    o.add_argument('--force', action='store_true')
    g = sub.add_parser('gather', help='the gradebook and the summary of a batch')
    g.add_argument('--out', required=True)
    a = ap.parse_args()
    if a.cmd == 'run':
        try:
            return cmd_run(a)
        except KeyboardInterrupt:
            for p in list(RUNNING):
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
            print('\ngrade-class: interrupted; the students graded so far are kept: '
                  'run the same command again to go on', file=sys.stderr)
            return 130
    if a.cmd == 'one':
        return cmd_one(a)
    if a.cmd == 'gather':
        gather(os.path.abspath(a.out))
        print('grade-class: %s' % os.path.join(os.path.abspath(a.out), 'gradebook.csv'))
        return 0
    ap.print_help()
    return 2


if __name__ == '__main__':
    sys.exit(main())
