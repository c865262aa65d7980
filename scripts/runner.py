#!/usr/bin/env python3
"""The test runner: boots one QEMU per test, classifies the result, applies
tests/expectations (expected result, known-failure signature, retry) and
reports in TAP 13, with a JSON record per test. Standard library only.

  runner.py run [--tap-start N] [--raw] [GLOB ...]
                                            the selected tests; TAP on stdout
                                            (--raw: no expectations, make base-run)
  runner.py one NAME BINARY TIMEOUT [ARG ...]  one boot, no expectations
  runner.py classify LOG ...                kernel reports found in console logs
  runner.py counts TAPFILE                  "P F S" from a run's closing line
  runner.py check-expectations              the file against TESTS and patches/

The environment comes from scripts/common.sh, which the wrappers
(run-one.sh, vmtest.sh) source: KVMTEST_QEMU, KVMTEST_QEMU_CPU,
KVMTEST_QEMU_DEVICES, QEMU_FW (derived there from QEMU, QEMU_CPU,
QEMU_SEV), QEMU_MEM, BZIMAGE or KOBJ, BASE_CPIO or BUILD, KVMTEST_CMDLINE,
QEMU_EXTRA, RESULTS, SELFTESTS_OUT, VMJOBS or JOBS, EXTRA_FILES,
EXTRA_CPIO (cpio archives appended to a boot's initramfs), TESTS,
EXPECTATIONS, PATCHES; QEMU_SEV=0 also selects the nosev= expectations.

How one boot is judged, in order (the first that applies decides):
  no "booted" line on the result port     FAIL did not boot
  a kernel report on the console          FAIL kernel report (never waived)
  no exit status on the result port       FAIL no result (crash or hang)
  QEMU killed or non-zero after the test  FAIL QEMU
  a taint after the test                  FAIL kernel tainted
  debug_locks 0 or missing                FAIL lockdep off (or absent)
  exit status 137 (guest's timeout KILL)  FAIL timeout
  exit status 0 / 4 / other               PASS / SKIP / FAIL exit status N
The result port is the guest's second UART (ttyS1), written by /init
(scripts/guest-init.sh) and nothing else; the console is only scanned for
kernel reports and for the test's output.
"""
import concurrent.futures
import fnmatch
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time

# --------------------------------------------------------------------------
# Kernel reports.
#
# A report line is a printk line: "[    4.061070] " (with CONFIG_PRINTK_CALLER
# also "[T123]"), then at most one "subsystem: " word ("watchdog: BUG: soft
# lockup", "rcu: INFO: rcu_preempt detected stalls"), then the report's
# first words as the kernel prints them. Anchoring there keeps boot banners
# that merely mention a word ("rcu: RCU lockdep checking is enabled.",
# "Speculative Return Stack Overflow: WARNING: See ...") and the test's own
# output (no timestamp) out. First match wins; the order puts the specific
# forms of "BUG: " and "WARNING: " before the generic ones.
PRINTK = re.compile(r"\[\s*\d+\.\d+\](?:\[\s*[TC]\d+\])?\s(.*)$")
SUBSYS = re.compile(r"[\w.\-]+: ")
REPORTS = [
    ("panic", r"Kernel panic - not syncing"),
    ("kasan", r"BUG: KASAN: "),
    ("kasan", r"KASAN: "),
    ("ubsan", r"UBSAN: "),
    ("soft-lockup", r"BUG: soft lockup - CPU#"),
    ("hard-lockup", r"Watchdog detected hard LOCKUP"),
    ("rcu-stall", r"INFO: rcu_\w+ (?:self-)?detected (?:expedited )?stalls?"),
    ("hung-task", r"INFO: task .+:\d+ blocked for more than \d+ seconds"),
    ("lockdep", r"WARNING: (?:possible circular locking dependency"
                r"|possible recursive locking|inconsistent lock state"
                r"|suspicious RCU usage|bad unlock balance"
                r"|lock held when returning to user space"
                r"|held lock freed|possible irq lock inversion"
                r"|\S+-safe -> \S+-unsafe lock order"
                r"|nested lock was not taken|bad contention detected"
                r"|lock held by \S+ is being freed|Nested lock was not taken"
                r"|locking bug|lockdep)"),
    ("lockdep", r"BUG: (?:looking up invalid subclass|key \S+ has not been"
                r" registered|MAX_LOCK\w* too low|MAX_STACK_TRACE_ENTRIES"
                r"|held lock freed)"),
    ("lockdep", r"INFO: trying to register non-static key"),
    # lockdep's bracketed titles: "[ BUG: Invalid wait context ]",
    # "[ BUG: bad unlock balance detected! ]" (kernel/locking/lockdep.c).
    ("lockdep", r"\[ BUG: "),
    ("atomic-sleep", r"BUG: (?:sleeping function called from invalid context"
                     r"|scheduling while atomic|workqueue leaked"
                     r"|using \S+ in preemptible|Invalid wait context)"),
    ("oops", r"BUG: (?:kernel NULL pointer dereference|unable to handle)"),
    ("oops", r"Oops: "),
    ("oops", r"general protection fault"),
    ("bug", r"kernel BUG at "),
    ("bug", r"BUG: "),
    ("warn", r"WARNING: CPU: \d+ PID: \d+ at "),
    ("warn", r"WARNING: (?!See )"),
    # Weak: these count only when no report above explains them (a stack
    # dump from dump_stack() in a debug check; a cut-here line whose report
    # line was lost).
    ("cut-here", r"-+\[ cut here \]-+"),
    ("stack-dump", r"Call Trace:"),
]
WEAK = ("cut-here", "stack-dump")
REPORTS = [(k, re.compile(p)) for k, p in REPORTS]
WARN_AT = re.compile(r"WARNING: CPU: \d+ PID: \d+ at (?:\.\./linux/)?(\S+) (\S+?)\+0x")


def kernel_reports(text):
    """Every kernel report line in a console log, in order, each once (the
    console carries a line twice when it was printed live and again in the
    dmesg dump at the end): a list of {kind, title, line}."""
    found, seen = [], set()
    for n, raw in enumerate(text.splitlines(), 1):
        m = PRINTK.search(raw.rstrip("\r"))
        if not m:
            continue
        body = m.group(1).strip()
        # The report's words right after the timestamp, or after one
        # "subsystem: " word ("watchdog: BUG: soft lockup").
        sub = SUBSYS.match(body)
        hit = None
        for text in (body, body[sub.end():] if sub else None):
            if text is None:
                continue
            hit = next(((k, text) for k, pat in REPORTS if pat.match(text)), None)
            if hit:
                break
        if not hit:
            continue
        key = m.group(0).strip()
        if key in seen:
            continue
        seen.add(key)
        found.append({"kind": hit[0], "title": report_title(hit[0], hit[1]), "line": n})
    # A weak line counts on its own only when nothing else explains it.
    if any(r["kind"] not in WEAK for r in found):
        found = [r for r in found if r["kind"] not in WEAK]
    return found


def report_title(kind, body):
    m = WARN_AT.match(body)
    if m:
        return f"WARNING in {m.group(2)} ({m.group(1)})"
    return body[:200]


TAINT_FLAGS = "PFSRMBUDAWCIOELKXTNJ"


def taint_letters(mask):
    return "".join(TAINT_FLAGS[i] for i in range(len(TAINT_FLAGS)) if mask >> i & 1)


# --------------------------------------------------------------------------
# One boot.

class Boot:
    """What one QEMU boot left: the console text, the result port's
    key=value lines, QEMU's exit status and stderr, the wall time."""

    def __init__(self, console, result, qemu_rc=0, qemu_err="", secs=0, killed=False):
        self.console, self.result_text = console, result
        self.qemu_rc, self.qemu_err, self.secs, self.killed = qemu_rc, qemu_err, secs, killed
        self.result = {}
        self.lines = []
        for line in (result or "").replace("\r", "").splitlines():
            line = line.strip()
            if not line:
                continue
            self.lines.append(line)
            for field in line.split():
                k, eq, v = field.partition("=")
                self.result[k] = v if eq else ""
        # "booted" and "end" are words; every other field is key=value.


def env(name, default=""):
    return os.environ.get(name, default)


def read_text(path):
    """A file's text, or None if it cannot be read."""
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return None


def qemu_boot(name, binary, timeout, args, workdir, files=()):
    """Boot the test kernel once with BINARY as /test/<basename>."""
    root = os.path.join(workdir, "root")
    tdir = os.path.join(root, "test")
    os.makedirs(tdir)
    for f in [binary, *files]:
        shutil.copy(f, tdir)
    with open(os.path.join(tdir, "env"), "w") as f:
        f.write(f"KVMTEST_NAME={shlex.quote(name)}\nKVMTEST_TIMEOUT={int(timeout)}\n")
    with open(os.path.join(tdir, "run"), "w") as f:
        f.write("exec ./" + " ".join(shlex.quote(a) for a in [os.path.basename(binary), *args]) + "\n")
    initrd = os.path.join(workdir, "initrd")
    subprocess.run(f"cd {shlex.quote(root)} && find . -print0 | sort -z | "
                   f"cpio --null -o -H newc --quiet > ../test.cpio", shell=True, check=True)
    base = env("BASE_CPIO") or os.path.join(env("BUILD"), "initramfs", "base.cpio")
    with open(initrd, "wb") as out:
        for part in (base, os.path.join(workdir, "test.cpio"), *shlex.split(env("EXTRA_CPIO"))):
            with open(part, "rb") as f:
                shutil.copyfileobj(f, out)
    console, result = os.path.join(workdir, "console"), os.path.join(workdir, "result")
    qemu = env("KVMTEST_QEMU")
    bzimage = env("BZIMAGE") or os.path.join(env("KOBJ"), "arch/x86/boot/bzImage")
    cmd = [qemu, *shlex.split(env("QEMU_FW")), "-machine", "q35",
           "-accel", "tcg,thread=single", "-cpu", env("KVMTEST_QEMU_CPU"),
           *shlex.split(env("KVMTEST_QEMU_DEVICES")), "-smp", "2", "-m", env("QEMU_MEM", "3G"),
           "-nodefaults", "-display", "none", "-no-reboot", "-monitor", "none",
           "-serial", "file:" + console, "-serial", "file:" + result,
           "-kernel", bzimage, "-initrd", initrd,
           "-append", "console=ttyS0 loglevel=5 printk.time=1 panic=-1 nokaslr " + env("KVMTEST_CMDLINE"),
           *shlex.split(env("QEMU_EXTRA"))]
    start = time.monotonic()
    killed = False
    with open(os.path.join(workdir, "qemu.err"), "w") as err:
        proc = subprocess.Popen(cmd, stdout=err, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            rc = proc.wait(timeout=timeout + 150)
        except subprocess.TimeoutExpired:
            proc.kill()
            rc = proc.wait()
            killed = True
    secs = int(time.monotonic() - start)
    return Boot(read_text(console) or "", read_text(result), rc,
                read_text(os.path.join(workdir, "qemu.err")) or "", secs, killed)


def fake_boot(name, attempt):
    """RUNNER_FAKE=DIR: the runner's own tests replay recorded boots:
    DIR/NAME.ATTEMPT.console and DIR/NAME.ATTEMPT.result (a missing result
    file is a boot that wrote nothing there). RUNNER_FAKE_DIE=NAME makes the
    runner die when it reaches NAME, as a killed run would."""
    if env("RUNNER_FAKE_DIE") == name:
        os._exit(9)
    d, slug = env("RUNNER_FAKE"), name.replace("/", "_")

    def read(suffix):
        texts = (read_text(os.path.join(d, f"{slug}.{a}{suffix}")) for a in (f"{attempt}.", ""))
        return next((t for t in texts if t is not None), None)
    return Boot(read("console") or "", read("result"), 0, "", 1, False)


# --------------------------------------------------------------------------
# Judging one boot.

def test_output(console):
    """The test's own output: console lines between /init's markers."""
    out, inside = [], False
    for line in console.replace("\r", "").splitlines():
        if line.startswith("@@KVMTEST-BEGIN "):
            inside = True
        elif line.startswith("@@KVMTEST-OUTPUT-END"):
            break
        elif inside:
            out.append(line)
    return "\n".join(out)


def judge(boot, timeout):
    """-> dict(word=PASS|SKIP|FAIL, kind, reason, reports, output, ...)."""
    r = boot.result
    out = test_output(boot.console)
    reports = kernel_reports(boot.console)
    rec = {"rc": None, "tainted": None, "debug_locks": None, "reports": reports,
           "output": out, "secs": boot.secs, "result_port": boot.lines}

    def res(word, kind, reason):
        rec.update(word=word, kind=kind, reason=reason)
        return rec
    if "booted" not in r:
        how = f"VM killed after {boot.secs} s" if boot.killed else f"qemu rc={boot.qemu_rc}"
        err = " ".join(boot.qemu_err.split())[:300]
        return res("FAIL", "no-boot", f"did not boot ({how}{': ' + err if err else ''})")
    if reports:
        first = reports[0]
        more = f" (+{len(reports) - 1} more)" if len(reports) > 1 else ""
        return res("FAIL", "kernel-report", f"kernel report: {first['kind']}: {first['title']}{more}")
    if "rc" not in r or "end" not in r:
        how = f"VM killed after {boot.secs} s" if boot.killed else f"qemu rc={boot.qemu_rc}"
        return res("FAIL", "no-result", f"no exit status on the result port (kernel crashed or hung, {how})")
    try:
        rc = int(r["rc"])
        tainted = int(r.get("tainted", "0"))
    except ValueError:
        return res("FAIL", "no-result", f"garbled result port: {boot.lines}")
    rec["rc"], rec["tainted"] = rc, tainted
    dl = r.get("debug_locks")
    rec["debug_locks"] = int(dl) if dl and dl.isdigit() else None
    if boot.killed or boot.qemu_rc:
        how = f"killed after {boot.secs} s" if boot.killed else f"exited with status {boot.qemu_rc}"
        err = " ".join(boot.qemu_err.split())[:300]
        return res("FAIL", "qemu", f"QEMU {how} after the test ended{': ' + err if err else ''}")
    if tainted:
        return res("FAIL", "taint", f"kernel tainted after the test: {tainted} ({taint_letters(tainted)})")
    # make bench's kernel has no lockdep, and says so (RUNNER_NO_LOCKDEP=1).
    if rec["debug_locks"] is None and env("RUNNER_NO_LOCKDEP") != "1":
        return res("FAIL", "debug-locks", "no debug_locks on the result port: the test kernel must have lockdep")
    if rec["debug_locks"] == 0:
        return res("FAIL", "debug-locks", "lockdep turned itself off (debug_locks=0) during the test")
    if rc == 137:
        return res("FAIL", "timeout", f"timeout: test killed after {timeout} s")
    if rc == 0:
        return res("PASS", "pass", "")
    if rc == 4:
        why = next((l.strip() for l in out.splitlines() if "skip" in l.lower()), "exit status 4")
        return res("SKIP", "skip", why[:200])
    return res("FAIL", "exit", f"exit status {rc}")


# A test failure, as opposed to the kernel's or the boot's: only these can
# match a known-failure signature or earn a retry.
TEST_FAILURES = ("exit", "timeout")


# --------------------------------------------------------------------------
# Expectations.

class Expectation:
    KEYS = {"base", "why", "signature", "retry", "timeout", "args", "secs", "nosev"}

    def __init__(self, name, expect, opts, series, where):
        self.name, self.expect, self.series, self.where = name, expect, series, where
        bad = set(opts) - self.KEYS
        if bad:
            raise ValueError(f"{where}: unknown key(s) {sorted(bad)}")
        if expect not in ("pass", "skip", "known-failure"):
            raise ValueError(f"{where}: expect must be pass, skip or known-failure, not {expect!r}")
        self.base = opts.get("base", "")
        self.why = opts.get("why", "")
        self.signature = opts.get("signature", "")
        self.retry = opts.get("retry", "no")
        if self.retry not in ("no", "flaky"):
            raise ValueError(f"{where}: retry must be flaky or no")
        self.timeout = int(opts.get("timeout", "300"))
        self.args = shlex.split(opts.get("args", ""))
        self.secs = int(opts.get("secs", "20"))
        self.nosev = opts.get("nosev", "")
        if self.nosev not in ("", "skip"):
            raise ValueError(f"{where}: nosev must be skip")
        if self.nosev and not self.why:
            raise ValueError(f"{where}: nosev=skip needs why=")
        if expect == "known-failure" and not self.signature:
            raise ValueError(f"{where}: a known failure needs its signature")
        if expect != "pass" and not (self.why and self.base):
            raise ValueError(f"{where}: expect {expect} needs why= and base=")
        if self.retry == "flaky" and not self.why:
            raise ValueError(f"{where}: a flaky test needs why=")
        if series and (expect != "pass" or self.retry != "no" or self.nosev):
            raise ValueError(f"{where}: the series' own test {name} must expect pass, "
                             "without retry or nosev")


def load_expectations(path):
    """tests/expectations: 'NAME EXPECT [series] [key=value ...]', one test
    a line ('\\' continues a line), values quoted as in sh."""
    exps, text = {}, open(path).read().replace("\\\n", " ")
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        words = shlex.split(line)
        where = f"{path}: {words[0]}"
        if len(words) < 2:
            raise ValueError(f"{where}: no expected result")
        series = "series" in words[2:]
        opts = {}
        for w in words[2:]:
            if w == "series":
                continue
            k, eq, v = w.partition("=")
            if not eq:
                raise ValueError(f"{where}: {w!r} is not key=value")
            opts[k] = v
        if words[0] in exps:
            raise ValueError(f"{where}: listed twice")
        exps[words[0]] = Expectation(words[0], words[1], opts, series, where)
    return exps


def series_tests(patches_dir):
    """The selftests the series adds: new .c files in the KVM selftests
    directory of patches/ (x86_64/foo_test.c -> foo_test)."""
    names = set()
    for p in sorted(os.listdir(patches_dir)):
        if not re.match(r"\d{4}-.*\.patch$", p) or p.startswith("0000-"):
            continue
        cur = None
        for line in open(os.path.join(patches_dir, p), errors="replace"):
            m = re.match(r"diff --git a/tools/testing/selftests/kvm/(?:x86_64/)?(\w+)\.c ", line)
            if m:
                cur = m.group(1)
            elif line.startswith("diff --git"):
                cur = None
            elif cur and line.startswith("new file mode"):
                names.add(cur)
    return names


def check_expectations(exps, tests, ours):
    """Every test the suite runs has an entry; entries name tests that exist;
    the 'series' marks are exactly the series' new tests."""
    errs = []
    short = {t.split("/")[-1] for t in tests}
    for t in sorted(short - set(exps)):
        errs.append(f"{t}: no entry in tests/expectations")
    for t in sorted(set(exps) - short):
        errs.append(f"{t}: in tests/expectations but not built")
    for t in sorted(ours & short):
        if t in exps and not exps[t].series:
            errs.append(f"{t}: the series adds it, mark it 'series'")
    for t in sorted(set(exps)):
        if exps[t].series and t not in ours:
            errs.append(f"{t}: marked 'series' but the series does not add it")
    return errs


def decide(exp, attempts):
    """The reported result of a test from its attempts' judgements and its
    expectation: (word, reason), word one of PASS FAIL SKIP XFAIL FLAKY."""
    last = attempts[-1]
    if getattr(exp, "raw", False):
        return last["word"], last["reason"]
    if len(attempts) > 1 and last["word"] == "PASS":
        return "FLAKY", f"passed on retry; first run: {attempts[0]['reason']}"
    word, kind, reason = last["word"], last["kind"], last["reason"]
    if len(attempts) > 1:
        reason = f"{reason} (and on retry; first run: {attempts[0]['reason']})"
    if word == "PASS":
        if exp.expect == "known-failure":
            return "XPASS", "a known failure passed: if it keeps passing, update tests/expectations"
        if exp.expect == "skip":
            return "PASS", "expected to skip"
        return "PASS", ""
    if word == "SKIP":
        if exp.expect == "skip":
            return "SKIP", reason
        what = "the series' own test must pass" if exp.series else f"expected {exp.expect}"
        return "FAIL", f"skipped ({reason}); {what}"
    # FAIL
    if kind not in TEST_FAILURES or exp.expect != "known-failure":
        return "FAIL", reason
    if exp.signature == "@timeout" and kind == "timeout" or \
            exp.signature != "@timeout" and exp.signature in last["output"]:
        return "XFAIL", f"known failure ({exp.why})"
    return "FAIL", f"{reason}; not the known failure (signature: {exp.signature!r})"


def may_retry(exp, judged):
    return exp.retry == "flaky" and not exp.series and judged["kind"] in TEST_FAILURES


# --------------------------------------------------------------------------
# Running.

class Runner:
    def __init__(self, results):
        self.results = results
        self.lock = threading.Lock()
        self.done = 0

    def attempt(self, name, binary, timeout, args, attempt, files=()):
        slug = name.replace("/", "_")
        suffix = "" if attempt == 1 else f".try{attempt}"
        if env("RUNNER_FAKE"):
            boot = fake_boot(name, attempt)
        else:
            work = tempfile.mkdtemp(prefix="run.", dir=env("BUILD") or None)
            try:
                boot = qemu_boot(name, binary, timeout, args, work, files)
            except (OSError, subprocess.SubprocessError) as e:
                # No QEMU, no binary, no initramfs: this test did not boot.
                boot = Boot("", None, -1, f"could not start the boot: {e}", 0, False)
            finally:
                shutil.rmtree(work, ignore_errors=True)
        j = judge(boot, timeout)
        base = os.path.join(self.results, slug + suffix)
        with open(base + ".log", "w") as f:
            f.write(boot.console)
        with open(base + ".out", "w") as f:
            f.write(j["output"] + "\n")
        j["log"] = base + ".log"
        return j

    def run_test(self, name, exp, total):
        binary = os.path.join(env("SELFTESTS_OUT"), name)
        attempts = [self.attempt(name, binary, exp.timeout, exp.args, 1)]
        if attempts[0]["word"] != "PASS" and may_retry(exp, attempts[0]):
            attempts.append(self.attempt(name, binary, exp.timeout, exp.args, 2))
        word, reason = decide(exp, attempts)
        rec = {"name": name, "result": word, "reason": reason, "expect": exp.expect,
               "series": exp.series, "retry": exp.retry, "attempts": attempts}
        slug = name.replace("/", "_")
        with open(os.path.join(self.results, slug + ".json"), "w") as f:
            json.dump(rec, f, indent=1)
        with self.lock:
            self.done += 1
            secs = sum(a["secs"] for a in attempts)
            print(f"[{self.done}/{total}] {word} {name} ({secs}s){': ' + reason if reason else ''}",
                  file=sys.stderr, flush=True)
        return rec


def select(tests, globs):
    if not globs:
        return list(tests)
    return [t for t in tests if any(fnmatch.fnmatchcase(t, g) or
                                    fnmatch.fnmatchcase(t.split("/")[-1], g) for g in globs)]


TAP_WORD = {"PASS": "ok", "FLAKY": "ok", "XFAIL": "ok", "XPASS": "ok", "SKIP": "ok", "FAIL": "not ok"}
DIRECTIVE = {"SKIP": " # SKIP ", "XFAIL": " # XFAIL ", "XPASS": " # XPASS ", "FLAKY": " # FLAKY "}


def tap_line(n, rec):
    word, reason = rec["result"], rec["reason"]
    line = f"{TAP_WORD[word]} {n} {rec['name']}"
    if word in DIRECTIVE:
        line += DIRECTIVE[word] + reason
    elif reason:
        line += " # " + reason
    return line


def closing_line(counts):
    """The closing line: XFAIL counts as skipped, XPASS as passed, FLAKY as
    neither passed nor failed (shown apart)."""
    line = f"{counts['PASS'] + counts['XPASS']} passed, {counts['FAIL']} failed, {counts['SKIP'] + counts['XFAIL']} skipped"
    if counts["FLAKY"]:
        line += f", {counts['FLAKY']} flaky"
    return line


def failure_details(rec):
    """Diagnostics after a 'not ok' line, as TAP comments."""
    out = []
    last = rec["attempts"][-1]
    for line in last["output"].splitlines()[-40:]:
        out.append("#  | " + line)
    for r in last["reports"][:5]:
        out.append(f"#  ! line {r['line']}: {r['kind']}: {r['title']}")
    out.append(f"#  (console log: {last['log']})")
    return out


def load_suite():
    """(expectations, built tests, the series' tests, errors): what both
    run and check-expectations check the file against."""
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    exps = load_expectations(env("EXPECTATIONS") or os.path.join(top, "tests", "expectations"))
    listing = read_text(os.path.join(env("SELFTESTS_OUT"), "TESTS"))
    if listing is None:
        raise ValueError(f"no {env('SELFTESTS_OUT')}/TESTS: run make selftests")
    tests = [l.strip() for l in listing.splitlines() if l.strip()]
    ours = series_tests(env("PATCHES") or os.path.join(top, "patches"))
    return exps, tests, ours, check_expectations(exps, tests, ours)


def cmd_run(argv):
    tap_start, raw = 0, False
    while argv[:1] in (["--tap-start"], ["--raw"]):
        if argv[0] == "--raw":
            raw, argv = True, argv[1:]
        else:
            tap_start, argv = int(argv[1]), argv[2:]
    globs = argv or shlex.split(env("TESTS", "")) or []
    globs = [g for g in globs if g != "*"]
    exps, tests, _, errs = load_suite()
    if raw:
        errs = []
    if raw:
        # make base-run: what each test does, no expectation applied; the
        # timeouts and arguments still come from the file.
        for t in tests:
            short = t.split("/")[-1]
            old = exps.get(short)
            exps[short] = Expectation(short, "pass", {}, False, "raw")
            exps[short].raw = True
            if old:
                exps[short].timeout, exps[short].args, exps[short].secs = old.timeout, old.args, old.secs
    if env("QEMU_SEV") == "0":
        # No SEV host: the tests that need one are expected to skip.
        for e in exps.values():
            if e.nosev:
                e.expect = e.nosev
    if errs:
        for e in errs:
            print("runner: " + e, file=sys.stderr)
        return 2
    sel = select(tests, globs)
    if not sel:
        print(f"runner: no test matches {globs}", file=sys.stderr)
        return 2
    results = env("RESULTS")
    # Nothing of an earlier run may be read: the directory starts empty.
    shutil.rmtree(results, ignore_errors=True)
    os.makedirs(results)
    jobs = int(env("VMJOBS") or env("JOBS") or os.cpu_count() or 1)
    print(f"runner: {len(sel)} tests, {jobs} at a time, longest first", file=sys.stderr, flush=True)
    runner = Runner(results)
    # Longest first (the recorded secs=), so that the last minutes are not
    # one long test on one core while the other idles.
    order = sorted(sel, key=lambda t: -exps[t.split("/")[-1]].secs)
    recs = {}
    counts = dict.fromkeys(("PASS", "FAIL", "SKIP", "XFAIL", "XPASS", "FLAKY"), 0)
    if not tap_start:
        print("TAP version 13")
        print(f"1..{len(sel)}", flush=True)
    printed = 0

    def emit():
        # TAP lines in test order, each as soon as it and all before it are done.
        nonlocal printed
        while printed < len(sel) and sel[printed] in recs:
            rec = recs[sel[printed]]
            counts[rec["result"]] += 1
            print(tap_line(tap_start + printed + 1, rec))
            if rec["result"] == "FAIL":
                print("\n".join(failure_details(rec)))
            sys.stdout.flush()
            printed += 1
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futs = {pool.submit(runner.run_test, t, exps[t.split("/")[-1]], len(sel)): t for t in order}
        for fut in concurrent.futures.as_completed(futs):
            recs[futs[fut]] = fut.result()
            emit()
    print(f"# Totals: pass:{counts['PASS']} fail:{counts['FAIL']} xfail:{counts['XFAIL']}"
          f" xpass:{counts['XPASS']} flaky:{counts['FLAKY']} skip:{counts['SKIP']}")
    summary = {k.lower(): v for k, v in counts.items()}
    summary["tests"] = sel
    with open(os.path.join(results, "summary.json"), "w") as f:
        json.dump(summary, f, indent=1)
    print(("# vmtest: " if tap_start else "") + closing_line(counts), flush=True)
    return 1 if counts["FAIL"] else 0


CLOSING = re.compile(r"^(?:# vmtest: )?(\d+) passed, (\d+) failed, (\d+) skipped(?:, (\d+) flaky)?$")


def cmd_counts(argv):
    """Print 'P F S K' from the closing line of one run's captured stdout.
    The line must be the last one: a run that died has none, and then
    there are no counts (exit 1)."""
    lines = (read_text(argv[0]) or "").splitlines()
    m = CLOSING.match(lines[-1]) if lines else None
    if not m:
        print("no closing line: the run died before its end", file=sys.stderr)
        return 1
    print(m.group(1), m.group(2), m.group(3), m.group(4) or 0)
    return 0


def cmd_one(argv):
    """One boot of one program, judged without expectations (the helper
    scripts' tests: bench, demo, psp-test, sev-host, selfcheck). Writes
    RESULTS/NAME.{log,out,json,status}; prints 'WORD NAME (secs)'."""
    name, binary, timeout, args = argv[0], argv[1], int(argv[2]), argv[3:]
    results = env("RESULTS")
    os.makedirs(results, exist_ok=True)
    files = shlex.split(env("EXTRA_FILES"))
    slug = name.replace("/", "_")
    for suffix in (".status", ".json", ".out", ".log"):
        try:
            os.unlink(os.path.join(results, slug + suffix))
        except FileNotFoundError:
            pass
    j = Runner(results).attempt(name, binary, timeout, args, 1, files)
    with open(os.path.join(results, slug + ".json"), "w") as f:
        json.dump(dict(j, name=name), f, indent=1)
    with open(os.path.join(results, slug + ".status"), "w") as f:
        f.write(f"{j['word']} {j['reason']}".strip() + "\n")
    print(f"{j['word']} {name} ({j['secs']}s){': ' + j['reason'] if j['reason'] else ''}")
    return 0


def cmd_classify(argv):
    bad = 0
    for p in argv:
        reps = kernel_reports(open(p, errors="replace").read())
        for r in reps:
            print(f"{p}:{r['line']}: {r['kind']}: {r['title']}")
        if not reps:
            print(f"{p}: no kernel report")
        bad |= bool(reps)
    return 1 if bad else 0


def cmd_check_expectations(argv):
    exps, _, _, errs = load_suite()
    for e in errs:
        print(e)
    if not errs:
        print(f"tests/expectations: {len(exps)} entries, one per built test")
    return 1 if errs else 0


def main():
    cmds = {"run": cmd_run, "one": cmd_one, "classify": cmd_classify,
            "counts": cmd_counts, "check-expectations": cmd_check_expectations}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        return cmds[sys.argv[1]](sys.argv[2:])
    except ValueError as e:
        print(f"runner: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
