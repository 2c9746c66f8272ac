"""Expected values of the conformal-interval unit tests in src/models/conformal.rs.

Run with statsforecast 2.1.1 (the reference environment):

    python tests/data/conformal/generate.py

Every case calls the model's `forecast` directly on one series (what StatsForecast.forecast
does per series) and prints its mean, bounds and fitted values with 17 significant digits,
ready to paste into the Rust tests.
"""

import numpy as np
from statsforecast.models import (
    MSTL,
    Naive,
    SeasonalNaive,
    SimpleExponentialSmoothing,
    WindowAverage,
)
from statsforecast.utils import ConformalIntervals

# A short quarterly-looking series: trend, a season of 4 and a fixed irregular part.
IRREGULAR = [0.7, -1.3, 0.2, 2.1, -0.4, -2.2, 1.6, 0.3, -0.9, 1.1, -1.7, 0.8, 2.4, -0.6, -1.1, 0.5]
Y = np.array(
    [
        round(20.0 + 0.4 * t + [3.0, -2.0, 1.0, -2.5][t % 4] + IRREGULAR[t % 16] * (1 + t % 3), 6)
        for t in range(30)
    ]
)

CASES = [
    # name, model, h, level
    (
        "seasonal_naive_error",
        SeasonalNaive(season_length=4, prediction_intervals=ConformalIntervals(h=6, n_windows=3, method="conformal_error")),
        6,
        [80, 95],
    ),
    (
        "window_average_distribution",
        WindowAverage(window_size=3, prediction_intervals=ConformalIntervals(h=4, n_windows=4)),
        4,
        [50, 80, 95],
    ),
    (
        "ses_error",
        SimpleExponentialSmoothing(alpha=0.3, prediction_intervals=ConformalIntervals(h=5, n_windows=2, method="conformal_error")),
        5,
        [80, 95],
    ),
    # ConformalIntervals' default h=1: the one-step scores serve every step of a longer horizon.
    ("naive_default_h1_long_horizon", Naive(prediction_intervals=ConformalIntervals()), 7, [80, 95]),
    (
        "naive_h1_five_windows_error",
        Naive(prediction_intervals=ConformalIntervals(h=1, n_windows=5, method="conformal_error")),
        3,
        [90],
    ),
    # 30 observations allow only (30 - 1) // 12 = 2 of the 5 windows asked for.
    (
        "seasonal_naive_fewer_windows",
        SeasonalNaive(season_length=4, prediction_intervals=ConformalIntervals(h=12, n_windows=5)),
        12,
        [80],
    ),
    # MSTL hands its prediction_intervals to the trend forecaster (which has none).
    (
        "mstl_naive_trend",
        MSTL(season_length=4, trend_forecaster=Naive(), prediction_intervals=ConformalIntervals(h=4, n_windows=2)),
        4,
        [80, 95],
    ),
]


def fmt(values):
    return "[" + ", ".join("f64::NAN" if np.isnan(v) else repr(float(v)) for v in values) + "]"


print("Y =", fmt(Y))
for name, model, h, level in CASES:
    fitted = not isinstance(model, WindowAverage)
    res = model.forecast(y=Y, h=h, level=level, fitted=fitted)
    print(f"== {name} h={h} level={level}")
    print("mean", fmt(res["mean"]))
    for lv in level:
        print(f"lo-{lv}", fmt(res[f"lo-{lv}"]))
        print(f"hi-{lv}", fmt(res[f"hi-{lv}"]))
    if fitted:
        print("fitted", fmt(res["fitted"]))
        for lv in level:
            if f"fitted-lo-{lv}" in res:
                print(f"fitted-lo-{lv}", fmt(res[f"fitted-lo-{lv}"]))
                print(f"fitted-hi-{lv}", fmt(res[f"fitted-hi-{lv}"]))

# Too short: statsforecast raises for the whole call.
try:
    SeasonalNaive(season_length=4, prediction_intervals=ConformalIntervals(h=6)).forecast(y=Y[:12], h=6, level=[80])
except ValueError as e:
    print("== too_short:", e)
