#!/usr/bin/env python3
"""make bench's instruction-count report.

Joins a benchmark's "interval id=N ..." lines (its own figures: operations,
ioctls, userspace exits, PSP commands, wall time) with the insn_count TCG
plugin's lines for the same intervals (instructions of the kernel under
test, of its userspace and of its guests; VMRUNs; SYSCALLs), in order of
appearance per id, and prints per-operation figures for both paths of each
comparison, their ratio, the spread over runs, a hardware cost model with
the source of every constant, and, where the plugin profiled, where the
kernel's instructions go by symbol.

  insn_report.py map_gpa BENCH_OUT COUNTS [PLAIN_OUT]
  insn_report.py export BENCH_OUT COUNTS [PLAIN_OUT]

BENCH_OUT and COUNTS are from a boot with the plugin and -icount (virtual
time advances with instructions, so timer interrupts come per instruction
as on a real host, not per second of slow emulation); the wall-clock
column, secondary, comes from PLAIN_OUT, a boot of the same benchmark
without either.
"""
import bisect
import re
import collections
import statistics
import sys

# The hardware cost model. Every constant with its source; the two
# assumptions are marked as such.
MODEL = [
    ("cpi", 1.0, "cycles per kernel instruction: an ASSUMPTION (no published "
     "figure for these paths; EPYC sustains 1-4 instructions per cycle)"),
    ("ghz", 3.0, "clock in GHz: an ASSUMPTION (EPYC 7003/9004 all-core clocks "
     "are 2.5-3.7 GHz)"),
    ("vmrun_cycles", 1350, "VMRUN to #VMEXIT round trip, cycles: LKML, SVM "
     "vmsave/vmload series, Dec 2020 (lkml.iu.edu 2012.2/00527); "
     "performance-anchors.md #14"),
    ("syscall_ns", 250, "one system call: getpid on an Intel i3-7100 (not an "
     "EPYC), Linux 6.6.36 with its default mitigations, KPTI included, which "
     "EPYC does not need: clearlinux/distribution #3168, 2024; "
     "performance-anchors.md #21. An upper bound, and its entry and exit "
     "instructions are in the counts too: the ratios are also given without it"),
    ("psp_cmd_ns", 226000, "one PSP command through the driver "
     "(SEV_ISSUE_CMD PLATFORM_STATUS, 0.226 ms): enarx-keepldr PR #246, 2020; "
     "performance-anchors.md #2"),
    ("psp_page_ns", 480000, "PSP data rate, 0.48 ms per 4 KiB page "
     "(LAUNCH_UPDATE_DATA of 38 MiB in 4.694 s): enarx-keepldr PR #246/#248, "
     "2020; performance-anchors.md #1; no SEND/RECEIVE figure is published"),
]
C = {k: v for k, v, _ in MODEL}


def kv(line):
    return dict(f.split("=", 1) for f in line.split()[1:] if "=" in f)


def intervals(path):
    return [kv(l) for l in open(path, errors="replace") if l.startswith("interval ")]


def read(bench_out, counts, plain_out=None):
    bench = intervals(bench_out)
    plain = collections.defaultdict(list)
    for b in intervals(plain_out) if plain_out else []:
        plain[b["id"]].append(b)
    plug = collections.defaultdict(list)
    prof = collections.defaultdict(lambda: collections.Counter())
    for l in open(counts, errors="replace"):
        if l.startswith("interval "):
            d = kv(l)
            plug[d["id"]].append(d)
        elif l.startswith("error "):
            sys.exit(f"insn_report: the plugin reports: {l.strip()}")
        elif l.startswith("profile "):
            d = kv(l)
            prof[d["id"]][int(d["addr"], 16)] += int(d["insns"])
    seen = collections.Counter()
    rows = []
    for b in bench:
        i = b["id"]
        if seen[i] >= len(plug[i]):
            sys.exit(f"insn_report: no plugin count for interval {i} "
                     f"(occurrence {seen[i] + 1}): was the plugin loaded?")
        p = plug[i][seen[i]]
        seen[i] += 1
        row = dict(b)
        w = plain[i][seen[i] - 1] if len(plain[i]) >= seen[i] else None
        row["wall_ns"] = float(w["wall_ns"]) if w else float("nan")
        for k in ("kernel", "user", "guest", "vmrun", "syscall"):
            row[k] = int(p[k])
        rows.append(row)
    return rows, prof


def spread(xs):
    m = statistics.mean(xs)
    return m, (max(xs) - min(xs)) / abs(m) * 100 if m else 0.0


def num(x, width=20):
    return f"{0.0 if abs(x) < 0.05 else x:{width}.1f}"


def fmt(xs, unit=""):
    m, s = spread(xs)
    return f"{m:12.1f}{unit} ±{s:4.2f}%"


def model_ns(insns, vmruns, syscalls, psp_cmds=0.0, psp_pages=0.0):
    return (insns * C["cpi"] / C["ghz"] + vmruns * C["vmrun_cycles"] / C["ghz"] +
            syscalls * C["syscall_ns"] + psp_cmds * C["psp_cmd_ns"] +
            psp_pages * C["psp_page_ns"])


def print_model(used):
    print("  hardware cost model (a MODEL from the counts and published figures,"
          " not a measurement):")
    for k, v, src in MODEL:
        if k in used:
            print(f"    {k} = {v}: {src}")


def kallsyms(path):
    syms = []
    for l in open(path, errors="replace"):
        f = l.split()
        if len(f) >= 3 and f[1] in "tTwW" and len(f[0]) == 16:
            try:
                syms.append((int(f[0], 16), f[2] + (" " + f[3] if len(f) > 3 else "")))
            except ValueError:
                pass
    syms.sort()
    return syms


def profile(prof, ids, names, syms, per, top=12):
    if not syms or not any(prof.get(i) for i in ids):
        return
    addrs = [a for a, _ in syms]
    for i, name in zip(ids, names):
        by = collections.Counter()
        for a, n in prof.get(i, {}).items():
            k = bisect.bisect_right(addrs, a) - 1
            by[syms[k][1] if k >= 0 else hex(a)] += n
        total = sum(by.values())
        print(f"  profile, {name}: kernel instructions per {per[1]} by function "
              f"(translation-block start), top {top} of {len(by)}:")
        for s, n in by.most_common(top):
            print(f"    {n / per[0][i]:10.1f} {100 * n / total:5.1f}%  {s}")


# The idle task's own loop: what the measured vCPU executes while the
# benchmark sleeps (for a PSP command), not work done for the operation.
# The switch into and out of it (__schedule, the context switch) stays in.
IDLE = re.compile(r"^(do_idle|cpu_startup_entry|schedule_idle|cpuidle_\w+|default_idle\w*|"
                  r"arch_cpu_idle\w*|cpu_idle_poll\w*|amd_e400_idle|poll_idle|"
                  r"tick_nohz_idle_\w+|tick_nohz_irq_exit|ct_idle_\w+|rcu_idle_\w+|"
                  r"\w+_idle_(enter|exit)|mwait_idle\w*|acpi_idle\w*|"
                  r"current_clr_polling\w*|__current_set_polling|"
                  r"flush_smp_call_function_queue)( \[\w+\])?$")


def idle_insns(prof, i, syms):
    """Instructions of interval id @i in the idle loop's functions."""
    if not syms:
        return float("nan")
    addrs = [a for a, _ in syms]
    n = 0
    for a, c in prof.get(i, {}).items():
        k = bisect.bisect_right(addrs, a) - 1
        if k >= 0 and IDLE.match(syms[k][1]):
            n += c
    return n


def map_gpa(rows, prof, syms):
    by = collections.defaultdict(list)
    for r in rows:
        if r["run"] != "-1":
            by[(r["table"], r["mode"], r["run"])].append(r)
    runs = sorted({k[2] for k in by})
    modes = ["kernel", "exit", "kernel+dirty"]
    print("== KVM_HC_MAP_GPA_RANGE, per hypercall (instructions counted by the "
          "insn_count plugin; the empty table's fixed cost subtracted)")
    res = {}
    for table in ("null", "flip", "boot"):
        print(f"-- table {table}:" + (" KVM_HC_VAPIC_POLL_IRQ, the floor: a VM exit that KVM"
                                      " completes in the kernel doing nothing" if table == "null" else ""))
        print(f"  {'path':14} {'kernel insns':>20} {'VMM insns':>20} {'guest insns':>20}"
              f" {'VM exits':>9} {'user exits':>10} {'syscalls':>9} {'wall us*':>9}")
        for mode in modes:
            f = collections.defaultdict(list)
            for run in runs:
                # A run may have several intervals of a table (the boot
                # table's): add them up, less the empty table's fixed cost
                # once per interval.
                rs, (e,) = by[(table, mode, run)], by[("empty", mode, run)]
                n = len(rs)
                r = {k: sum(x[k] for x in rs) for k in ("kernel", "user", "guest", "vmrun",
                                                        "syscall", "wall_ns")}
                ops = sum(int(x["ops"]) for x in rs)
                for k in ("kernel", "user", "guest", "vmrun", "syscall"):
                    f[k].append((r[k] - n * e[k]) / ops)
                f["uexit"].append(sum(int(x["user_exits"]) - int(e["user_exits"]) for x in rs) / ops)
                f["wall"].append((r["wall_ns"] - n * e["wall_ns"]) / ops / 1000)
                f["total"].append((r["kernel"] + r["user"] - n * e["kernel"] - n * e["user"]) / ops)
            res[(table, mode)] = f
            print(f"  {mode:14} {fmt(f['kernel'])} {num(statistics.mean(f['user']))} {num(statistics.mean(f['guest']))}"
                  f" {statistics.mean(f['vmrun']):9.2f} {statistics.mean(f['uexit']):10.2f}"
                  f" {statistics.mean(f['syscall']):9.2f} {statistics.mean(f['wall']):9.2f}")
        if table == "null":
            continue
        k, x, d = res[(table, "kernel")], res[(table, "exit")], res[(table, "kernel+dirty")]
        km = statistics.mean(k["kernel"])
        ku = km + statistics.mean(k["user"])
        xk = statistics.mean(x["kernel"])
        xu = xk + statistics.mean(x["user"])
        print(f"  ratio exit/kernel: kernel-under-test instructions {xk / km:.2f}x, "
              f"with the VMM's {xu / ku:.2f}x (goal: at least 5x); userspace exits "
              f"{statistics.mean(x['uexit']):.2f} against {statistics.mean(k['uexit']):.2f}"
              f" (goal 0); wall time* "
              f"{statistics.mean(x['wall']) / statistics.mean(k['wall']):.2f}x")
        floor = statistics.mean(res[("null", "kernel")]["kernel"])
        print(f"  above the null hypercall's {floor:.0f}: kernel {km - floor:.0f}, exit "
              f"{xk - floor:.0f} kernel instructions per hypercall ({(xk - floor) / (km - floor):.2f}x),"
              f" {xu - floor:.0f} with the VMM's ({(xu - floor) / (ku - floor):.2f}x)")
        print(f"  dirty logging on: {statistics.mean(d['kernel']) - km:+.1f} kernel "
              f"instructions per hypercall ({statistics.mean(d['kernel']) / km:.2f}x)")
        mk = model_ns(ku, statistics.mean(k["vmrun"]), statistics.mean(k["syscall"]))
        mx = model_ns(xu, statistics.mean(x["vmrun"]), statistics.mean(x["syscall"]))
        md = model_ns(statistics.mean(d["kernel"]) + statistics.mean(d["user"]),
                      statistics.mean(d["vmrun"]), statistics.mean(d["syscall"]))
        mk0 = model_ns(ku, statistics.mean(k["vmrun"]), 0)
        mx0 = model_ns(xu, statistics.mean(x["vmrun"]), 0)
        print(f"  modelled on an EPYC host: kernel {mk:.0f} ns, exit {mx:.0f} ns, "
              f"kernel+dirty {md:.0f} ns per hypercall; exit/kernel {mx / mk:.2f}x "
              f"({mx0 / mk0:.2f}x without the syscall constant)")
        worst = max(spread(res[(table, mode)][c])[1] for mode in modes
                    for c in ("kernel", "total"))
        print(f"  the instruction counts of the {len(runs)} runs agree to within {worst:.2f}%"
              + (" (more than the 1% aimed at)" if worst > 1.0 else ""))
    print_model({"cpi", "ghz", "vmrun_cycles", "syscall_ns"})
    # Interval ids: table * 3 + mode (map_gpa_bench.c).
    ops = {str(t * 3 + m): int(by[(name, modes[m], runs[0])][0]["ops"]) * len(runs)
           for t, name in ((1, "flip"), (3, "null")) for m in range(3)}
    profile(prof, ["3", "4", "9"], ["flip, kernel", "flip, exit", "null hypercall"], syms,
            (ops, "hypercall"))


def export(rows, prof, syms):
    by = collections.defaultdict(list)
    for r in rows:
        if r["run"] != "-1":		# the warm-up round
            by[r["path"]].append(r)
    print("== SEV page export and import, per page (instructions counted by the "
          "insn_count plugin)")
    print(f"  {'path':16} {'kernel insns':>20} {'user insns':>20} {'ioctls':>8}"
          f" {'syscalls':>9} {'PSP cmds':>9} {'VM exits':>9} {'wall us*':>9}")
    res = {}
    for path in ("export-single", "export-batched", "import-single", "import-batched",
                 "platform-status"):
        f = collections.defaultdict(list)
        for r in by[path]:
            n = int(r["pages"])
            for k in ("kernel", "user", "vmrun", "syscall"):
                f[k].append(r[k] / n)
            f["ioctls"].append(int(r["ioctls"]) / n)
            f["psp"].append(int(r["psp_cmds"]) / n if int(r["psp_cmds"]) >= 0 else float("nan"))
            f["wall"].append(r["wall_ns"] / n / 1000)
            f["total"].append((r["kernel"] + r["user"]) / n)
        res[path] = f
        print(f"  {path:16} {fmt(f['kernel'])} {num(statistics.mean(f['user']))}"
              f" {statistics.mean(f['ioctls']):8.4f} {statistics.mean(f['syscall']):9.4f}"
              f" {statistics.mean(f['psp']):9.3f} {statistics.mean(f['vmrun']):9.3f}"
              f" {statistics.mean(f['wall']):9.2f}")
    print("  (platform-status: per command, SEV_ISSUE_CMD PLATFORM_STATUS through "
          "/dev/sev: the driver's cost of one PSP command with no data)")
    # Interval ids: the path's index (sev_export_bench.c).
    paths = ("export-single", "export-batched", "import-single", "import-batched",
             "platform-status")
    idle = {}
    for i, path in enumerate(paths):
        n = sum(int(r["pages"]) for r in by[path])
        idle[path] = idle_insns(prof, str(i), syms) / n if n else float("nan")
    print("  of the kernel instructions, in the idle loop of the measured vCPU while the "
          "task sleeps for the PSP (do_idle, cpuidle, tick_nohz_idle_*; from the profile): " +
          ", ".join(f"{p} {idle[p]:.0f}" for p in paths))
    for what in ("export", "import"):
        s, b = res[f"{what}-single"], res[f"{what}-batched"]
        sk, bk = statistics.mean(s["kernel"]), statistics.mean(b["kernel"])
        si, bi = sk - idle[f"{what}-single"], bk - idle[f"{what}-batched"]
        print(f"  {what}: ratio single/batched: kernel instructions {sk / bk:.2f}x, "
              f"{si / bi:.2f}x without the idle loop ({si:.0f} and {bi:.0f} per page) "
              f"(goal: at least 5x), ioctls {statistics.mean(s['ioctls']) / statistics.mean(b['ioctls']):.0f}x "
              f"(goal: at least 512x), PSP commands per page {statistics.mean(s['psp']):.3f} and "
              f"{statistics.mean(b['psp']):.3f}; wall time* "
              f"{statistics.mean(s['wall']) / statistics.mean(b['wall']):.2f}x")
        ms = model_ns(sk + statistics.mean(s["user"]), 0, statistics.mean(s["syscall"]))
        mb = model_ns(bk + statistics.mean(b["user"]), 0, statistics.mean(b["syscall"]))
        ps = model_ns(0, 0, 0, statistics.mean(s["psp"]), 1)
        pb = model_ns(0, 0, 0, statistics.mean(b["psp"]), 1)
        print(f"  {what}: modelled on an EPYC host, per page: host CPU {ms:.0f} ns single, "
              f"{mb:.0f} ns batched ({ms / mb:.2f}x); PSP {ps / 1000:.0f} us and "
              f"{pb / 1000:.0f} us; in all {(ms + ps) / 1000:.1f} us and {(mb + pb) / 1000:.1f} us "
              f"({(ms + ps) / (mb + pb):.3f}x): the PSP, one command per page on both paths, "
              f"is the limit")
        worst = max(spread(x[c])[1] for x in (s, b) for c in ("kernel", "total"))
        print(f"  {what}: the instruction counts of the {len(s['kernel'])} runs agree to "
              f"within {worst:.2f}%" + (" (more than the 1% aimed at)" if worst > 1.0 else ""))
    print_model({"cpi", "ghz", "syscall_ns", "psp_cmd_ns", "psp_page_ns"})
    pages = {str(i): sum(int(r["pages"]) for r in by[p])
             for i, p in enumerate(("export-single", "export-batched", "import-single",
                                    "import-batched"))}
    profile(prof, ["0", "1", "2", "3"],
            ["export single", "export batched", "import single", "import batched"],
            syms, (pages, "page"))


def main():
    kind, bench_out, counts = sys.argv[1:4]
    plain_out = sys.argv[4] if len(sys.argv) > 4 else None
    syms = kallsyms(bench_out)
    rows, prof = read(bench_out, counts, plain_out)
    print("  (* wall time: secondary, from a run without the plugin and -icount; "
          "under TCG it measures the emulator as much as the kernel)" if plain_out else
          "  (* wall time: not measured in this run)")
    if kind == "map_gpa":
        map_gpa(rows, prof, syms)
    else:
        export(rows, prof, syms)


if __name__ == "__main__":
    main()
