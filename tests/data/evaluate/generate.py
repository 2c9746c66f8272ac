"""Expected values of `evaluate(...)`: utilsforecast 0.2.17's `evaluate` on the vendored
statsforecast outputs, written to tests/fixtures/evaluate__expected.parquet.

Run with the reference environment (utilsforecast 0.2.17, pandas):

    python tests/data/evaluate/generate.py

Cases, for every dataset and every model family with a cross-validation fixture:

- `<dataset>__<family>__cv`: per (unique_id, cutoff), on a few series of the cv output;
- `<dataset>__<family>__cv_mean`: the same, `agg_fn='mean'` (per cutoff, as utilsforecast;
  of the baselines, on the edge cases and M1 quarterly only);
- `<dataset>__<family>__forecast`: per unique_id, the forecast output joined with the test
  split (no cutoff column), on the same few series;
- `<dataset>__<family>__forecast_mean`: `agg_fn='mean'` over every series;
- `m1_quarterly__baselines__forecast_<fn>`: the other aggregations, over every series.

The few series keep the file small (a few hundred KB): every series of the edge cases, and
the first, middle and last id of the other datasets. Each metric is evaluated on its own
call, so a metric utilsforecast refuses (tweedie_deviance with a forecast <= 0, rmae with a
missing baseline value) leaves out only its own cells: per model, then the whole metric.
Point metrics cover every model column; interval metrics the models with 80 and 95 bounds.

Long format: case, unique_id (None when aggregated), cutoff (ISO date, None without a
cutoff column), metric, model, value (NaN where utilsforecast gives NaN).
"""

import json
from functools import partial
from pathlib import Path

import numpy as np
import pandas as pd
from utilsforecast import losses
from utilsforecast.evaluation import evaluate

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "fixtures"
REFERENCE = Path("/work/shared/reference")
FAMILIES = ["baselines", "ets", "arima", "theta", "ces", "intermittent"]
LEVELS = [80, 95]
LINEX_A = 0.001
OTHER_AGGS = ["median", "sum", "min", "max", "std", "var"]


def point_metrics(m, baseline):
    """The metrics on point forecasts, with the SQL text the test passes for them."""
    return [
        (losses.mae, "mae"),
        (losses.mse, "mse"),
        (losses.rmse, "rmse"),
        (losses.bias, "bias"),
        (losses.cfe, "cfe"),
        (losses.pis, "pis"),
        (losses.spis, "spis"),
        (losses.mape, "mape"),
        (losses.wape, "wape"),
        (losses.nd, "nd"),
        (losses.smape, "smape"),
        (partial(losses.mase, seasonality=m), f"mase(seasonality={m})"),
        (partial(losses.rmae, baseline=baseline), f"rmae(baseline='{baseline}')"),
        (partial(losses.msse, seasonality=m), f"msse(seasonality={m})"),
        (partial(losses.rmsse, seasonality=m), f"rmsse(seasonality={m})"),
        (partial(losses.tweedie_deviance, power=1.5), "tweedie_deviance"),
        (partial(losses.linex, a=LINEX_A), f"linex(a={LINEX_A})"),
    ]


def interval_metrics(m):
    return [
        (losses.quantile_loss, "quantile_loss"),
        (partial(losses.scaled_quantile_loss, seasonality=m), f"scaled_quantile_loss(seasonality={m})"),
        (losses.mqloss, "mqloss"),
        (partial(losses.scaled_mqloss, seasonality=m), f"scaled_mqloss(seasonality={m})"),
        (losses.coverage, "coverage"),
        (losses.winkler_score, "winkler_score"),
        (losses.calibration, "calibration"),
        (losses.scaled_crps, "scaled_crps"),
    ]


def model_columns(df):
    keys = {"unique_id", "ds", "cutoff", "y"}
    return [c for c in df.columns if c not in keys and "-lo-" not in c and "-hi-" not in c]


def with_bounds(df, models):
    return [
        m
        for m in models
        if all(f"{m}-{side}-{lv}" in df.columns for side in ("lo", "hi") for lv in LEVELS)
    ]


def run(df, metric, models, train, level, agg_fn):
    """One metric; a refusal drops the model (then the metric), as documented above."""
    kwargs = dict(df=df, metrics=[metric], train_df=train, level=level, agg_fn=agg_fn)
    try:
        return [evaluate(models=models, **kwargs)]
    except ValueError:
        out = []
        for model in models:
            try:
                out.append(evaluate(models=[model], **kwargs))
            except ValueError:
                pass
        return out


def long_rows(case, frames):
    rows = []
    for frame in frames:
        ids = frame["unique_id"] if "unique_id" in frame else [None] * len(frame)
        cutoffs = (
            frame["cutoff"].dt.strftime("%Y-%m-%d") if "cutoff" in frame else [None] * len(frame)
        )
        models = [c for c in frame.columns if c not in ("unique_id", "cutoff", "metric")]
        for (i, row), uid, cutoff in zip(frame.iterrows(), ids, cutoffs):
            for model in models:
                rows.append((case, uid, cutoff, row["metric"], model, float(row[model])))
    return rows


def evaluate_case(case, df, train, m, agg_fn):
    models = model_columns(df)
    baseline = "Naive" if "Naive" in models else models[0]
    banded = with_bounds(df, models)
    frames = []
    for metric, _ in point_metrics(m, baseline):
        frames += run(df, metric, models, train, None, agg_fn)
    if banded:
        for metric, _ in interval_metrics(m):
            frames += run(df, metric, banded, train, LEVELS, agg_fn)
    return long_rows(case, frames)


def read_dates(path, columns):
    df = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path)
    for c in columns:
        if c in df:
            df[c] = pd.to_datetime(df[c])
    return df


def subset_ids(name, ids):
    ids = sorted(ids)
    if name == "edge_cases":
        return ids
    return sorted({ids[0], ids[len(ids) // 2], ids[-1]})


def main():
    manifest = json.loads((REFERENCE / "manifest.json").read_text())
    rows = []
    for dataset in manifest["datasets"]:
        name, m = dataset["name"], dataset["season_length"]
        train_path = FIXTURES / f"{name}_train.csv"
        test_path = FIXTURES / f"{name}_test.csv"
        if not train_path.exists():
            continue
        train = read_dates(train_path, ["ds"])
        for family in FAMILIES:
            cv_path = FIXTURES / f"{name}__{family}__cv.parquet"
            if not cv_path.exists():
                continue
            cv = read_dates(cv_path, ["ds", "cutoff"])
            ids = subset_ids(name, cv["unique_id"].unique())
            few = cv[cv["unique_id"].isin(ids)].reset_index(drop=True)
            rows += evaluate_case(f"{name}__{family}__cv", few, train, m, None)
            # The 16 baseline models: the aggregate on two datasets is enough.
            if family != "baselines" or name in ("edge_cases", "m1_quarterly"):
                rows += evaluate_case(f"{name}__{family}__cv_mean", few, train, m, "mean")
            forecast_path = FIXTURES / f"{name}__{family}__forecast.parquet"
            if not (forecast_path.exists() and test_path.exists()):
                continue
            test = read_dates(test_path, ["ds"])
            forecast = read_dates(forecast_path, ["ds"]).merge(test, on=["unique_id", "ds"])
            few = forecast[forecast["unique_id"].isin(ids)].reset_index(drop=True)
            rows += evaluate_case(f"{name}__{family}__forecast", few, train, m, None)
            rows += evaluate_case(f"{name}__{family}__forecast_mean", forecast, train, m, "mean")
            if name == "m1_quarterly" and family == "baselines":
                for agg_fn in OTHER_AGGS:
                    case = f"{name}__{family}__forecast_{agg_fn}"
                    rows += evaluate_case(case, forecast, train, m, agg_fn)
    out = pd.DataFrame(rows, columns=["case", "unique_id", "cutoff", "metric", "model", "value"])
    path = FIXTURES / "evaluate__expected.parquet"
    out.to_parquet(path, index=False, compression="zstd")
    print(f"{path}: {len(out)} values, {path.stat().st_size} bytes")
    print(out.groupby("case").size().to_string())


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
