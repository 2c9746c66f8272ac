"""Expected values of tests/integration/cv_fitted.rs: cross-validation with fitted values.

Run with statsforecast 2.1.1 (the reference environment) from the repository root:

    python tests/data/cv_fitted/generate.py

For each dataset, statsforecast's `cross_validation(h, n_windows=2, step_size=h,
level=[80, 95], fitted=True)` gives the forecast rows and `cross_validation_fitted_values()`
the in-sample values of every window (`unique_id, ds, cutoff, y, <model>`, the training
rows of each window, `cutoff` its last training date). statsforecast keeps no in-sample
bounds there, so each window's bounds are taken from the model itself on that window's
training rows, exactly as `cross_validation` calls it (`forecast(fitted=True)` with
`refit=True`; `fit` on the first window then `forward(fitted=True)` with `refit=False`),
after checking that its in-sample values are the ones `cross_validation_fitted_values()`
returned.

Written to tests/fixtures/<dataset>__cv_fitted.parquet (refit=True: the baselines and
AutoETS) and, for two datasets, <dataset>__cv_fitted_norefit.parquet (refit=False: the
models with a forward step), in the SQL output's shape: `unique_id, ds, cutoff, time_series_type, y`, then per
model its value and bounds (`history` rows: the fitted values; `forecast` rows: the
forecasts).
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from statsforecast import StatsForecast
from statsforecast.models import (
    AutoETS,
    HistoricAverage,
    Naive,
    RandomWalkWithDrift,
    SeasonalNaive,
)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
LEVELS = [80, 95]
N_WINDOWS = 2

# name, h, season length, freq, series kept (None: all; k: the first k in file order),
# whether refit=False is vendored too (kept to a few files: every value is a distinct double)
DATASETS = [
    ("air_passengers", 12, 12, "MS", None, True),
    ("m1_quarterly", 8, 4, "QS", None, False),
    ("m1_monthly", 18, 12, "MS", 20, True),
    ("daily_synth", 14, 7, "D", 10, False),
]


def models(m, refit):
    if refit:
        return [Naive(), SeasonalNaive(season_length=m), HistoricAverage(), RandomWalkWithDrift(), AutoETS(season_length=m)]
    return [Naive(), SeasonalNaive(season_length=m), AutoETS(season_length=m)]


def read_train(name, keep, test_size, m):
    # round_trip: the exact doubles of the CSV's decimals, the values the Rust tests read.
    df = pd.read_csv(FIXTURES / f"{name}_train.csv", parse_dates=["ds"], float_precision="round_trip")
    ids = list(dict.fromkeys(df["unique_id"]))
    if keep is not None:
        ids = ids[:keep]
    # statsforecast refuses the whole panel when one series is too short for the windows,
    # and SeasonalNaive's fitted bounds crash on a window of at most one season.
    sizes = df.groupby("unique_id").size()
    ids = [i for i in ids if sizes[i] > test_size + m]
    return df[df["unique_id"].isin(ids)].reset_index(drop=True)


def window_bands(model, series, h, refit):
    """In-sample values and bounds of each window, as cross_validation computes them."""
    y = series.to_numpy()
    n = len(y)
    out = []
    fitted_model = None
    for w in range(N_WINDOWS):
        cut = n - h * N_WINDOWS + w * h
        train = y[:cut]
        if refit:
            res = model.forecast(y=train, h=h, level=LEVELS, fitted=True)
        else:
            if fitted_model is None:
                fitted_model = model.new().fit(y=train)
            res = fitted_model.forward(y=train, h=h, level=LEVELS, fitted=True)
        out.append(res)
    return out


def expected(name, h, m, freq, keep, refit):
    test_size = h * N_WINDOWS
    df = read_train(name, keep, test_size, m)
    ms = models(m, refit)
    sf = StatsForecast(models=ms, freq=freq, n_jobs=1)
    cv = sf.cross_validation(df=df, h=h, n_windows=N_WINDOWS, step_size=h, level=LEVELS, fitted=True, refit=refit)
    fitted = sf.cross_validation_fitted_values()
    aliases = [repr(model) for model in ms]
    cutoffs = sorted(fitted["cutoff"].unique())

    history = []
    for uid, series in df.groupby("unique_id", sort=False):
        dates = series["ds"].to_numpy()
        n = len(dates)
        per_model = {alias: window_bands(model, series["y"], h, refit) for alias, model in zip(aliases, ms)}
        for w in range(N_WINDOWS):
            cut = n - test_size + w * h
            rows = pd.DataFrame({"unique_id": uid, "ds": dates[:cut], "cutoff": dates[cut - 1], "y": series["y"].to_numpy()[:cut]})
            for alias in aliases:
                res = per_model[alias][w]
                rows[alias] = res["fitted"]
                for level in LEVELS:
                    rows[f"{alias}-lo-{level}"] = res[f"fitted-lo-{level}"]
                    rows[f"{alias}-hi-{level}"] = res[f"fitted-hi-{level}"]
            history.append(rows)
    history = pd.concat(history, ignore_index=True)

    # The bounds come from the same computation as statsforecast's fitted values.
    check = fitted.merge(history, on=["unique_id", "ds", "cutoff"], suffixes=("", "_window"))
    assert len(check) == len(fitted) == len(history), (name, len(check), len(fitted), len(history))
    for alias in aliases + ["y"]:
        np.testing.assert_array_equal(check[alias].to_numpy(), check[f"{alias}_window"].to_numpy(), err_msg=f"{name} {alias}")
    assert len(cutoffs) == N_WINDOWS or df["unique_id"].nunique() > 1

    history["time_series_type"] = "history"
    cv["time_series_type"] = "forecast"
    columns = ["unique_id", "ds", "cutoff", "time_series_type", "y"]
    for alias in aliases:
        columns.append(alias)
        columns += [f"{alias}-lo-{level}" for level in reversed(LEVELS)]
        columns += [f"{alias}-hi-{level}" for level in LEVELS]
    table = pd.concat([history[columns], cv[columns]], ignore_index=True)
    table = table.sort_values(["unique_id", "cutoff", "ds"], kind="stable").reset_index(drop=True)
    schema = pa.schema(
        [
            ("unique_id", pa.string()),
            ("ds", pa.date32()),
            ("cutoff", pa.date32()),
            ("time_series_type", pa.string()),
        ]
        + [(c, pa.float64()) for c in columns[4:]]
    )
    arrow = pa.Table.from_pandas(table, schema=schema, preserve_index=False).replace_schema_metadata(None)
    suffix = "cv_fitted" if refit else "cv_fitted_norefit"
    path = FIXTURES / f"{name}__{suffix}.parquet"
    doubles = [c for c in columns if c not in ("unique_id", "ds", "cutoff", "time_series_type")]
    pq.write_table(
        arrow,
        path,
        compression="zstd",
        compression_level=19,
        use_dictionary=["unique_id", "ds", "cutoff", "time_series_type"],
        use_byte_stream_split=doubles,
    )
    print(f"{path.name}: {df['unique_id'].nunique()} series, {len(history)} history rows, {len(cv)} forecast rows")


def main():
    for name, h, m, freq, keep, without_refit in DATASETS:
        for refit in (True, False) if without_refit else (True,):
            expected(name, h, m, freq, keep, refit)


if __name__ == "__main__":
    main()
