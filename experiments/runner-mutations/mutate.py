"""Mutations of scripts/runner.py, each a way the runner could report a
failure as a pass; make runner-test must fail on every one. Run from the
repository's top: python3 experiments/runner-mutations/mutate.py"""
import os, shutil, subprocess, sys, tempfile
TOP = os.getcwd()
tmp = tempfile.mkdtemp()
shutil.copytree(os.path.join(TOP, "scripts"), os.path.join(tmp, "scripts"))
shutil.copytree(os.path.join(TOP, "tests"), os.path.join(tmp, "tests"))
os.chdir(tmp)
src = open(os.path.join(TOP, 'scripts/runner.py')).read()
muts = [
 ("known failure waives a kernel report", 'if kind not in TEST_FAILURES or exp.expect != "known-failure":', 'if exp.expect != "known-failure":'),
 ("series test may retry", 'return exp.retry == "flaky" and not exp.series and judged["kind"] in TEST_FAILURES', 'return (exp.retry == "flaky" or exp.series) and judged["kind"] in TEST_FAILURES'),
 ("pass on retry reported PASS", 'return "FLAKY", f"passed on retry', 'return "PASS", f"passed on retry'),
 ("skip of a series test tolerated", '''        if exp.expect == "skip":
            return "SKIP", reason''', '''        if exp.expect == "skip" or exp.series:
            return "SKIP", reason'''),
 ("taint ignored", 'if tainted:', 'if False and tainted:'),
 ("debug_locks ignored", 'if rec["debug_locks"] == 0:', 'if False:'),
 ("counts from any line", 'm = CLOSING.match(lines[-1]) if lines else None', 'm = next((CLOSING.match(l) for l in lines if CLOSING.match(l)), None)'),
 ("results dir not emptied", 'shutil.rmtree(results, ignore_errors=True)', 'pass'),
 ("soft lockup behind a subsystem word missed", 'for text in (body, body[sub.end():] if sub else None):', 'for text in (body, None):'),
 ("signature not required", 'exp.signature != "@timeout" and exp.signature in last["output"]:', 'True:'),
 ("signature matched against the runner's reason", 'exp.signature != "@timeout" and exp.signature in last["output"]:', 'exp.signature != "@timeout" and exp.signature in last["output"] + reason:'),
 ("known failure passing reported PASS", 'return "XPASS", "a known failure passed', 'return "PASS", "a known failure passed'),
 ("missing debug_locks tolerated", 'if rec["debug_locks"] is None:', 'if False:'),
 ("QEMU failure after the test ignored", 'if boot.killed or boot.qemu_rc:', 'if False:'),
 ("lockdep bracketed titles missed", '    ("lockdep", r"\\[ BUG: "),\n', ''),
 ("series test allowed nosev=skip", 'if series and (expect != "pass" or self.retry != "no" or self.nosev):', 'if series and (expect != "pass" or self.retry != "no"):'),
 ("XPASS not counted as passed", "line = f\"{counts['PASS'] + counts['XPASS']} passed,", "line = f\"{counts['PASS']} passed,"),
 ("status from the console marker", '''    if "rc" not in r or "end" not in r:''', '''    if "@@KVMTEST-RC 0@@" in boot.console:
        r = dict(r, rc="0", end="")
    if "rc" not in r or "end" not in r:'''),
]
for name, a, b in muts:
    assert src.count(a) == 1, name
    open('scripts/runner.py', 'w').write(src.replace(a, b))
    p = subprocess.run(['python3', '-m', 'unittest', 'test_runner'], cwd='tests/runner', capture_output=True, text=True)
    tail = [l for l in p.stderr.splitlines() if l.startswith(('FAIL:', 'ERROR:'))]
    print(('DETECTED' if p.returncode else 'MISSED  '), name, '|', '; '.join(tail)[:200])
shutil.rmtree(tmp)
