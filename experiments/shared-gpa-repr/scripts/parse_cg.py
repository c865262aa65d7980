#!/usr/bin/env python3
"""Join callgrind dumps (one per sampled operation, labelled phase#seq by
CALLGRIND_DUMP_STATS_AT) with the bench's S lines; print CSV
phase,seq,ir,allocs,frees,dbytes."""
import os
import re
import sys

dump_dir, stdout_file = sys.argv[1], sys.argv[2]
ir = {}
for name in os.listdir(dump_dir):
    if not re.match(r'cg\.out\.\d+$', name):
        continue
    label = tot = summ = None
    with open(os.path.join(dump_dir, name)) as f:
        for line in f:
            if line.startswith('desc: Trigger: Client Request: '):
                label = line[len('desc: Trigger: Client Request: '):].strip()
            elif line.startswith('summary:'):
                summ = int(line.split()[1])
            elif line.startswith('totals:'):
                tot = int(line.split()[1])
    if label is None:
        continue
    if tot != summ:
        sys.exit('parse_cg: %s: totals %s != summary %s' % (name, tot, summ))
    ir[label] = tot

print('phase,seq,ir,allocs,frees,dbytes')
missing = 0
with open(stdout_file) as f:
    for line in f:
        p = line.split()
        if not p or p[0] != 'S':
            continue
        key = '%s#%s' % (p[1], p[2])
        if key not in ir:
            missing += 1
            continue
        print('%s,%s,%d,%s,%s,%s' % (p[1], p[2], ir[key], p[4], p[5], p[6]))
if missing:
    sys.exit('parse_cg: %d samples without a dump' % missing)
