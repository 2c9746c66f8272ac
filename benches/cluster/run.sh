#!/usr/bin/env bash
# Local dfcast against a Ballista cluster (dfcast-scheduler + 2 dfcast-executors on this
# machine), same SQL, same Parquet panel. Prints wall time and CPU for each query, and checks
# that both give the same checksum.
#
#   benches/cluster/run.sh [--series N] [--runs R] [--ets-series N]
#
# Builds the three binaries with the `ballista` feature in $CARGO_TARGET_DIR (default
# target-ballista), writes the panel with `generate_panel` under $BENCH_DIR (default
# bench-results/cluster), starts the cluster on free loopback ports and stops it on exit.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
series=100000
ets_series=10000
runs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --series) series="$2"; shift 2 ;;
    --ets-series) ets_series="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
target="${CARGO_TARGET_DIR:-$root/target-ballista}"
work="${BENCH_DIR:-$root/bench-results/cluster}"
(cd "$root" && CARGO_TARGET_DIR="$target" cargo build --release --features ballista --bins)
bin="$target/release"
mkdir -p "$work"

panel() { # name n_series
  local dir="$work/$1"
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir"
    # Four files with distinct ids (seed and prefix per file), so that both executors scan.
    for part in 0 1 2 3; do
      "$bin/dfcast" -q -c "COPY (SELECT 'p$part-' || unique_id AS unique_id, ds, y \
        FROM generate_panel(n_series => $(($2 / 4)), freq => 'D', min_length => 50, \
        max_length => 150, seed => $part)) TO '$dir/part-$part.parquet' STORED AS PARQUET" >/dev/null
    done
  fi
  echo "$dir/"
}
light="$(panel "panel-$series" "$series")"
heavy="$(panel "panel-$ets_series" "$ets_series")"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
sched_port="$(free_port)"
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
RUST_LOG=warn "$bin/dfcast-scheduler" --bind-host 127.0.0.1 --external-host 127.0.0.1 \
  --bind-port "$sched_port" >"$work/scheduler.log" 2>&1 &
pids+=($!)
sleep 2
for i in 0 1; do
  mkdir -p "$work/executor-$i"
  RUST_LOG=warn "$bin/dfcast-executor" --id "executor-$i" --bind-host 127.0.0.1 \
    --external-host 127.0.0.1 --bind-port "$(free_port)" --bind-grpc-port "$(free_port)" \
    --bind-health-port "$(free_port)" --scheduler-host 127.0.0.1 --scheduler-port "$sched_port" \
    --vcores 1 --work-dir "$work/executor-$i" >"$work/executor-$i.log" 2>&1 &
  pids+=($!)
done
sleep 5

# Each query ends in a checksum, so that the comparison is exact and the client prints little.
checksum() { # model alias
  echo "SELECT count(*) AS rows, count(DISTINCT unique_id) AS series, sum(\"$1\") AS total"
}
declare -A queries=(
  [forecast_light]="$(checksum SeasonalNaive) FROM forecast('$light', h => 14, models => 'SeasonalNaive(season_length=7), SimpleExponentialSmoothingOptimized()', level => [80, 95])"
  [cv_light]="$(checksum SeasonalNaive) FROM cross_validation('$light', h => 7, n_windows => 3, step_size => 7, models => 'SeasonalNaive(season_length=7)')"
  [forecast_autoets]="$(checksum AutoETS) FROM forecast('$heavy', h => 14, models => 'AutoETS(season_length=7)', level => [80, 95])"
)

# CPU seconds (user + system) the cluster's processes have used so far.
cluster_cpu() {
  local ticks=0
  for p in "${pids[@]}"; do
    ticks=$((ticks + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  python3 -c "print($ticks / $(getconf CLK_TCK))"
}

printf '%-18s %-8s %8s %9s %10s  %s\n' query where "wall s" "client s" "cluster s" checksum
for name in forecast_light cv_light forecast_autoets; do
  sql="${queries[$name]}"
  for run in $(seq "$runs"); do
    for where in local cluster; do
      args=(-q --format csv -c "$sql;")
      [ "$where" = cluster ] && args=(--remote "df://127.0.0.1:$sched_port" "${args[@]}")
      before="$(cluster_cpu)"
      out="$( { /usr/bin/time -f '%e %U %S' "$bin/dfcast" "${args[@]}" > "$work/out.csv"; } 2>&1 | tail -1)"
      read -r wall user sys <<<"$out"
      client="$(python3 -c "print(f'{$user + $sys:.2f}')")"
      cluster="$(python3 -c "print(f'{$(cluster_cpu) - $before:.2f}')")"
      printf '%-18s %-8s %8s %9s %10s  %s\n' "$name" "$where" "$wall" "$client" "$cluster" \
        "$(tail -1 "$work/out.csv")"
    done
  done
done
