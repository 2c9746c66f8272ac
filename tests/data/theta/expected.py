"""Expected values for the tests of src/models/theta.

    python tests/data/theta/expected.py

Run with statsforecast 2.1.1, statsmodels 0.15.0, scipy 1.17.1 and numpy 2.4.6. Every case
prints `name = [...]` with Python's `repr`; the Rust tests paste these as literals.
"""
import warnings

import numpy as np
from statsforecast._lib import theta as _theta
from statsforecast.models import (
    AutoTheta,
    DynamicOptimizedTheta,
    DynamicTheta,
    OptimizedTheta,
    Theta,
)
from statsforecast.theta import auto_theta

warnings.simplefilter("ignore")


def show(name, values):
    print(f"{name} = {[float(v) for v in np.atleast_1d(values)]!r}")


def seasonal(n, scale, shift=0.0):
    pattern = [3.0, -2.0, 4.0, -5.0]
    return np.array(
        [scale * (20.0 + 0.3 * t + pattern[t % 4] + (t * 7) % 5) + shift for t in range(n)]
    )


short = np.array([3.0, 5.0, 4.0, 6.0, 8.0, 7.0, 9.0, 11.0, 10.0, 12.0])
for code in ["STM", "DSTM"]:
    kind = getattr(_theta.ModelType, code)
    amse, e, states, mse = _theta.pegels_resid(short, kind, 1.5, 0.3, 2.0, 3)
    f = np.empty(5)
    _theta.forecast(states, len(short), kind, f, 0.3, 2.0)
    show(f"{code.lower()}_residuals", e)
    show(f"{code.lower()}_last_state", states[-1])
    show(f"{code.lower()}_mse", mse)
    show(f"{code.lower()}_forecast", f)

quarterly = seasonal(24, 1.0)
for cls in [AutoTheta, Theta, OptimizedTheta, DynamicTheta, DynamicOptimizedTheta]:
    out = cls(season_length=4).forecast(quarterly, 6, level=[80, 95], fitted=True)
    name = cls.__name__.lower()
    keys = ["mean", "lo-80", "hi-80", "lo-95", "hi-95"]
    if cls is AutoTheta:
        keys += ["fitted", "fitted-lo-95"]
    for key in keys:
        show(f"{name}_{key.replace('-', '_')}", out[key])

fit = auto_theta(quarterly, 4)
show("auto_selected", [["STM", "OTM", "DSTM", "DOTM"].index(fit["modeltype"])])
show("auto_params", [fit["par"]["initial_smoothed"], fit["par"]["alpha"], fit["par"]["theta"]])
show("auto_mse", fit["mse"])

additive = AutoTheta(season_length=4, decomposition_type="additive")
out = additive.forecast(quarterly, 6, level=[80, 95], fitted=True)
for key in ["mean", "lo-80", "hi-95", "fitted"]:
    show(f"additive_{key.replace('-', '_')}", out[key])

model = AutoTheta(season_length=4).fit(quarterly)
moved = model.forward(seasonal(30, -3.0), 5, level=[80, 95], fitted=True)
for key in ["mean", "lo-95", "hi-80", "fitted", "fitted-hi-80"]:
    show(f"forward_{key.replace('-', '_')}", moved[key])

awkward = {
    "constant": np.full(24, 4.2),
    "zeros": np.zeros(24),
    "alternating": np.array([5.0 + t if t % 2 == 0 else -5.0 - t for t in range(30)]),
    "huge": seasonal(40, 1e12),
    "tiny": seasonal(40, 1e-12),
    "four": np.array([1.0, 4.0, 2.0, 8.0]),
}
for name, y in awkward.items():
    out = AutoTheta(season_length=4).forecast(y, 6, level=[80, 95], fitted=True)
    for key in ["mean", "lo-95", "hi-95", "fitted", "fitted-lo-80"]:
        show(f"{name}_{key.replace('-', '_')}", out[key])
