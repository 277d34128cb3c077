#!/usr/bin/env bash
# Runs every fuzz target for SECONDS (default 600) each, one after another, starting from the
# seed corpus of shipped files (fuzz/seeds/TARGET) and keeping what it learns in fuzz/corpus.
# cargo-fuzz needs nightly compiler features: RUSTC_BOOTSTRAP=1 enables them on stable.
# Usage: fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-600}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(profiles_toml csv_table survey mapping cli_values scenario)
fi
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
for t in "${targets[@]}"; do
  [ -d "seeds/$t" ] || { echo "no seeds for $t"; exit 2; }
  mkdir -p "corpus/$t"
  echo "== $t for ${seconds}s"
  RUSTC_BOOTSTRAP=1 cargo fuzz run "$t" "corpus/$t" "seeds/$t" -- \
    -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
done
