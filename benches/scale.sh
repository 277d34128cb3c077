#!/usr/bin/env bash
# The scaling table of BENCHMARKS.md, through the release binary: for each N, a synthetic UK-like
# dataset (`generate --bodies N --seed 1`), then `rank-all --top 10` pruned and, up to
# BRUTE_MAX bodies, with `--brute-force`; wall time, CPU time and peak memory from
# /usr/bin/time, pairs scored from the command's own summary, and whether the two paths wrote
# byte-identical files. Prints one Markdown table row per run.
#
# Usage: benches/scale.sh [N...]        (default: 10000 30000 100000 300000 1000000)
# Environment: BRUTE_MAX (default 30000), THREADS (default: all cores),
#              PARTNERMATCH_SCALE_DIR (default /tmp/partnermatch-scale) for datasets and outputs.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet
bin=target/release/partnermatch
dir=${PARTNERMATCH_SCALE_DIR:-/tmp/partnermatch-scale}
brute_max=${BRUTE_MAX:-30000}
threads=${THREADS:-$(nproc)}
mkdir -p "$dir"
sizes=("$@")
if [ ${#sizes[@]} -eq 0 ]; then
    sizes=(10000 30000 100000 300000 1000000)
fi

echo "| N | path | wall (s) | CPU (s) | peak RSS (MB) | loading (s) | tree (s) | search (s) | writing (s) | pairs scored | share of pairs | pairs/s | tree nodes bounded | same output |"
echo "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
for n in "${sizes[@]}"; do
    csv="$dir/uk_$n.csv"
    [ -f "$csv" ] || "$bin" generate --bodies "$n" --seed 1 --out "$csv" >/dev/null 2>&1
    paths=(pruned)
    [ "$n" -le "$brute_max" ] && paths+=(brute)
    for path in "${paths[@]}"; do
        flag=()
        [ "$path" = brute ] && flag=(--brute-force)
        out="$dir/rank_all_${n}_$path.csv"
        log="$dir/rank_all_${n}_$path.log"
        /usr/bin/time -f 'TIME %e %U %S %M' "$bin" --data "$csv" --threads "$threads" \
            rank-all --top 10 "${flag[@]}" --force --out "$out" 2>"$log"
        read -r _ wall user sys rss < <(grep '^TIME' "$log")
        summary=$(grep '^ranked' "$log")
        loading=$(sed -E 's/.*\(([0-9.]+) s loading.*/\1/' <<<"$summary")
        tree=$(sed -E 's/.*, ([0-9.]+) s building the tree.*/\1/' <<<"$summary")
        search=$(sed -E 's/.*, ([0-9.]+) s searching.*/\1/' <<<"$summary")
        writing=$(sed -E 's/.*, ([0-9.]+) s writing\).*/\1/' <<<"$summary")
        pairs=$(sed -E 's/.*: ([0-9]+) pairs scored.*/\1/' <<<"$summary")
        share=$(sed -E 's/.*, ([0-9.]+%) of all pairs.*/\1/' <<<"$summary")
        rate=$(sed -E 's/.*, ([0-9]+) pairs\/s.*/\1/' <<<"$summary")
        nodes=$(sed -nE 's/.*, ([0-9]+) tree nodes bounded.*/\1/p' <<<"$summary")
        same=""
        if [ "$path" = brute ]; then
            cmp -s "$out" "$dir/rank_all_${n}_pruned.csv" && same="identical" || same="DIFFERENT"
        fi
        cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')
        echo "| $n | $path | $wall | $cpu | $((rss / 1024)) | $loading | $tree | $search | $writing | $pairs | $share | $rate | ${nodes:-} | $same |"
    done
done
