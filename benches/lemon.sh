#!/usr/bin/env bash
# Exact pairing against LEMON: for each N, a synthetic UK-like dataset (`generate --bodies N
# --seed 1`), `pairs --exact --graph-out` (which writes the candidate graph it matches as a
# plain edge list and prints its optimum's integer weight), then LEMON 1.3.1's
# MaxWeightedMatching on the same file (benches/lemon/lemon_matching.cpp, compiled here with
# g++ -O2 against Debian's liblemon-dev, installed with apt-get if missing). Prints one
# Markdown row per N: graph size, partnermatch's matching time (its own timer, the matching
# step only) and LEMON's (its own timer, after reading the file), both optima, and whether
# they agree. LEMON is used by this script only: never by the build or the tests.
#
# Usage: benches/lemon.sh [N...]        (default: 100000 1000000)
# Environment: PARTNERMATCH_SCALE_DIR (default /tmp/partnermatch-scale), THREADS (default:
#              all cores; LEMON is single-threaded, and partnermatch's matching is too).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f /usr/include/lemon/matching.h ]; then
    echo "installing liblemon-dev (LEMON 1.3.1) for this benchmark" >&2
    sudo_cmd=()
    [ "$(id -u)" -ne 0 ] && sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get install -y liblemon-dev >&2
fi
cargo build --release --locked --quiet
bin=target/release/partnermatch
dir=${PARTNERMATCH_SCALE_DIR:-/tmp/partnermatch-scale}
threads=${THREADS:-$(nproc)}
mkdir -p "$dir"
driver="$dir/lemon_matching"
g++ -O2 -std=c++17 -o "$driver" benches/lemon/lemon_matching.cpp
sizes=("$@")
[ ${#sizes[@]} -eq 0 ] && sizes=(100000 1000000)

echo "| N | members | edges | partnermatch matching (s) | partnermatch whole \`pairs\` (s) | LEMON MaxWeightedMatching (s) | LEMON reading the file (s) | optimum (partnermatch) | optimum (LEMON) | same optimum |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
for n in "${sizes[@]}"; do
    csv="$dir/uk_$n.csv"
    [ -f "$csv" ] || "$bin" generate --bodies "$n" --seed 1 --out "$csv" >/dev/null 2>&1
    graph="$dir/graph_$n.txt"
    log="$dir/pairs_$n.log"
    "$bin" --data "$csv" --threads "$threads" pairs --exact --format csv --force \
        --out "$dir/pairs_$n.csv" --graph-out "$graph" 2>"$log"
    ours=$(sed -nE 's/.*exact matching weight ([0-9]+).*/\1/p' "$log")
    ours_s=$(sed -nE 's/.*exact matching ([0-9.]+) s,.*/\1/p' "$log")
    total_s=$(sed -nE 's/.*, total ([0-9.]+) s.*/\1/p' "$log")
    # LEMON's blossom code recurses deeply on a graph of a million nodes: with the default
    # 8 MiB stack it dies of a segmentation fault there (seen at 1,000,000 bodies).
    read -r _ _ members _ edges _ read_s _ match_s _ theirs _ _ < <(ulimit -s unlimited; "$driver" "$graph")
    same=DIFFERENT
    [ "$ours" = "$theirs" ] && same=yes
    echo "| $n | $members | $edges | $ours_s | $total_s | $match_s | $read_s | $ours | $theirs | $same |"
done
