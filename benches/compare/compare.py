"""Side-by-side, whole process: statsforecast 2.1.1 (n_jobs=-1, warmed up) and dfcast on the
same files, same models, same horizon and levels. Prints wall time, peak memory, accuracy
(MASE, sMAPE on the held-out test split) for both, and the ratios.

    python3 benches/compare/compare.py [--runs 3] [--case m1_monthly:AutoETS ...]

Needs: a release dfcast (`cargo build --release --bin dfcast`) and a Python with
statsforecast==2.1.1 (`benches/compare/run.sh` sets both up).
"""
import argparse
import csv
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
DATASETS = {
    "m1_monthly": dict(h=18, m=12, freq="MS"),
    "tourism_monthly": dict(h=24, m=12, freq="MS"),
    "m1_quarterly": dict(h=8, m=4, freq="QS"),
    # benches/compare/intermittent_panel.py writes it (no test split: no accuracy).
    "intermittent_100k": dict(h=12, m=12, freq="MS", train="bench-results/intermittent_100k.csv"),
}
MODELS = {
    "AutoETS": "AutoETS(season_length={m})",
    "AutoARIMA": "AutoARIMA(season_length={m})",
    "AutoTheta": "AutoTheta(season_length={m})",
    "AutoCES": "AutoCES(season_length={m})",
    "MSTL": "MSTL(season_length={m})",
    "SeasonalNaive": "SeasonalNaive(season_length={m})",
    # The baselines statsforecast gives intervals for (it raises on level for the others).
    "Baselines": "Naive();SeasonalNaive(season_length={m});RandomWalkWithDrift();HistoricAverage()",
    # statsforecast refuses `level` for these without conformal intervals: point forecasts.
    "Intermittent": "CrostonClassic();CrostonOptimized();CrostonSBA();ADIDA();IMAPA();TSB(alpha_d=0.2, alpha_p=0.2)",
}
WITHOUT_LEVELS = {"Intermittent"}

# statsforecast's default aliases that differ from the class name.
DEFAULT_ALIASES = {"RandomWalkWithDrift": "RWD", "AutoCES": "CES"}


def timed(cmd, env=None):
    """Runs cmd under /usr/bin/time -v; returns (wall seconds, peak RSS MiB)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        subprocess.run(["/usr/bin/time", "-v", "-o", t.name] + cmd, check=True,
                       stdout=subprocess.DEVNULL, env=env)
        text = open(t.name).read()
    wall = re.search(r"Elapsed \(wall clock\) time.*: (.*)", text).group(1)
    parts = [float(p) for p in wall.split(":")]
    seconds = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) / 1024
    return seconds, rss


def read_series(path):
    series = defaultdict(list)
    with open(path) as f:
        for row in csv.DictReader(f):
            series[row["unique_id"]].append(float(row["y"]))
    return series


def accuracy(forecast_csv, dataset, aliases):
    cfg = DATASETS[dataset]
    if not (FIXTURES / f"{dataset}_test.csv").exists():
        return {alias: (math.nan, math.nan) for alias in aliases}
    train = read_series(FIXTURES / f"{dataset}_train.csv")
    test = read_series(FIXTURES / f"{dataset}_test.csv")
    preds = defaultdict(lambda: defaultdict(list))
    with open(forecast_csv) as f:
        for row in csv.DictReader(f):
            for alias in aliases:
                value = row.get(alias)
                preds[alias][row["unique_id"]].append(float(value) if value not in (None, "") else math.nan)
    out = {}
    for alias in aliases:
        mases, smapes = [], []
        for uid, actual in test.items():
            fc = preds[alias].get(uid)
            if not fc:
                continue
            y, m = train[uid], cfg["m"]
            lag = m if len(y) > m else 1
            scale = sum(abs(y[i] - y[i - lag]) for i in range(lag, len(y))) / max(len(y) - lag, 1)
            err = [abs(a - p) for a, p in zip(actual, fc)]
            if scale > 0:
                mases.append(sum(err) / len(err) / scale)
            smapes.append(sum(200 * e / (abs(a) + abs(p)) if abs(a) + abs(p) > 0 else 0
                              for e, a, p in zip(err, actual, fc)) / len(err))
        out[alias] = (statistics.fmean(mases), statistics.fmean(smapes))
    return out


def first_series(train, n, out):
    """The rows of the first `n` series (sorted unique_id) of a training CSV."""
    with open(train) as f:
        header, *rows = f.read().splitlines()
    keep = set(sorted({r.split(",", 1)[0] for r in rows})[:n])
    out.write_text("\n".join([header] + [r for r in rows if r.split(",", 1)[0] in keep]) + "\n")
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--case", action="append", help="dataset:model, e.g. m1_monthly:AutoETS")
    parser.add_argument("--python", default=os.environ.get("SF_PYTHON", "python3"))
    parser.add_argument("--dfcast", default=str(ROOT / "target" / "release" / "dfcast"))
    parser.add_argument("--max-series", type=int, default=None,
                        help="only the first N series (sorted unique_id), as TIMINGS.md times AutoARIMA")
    args = parser.parse_args()
    cases = args.case or [f"{d}:AutoETS" for d in DATASETS]
    work = Path(tempfile.mkdtemp(prefix="dfcast-compare-"))
    print(f"{'case':34} {'tool':13} {'wall s (median)':>16} {'peak MiB':>9} {'MASE':>8} {'sMAPE':>8}")
    for case in cases:
        dataset, model = case.split(":")
        cfg = DATASETS[dataset]
        exprs = [e.format(**cfg) for e in MODELS[model].split(";")]
        aliases = [re.sub(r"\(.*", "", e) for e in exprs]
        aliases = [DEFAULT_ALIASES.get(a, a) for a in aliases]
        train = ROOT / cfg["train"] if "train" in cfg else FIXTURES / f"{dataset}_train.csv"
        levels = "" if model in WITHOUT_LEVELS else "80,95"
        level_sql = "" if model in WITHOUT_LEVELS else ", level => [80, 95]"
        label = case
        if args.max_series:
            train = first_series(train, args.max_series, work / f"{dataset}_first{args.max_series}.csv")
            label = f"{case} (first {args.max_series})"
        sf_out, df_out = work / f"{case}.sf.csv", work / f"{case}.df.csv"
        sql = work / f"{case}.sql"
        sql.write_text(
            f"COPY (SELECT * FROM forecast((SELECT unique_id, ds, y FROM '{train}'), h => {cfg['h']}, "
            f"models => '{', '.join(exprs)}'{level_sql}, freq => '{cfg['freq']}')) "
            f"TO '{df_out}' STORED AS CSV OPTIONS ('format.has_header' 'true');\n")
        sf_cmd = [args.python, str(ROOT / "benches" / "compare" / "statsforecast_run.py"), str(train), str(sf_out),
                  cfg["freq"], str(cfg["h"]), ";".join(exprs), levels]
        df_cmd = [args.dfcast, "-q", "-f", str(sql)]
        results = {"statsforecast": [], "dfcast": []}
        for _ in range(args.runs):
            results["statsforecast"].append(timed(sf_cmd))
            if df_out.exists():
                df_out.unlink()
            results["dfcast"].append(timed(df_cmd))
        acc = {"statsforecast": accuracy(sf_out, dataset, aliases), "dfcast": accuracy(df_out, dataset, aliases)}
        medians = {}
        for tool, runs in results.items():
            wall = statistics.median(r[0] for r in runs)
            rss = statistics.median(r[1] for r in runs)
            medians[tool] = (wall, rss)
            first = aliases[0]
            mase, smape = acc[tool][first]
            print(f"{label:34} {tool:13} {wall:16.2f} {rss:9.0f} {mase:8.4f} {smape:8.4f}")
        ratios = [sf[0] / d[0] for sf, d in zip(results["statsforecast"], results["dfcast"])]
        print(f"{label:34} {'speed-up':13} {statistics.median(ratios):15.1f}x "
              f"(per-run ratios {', '.join(f'{r:.1f}' for r in ratios)}; memory "
              f"{medians['statsforecast'][1] / medians['dfcast'][1]:.1f}x less)")
        for alias in aliases[1:]:
            print(f"{'':34} {alias:13} MASE sf {acc['statsforecast'][alias][0]:.4f} df {acc['dfcast'][alias][0]:.4f}")


if __name__ == "__main__":
    sys.exit(main())
