#!/usr/bin/env python3
"""make runner-test: the runner's own tests. No QEMU: recorded console logs
(corpus/) for the kernel-report classifier, and recorded boots replayed
through the runner (RUNNER_FAKE) for the policy: expectations, retries,
taint, lockdep, dead runs. Standard library only."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(TOP, "scripts"))
import runner  # noqa: E402

RUNNER = os.path.join(TOP, "scripts", "runner.py")


def console(output="", kernel=()):
    """A console log as /init writes it, with kernel lines in between."""
    lines = ["[    0.000000] Linux version 6.12.117 (kvm-sev-lm@build)",
             "[    0.417681] Speculative Return Stack Overflow: WARNING: See "
             "https://kernel.org/doc/html/latest/admin-guide/hw-vuln/srso.html for mitigation options.",
             "[    0.347101] rcu: \tRCU lockdep checking is enabled.",
             "@@KVMTEST-BEGIN t@@", *output.splitlines(), *kernel,
             "@@KVMTEST-OUTPUT-END@@", "@@KVMTEST-DMESG@@", "@@KVMTEST-END@@"]
    return "\n".join(lines) + "\n"


def result(rc=0, tainted=0, debug_locks=1, end=True):
    text = "booted release=6.12.117 tainted=0 debug_locks=1\n"
    if rc is not None:
        text += f"rc={rc} tainted={tainted} debug_locks={debug_locks}\n"
    if end:
        text += "end\n"
    return text


WARN = ["[    3.906602] ------------[ cut here ]------------",
        "[    3.906602] WARNING: CPU: 1 PID: 79 at ../linux/arch/x86/kvm/x86.c:112 kvm_foo+0x13/0x20 [kvm]"]


def load_json(path):
    with open(path) as f:
        return json.load(f)


def exp(line):
    """One tests/expectations line -> Expectation."""
    path = tempfile.mktemp()
    with open(path, "w") as f:
        f.write(line + "\n")
    try:
        return next(iter(runner.load_expectations(path).values()))
    finally:
        os.unlink(path)


def judged(**kw):
    out = kw.pop("output", "")
    kernel = kw.pop("kernel", ())
    res = kw.pop("res", None)
    boot = runner.Boot(console(out, kernel), result(**kw) if res is None else res)
    return runner.judge(boot, 300)


class Corpus(unittest.TestCase):
    """Real console logs (and two reconstructions, marked in EXPECTED): the
    classifier must find the report the log holds, and only it."""

    def test_corpus(self):
        cases = 0
        with open(os.path.join(HERE, "corpus", "EXPECTED")) as f:
            expected = f.readlines()
        for line in expected:
            if not line.strip() or line.startswith("#"):
                continue
            name, kind, *title = line.split(None, 2)
            title = title[0].strip() if title else ""
            with open(os.path.join(HERE, "corpus", name), errors="replace") as f:
                text = f.read()
            reps = runner.kernel_reports(text)
            with self.subTest(log=name):
                if kind == "none":
                    self.assertEqual(reps, [], f"{name}: false report")
                else:
                    self.assertTrue(reps, f"{name}: no report found, want {kind}")
                    self.assertEqual(reps[0]["kind"], kind, f"{name}: {reps[0]}")
                    self.assertTrue(reps[0]["title"].startswith(title),
                                    f"{name}: title {reps[0]['title']!r}, want {title!r}")
            cases += 1
        self.assertGreaterEqual(cases, 12)

    def test_every_kind_is_covered(self):
        with open(os.path.join(HERE, "corpus", "EXPECTED")) as f:
            kinds = {l.split()[1] for l in f if l.strip() and not l.startswith("#")}
        for k in ("warn", "bug", "soft-lockup", "oops", "lockdep", "kasan", "ubsan",
                  "rcu-stall", "hung-task", "panic", "none"):
            self.assertIn(k, kinds)

    def test_report_forms_not_in_the_corpus(self):
        # Forms the 6.12 tree prints that no corpus log holds (hard lockups
        # need the NMI watchdog, which TCG lacks; lockdep's bracketed
        # titles; a self-detected stall; a task name with a space).
        for line, kind in (
                ("[   12.000001] watchdog: Watchdog detected hard LOCKUP on cpu 1", "hard-lockup"),
                ("[   12.000001] [ BUG: Invalid wait context ]", "lockdep"),
                ("[   12.000001] WARNING: possible circular locking dependency detected", "lockdep"),
                ("[   12.000001] rcu: INFO: rcu_preempt self-detected stall on CPU", "rcu-stall"),
                ("[   12.000001] INFO: task kworker/u8:3 my:1234 blocked for more than 120 seconds.", "hung-task"),
                ("[   12.000001] BUG: sleeping function called from invalid context at mm/slub.c:1", "atomic-sleep"),
                ("[   12.000001][  T42] list_add corruption. prev->next should be next", None),
                ("[   12.000001] kvm_amd: SEV enabled (ASIDs 1 - 16)", None)):
            reps = runner.kernel_reports(line)
            self.assertEqual(reps[0]["kind"] if reps else None, kind, line)

    def test_test_output_is_not_a_report(self):
        # The test's own output has no printk timestamp.
        self.assertEqual(runner.kernel_reports("WARNING: CPU: 0 PID: 1 at x\nBUG: no\n"), [])

    def test_console_and_dmesg_dump_count_once(self):
        text = "\n".join(WARN + ["@@KVMTEST-DMESG@@"] + WARN)
        self.assertEqual(len(runner.kernel_reports(text)), 1)


class Judge(unittest.TestCase):
    def test_pass_skip_fail_timeout(self):
        self.assertEqual(judged(rc=0)["word"], "PASS")
        j = judged(rc=4, output="1..0 # SKIP no SEV")
        self.assertEqual((j["word"], j["reason"]), ("SKIP", "1..0 # SKIP no SEV"))
        self.assertEqual(judged(rc=1)["kind"], "exit")
        self.assertEqual(judged(rc=137)["kind"], "timeout")

    def test_taint_fails(self):
        j = judged(rc=0, tainted=512)
        self.assertEqual((j["word"], j["kind"]), ("FAIL", "taint"))
        self.assertIn("W", j["reason"])

    def test_debug_locks_off_fails(self):
        j = judged(rc=0, debug_locks=0)
        self.assertEqual((j["word"], j["kind"]), ("FAIL", "debug-locks"))
        # Missing (a kernel without lockdep) is not a pass either.
        j = judged(res="booted\nrc=0 tainted=0 debug_locks=\nend\n")
        self.assertEqual((j["word"], j["kind"]), ("FAIL", "debug-locks"))

    def test_qemu_failing_after_the_test_fails(self):
        boot = runner.Boot(console(), result(rc=0), qemu_rc=1, qemu_err="qemu: fatal: bad")
        j = runner.judge(boot, 300)
        self.assertEqual((j["word"], j["kind"]), ("FAIL", "qemu"))

    def test_kernel_report_fails_a_passing_test(self):
        j = judged(rc=0, kernel=WARN)
        self.assertEqual((j["word"], j["kind"]), ("FAIL", "kernel-report"))
        self.assertIn("WARNING in kvm_foo", j["reason"])

    def test_no_boot_and_no_result(self):
        self.assertEqual(judged(res="")["kind"], "no-boot")
        self.assertEqual(judged(rc=None, end=False)["kind"], "no-result")
        # The console's markers are not a result: only the result port is.
        boot = runner.Boot(console("@@KVMTEST-RC 0@@"), result(rc=None, end=False))
        self.assertEqual(runner.judge(boot, 300)["kind"], "no-result")


class Policy(unittest.TestCase):
    KNOWN = 'debug_regs known-failure base=FAIL signature="Unhandled exception" why="TCG"'

    def test_known_failure_with_its_signature_is_xfail(self):
        j = judged(rc=1, output="Unhandled exception '0xaa' at guest RIP")
        self.assertEqual(runner.decide(exp(self.KNOWN), [j])[0], "XFAIL")

    def test_known_failure_with_another_signature_fails(self):
        j = judged(rc=1, output="Assertion failed: something else")
        word, why = runner.decide(exp(self.KNOWN), [j])
        self.assertEqual(word, "FAIL")
        self.assertIn("not the known failure", why)

    def test_known_failure_with_a_kernel_report_fails(self):
        j = judged(rc=1, output="Unhandled exception '0xaa'", kernel=WARN)
        self.assertEqual(runner.decide(exp(self.KNOWN), [j])[0], "FAIL")

    def test_known_failure_signature_is_the_tests_output_only(self):
        # The runner's own reason text is not the test's output.
        e = exp('t known-failure base=FAIL signature="exit status 1" why="x"')
        self.assertEqual(runner.decide(e, [judged(rc=1)])[0], "FAIL")
        e = exp('t known-failure base=FAIL signature=@timeout why="hangs under TCG"')
        self.assertEqual(runner.decide(e, [judged(rc=137)])[0], "XFAIL")
        self.assertEqual(runner.decide(e, [judged(rc=1)])[0], "FAIL")

    def test_known_failure_that_passes_is_xpass(self):
        self.assertEqual(runner.decide(exp(self.KNOWN), [judged(rc=0)])[0], "XPASS")

    def test_known_failure_never_waives_a_failed_boot_or_taint(self):
        e = exp(self.KNOWN.replace("Unhandled exception", "did not boot"))
        self.assertEqual(runner.decide(e, [judged(res="")])[0], "FAIL")
        e = exp(self.KNOWN.replace("Unhandled exception", "tainted"))
        self.assertEqual(runner.decide(e, [judged(rc=1, tainted=512)])[0], "FAIL")

    def test_our_test_skipping_fails(self):
        e = exp("shared_gpa_tracking_test pass series")
        word, why = runner.decide(e, [judged(rc=4, output="SKIP: no capability")])
        self.assertEqual(word, "FAIL")
        self.assertIn("own test must pass", why)

    def test_upstream_test_expected_to_pass_skipping_fails(self):
        self.assertEqual(runner.decide(exp("cpuid_test pass"), [judged(rc=4)])[0], "FAIL")

    def test_expected_skip(self):
        e = exp('amx_test skip base=SKIP why="no AMX"')
        self.assertEqual(runner.decide(e, [judged(rc=4)])[0], "SKIP")
        self.assertEqual(runner.decide(e, [judged(rc=1)])[0], "FAIL")

    def test_retry_only_for_flaky_test_failures(self):
        flaky = exp('hyperv_clock pass retry=flaky why="clock bound"')
        self.assertTrue(runner.may_retry(flaky, judged(rc=1)))
        self.assertTrue(runner.may_retry(flaky, judged(rc=137)))
        self.assertFalse(runner.may_retry(flaky, judged(rc=0, kernel=WARN)))
        self.assertFalse(runner.may_retry(flaky, judged(res="")))
        self.assertFalse(runner.may_retry(flaky, judged(rc=0, tainted=1)))
        self.assertFalse(runner.may_retry(exp("cpuid_test pass"), judged(rc=1)))

    def test_flaky_pass_is_flaky_not_pass(self):
        flaky = exp('hyperv_clock pass retry=flaky why="clock bound"')
        word, why = runner.decide(flaky, [judged(rc=1), judged(rc=0)])
        self.assertEqual(word, "FLAKY")
        self.assertIn("first run: exit status 1", why)
        self.assertEqual(runner.decide(flaky, [judged(rc=1), judged(rc=1)])[0], "FAIL")

    def test_series_test_cannot_be_flaky_or_expected_to_skip(self):
        for line in ('t pass series retry=flaky why="x"',
                     't pass series nosev=skip why="x"',
                     't skip series base=SKIP why="x"',
                     't known-failure series base=FAIL signature=x why="x"'):
            with self.assertRaises(ValueError):
                exp(line)

    def test_entries_need_their_evidence(self):
        for line in ('t skip why="x"', 't known-failure base=FAIL why="x"',
                     't pass retry=flaky', 't pass frobnicate=1', 't maybe'):
            with self.assertRaises(ValueError):
                exp(line)

    def test_expectations_cover_every_test_and_series_marks_match(self):
        exps = {"a": exp("a pass"), "b": exp("b pass")}
        self.assertEqual(runner.check_expectations(exps, ["a", "x86_64/b"], set()), [])
        errs = runner.check_expectations(exps, ["a", "x86_64/b", "c"], set())
        self.assertIn("c: no entry in tests/expectations", errs)
        errs = runner.check_expectations(exps, ["a", "x86_64/b"], {"b"})
        self.assertIn("b: the series adds it, mark it 'series'", errs)
        exps["b"] = exp("b pass series")
        self.assertEqual(runner.check_expectations(exps, ["a", "x86_64/b"], {"b"}), [])
        self.assertTrue(runner.check_expectations(exps, ["a", "x86_64/b"], set()))


class Run(unittest.TestCase):
    """The runner as make check runs it, on replayed boots."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        d = self.tmp.name
        self.fake = os.path.join(d, "fake")
        self.results = os.path.join(d, "results")
        os.makedirs(self.fake)
        os.makedirs(os.path.join(d, "selftests", "x86_64"))
        os.makedirs(os.path.join(d, "patches"))
        with open(os.path.join(d, "patches", "0001-KVM-selftests-Add-ours.patch"), "w") as f:
            f.write("diff --git a/tools/testing/selftests/kvm/x86_64/ours_test.c "
                    "b/tools/testing/selftests/kvm/x86_64/ours_test.c\nnew file mode 100644\n")
        tests = ["x86_64/ours_test", "x86_64/flaky_test", "x86_64/known_test", "x86_64/skip_test"]
        with open(os.path.join(d, "selftests", "TESTS"), "w") as f:
            f.write("\n".join(tests) + "\n")
        with open(os.path.join(d, "expectations"), "w") as f:
            f.write('ours_test pass series\n'
                    'flaky_test pass retry=flaky why="clock"\n'
                    'known_test known-failure base=FAIL signature="boom" why="TCG"\n'
                    'skip_test skip base=SKIP why="VMX only"\n')
        self.env = dict(os.environ, RUNNER_FAKE=self.fake, RESULTS=self.results,
                        SELFTESTS_OUT=os.path.join(d, "selftests"),
                        EXPECTATIONS=os.path.join(d, "expectations"),
                        PATCHES=os.path.join(d, "patches"), VMJOBS="2", TESTS="")

    def tearDown(self):
        self.tmp.cleanup()

    def boot(self, name, attempt, output="", **kw):
        for suffix, text in (("console", console(output)), ("result", result(**kw))):
            with open(os.path.join(self.fake, f"x86_64_{name}.{attempt}.{suffix}"), "w") as f:
                f.write(text)

    def run_runner(self, *args, **env):
        p = subprocess.run([sys.executable, RUNNER, "run", *args], env=dict(self.env, **env),
                           capture_output=True, text=True, timeout=60)
        out = os.path.join(self.tmp.name, "stdout")
        with open(out, "w") as f:
            f.write(p.stdout)
        c = subprocess.run([sys.executable, RUNNER, "counts", out], capture_output=True, text=True)
        return p, (c.stdout.split() if c.returncode == 0 else None)

    def good_boots(self):
        self.boot("ours_test", 1, rc=0)
        self.boot("flaky_test", 1, rc=1, output="clock off by 2 s")
        self.boot("flaky_test", 2, rc=0)
        self.boot("known_test", 1, rc=1, output="boom at 0x10")
        self.boot("skip_test", 1, rc=4, output="1..0 # SKIP VMX")

    def test_tap_json_and_closing_line(self):
        self.good_boots()
        p, counts = self.run_runner()
        self.assertEqual(p.returncode, 0, p.stderr)
        lines = p.stdout.splitlines()
        self.assertEqual(lines[:2], ["TAP version 13", "1..4"])
        self.assertEqual(lines[2], "ok 1 x86_64/ours_test")
        self.assertTrue(lines[3].startswith("ok 2 x86_64/flaky_test # FLAKY passed on retry"))
        self.assertTrue(lines[4].startswith("ok 3 x86_64/known_test # XFAIL known failure"))
        self.assertTrue(lines[5].startswith("ok 4 x86_64/skip_test # SKIP"))
        self.assertEqual(lines[-1], "1 passed, 0 failed, 2 skipped, 1 flaky")
        self.assertEqual(counts, ["1", "0", "2", "1"])
        rec = load_json(os.path.join(self.results, "x86_64_flaky_test.json"))
        self.assertEqual((rec["result"], len(rec["attempts"])), ("FLAKY", 2))

    def test_xpass_counts_as_passed(self):
        self.good_boots()
        self.boot("known_test", 1, rc=0)
        p, counts = self.run_runner()
        self.assertIn("ok 3 x86_64/known_test # XPASS a known failure passed", p.stdout)
        self.assertEqual(p.stdout.splitlines()[-1], "2 passed, 0 failed, 1 skipped, 1 flaky")

    def test_broken_series_test_fails_the_run(self):
        self.good_boots()
        self.boot("ours_test", 1, rc=4, output="SKIP: KVM_CAP_SHARED_GPA_TRACKING not available")
        p, counts = self.run_runner()
        self.assertEqual(p.returncode, 1)
        self.assertIn("not ok 1 x86_64/ours_test # skipped", p.stdout)
        self.assertEqual(counts[:3], ["0", "1", "2"])
        # Failing once in two: never retried, so it fails the run.
        self.boot("ours_test", 1, rc=1, output="race lost")
        self.boot("ours_test", 2, rc=0)
        p, counts = self.run_runner()
        self.assertIn("not ok 1 x86_64/ours_test # exit status 1", p.stdout)
        rec = load_json(os.path.join(self.results, "x86_64_ours_test.json"))
        self.assertEqual(len(rec["attempts"]), 1)

    def test_dead_run_gives_no_counts_and_nothing_stale(self):
        self.good_boots()
        p, counts = self.run_runner()
        self.assertEqual(counts, ["1", "0", "2", "1"])
        p, counts = self.run_runner(RUNNER_FAKE_DIE="x86_64/known_test", VMJOBS="1")
        self.assertNotEqual(p.returncode, 0)
        self.assertIsNone(counts)
        # What it streamed before it died: only tests that ended, in order
        # (a prefix of ours_test, flaky_test: the ones before known_test;
        # how much of it was printed before the death is a race).
        streamed = [l for l in p.stdout.splitlines() if l.startswith(("ok", "not ok"))]
        ended = ["ok 1 x86_64/ours_test",
                 "ok 2 x86_64/flaky_test # FLAKY passed on retry; first run: exit status 1"]
        self.assertEqual(streamed, ended[:len(streamed)])
        self.assertFalse(os.path.exists(os.path.join(self.results, "summary.json")))
        self.assertFalse(os.path.exists(os.path.join(self.results, "x86_64_known_test.json")))

    def test_counts_only_from_a_last_closing_line(self):
        out = os.path.join(self.tmp.name, "out")
        for text, want in (("ok 1 a\n3 passed, 0 failed, 1 skipped\n", ["3", "0", "1", "0"]),
                           ("# vmtest: 3 passed, 1 failed, 0 skipped, 2 flaky\n", ["3", "1", "0", "2"]),
                           # A run that went on, or died, after a closing line
                           # (an earlier run's, say) has no counts.
                           ("3 passed, 0 failed, 1 skipped\nok 1 a\n", None),
                           ("3 passed, 0 failed, 1 skipped\nTraceback (most recent call last):\n", None),
                           ("", None)):
            with open(out, "w") as f:
                f.write(text)
            c = subprocess.run([sys.executable, RUNNER, "counts", out], capture_output=True, text=True)
            self.assertEqual(c.stdout.split() if c.returncode == 0 else None, want, text)

    def test_missing_expectation_stops_the_run(self):
        self.good_boots()
        with open(self.env["EXPECTATIONS"], "a") as f:
            f.write("gone_test pass\n")
        p, counts = self.run_runner()
        self.assertEqual(p.returncode, 2)
        self.assertIn("gone_test: in tests/expectations but not built", p.stderr)
        self.assertIsNone(counts)

    def test_taint_in_a_run(self):
        self.good_boots()
        self.boot("ours_test", 1, rc=0, tainted=512)
        p, counts = self.run_runner("ours_test")
        self.assertIn("not ok 1 x86_64/ours_test # kernel tainted after the test: 512 (W)", p.stdout)
        self.assertEqual(counts[:3], ["0", "1", "0"])


if __name__ == "__main__":
    unittest.main()
