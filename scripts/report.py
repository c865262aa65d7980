#!/usr/bin/env python3
"""Summarise a vmtest run: one line per test, then the failure output of
failing tests, then 'N passed, N failed, N skipped'.

A test listed in tests/known-tcg-failures that fails is reported as SKIP
with its recorded reason (it fails the same way on the unpatched base).
A test that passed in the base run (tests/base-results) but skips now is
a FAIL. Exit status 1 if anything failed.

  report.py RESULTS_DIR TESTS_DIR [--counts FILE]
"""
import os
import re
import sys


def read_table(path):
    table = {}
    if not os.path.exists(path):
        return table
    for line in open(path):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, rest = line.partition(" ")
        table[key] = rest.strip()
    return table


def main():
    res, tdir = sys.argv[1], sys.argv[2]
    known = read_table(os.path.join(tdir, "known-tcg-failures"))
    base = {}
    path = os.path.join(tdir, "base-results")
    if os.path.exists(path):
        for line in open(path):
            fields = line.split()
            if len(fields) == 2 and not line.startswith("#"):
                base[fields[1]] = fields[0]
    names = [l.strip() for l in open(os.path.join(res, "SELECTED")) if l.strip()]
    counts = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    failures = []
    print("== results, in test order")
    for name in names:
        slug = name.replace("/", "_")
        try:
            status = open(os.path.join(res, slug + ".status")).read().strip()
        except OSError:
            status = "FAIL not run"
        try:
            secs = open(os.path.join(res, slug + ".secs")).read().strip() + "s"
        except OSError:
            secs = "?"
        word, _, why = status.partition(" ")
        short = name.split("/")[-1]
        if word == "FAIL" and short in known:
            word, why = "SKIP", "known TCG failure, same on base: " + known[short]
        elif word == "PASS" and short in known:
            why = "listed in known-tcg-failures but passed"
        elif word == "SKIP" and base.get(short) == "PASS":
            word, why = "FAIL", "skipped, but passed on the base: " + why
        counts[word] += 1
        print(f"{word} {name} ({secs}){': ' + why if why else ''}")
        if word == "FAIL":
            failures.append((name, slug, why))
    for name, slug, why in failures:
        print(f"\n----- FAIL {name}: {why}")
        path = os.path.join(res, slug + ".out")
        out = open(path, errors="replace").read().splitlines() if os.path.exists(path) else []
        for line in out[-40:]:
            print("  | " + line)
        path = os.path.join(res, slug + ".dmesg")
        if os.path.exists(path):
            dm = open(path, errors="replace").read().splitlines()
            hits = [i for i, l in enumerate(dm) if re.search(
                r"\] (WARNING: CPU|WARNING: (possible|inconsistent|suspicious|bad)|BUG: |Oops|kernel BUG at|general protection|Call Trace:|Kernel panic|UBSAN: |INFO: |\[ cut here)|KASAN: ", l)]
            if hits:
                start = max(0, hits[0] - 3)
                print("  dmesg:")
                for line in dm[start:start + 40]:
                    print("  ! " + line)
        print(f"  (full log: {os.path.join(res, slug + '.log')})")
    line = f"{counts['PASS']} passed, {counts['FAIL']} failed, {counts['SKIP']} skipped"
    if "--counts" in sys.argv:
        with open(sys.argv[sys.argv.index("--counts") + 1], "w") as f:
            f.write(f"{counts['PASS']} {counts['FAIL']} {counts['SKIP']}\n")
    print("\nvmtest: " + line)
    return 1 if counts["FAIL"] else 0


if __name__ == "__main__":
    sys.exit(main())
