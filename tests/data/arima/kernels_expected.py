"""Expected values for the tests of src/models/arima/statespace.rs.

    python tests/data/arima/kernels_expected.py

Run with statsforecast 2.1.1, statsmodels 0.15.0, scipy 1.17.1 and numpy 2.4.6. Every case
prints `name = [...]` with Python's `repr` (the shortest literal that round-trips, at most
17 significant digits); the Rust tests paste these as literals.
"""
import math
import warnings

import numpy as np
import statsmodels.api as sm
from scipy.signal import convolve
from statsforecast._lib import arima as _arima
from statsforecast.arima import (
    ARIMA_invtrans,
    arima_css,
    arima_gradtrans,
    arima_like,
    arima_transpar,
    arima_undopars,
    diff,
    getQ0,
    kalman_forecast,
    make_arima,
)

warnings.simplefilter("ignore")

Y30 = np.array([
    112.5, 118.25, 132.0, 129.75, 121.5, 135.125, 148.0, 148.5, 136.25, 119.0,
    104.75, 118.5, 115.0, 126.25, 141.5, 135.0, 125.75, 149.5, 170.25, 170.0,
    158.5, 133.0, 114.25, 140.0, 145.5, 150.0, 178.25, 163.0, 172.5, 178.75,
])


def lit(v):
    v = float(v)
    if math.isnan(v):
        return "f64::NAN"
    if math.isinf(v):
        return "f64::INFINITY" if v > 0 else "f64::NEG_INFINITY"
    return repr(v)


def show(name, values):
    values = np.atleast_1d(np.asarray(values, dtype=np.float64)).ravel()
    print(f"{name} = [{', '.join(lit(v) for v in values)}]")


def order(p, q, sp, sq, period, d, sd):
    return np.array([p, q, sp, sq, period, d, sd], dtype=np.int32)


def differencing(d, sd, period):
    # The Delta of statsforecast.arima.arima.
    delta = np.array([1.0])
    for _ in range(d):
        delta = convolve(delta, np.array([1.0, -1.0]))
    for _ in range(sd):
        delta = convolve(delta, np.array([1] + [0] * (period - 1) + [-1]))
    return -delta[1:]


def up_arima(mod, phi, theta):
    # The upARIMA closure of statsforecast.arima.arima (SSinit="Gardner1980").
    p, q = len(phi), len(theta)
    mod["phi"] = phi
    mod["theta"] = theta
    r = max(p, q + 1)
    if p > 0:
        mod["T"][:p, 0] = phi
    if r > 1:
        mod["Pn"][:r, :r] = getQ0(phi, theta)
    else:
        mod["Pn"][0, 0] = 1 / (1 - phi[0] ** 2) if p > 0 else 1
    mod["a"][:] = 0
    return mod


def like(y, mod, use_resid):
    return arima_like(
        y, mod["phi"], mod["theta"], mod["delta"], mod["a"], mod["P"], mod["Pn"], 0, use_resid
    )


def show_state(prefix, mod):
    show(prefix + "_a", mod["a"])
    show(prefix + "_p", mod["P"])
    show(prefix + "_pn", mod["Pn"])


# Parameter transforms.
seasonal = order(2, 1, 1, 1, 4, 0, 0)
par = np.array([0.3, -0.2, 0.4, 0.5, -0.3])
for trans in (True, False):
    phi, theta = arima_transpar(par, seasonal, trans)
    show(f"transpar_{str(trans).lower()}_phi", phi)
    show(f"transpar_{str(trans).lower()}_theta", theta)
long_ar = order(3, 1, 2, 0, 4, 0, 0)
par_long = np.array([0.8, -0.5, 0.3, 0.2, 0.6, -0.4])
phi, theta = arima_transpar(par_long, long_ar, True)
show("transpar_long_phi", phi)
show("transpar_long_theta", theta)
show("undopars_long", arima_undopars(par_long, long_ar))
show("undopars_seasonal", arima_undopars(par, seasonal))
show("invtrans_long", ARIMA_invtrans(np.array([0.5, -0.3, 0.2, 0.4, 0.6, -0.4]), long_ar))
show("invtrans_seasonal", ARIMA_invtrans(par, seasonal))
show("gradtrans_long", arima_gradtrans(par_long, long_ar))
show("gradtrans_seasonal", arima_gradtrans(par, seasonal))

# Conditional sum of squares.
airline = order(1, 1, 0, 1, 4, 1, 1)
phi, theta = arima_transpar(np.array([0.4, -0.3, -0.5]), airline, False)
value, resid = arima_css(Y30, airline, phi, theta)
show("css_airline_value", value)
show("css_airline_resid", resid)
y_gap = Y30.copy()
y_gap[[6, 13]] = np.nan
arma11 = order(1, 1, 0, 0, 1, 0, 0)
value, resid = arima_css(y_gap, arma11, np.array([0.6]), np.array([0.3]))
show("css_gap_value", value)
show("css_gap_resid", resid)

# Initial state covariance.
show("q0_p3_q2", getQ0(np.array([0.5, -0.2, 0.1]), np.array([0.4, 0.3])))
show("q0_p0_q2", getQ0(np.array([]), np.array([0.4, 0.3])))
show("q0_p2_q3", getQ0(np.array([0.6, -0.3]), np.array([0.2, -0.1, 0.05])))

# Differencing.
for d, sd, period in [(1, 1, 4), (2, 1, 12), (0, 2, 4), (1, 0, 1)]:
    show(f"delta_{d}_{sd}_{period}", differencing(d, sd, period))
show("diff_4_1", diff(Y30, 4, 1))
show("diff_1_2", diff(Y30, 1, 2))

# State space: ARIMA(1,1,1)(0,1,1)[4].
phi, theta = arima_transpar(np.array([0.4, -0.3, -0.5]), airline, False)
mod = make_arima(phi, theta, differencing(1, 1, 4), 1e6)
show("airline_z", mod["Z"])
show("airline_t", mod["T"])
show("airline_v", mod["V"])
show("airline_pn0", mod["Pn"])
ssq, sumlog, nu, resid = like(Y30, mod, True)
show("airline_like", [ssq, sumlog, nu])
show("airline_resid", resid)
show_state("airline_after", mod)
fc, se = kalman_forecast(8, *(mod[k] for k in ["Z", "a", "P", "T", "V", "h"]))
show("airline_fc", fc)
show("airline_se", se)
# A second evaluation after upARIMA, on a series with gaps.
phi2, theta2 = arima_transpar(np.array([0.2, -0.6, -0.4]), airline, False)
up_arima(mod, phi2, theta2)
show("airline_up_theta", mod["theta"])
show("airline_up_pn", mod["Pn"])
ssq, sumlog, nu, _ = like(y_gap, mod, False)
show("airline_gap_like", [ssq, sumlog, nu])
show_state("airline_gap_after", mod)

# State space without differencing: ARMA(2,1) on the centred series.
centred = Y30 - 140.0
mod = make_arima(np.array([0.5, -0.3]), np.array([0.4]), np.array([]), 1e6)
ssq, sumlog, nu, resid = like(centred, mod, True)
show("arma_like", [ssq, sumlog, nu])
show("arma_resid", resid)
show_state("arma_after", mod)
fc, se = kalman_forecast(5, *(mod[k] for k in ["Z", "a", "P", "T", "V", "h"]))
show("arma_fc", fc)
show("arma_se", se)

# Seasonal models with many states (getQ0 with r = 26 and 14, the Kalman filter with 38
# and 14 states), on a 100-point monthly series. Long arrays are compared through
# `bits_hash`.
def bits_hash(values):
    # Σ (2 i + 1) · bits(values[i]) mod 2^64 over the raveled float64 array: one number
    # that changes with any bit of any entry (the Rust tests compute the same).
    bits = np.ascontiguousarray(values, dtype=np.float64).ravel().view(np.uint64)
    return sum((2 * i + 1) * int(b) for i, b in enumerate(bits)) % 2**64


def show_hash(name, values):
    print(f"{name} = {bits_hash(values)}")


t100 = np.arange(100.0)
Y100 = np.round(
    100.0 + 0.4 * t100 + 12.0 * np.sin(np.pi * t100 / 6) + 3.0 * np.sin(0.7 * t100)
    + 2.0 * np.cos(1.9 * t100),
    3,
)
show("y100", Y100)
# ARIMA(2,0,1)(2,1,1)[12]: phi has 26 = r coefficients, 13 differencing states.
sarima = order(2, 1, 2, 1, 12, 0, 1)
phi, theta = arima_transpar(np.array([0.5, -0.2, 0.3, -0.4, 0.2, -0.5]), sarima, True)
show_hash("sarima_q0", getQ0(phi, theta))
value, resid = arima_css(Y100, sarima, phi, theta)
show("sarima_css_value", value)
show_hash("sarima_css_resid", resid)
mod = make_arima(phi, theta, differencing(0, 1, 12), 1e6)
y_gaps = Y100.copy()
y_gaps[[17, 50, 51, 99]] = np.nan
ssq, sumlog, nu, resid = like(y_gaps, mod, True)
show("sarima_like", [ssq, sumlog, nu])
show_hash("sarima_resid", resid)
show("sarima_after_a", mod["a"])
show_hash("sarima_after_p", mod["P"])
show_hash("sarima_after_pn", mod["Pn"])
phi2, theta2 = arima_transpar(np.array([0.3, 0.1, -0.4, 0.2, 0.1, -0.3]), sarima, True)
up_arima(mod, phi2, theta2)
show_hash("sarima_up_pn", mod["Pn"])
ssq, sumlog, nu, _ = like(Y100, mod, False)
show("sarima_up_like", [ssq, sumlog, nu])
show("sarima_up_after_a", mod["a"])
show_hash("sarima_up_after_p", mod["P"])
show_hash("sarima_up_after_pn", mod["Pn"])
# ARMA(1,1)(1,1)[12] without differencing: 14 states, p = 13 < r.
sarma = order(1, 1, 1, 1, 12, 0, 0)
phi, theta = arima_transpar(np.array([0.6, 0.3, 0.5, -0.4]), sarma, True)
show_hash("sarma_q0", getQ0(phi, theta))
mod = make_arima(phi, theta, np.array([]), 1e6)
ssq, sumlog, nu, resid = like(y_gaps[:99] - 120.0, mod, True)
show("sarma_like", [ssq, sumlog, nu])
show_hash("sarma_resid", resid)
show("sarma_after_a", mod["a"])
show_hash("sarma_after_p", mod["P"])
show_hash("sarma_after_pn", mod["Pn"])

# AR(1) where numpy's `phi ** 2` (libm pow) differs from phi * phi.
phi_pow = float.fromhex("0x1.600e93b8381b4p-2")
mod = make_arima(np.array([phi_pow]), np.array([]), np.array([]), 1e6)
show("ar1_pow_pn", mod["Pn"][0, 0])

# KPSS (level) p-values with ndiffs' lag rule.
t = np.arange(40.0)
series = {
    "trend": np.round(0.3 * t + np.sin(t), 3),
    "stationary": np.round(np.sin(1.7 * t) + 0.5 * np.cos(0.9 * t), 3),
    "middle": np.round(np.sin(0.8 * t) + 0.04 * t, 3),
    "long": np.round(np.sin(0.7 * np.arange(150.0)) + 0.004 * np.arange(150.0), 3),
}
for name, x in series.items():
    nlags = math.floor(3 * math.sqrt(len(x)) / 13)
    stat, pvalue, lags, _ = sm.tsa.kpss(x, "c", nlags=nlags)
    show(f"kpss_{name}_x", x)
    show(f"kpss_{name}", [pvalue, stat, lags])

# OLS with the pseudo-inverse.
ty = np.arange(1.0, 21.0)
ols_y = np.round(3.0 + 0.5 * ty + np.sin(ty), 3)
ols_x2 = np.round(np.cos(0.7 * ty), 3)
params = sm.OLS(ols_y, np.column_stack([np.ones(20), ty, ols_x2])).fit().params
show("ols_y", ols_y)
show("ols_x2", ols_x2)
show("ols_params", params)
show("ols_drift_params", sm.OLS(ols_y, ty.reshape(-1, 1)).fit().params)
