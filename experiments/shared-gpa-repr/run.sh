#!/bin/bash
# Build the benchmark out of tree and run every workload on every structure:
# 3 native runs (wall time) and 1 callgrind run (instruction counts) each.
# Usage: ./run.sh [OUT_DIR]     (default /tmp/sgr-out; ~20 min on 2 cores)
# Environment: KSRC (kernel tree, read only), BUILD (/tmp/sgr-build),
# CONFIGS (override the workload list, e.g. CONFIGS="a:1000 c:0"),
# JOBS (make -j, default 2).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-/tmp/sgr-out}
BUILD=${BUILD:-/tmp/sgr-build}
KSRC=${KSRC:-/work/main/build/linux}
K=${K:-100}
CONFIGS=${CONFIGS:-"a:1000 a:10000 a:100000 a:1000000 b:1000 b:10000 b:100000 c:0"}
STRUCTS=${STRUCTS:-"rbtree rbtree-v1 maple maple-prealloc xarray"}

make -C "$HERE" KSRC="$KSRC" BUILD="$BUILD" -j"${JOBS:-2}"
BENCH=$BUILD/bench
mkdir -p "$OUT"
"$BENCH" selftest | tee "$OUT/selftest.txt"

for cfg in $CONFIGS; do
	w=${cfg%%:*}; n=${cfg##*:}
	structs=$STRUCTS
	[ "$w" = c ] && structs="$structs xarray-upstream"
	for s in $structs; do
		tag=$s.$w.$n
		echo "== $tag"
		for i in 1 2 3; do
			SGR_DUMP_LIST="$OUT/$tag.list" "$BENCH" "$s" "$w" "$n" "$K" > "$OUT/$tag.native$i"
		done
		rm -rf "$OUT/cg.$tag"; mkdir -p "$OUT/cg.$tag"
		valgrind --tool=callgrind --collect-atstart=no \
			--toggle-collect=measured_convert --toggle-collect=measured_get \
			--callgrind-out-file="$OUT/cg.$tag/cg.out" \
			"$BENCH" "$s" "$w" "$n" "$K" > "$OUT/$tag.cg" 2> "$OUT/$tag.cg.log"
		python3 "$HERE/scripts/parse_cg.py" "$OUT/cg.$tag" "$OUT/$tag.cg" > "$OUT/$tag.ir.csv"
		rm -rf "$OUT/cg.$tag"
	done
done

# Workload c: every structure must report the same shared list.
ref=$OUT/rbtree.c.0.list
if [ -f "$ref" ]; then
	for f in "$OUT"/*.c.0.list; do
		cmp -s "$ref" "$f" || { echo "MISMATCH: $f differs from $ref"; exit 1; }
	done
	echo "workload c: identical GET lists ($(wc -l < "$ref") ranges)"
fi
python3 "$HERE/scripts/report.py" "$OUT" "$HERE/src" > "$OUT/tables.md"
echo "tables: $OUT/tables.md"
