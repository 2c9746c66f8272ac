#!/usr/bin/env bash
# Scale under a memory limit: a panel of N daily series written as ten Parquet files,
# sorted by (unique_id, ds) and shuffled, then the ten-baseline cross_validation
# run without a limit and under `dfcast -m LIMIT`. Prints wall time, peak RSS and a
# checksum of the output (integer sums, so equal outputs give equal checksums whatever
# the row order).
#
#   benches/scale/run.sh [--series-per-file N] [--files F] [--limit 2G] [--runs R]
#                        [--only sorted|shuffled] [--limited-only]
#
# Each file holds its own ids (prefix fNNN-), so sorted files do not overlap. Defaults:
# 100,000 series per file, 10 files (1M series, ~275M rows), limit 2G. The
# panel is written once under $BENCH_DIR (default bench-results/scale, ~5 GB per copy).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
per_file=100000
files=10
limit=2G
runs=1
only=""
limited_only=0
while [ $# -gt 0 ]; do
  case "$1" in
    --series-per-file) per_file="$2"; shift 2 ;;
    --files) files="$2"; shift 2 ;;
    --limit) limit="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --only) only="$2"; shift 2 ;;
    --limited-only) limited_only=1; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
target="${CARGO_TARGET_DIR:-$root/target}"
work="${BENCH_DIR:-$root/bench-results/scale}"
(cd "$root" && cargo build --release --bin dfcast)
dfcast="$target/release/dfcast"
panel="$work/panel-$files-x-$per_file"

write_panel() { # layout (sorted|shuffled)
  local dir="$panel/$1"
  [ -f "$dir/.done" ] && return
  rm -rf "$dir"
  mkdir -p "$dir"
  local order="unique_id, ds"
  [ "$1" = shuffled ] && order="md5(unique_id || CAST(ds AS VARCHAR))"
  for ((i = 0; i < files; i++)); do
    "$dfcast" -q -c "COPY (SELECT 'f' || lpad('$i', 3, '0') || '-' || unique_id AS unique_id, ds, y \
      FROM generate_panel($per_file, 'D', 50, 500, seed => $i) ORDER BY $order) \
      TO '$dir/part-$i.parquet' STORED AS PARQUET" >/dev/null
  done
  touch "$dir/.done"
}

models="Naive(), SeasonalNaive(season_length=7), RandomWalkWithDrift(), HistoricAverage(), \
WindowAverage(window_size=7), SeasonalWindowAverage(season_length=7, window_size=2), \
SimpleExponentialSmoothing(alpha=0.1), SimpleExponentialSmoothingOptimized(), \
SeasonalExponentialSmoothing(season_length=7, alpha=0.1), \
SeasonalExponentialSmoothingOptimized(season_length=7)"
checksum="count(*) AS rows, count(DISTINCT unique_id) AS series, \
sum(CAST(round(\"Naive\" * 1000) AS BIGINT) + CAST(round(\"SeasonalNaive\" * 1000) AS BIGINT) \
+ CAST(round(\"RWD\" * 1000) AS BIGINT) + CAST(round(\"HistoricAverage\" * 1000) AS BIGINT) \
+ CAST(round(\"WindowAverage\" * 1000) AS BIGINT) + CAST(round(\"SeasWA\" * 1000) AS BIGINT) \
+ CAST(round(\"SES\" * 1000) AS BIGINT) + CAST(round(\"SESOpt\" * 1000) AS BIGINT) \
+ CAST(round(\"SeasonalES\" * 1000) AS BIGINT) + CAST(round(\"SeasESOpt\" * 1000) AS BIGINT)) AS checksum"

run() { # layout memory-flag...
  local layout="$1"; shift
  local sql="CREATE EXTERNAL TABLE panel STORED AS PARQUET LOCATION '$panel/$layout/'"
  [ "$layout" = sorted ] && sql="$sql WITH ORDER (unique_id ASC, ds ASC)"
  sql="$sql; SELECT $checksum FROM cross_validation('panel', h => 7, test_size => 21, \
step_size => 7, models => '$models');"
  local out
  out="$( { /usr/bin/time -f 'TIME %e %M' "$dfcast" -q --format csv "$@" -c "$sql" 2>&1; } | tail -3)"
  local wall rss sum
  wall="$(echo "$out" | awk '/^TIME/ {print $2}')"
  rss="$(echo "$out" | awk '/^TIME/ {printf "%.0f", $3 / 1024}')"
  sum="$(echo "$out" | grep -v '^TIME' | tail -1)"
  printf '%-9s %-10s %9s s %7s MiB  %s\n' "$layout" "${*:-unlimited}" "$wall" "$rss" "$sum"
}

layouts=(sorted shuffled)
[ -n "$only" ] && layouts=("$only")
for layout in "${layouts[@]}"; do write_panel "$layout"; done
echo "layout    memory          wall      peak RSS  rows,series,checksum"
for ((r = 0; r < runs; r++)); do
  for layout in "${layouts[@]}"; do
    [ "$limited_only" = 1 ] || run "$layout"
    run "$layout" -m "$limit"
  done
done
