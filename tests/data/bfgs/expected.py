"""Reference values for src/models/optim/bfgs.rs.

Runs scipy.optimize.minimize(method="BFGS") (scipy 1.17.1, numpy 2.4.6) on the
objectives used by the Rust tests and prints the results as Rust literals.

The objectives are written with plain float arithmetic in a fixed order so the
Rust copies in the tests evaluate to the same bits. The finite-difference BFGS
is sensitive to the last bit of every objective value, so keep the two in sync.

Note: numpy's dot products go through OpenBLAS, whose summation order depends
on the CPU kernel it selects at run time. The Rust code mimics the Haswell
kernels, those of the machine that produced the statsforecast reference fits,
so force them (OPENBLAS_CORETYPE=Zen selects the same kernels; the default on
an AVX-512 machine, SkylakeX, gives different values).

Regenerate with:  OPENBLAS_CORETYPE=Haswell python tests/data/bfgs/expected.py
"""

import math
import sys

import numpy as np
import scipy
from scipy.optimize import minimize

FLOAT_MAX = sys.float_info.max


def rosenbrock(x):
    x0 = float(x[0])
    x1 = float(x[1])
    a = x1 - x0 * x0
    b = 1.0 - x0
    return 100.0 * (a * a) + b * b


def rosenbrock_extended(x):
    total = 0.0
    for i in range(len(x) - 1):
        xi = float(x[i])
        xn = float(x[i + 1])
        a = xn - xi * xi
        b = 1.0 - xi
        total = total + (100.0 * (a * a) + b * b)
    return total


QUAD_A = [[4.0, 1.0, 0.5], [1.0, 3.0, 0.25], [0.5, 0.25, 2.0]]
QUAD_B = [1.0, -2.0, 0.5]


def quadratic3(x):
    total = 0.0
    for i in range(3):
        xi = float(x[i])
        for j in range(3):
            total = total + 0.5 * xi * QUAD_A[i][j] * float(x[j])
        total = total - QUAD_B[i] * xi
    return total


def one_dimensional(x):
    v = float(x[0])
    return math.exp(v) - 2.0 * v + 0.1 * (v * v)


def inside_disc(x):
    x0 = float(x[0])
    x1 = float(x[1])
    if x0 * x0 + x1 * x1 >= 1.0:
        return math.inf
    a = x0 - 2.0
    b = x1 - 0.5
    return a * a + b * b


SERIES = [
    0.52, 1.13, 1.67, 1.41, 0.88, 0.15, -0.43, -0.92, -0.71, -0.18,
    0.47, 1.05, 1.32, 0.97, 0.36, -0.27, -0.81, -1.02, -0.66, -0.05,
    0.61, 1.18, 1.25, 0.83, 0.12, -0.49, -0.95, -0.88, -0.37, 0.24,
    0.79, 1.21, 1.08, 0.55, -0.08, -0.63, -1.04, -0.79, -0.22, 0.41,
]


def ar2_objective(x):
    phi1 = float(x[0])
    phi2 = float(x[1])
    total = 0.0
    for t in range(2, len(SERIES)):
        e = SERIES[t] - phi1 * SERIES[t - 1] - phi2 * SERIES[t - 2]
        total = total + e * e
    return 0.5 * math.log(total / (len(SERIES) - 2))


def ar2_stationary_objective(x):
    """The AR(2) objective with an ARIMA-style penalty outside the stationary triangle."""
    phi1 = float(x[0])
    phi2 = float(x[1])
    if not (phi2 < 1.0 and phi2 + phi1 < 1.0 and phi2 - phi1 < 1.0):
        return FLOAT_MAX
    return ar2_objective(x)


def large_scale(x):
    """Exercises the relative finite-difference step used where x + eps == x."""
    u = float(x[0]) * 1e-8
    v = float(x[1])
    a = u - 3.5
    b = v - 0.2
    return a * a + b * b + u * v


CASES = [
    ("rosenbrock", rosenbrock, [-1.2, 1.0], 1e-8, 100),
    ("quadratic3", quadratic3, [1.0, 1.0, 1.0], 1e-8, 100),
    ("one_dimensional", one_dimensional, [3.0], 1e-8, 100),
    ("inside_disc", inside_disc, [0.0, 0.0], 1e-8, 100),
    ("ar2", ar2_objective, [0.1, 0.1], 1e-8, 100),
    ("ar2_stationary", ar2_stationary_objective, [0.5, 0.3], 1e-8, 100),
    ("rosenbrock_max_iter", rosenbrock, [-1.2, 1.0], 1e-8, 3),
    ("rosenbrock_extended5", rosenbrock_extended, [-1.2, 1.0, -1.2, 1.0, -1.2], 1e-8, 200),
    ("rosenbrock_extended7", rosenbrock_extended, [-1.2, 1.0] * 3 + [-1.2], 1e-8, 300),
    ("rosenbrock_extended9", rosenbrock_extended, [-1.2, 1.0] * 4 + [-1.2], 1e-8, 300),
    ("rosenbrock_extended16", rosenbrock_extended, [-1.2, 1.0] * 8, 1e-8, 40),
    ("large_scale", large_scale, [3e8, 0.5], 1e-8, 100),
]


def rust_f64(v):
    v = float(v)
    if math.isnan(v):
        return "f64::NAN"
    if math.isinf(v):
        return "f64::INFINITY" if v > 0 else "f64::NEG_INFINITY"
    text = repr(v)
    if "e" not in text and "." not in text:
        text += ".0"
    return text


def rust_vec(values):
    return "[" + ", ".join(rust_f64(v) for v in values) + "]"


STATUS = ["Converged", "MaxIterations", "PrecisionLoss", "NotFinite"]


def main():
    print(f"// scipy {scipy.__version__}, numpy {np.__version__}")
    for name, fun, x0, tol, max_iter in CASES:
        res = minimize(fun, np.array(x0), method="BFGS", tol=tol,
                       options={"maxiter": max_iter})
        print(f"// {name}: {res.message}")
        print("Expected {")
        print(f"    x: &{rust_vec(res.x)},")
        print(f"    fun: {rust_f64(res.fun)},")
        print(f"    status: BfgsStatus::{STATUS[res.status]},")
        print(f"    hess_inv: &{rust_vec(np.asarray(res.hess_inv, dtype=float).ravel())},")
        print(f"    iterations: {res.nit},")
        print(f"    evaluations: {res.nfev},")
        print("},")


if __name__ == "__main__":
    main()
