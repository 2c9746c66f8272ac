"""Expected values of tests/integration/anomalies.rs: `detect_anomalies` against
statsforecast's fitted values and bounds.

Run with statsforecast 2.1.1 (the reference environment) from the repository root:

    python tests/data/anomalies/generate.py

statsforecast's `forecast(fitted=True, level=[99])` and `forecast_fitted_values()` give, per
observation, each model's fitted value and its 99 % bounds; an observation is an anomaly
when it lies outside them (no flag, NULL, where the bounds are NaN: no fitted value). The
probability of a less extreme value is `2·Φ(|y − fitted| / σ) − 1` with `σ` recovered from
the bounds (`hi − lo = 2·z·σ`, `z = Φ⁻¹(0.995)`), by scipy (NULL without a flag).

Written to tests/fixtures/<dataset>__anomalies.parquet: `unique_id, ds, y`, then per model
its value, bounds, `<model>-anomaly` and `<model>-anomaly-probability`.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from scipy.stats import norm
from statsforecast import StatsForecast
from statsforecast.models import AutoARIMA, AutoETS, SeasonalNaive

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
LEVEL = 99

# name, season length, freq, series kept (None: all; k: the first k in file order)
DATASETS = [
    ("air_passengers", 12, "MS", None),
    ("m1_monthly", 12, "MS", 5),
]


def main():
    z = norm.ppf(0.5 + LEVEL / 200)
    for name, m, freq, keep in DATASETS:
        # round_trip: the exact doubles of the CSV's decimals, the values the Rust tests read.
        df = pd.read_csv(FIXTURES / f"{name}_train.csv", parse_dates=["ds"], float_precision="round_trip")
        ids = list(dict.fromkeys(df["unique_id"]))
        if keep is not None:
            df = df[df["unique_id"].isin(ids[:keep])].reset_index(drop=True)
        models = [SeasonalNaive(season_length=m), AutoETS(season_length=m), AutoARIMA(season_length=m)]
        sf = StatsForecast(models=models, freq=freq, n_jobs=1)
        sf.forecast(df=df, h=1, level=[LEVEL], fitted=True)
        fitted = sf.forecast_fitted_values()
        table = {"unique_id": pa.array(fitted["unique_id"], pa.string()), "ds": pa.array(fitted["ds"].dt.date, pa.date32()), "y": pa.array(fitted["y"], pa.float64())}
        y = fitted["y"].to_numpy()
        for model in models:
            alias = repr(model)
            mean = fitted[alias].to_numpy()
            lo = fitted[f"{alias}-lo-{LEVEL}"].to_numpy()
            hi = fitted[f"{alias}-hi-{LEVEL}"].to_numpy()
            known = ~(np.isnan(lo) | np.isnan(hi))
            flag = (y < lo) | (y > hi)
            sigma = (hi - lo) / (2 * z)
            with np.errstate(invalid="ignore", divide="ignore"):
                probability = 2 * norm.cdf(np.abs(y - mean) / sigma) - 1
            table[alias] = pa.array(mean, pa.float64())
            table[f"{alias}-lo-{LEVEL}"] = pa.array(lo, pa.float64())
            table[f"{alias}-hi-{LEVEL}"] = pa.array(hi, pa.float64())
            table[f"{alias}-anomaly"] = pa.array(np.where(known, flag, None), pa.bool_())
            table[f"{alias}-anomaly-probability"] = pa.array(np.where(known, probability, np.nan), pa.float64(), from_pandas=True)
            print(f"{name} {alias}: {int(flag[known].sum())} anomalies in {int(known.sum())} observations")
        pq.write_table(pa.table(table), FIXTURES / f"{name}__anomalies.parquet", compression="zstd")


if __name__ == "__main__":
    main()
