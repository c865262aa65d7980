#!/usr/bin/env python3
"""Turn the run.sh output directory into markdown tables."""
import csv
import os
import re
import statistics
import sys

OUT, SRC = sys.argv[1], sys.argv[2]
KSRC = os.environ.get('KSRC', '/work/main/build/linux')

MEMCG = {
    'rbtree': 'yes [1]',
    'rbtree-v1': 'yes [1]',
    'maple': '**no** [2]',
    'maple-prealloc': 'yes [3]',
    'xarray': 'yes [4]',
    'xarray-upstream': 'yes [4]',
}
LOCFILE = {
    'rbtree': 'rb_tracker.c', 'rbtree-v1': 'rb_tracker_v1.c', 'maple': 'mt_tracker.c',
    'maple-prealloc': 'mt_tracker.c', 'xarray': 'xa_tracker.c',
    'xarray-upstream': 'xa_tracker.c',
}


def code_lines(path):
    text = open(path).read()
    text = re.sub(r'/\*.*?\*/', '', text, flags=re.S)
    text = re.sub(r'//[^\n]*', '', text)
    return sum(1 for l in text.splitlines() if l.strip())


def med(xs):
    return statistics.median(xs) if xs else float('nan')


def read_samples(tag):
    rows = list(csv.DictReader(open(os.path.join(OUT, tag + '.ir.csv'))))
    for r in rows:
        for k in ('ir', 'allocs', 'frees', 'dbytes'):
            r[k] = int(r[k])
    return rows


def read_mem(tag, which):
    for line in open(os.path.join(OUT, tag + '.cg')):
        p = line.split()
        if p[:2] == ['M', which]:
            d = {}
            caches = {}
            for kv in p[2:]:
                k, v = kv.split('=', 1)
                if ':' in k:
                    name, sub = k.split(':', 1)
                    caches[name] = dict(x.split('=') for x in kv.split(':', 1)[1].split(','))
                else:
                    d[k] = int(v)
            d['caches'] = caches
            return d
    raise KeyError((tag, which))


def native(tag):
    """min over the native runs of: median ns per phase; T lines ns/op."""
    per_run = []
    for i in (1, 2, 3):
        path = os.path.join(OUT, '%s.native%d' % (tag, i))
        if not os.path.exists(path):
            continue
        ph, T = {}, {}
        for line in open(path):
            p = line.split()
            if p and p[0] == 'S':
                ph.setdefault(p[1], []).append(int(p[3]))
            elif p and p[0] == 'T':
                ops = int(p[2].split('=')[1]); ns = int(p[3].split('=')[1])
                T[p[1]] = ns / ops
        per_run.append((ph, T))
    res = {}
    for ph, T in per_run:
        for k, v in ph.items():
            res[k] = min(res.get(k, float('inf')), med(v))
        steady = [x for k in ('remove', 'add', 'merge', 'split') for x in ph.get(k, [])]
        if steady:
            res['steady'] = min(res.get('steady', float('inf')), med(steady))
        dma = [x for k in ('dma-share', 'dma-unshare') for x in ph.get(k, [])]
        if dma:
            res['dma'] = min(res.get('dma', float('inf')), med(dma))
        for k, v in T.items():
            res['T:' + k] = min(res.get('T:' + k, float('inf')), v)
    return res


def fmt(x, unit=''):
    if isinstance(x, float) and x != x:
        return '-'
    if x >= 10_000_000:
        return '%.1fM%s' % (x / 1e6, unit)
    if x >= 100_000:
        return '%.0fk%s' % (x / 1e3, unit)
    if isinstance(x, float) and x < 100:
        return '%.1f%s' % (x, unit)
    return '%d%s' % (round(x), unit)


def nsfmt(ns):
    if ns != ns:
        return '-'
    if ns >= 1e6:
        return '%.1f ms' % (ns / 1e6)
    if ns >= 1e4:
        return '%.0f us' % (ns / 1e3)
    if ns >= 1e3:
        return '%.1f us' % (ns / 1e3)
    return '%d ns' % ns


def objs(mem):
    return ', '.join('%s x %s' % (c['live'], n) for n, c in mem['caches'].items()
                     if int(c['live']))


tags = sorted({f.rsplit('.', 2)[0] for f in os.listdir(OUT) if f.endswith('.ir.csv')})
structs_order = ['rbtree', 'rbtree-v1', 'maple', 'maple-prealloc', 'xarray', 'xarray-upstream']


def key(tag):
    s, w, n = tag.split('.')
    return (w, int(n), structs_order.index(s))


tags.sort(key=key)
loc = {s: code_lines(os.path.join(SRC, f)) for s, f in LOCFILE.items()}

for w, title in (('a', 'Workload a: N shared 1-page ranges, 1-page gaps'),
                 ('b', 'Workload b: N shared 512-page (2 MiB) ranges, 512-page gaps')):
    rows = [t for t in tags if t.split('.')[1] == w]
    if not rows:
        continue
    print('### %s\n' % title)
    print('| N | structure | bytes/range | bytes total (objects) | Ir/update median: build | '
          'Ir/update median: steady (remove/add/merge/split) | Ir full GET (Ir/range) | '
          'wall: update median steady / build mean | wall: GET | memcg charged (measured) | LOC |')
    print('|---|---|---|---|---|---|---|---|---|---|---|')
    detail = []
    for t in rows:
        s, _, n = t.split('.')
        n = int(n)
        smp = read_samples(t)
        by = {}
        for r in smp:
            by.setdefault(r['phase'], []).append(r)
        mem = read_mem(t, 'built')
        ir = {k: med([r['ir'] for r in v]) for k, v in by.items()}
        steady = [r['ir'] for k in ('remove', 'add', 'merge', 'split') for r in by[k]]
        nat = native(t)
        acct = '%.0f%%' % (100.0 * mem['acct_bytes'] / mem['bytes']) if mem['bytes'] else '-'
        print('| %s | %s | %.1f | %s (%s) | %s | %s (%s/%s/%s/%s) | %s (%.1f) | %s / %s | %s | %s (shim: %s) | %d |' % (
            fmt(n), s, mem['bytes'] / n, fmt(mem['bytes']), objs(mem),
            fmt(ir['build']), fmt(med(steady)), fmt(ir['remove']), fmt(ir['add']),
            fmt(ir['merge']), fmt(ir['split']), fmt(ir['get']), ir['get'] / n,
            nsfmt(nat.get('steady', float('nan'))), nsfmt(nat.get('T:build', float('nan'))),
            nsfmt(nat.get('get', float('nan'))), MEMCG[s], acct, loc[s]))
        allocs = {k: (med([r['allocs'] for r in v]), med([r['frees'] for r in v]),
                      max(r['ir'] for r in v)) for k, v in by.items()}
        detail.append((t, allocs))
    print()
    print('Slab calls per operation (median allocations / frees, and the maximum Ir seen):\n')
    print('| N | structure | build | remove | add | merge | split |')
    print('|---|---|---|---|---|---|---|')
    for t, a in detail:
        s, _, n = t.split('.')
        print('| %s | %s | %s |' % (fmt(int(n)), s, ' | '.join(
            '%g/%g, max %s Ir' % (a[k][0], a[k][1], fmt(a[k][2]))
            for k in ('build', 'remove', 'add', 'merge', 'split'))))
    print()

rows = [t for t in tags if t.split('.')[1] == 'c']
if rows:
    print('### Workload c: Linux-boot-like, 4 GiB guest\n')
    print('| structure | bytes total at end (objects) | ranges | bytes/range | '
          'Ir/update median: dma share / unshare | Ir: 4 GiB private (no-op) | Ir: 64 MiB swiotlb share | '
          'Ir full GET | wall: dma update median / GET | memcg charged (measured) | LOC |')
    print('|---|---|---|---|---|---|---|---|---|---|---|')
    extra = []
    for t in rows:
        s = t.split('.')[0]
        smp = read_samples(t)
        by = {}
        for r in smp:
            by.setdefault(r['phase'], []).append(r)
        ir = {k: med([r['ir'] for r in v]) for k, v in by.items()}
        mem = read_mem(t, 'final')
        ini = read_mem(t, 'initial')
        nat = native(t)
        acct = '%.0f%%' % (100.0 * mem['acct_bytes'] / mem['bytes']) if mem['bytes'] else '-'
        print('| %s | %s (%s) | %d | %.1f | %s / %s | %s | %s | %s | %s / %s | %s (shim: %s) | %d |' % (
            s, fmt(mem['bytes']), objs(mem), mem['ranges'], mem['bytes'] / mem['ranges'],
            fmt(ir['dma-share']), fmt(ir['dma-unshare']), fmt(ir['boot-private-4g']),
            fmt(ir['swiotlb-64m']), fmt(ir['get']),
            nsfmt(nat.get('dma', float('nan'))), nsfmt(nat.get('get', float('nan'))),
            MEMCG[s], acct, loc[s]))
        if 'vmm-prepopulate' in ir:
            extra.append('%s: the VMM first marks the 4 GiB private: %s Ir, %s wall, '
                         'leaving %s bytes (%s) before the guest runs.' % (
                             s, fmt(ir['vmm-prepopulate']),
                             nsfmt(nat.get('vmm-prepopulate', float('nan'))),
                             fmt(ini['bytes']), objs(ini)))
        a = {k: (med([r['allocs'] for r in v]), med([r['frees'] for r in v]),
                 max(r['ir'] for r in v)) for k, v in by.items()}
        extra.append('%s: slab allocs/frees median per dma share %g/%g, per unshare %g/%g; '
                     'max Ir dma share %s, unshare %s; %d dma shares and %d unshares.' % (
                         s, a['dma-share'][0], a['dma-share'][1], a['dma-unshare'][0],
                         a['dma-unshare'][1], fmt(a['dma-share'][2]), fmt(a['dma-unshare'][2]),
                         len(by['dma-share']), len(by['dma-unshare'])))
    print()
    for e in extra:
        print('- ' + e)
    print()

print('LOC = non-blank, non-comment lines of the port file (src/%s, src/%s, src/%s; '
      'the maple and xarray files each hold both their variants). For reference, '
      'virt/kvm/shared_gpa.c has %d such lines in all (incl. ioctls, enable, dirty marking).' % (
          LOCFILE['rbtree'], LOCFILE['maple'], LOCFILE['xarray'],
          code_lines(os.path.join(KSRC, 'virt/kvm/shared_gpa.c'))))
