"""Writes a zero-inflated monthly panel for the intermittent-demand benchmark.

    python3 benches/compare/intermittent_panel.py OUT_CSV [N_SERIES] [LENGTH]

Each series has demand in a month with a probability drawn from [0.05, 0.5] and a demand
size of 1 + Poisson(mean drawn from [1, 10]); a few series never see demand. Deterministic
(seeded), columns unique_id, ds, y.
"""
import sys

import numpy as np
import pandas as pd

out = sys.argv[1]
n_series = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
length = int(sys.argv[3]) if len(sys.argv) > 3 else 60

rng = np.random.default_rng(20261202)
p = rng.uniform(0.05, 0.5, n_series)
mean = rng.uniform(1.0, 10.0, n_series)
occurs = rng.random((n_series, length)) < p[:, None]
size = 1 + rng.poisson(mean[:, None], (n_series, length))
y = np.where(occurs, size, 0).astype(np.float64)
ids = np.repeat([f"S{i:06d}" for i in range(n_series)], length)
ds = np.tile(pd.date_range("2020-01-01", periods=length, freq="MS").strftime("%Y-%m-%d"), n_series)
pd.DataFrame({"unique_id": ids, "ds": ds, "y": y.ravel()}).to_csv(out, index=False)
