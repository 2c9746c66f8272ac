#!/usr/bin/env bash
# Fit once, forecast later: a panel of N monthly series (generate_panel, 60 to 120
# observations), then, each a separate dfcast process timed with /usr/bin/time:
#   forecast  the full forecast (fit + predict) of the models, h = 12, level 80/95
#   fit       fit_models(...) written to fits.parquet with COPY
#   predict   predict(fits => fits.parquet, h = 12, level 80/95)
# and the size of fits.parquet per series. predict's output equals forecast's (checked
# here with an EXCEPT count), so the ratio predict / forecast is what serving from stored
# fits saves.
#
#   benches/fits/run.sh [--series N] [--models 'AutoETS(season_length=12)']
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
series=100000
models="AutoETS(season_length=12)"
while [ $# -gt 0 ]; do
  case "$1" in
    --series) series="$2"; shift 2 ;;
    --models) models="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
dfcast="${DFCAST:-$root/target/release/dfcast}"
[ -x "$dfcast" ] || (cd "$root" && cargo build --release --bin dfcast)
dir="${BENCH_DIR:-$root/bench-results/fits}"
mkdir -p "$dir"
panel="$dir/panel-$series.parquet"
quoted_models="${models//\'/\'\'}"
if [ ! -f "$panel" ]; then
  "$dfcast" -q -c "COPY (SELECT unique_id, ds, y FROM generate_panel($series, 'MS', 60, 120, seed => 1)) TO '$panel'" >/dev/null
fi

timed() {
  local name="$1"; shift
  /usr/bin/time -f "%e %M" -o "$dir/$name.time" "$dfcast" -q "$@" >/dev/null
  read -r wall rss <"$dir/$name.time"
  printf '%-9s %8.2f s  %7.0f MiB peak RSS\n' "$name" "$wall" "$((rss / 1024))"
  eval "${name}_wall=$wall"
}

echo "$series series, models: $models"
timed forecast -c "COPY (SELECT * FROM forecast((SELECT * FROM '$panel'), h => 12, models => '$quoted_models', level => [80, 95])) TO '$dir/forecast.parquet'"
timed fit -c "COPY (SELECT * FROM fit_models((SELECT * FROM '$panel'), models => '$quoted_models')) TO '$dir/fits.parquet'"
timed predict -c "COPY (SELECT * FROM predict(fits => (SELECT * FROM '$dir/fits.parquet'), h => 12, level => [80, 95])) TO '$dir/predict.parquet'"
bytes=$(stat -c %s "$dir/fits.parquet")
echo "fits.parquet: $bytes bytes, $((bytes / series)) bytes per series"
echo "predict / forecast: $(python3 -c "print(f'{$predict_wall / $forecast_wall:.3f}')")"
differing=$("$dfcast" -q --format csv -c "SELECT count(*) AS n FROM (SELECT * FROM '$dir/predict.parquet' EXCEPT SELECT * FROM '$dir/forecast.parquet')" | tail -1)
echo "rows of predict not in forecast: $differing"
