"""Expected values for the tests of src/models/stl.rs.

    python tests/data/stl/expected.py [--dump FILE]

Run with statsforecast 2.1.1, statsmodels 0.15.0, pandas 2.3.3 and numpy 2.4.6. Every
component prints as `name: n=.. sum=.. wsum=.. at=[(i, v), ...]` with 17 significant digits:
`sum` is the left-to-right sum, `wsum` the left-to-right sum of (i + 1) * v, and `at` a few
positions; the Rust tests paste these as literals. `--dump FILE` also writes every value of
every component (one `name v0 v1 ...` line each) for a full comparison during development.
"""
import sys

import numpy as np
from statsmodels.tsa.seasonal import STL
from statsforecast.arima import seas_heuristic
from statsforecast.mstl import mstl

AIR = np.array([
    112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118,
    115, 126, 141, 135, 125, 149, 170, 170, 158, 133, 114, 140,
    145, 150, 178, 163, 172, 178, 199, 199, 184, 162, 146, 166,
    171, 180, 193, 181, 183, 218, 230, 242, 209, 191, 172, 194,
    196, 196, 236, 235, 229, 243, 264, 272, 237, 211, 180, 201,
    204, 188, 235, 227, 234, 264, 302, 293, 259, 229, 203, 229,
    242, 233, 267, 269, 270, 315, 364, 347, 312, 274, 237, 278,
    284, 277, 317, 313, 318, 374, 413, 405, 355, 306, 271, 306,
    315, 301, 356, 348, 355, 422, 465, 467, 404, 347, 305, 336,
    340, 318, 362, 348, 363, 435, 491, 505, 404, 359, 310, 337,
    360, 342, 406, 396, 420, 472, 548, 559, 463, 407, 362, 405,
    417, 391, 419, 461, 472, 535, 622, 606, 508, 461, 390, 432,
], dtype=float)

WEEK = [3, -1, 4, 1, -5, 9, -2]


def daily(n=120):
    """Trend, weekly and monthly shapes and pseudo-noise from exact integer arithmetic (the
    Rust test rebuilds it bit for bit)."""
    return np.array([
        100.0 + 0.25 * t + WEEK[t % 7] * 1.5 + ((t % 30) - 15) ** 2 * 0.05
        + ((t * t * 37 + 11 * t) % 23 - 11) * 0.2
        for t in range(n)
    ])


def noise(n=60):
    """Linear congruential uniforms around 10 (rebuilt bit for bit in Rust)."""
    state, out = 12345, []
    for _ in range(n):
        state = (state * 1103515245 + 12345) % 2**31
        out.append(10.0 + (state / 2**31 - 0.5))
    return np.array(out)


DUMP = {}


def show(name, values):
    values = [float(v) for v in values]
    DUMP[name] = values
    total = wtotal = 0.0
    for i, v in enumerate(values):
        total += v
        wtotal += (i + 1) * v
    n = len(values)
    at = sorted({0, 1, 5, n // 2, n - 2, n - 1})
    pos = ", ".join(f"({i}, {values[i]!r})" for i in at)
    print(f"{name}: n={n} sum={total!r} wsum={wtotal!r} at=[{pos}]")


def show_stl(name, x, **kw):
    fit = STL(x, **kw).fit()
    show(f"{name}.seasonal", fit.seasonal)
    show(f"{name}.trend", fit.trend)
    show(f"{name}.resid", fit.resid)


def show_mstl(name, x, periods, **kw):
    out = mstl(x, periods, **kw)
    show(f"{name}.trend", out["trend"])
    for p in sorted(periods):
        show(f"{name}.seasonal{p}", out[f"seasonal{p}"])
    show(f"{name}.remainder", out["remainder"])


# statsforecast's call (mstl with one period: seasonal window 11, seasonal_deg 0).
show_stl("air_sf", AIR, period=12, seasonal=11, seasonal_deg=0)
# statsmodels' own defaults (seasonal 7, degree 1 everywhere).
show_stl("air_default", AIR, period=12)
# Robust fit with interpolation between every few loess evaluations.
show_stl("air_robust_jumps", AIR, period=12, robust=True, seasonal_jump=2, trend_jump=3,
         low_pass_jump=2)
# Seasonal window wider than the 12 cycles, constant trend and low-pass fits.
show_stl("air_wide", AIR, period=12, seasonal=35, seasonal_jump=4, trend_deg=0,
         low_pass_deg=0)
# Between one and two periods: statsmodels accepts it and the result is well defined.
show_stl("air_18", AIR[:18], period=12)

DAILY = daily()
show_mstl("daily", DAILY, [30, 7])
show_mstl("daily_robust", DAILY, [30, 7], s_window=np.array([9]),
          stl_kwargs={"robust": True, "trend": 41})

# Degenerate cases: a constant series, whose components are rounding noise, and an exactly
# seasonal one, whose remainder is.
for name, x in [("air", AIR), ("noise", noise()), ("air_24", AIR[:24]),
                ("constant", np.full(36, 5.0)), ("exact_seasonal", 5.0 + np.arange(36) % 12)]:
    print(f"strength_{name} = {float(seas_heuristic(x, 12))!r}")

if len(sys.argv) == 3 and sys.argv[1] == "--dump":
    with open(sys.argv[2], "w") as f:
        for name, values in DUMP.items():
            f.write(name + " " + " ".join(repr(v) for v in values) + "\n")
