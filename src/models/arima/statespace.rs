//! Numerical kernels of statsforecast's ARIMA: its compiled `statsforecast._lib.arima` module
//! (parameter transforms, conditional sum of squares, Gardner's initial covariance, the Kalman
//! likelihood) and the state-space helpers of its `arima.py` (`make_arima`, `upARIMA`,
//! `kalman_forecast`, `diff`, the differencing polynomial), as of statsforecast 2.1.1.
//!
//! Every value gets the C++'s operations in the C++'s order (the hot kernels reorder loops
//! over independent elements and skip updates that provably leave their operands unchanged,
//! as their docs explain), and `tanh`, `atanh`, `log` and `pow` are glibc's, so that the
//! results are bit-identical to statsforecast's on Linux; only the numpy matrix products of
//! `kalman_forecast` (BLAS) may differ in the last bits. The statsmodels pieces statsforecast relies on (the KPSS test of `ndiffs`, `OLS` for
//! regressors) live here too and agree to rounding.
//!
//! Matrices are flat row-major `Vec<f64>`s, exactly as numpy's `ravel()` of statsforecast's
//! C-contiguous arrays, so index arithmetic carries over unchanged.

use std::hint::black_box;

use crate::models::reductions::pairwise_sum;

/// statsforecast's `arma` vector: `[p, q, P, Q, period, d, D]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ArmaOrder {
    pub p: usize,
    pub q: usize,
    pub sp: usize,
    pub sq: usize,
    pub period: usize,
    pub d: usize,
    pub sd: usize,
}

/// Maps unconstrained values to the coefficients of a stationary AR polynomial: `tanh` gives
/// partial autocorrelations, Durbin-Levinson turns them into coefficients. Writes `out[..p]`.
fn partrans(p: usize, raw: &[f64], out: &mut [f64]) {
    for (coef, &value) in out[..p].iter_mut().zip(&raw[..p]) {
        *coef = value.tanh();
    }
    let mut work = out[..p].to_vec();
    for j in 1..p {
        for k in 0..j {
            work[k] -= out[j] * out[j - k - 1];
        }
        out[..j].copy_from_slice(&work[..j]);
    }
}

/// Inverse of [`partrans`]: AR coefficients back to unconstrained values. Writes `out[..p]`.
fn invpartrans(p: usize, coefs: &[f64], out: &mut [f64]) {
    out[..p].copy_from_slice(&coefs[..p]);
    let mut work = coefs[..p].to_vec();
    for j in (1..p).rev() {
        let a = out[j];
        for k in 0..j {
            work[k] = (out[k] + a * out[j - k - 1]) / (1.0 - a * a);
        }
        out[..j].copy_from_slice(&work[..j]);
    }
    for value in &mut out[..p] {
        *value = libm_atanh(*value);
    }
}

/// `atanh` as glibc computes it (C++ `std::atanh`); Rust's `f64::atanh` uses another formula
/// that differs in the last bit for about a third of the inputs.
fn libm_atanh(x: f64) -> f64 {
    let xa = x.abs();
    let half_log = if xa < 0.5 {
        if xa < f64::from_bits(0x3e30_0000_0000_0000) {
            // |x| < 2^-28: atanh(x) rounds to x.
            return x;
        }
        let twice = xa + xa;
        0.5 * (twice + twice * xa / (1.0 - xa)).ln_1p()
    } else if xa < 1.0 {
        0.5 * ((xa + xa) / (1.0 - xa)).ln_1p()
    } else if xa > 1.0 {
        return f64::NAN;
    } else {
        return x / 0.0;
    };
    half_log.copysign(x)
}

/// Expands `[ar, ma, sar, sma, ...]` into the full AR (`phi`) and MA (`theta`) polynomials of
/// the multiplicative seasonal model, first mapping the AR parts to stationary ones when
/// `transform` is set (`arima_transpar`).
pub(crate) fn transform_params(
    par: &[f64],
    arma: &ArmaOrder,
    transform: bool,
) -> (Vec<f64>, Vec<f64>) {
    let (mp, mq, msp, msq, ns) = (arma.p, arma.q, arma.sp, arma.sq, arma.period);
    let mut params = par.to_vec();
    if transform {
        if mp > 0 {
            partrans(mp, par, &mut params);
        }
        let v = mp + mq;
        if msp > 0 {
            partrans(msp, &par[v..], &mut params[v..]);
        }
    }
    let mut phi = vec![0.0; mp + ns * msp];
    let mut theta = vec![0.0; mq + ns * msq];
    phi[..mp].copy_from_slice(&params[..mp]);
    theta[..mq].copy_from_slice(&params[mp..mp + mq]);
    if ns > 0 {
        for j in 0..msp {
            let seasonal = params[j + mp + mq];
            phi[(j + 1) * ns - 1] += seasonal;
            for i in 0..mp {
                phi[(j + 1) * ns + i] -= params[i] * seasonal;
            }
        }
        for j in 0..msq {
            let seasonal = params[j + mp + mq + msp];
            theta[(j + 1) * ns - 1] += seasonal;
            for i in 0..mq {
                theta[(j + 1) * ns + i] += params[i + mp] * seasonal;
            }
        }
    }
    (phi, theta)
}

/// The parameter vector with its AR and seasonal AR parts mapped to stationary coefficients
/// (`arima_undopars`); the other entries are copied.
pub(crate) fn undo_params(par: &[f64], arma: &ArmaOrder) -> Vec<f64> {
    let mut out = par.to_vec();
    if arma.p > 0 {
        partrans(arma.p, par, &mut out);
    }
    let v = arma.p + arma.q;
    if arma.sp > 0 {
        partrans(arma.sp, &par[v..], &mut out[v..]);
    }
    out
}

/// Inverse of [`undo_params`] (`ARIMA_invtrans` of arima.py): stationary AR parts back to the
/// unconstrained scale the optimiser works on.
pub(crate) fn inverse_transform(par: &[f64], arma: &ArmaOrder) -> Vec<f64> {
    let mut out = par.to_vec();
    if arma.p > 0 {
        invpartrans(arma.p, par, &mut out);
    }
    let v = arma.p + arma.q;
    if arma.sp > 0 {
        invpartrans(arma.sp, &par[v..], &mut out[v..]);
    }
    out
}

/// Forward-difference Jacobian of [`undo_params`] (`arima_gradtrans`), `n × n` row-major with
/// row `i` the derivatives with respect to `par[i]`; identity outside the AR blocks.
///
/// The step is added and then subtracted again, leaving rounding residue in later probes,
/// exactly as statsforecast does.
pub(crate) fn transform_gradient(par: &[f64], arma: &ArmaOrder) -> Vec<f64> {
    const EPS: f64 = 1e-3;
    let n = par.len();
    let (mp, mq, msp) = (arma.p, arma.q, arma.sp);
    let mut out = vec![0.0; n * n];
    for i in 0..n {
        out[i * n + i] = 1.0;
    }
    let width = mp.max(msp);
    let mut probe = vec![0.0; width];
    let mut base = vec![0.0; width];
    let mut shifted = vec![0.0; width];
    if mp > 0 {
        probe[..mp].copy_from_slice(&par[..mp]);
        partrans(mp, &probe, &mut base);
        for i in 0..mp {
            probe[i] += EPS;
            partrans(mp, &probe, &mut shifted);
            for j in 0..mp {
                out[n * i + j] = (shifted[j] - base[j]) / EPS;
            }
            probe[i] -= EPS;
        }
    }
    if msp > 0 {
        let v = mp + mq;
        probe[..msp].copy_from_slice(&par[v..v + msp]);
        partrans(msp, &probe, &mut base);
        for i in 0..msp {
            probe[i] += EPS;
            partrans(msp, &probe, &mut shifted);
            for j in 0..msp {
                out[n * (i + v) + j + v] = (shifted[j] - base[j]) / EPS;
            }
            probe[i] -= EPS;
        }
    }
    out
}

/// Conditional sum of squares (`arima_css`): differences `y`, runs the ARMA recursion from
/// `ncond = p + d + period * (P + D)` and returns the mean squared residual with the residuals
/// (zero before `ncond`). NaN residuals are skipped in the mean but propagate through the MA
/// recursion.
///
/// statsforecast raises when `ncond` exceeds the series length; this returns a NaN value and
/// zero residuals then, so callers must check the length themselves to reproduce the error.
pub(crate) fn css(y: &[f64], arma: &ArmaOrder, phi: &[f64], theta: &[f64]) -> (f64, Vec<f64>) {
    let n = y.len();
    let ncond = arma.p + arma.d + arma.period * (arma.sp + arma.sd);
    let mut resid = vec![0.0; n];
    if ncond > n {
        return (f64::NAN, resid);
    }
    let mut w = y.to_vec();
    for _ in 0..arma.d {
        for l in (1..n).rev() {
            w[l] -= w[l - 1];
        }
    }
    let lag = arma.period;
    for _ in 0..arma.sd {
        for l in (lag..n).rev() {
            w[l] -= w[l - lag];
        }
    }
    let mut ssq = 0.0;
    let mut nu = 0u32;
    for l in ncond..n {
        let mut tmp = w[l];
        // The lags l - 1, l - 2, ... (`ncond` is at least the AR order).
        for (&coef, &lagged) in phi.iter().zip(w[..l].iter().rev()) {
            tmp -= coef * lagged;
        }
        for (&coef, &lagged) in theta.iter().take(l - ncond).zip(resid[..l].iter().rev()) {
            tmp -= coef * lagged;
        }
        resid[l] = tmp;
        if !tmp.is_nan() {
            nu += 1;
            ssq += tmp * tmp;
        }
    }
    (ssq / f64::from(nu), resid)
}

/// Work space of Gardner's method ([`initial_covariance`]), kept by [`StateSpace`] so that the
/// optimiser's many [`StateSpace::update`]s neither allocate nor clear the large `rbar`.
///
/// The regression's packed triangle `rbar` (`np (np - 1) / 2` entries for `np = r (r + 1) / 2`
/// unknowns) stays mostly zero, so it is handled sparsely, with results identical to the
/// C++'s dense loops (see [`include_row`] and [`GardnerScratch::solve`]): bit `k` of row `i`'s
/// mask in `rbar_mask` is set where entry `(i, k)` may differ from `+0.0`; elsewhere the entry
/// is `+0.0` and its stored value is stale.
#[derive(Debug, Clone, Default)]
struct GardnerScratch {
    /// The result (`r × r`); its first `np` entries double as the regression's diagonal.
    res: Vec<f64>,
    v: Vec<f64>,
    thetab: Vec<f64>,
    xnext: Vec<f64>,
    /// The row being included, `+0.0` outside the positions set in `xrow_mask`.
    xrow: Vec<f64>,
    xrow_mask: Vec<u64>,
    rbar: Vec<f64>,
    rbar_mask: Vec<u64>,
}

/// Offset of row `i` (entries `(i, i + 1..np)`) in a packed strict upper triangle.
fn packed_row_start(i: usize, np: usize) -> usize {
    i * np - i * (i + 1) / 2
}

/// The lowest position at or after `from` set in the bit set `mask`.
fn next_bit(mask: &[u64], from: usize) -> Option<usize> {
    let mut w = from / 64;
    let mut bits = mask.get(w)? & (!0u64 << (from % 64));
    while bits == 0 {
        w += 1;
        bits = *mask.get(w)?;
    }
    Some(w * 64 + bits.trailing_zeros() as usize)
}

/// One Givens-style inclusion of a row into the regression (`inclu2`, AS 154), updating the
/// diagonal `d`, the packed upper triangle `rbar` and the projected right-hand side `thetab`.
///
/// The C++ updates every position right of the pivot `i`. Where both the row and `rbar` hold
/// `+0.0`, that update (`0 - xi * 0` and `cbar * 0 + sbar * 0`) gives `+0.0` again whenever
/// `xi`, `cbar` and `sbar` are finite (`cbar` is not negative, `d` holding sums of squares), so
/// only the union of the row's and `rbar` row `i`'s masks is visited then, and every position
/// otherwise. Pivots are taken in increasing order as in the C++, and `xrow` is left zero.
fn include_row(
    xrow: &mut [f64],
    xrow_mask: &mut [u64],
    mut ynext: f64,
    d: &mut [f64],
    rbar: &mut [f64],
    rbar_mask: &mut [u64],
    thetab: &mut [f64],
) {
    let np = xrow.len();
    let words = xrow_mask.len();
    let mut from = 0;
    while let Some(i) = next_bit(xrow_mask, from) {
        from = i + 1;
        let xi = xrow[i];
        if xi == 0.0 {
            continue;
        }
        let di = d[i];
        let dpi = di + xi * xi;
        d[i] = dpi;
        let (cbar, sbar) = if dpi == 0.0 {
            (f64::INFINITY, f64::INFINITY)
        } else {
            (di / dpi, xi / dpi)
        };
        let dense = !(xi.is_finite() && cbar.is_finite() && sbar.is_finite());
        let start = packed_row_start(i, np);
        let row = &mut rbar[start..start + np - from];
        let row_mask = &mut rbar_mask[i * words..(i + 1) * words];
        for w in from / 64..words {
            let mut reach = if w == from / 64 {
                !0u64 << (from % 64)
            } else {
                !0u64
            };
            if (w + 1) * 64 > np {
                reach &= (1u64 << (np % 64)) - 1;
            }
            let stored = row_mask[w];
            let mut todo = if dense {
                reach
            } else {
                (xrow_mask[w] | stored) & reach
            };
            row_mask[w] = todo;
            xrow_mask[w] |= todo;
            while todo != 0 {
                let b = todo.trailing_zeros();
                todo &= todo - 1;
                let k = w * 64 + b as usize;
                let rb = if stored >> b & 1 == 1 {
                    row[k - from]
                } else {
                    0.0
                };
                let xk = xrow[k];
                xrow[k] = xk - xi * rb;
                row[k - from] = cbar * rb + sbar * xk;
            }
        }
        let xk = ynext;
        ynext = xk - xi * thetab[i];
        thetab[i] = cbar * thetab[i] + sbar * xk;
        if di == 0.0 {
            break;
        }
    }
    for (w, bits) in xrow_mask.iter_mut().enumerate() {
        while *bits != 0 {
            xrow[w * 64 + bits.trailing_zeros() as usize] = 0.0;
            *bits &= *bits - 1;
        }
    }
}

impl GardnerScratch {
    /// Stationary covariance of the ARMA state vector by Gardner et al.'s (1980) method
    /// (`getQ0`), `r × r` row-major with `r = max(p, q + 1)`.
    fn solve(&mut self, phi: &[f64], theta: &[f64]) -> &[f64] {
        let p = phi.len();
        let q = theta.len();
        let r = p.max(q + 1);
        let np = r * (r + 1) / 2;
        let res = &mut self.res;
        res.clear();
        res.resize(r * r, 0.0);
        if r == 1 {
            res[0] = if p == 0 {
                1.0
            } else {
                1.0 / (1.0 - phi[0] * phi[0])
            };
            return res;
        }
        let psi = |i: usize| match i {
            0 => 1.0,
            _ if i - 1 < q => theta[i - 1],
            _ => 0.0,
        };
        let v = &mut self.v;
        v.clear();
        for j in 0..r {
            let vj = psi(j);
            for i in j..r {
                v.push(psi(i) * vj);
            }
        }
        let coef = |i: usize| if i < p { phi[i] } else { 0.0 };

        if p > 0 {
            let nrbar = np * (np - 1) / 2;
            let words = np.div_ceil(64);
            let Self {
                thetab,
                xnext,
                xrow,
                xrow_mask,
                rbar,
                rbar_mask,
                ..
            } = self;
            // Only masked entries of `rbar` are read, so it is never cleared.
            if rbar.len() < nrbar {
                rbar.resize(nrbar, 0.0);
            }
            for (buffer, len) in [(&mut *thetab, np), (&mut *xnext, np), (&mut *xrow, np)] {
                buffer.clear();
                buffer.resize(len, 0.0);
            }
            for (mask, len) in [(&mut *xrow_mask, words), (&mut *rbar_mask, np * words)] {
                mask.clear();
                mask.resize(len, 0);
            }
            let npr = np - r;
            let mut ind = 0;
            // Starts "before 0": the C++ uses a signed index pre-incremented on first use.
            let mut ind1 = usize::MAX;
            let mut indj = npr;
            let mut ind2 = npr - 1;
            for j in 0..r {
                let phij = coef(j);
                let mut indi = npr + 1 + j;
                xnext[indj] = 0.0;
                indj += 1;
                for i in j..r {
                    let ynext = v[ind];
                    ind += 1;
                    let phii = coef(i);
                    if j != r - 1 {
                        xnext[indj] = -phii;
                        if i != r - 1 {
                            xnext[indi] -= phij;
                            ind1 = ind1.wrapping_add(1);
                            xnext[ind1] = -1.0;
                        }
                    }
                    xnext[npr] = -phii * phij;
                    ind2 += 1;
                    if ind2 >= np {
                        ind2 = 0;
                    }
                    xnext[ind2] += 1.0;
                    // The row to include: `xnext` is +0.0 but at the positions written for
                    // this row, the others having been reset after their last use.
                    for k in [npr, ind2, indj, indi, ind1] {
                        if let Some(&x) = xnext.get(k).filter(|x| x.to_bits() != 0) {
                            xrow[k] = x;
                            xrow_mask[k / 64] |= 1 << (k % 64);
                        }
                    }
                    include_row(
                        xrow,
                        xrow_mask,
                        ynext,
                        &mut res[..np],
                        rbar,
                        rbar_mask,
                        thetab,
                    );
                    xnext[ind2] = 0.0;
                    if i != r - 1 {
                        xnext[indi] = 0.0;
                        indi += 1;
                        xnext[ind1] = 0.0;
                    }
                }
            }

            // Back-substitution through the packed triangle, last unknown first, subtracting
            // `rbar[im, jm] * res[jm]` for `jm` from `np - 1` down. An unmasked term
            // `+0.0 * res[jm]` is a zero when `res[jm]` is finite, and subtracting a zero
            // changes only a running value of `-0.0`. A difference is `-0.0` only when `+0.0`
            // is subtracted from `-0.0`, so the running value never is unless `thetab[im]` is:
            // short of that or of a non-finite `res`, the masked terms alone give the C++'s
            // bits, and otherwise all terms are subtracted as in the C++.
            let mut later_finite = true;
            for im in (0..np).rev() {
                let start = packed_row_start(im, np);
                let row = &rbar[start..start + np - im - 1];
                let row_mask = &rbar_mask[im * words..(im + 1) * words];
                let mut bi = thetab[im];
                if later_finite && bi.to_bits() != (-0.0f64).to_bits() {
                    for (w, &bits) in row_mask.iter().enumerate().rev() {
                        let mut bits = bits;
                        while bits != 0 {
                            let b = 63 - bits.leading_zeros() as usize;
                            bits ^= 1 << b;
                            let jm = w * 64 + b;
                            bi -= row[jm - im - 1] * res[jm];
                        }
                    }
                } else {
                    for jm in (im + 1..np).rev() {
                        let rb = if row_mask[jm / 64] >> (jm % 64) & 1 == 1 {
                            row[jm - im - 1]
                        } else {
                            0.0
                        };
                        bi -= rb * res[jm];
                    }
                }
                res[im] = bi;
                later_finite &= bi.is_finite();
            }

            // The solution lists the first state row last; rotate it to the front.
            xnext[..r].copy_from_slice(&res[npr..npr + r]);
            res.copy_within(0..npr, r);
            res[..r].copy_from_slice(&xnext[..r]);
        } else {
            let mut ind = np;
            let mut indn = np;
            for i in 0..r {
                for j in 0..=i {
                    ind -= 1;
                    res[ind] = v[ind];
                    if j != 0 {
                        indn -= 1;
                        res[ind] += res[indn];
                    }
                }
            }
        }

        // Unpack the upper triangle (stored row by row) into the square, then mirror it.
        let mut ind = np;
        for i in (1..r).rev() {
            for j in (i..r).rev() {
                ind -= 1;
                res[r * i + j] = res[ind];
            }
        }
        for i in 0..r - 1 {
            for j in i + 1..r {
                res[i + r * j] = res[j + r * i];
            }
        }
        res
    }
}

/// Stationary covariance of the ARMA state vector by Gardner et al.'s (1980) method (`getQ0`),
/// `r × r` row-major with `r = max(p, q + 1)`.
pub(crate) fn initial_covariance(phi: &[f64], theta: &[f64]) -> Vec<f64> {
    GardnerScratch::default().solve(phi, theta).to_vec()
}

/// Full polynomial product of two coefficient vectors.
fn convolve(a: &[f64], b: &[f64]) -> Vec<f64> {
    let mut out = vec![0.0; a.len() + b.len() - 1];
    for (i, &x) in a.iter().enumerate() {
        for (j, &y) in b.iter().enumerate() {
            out[i + j] += x * y;
        }
    }
    out
}

/// Coefficients `delta` of the differencing operator `(1 - B)^d (1 - B^period)^sd`, without
/// the leading one and negated, so that `y_t = sum delta_i y_{t-i} + w_t` (arima()'s `Delta`).
/// A period below one counts as one, as in statsforecast.
pub(crate) fn differencing_polynomial(d: usize, sd: usize, period: usize) -> Vec<f64> {
    let mut poly = vec![1.0];
    for _ in 0..d {
        poly = convolve(&poly, &[1.0, -1.0]);
    }
    let mut seasonal = vec![0.0; period.max(1) + 1];
    seasonal[0] = 1.0;
    seasonal[period.max(1)] = -1.0;
    for _ in 0..sd {
        poly = convolve(&poly, &seasonal);
    }
    poly[1..].iter().map(|c| -c).collect()
}

/// Lag-`lag` differences applied `times` times, without the first `lag * times` values that
/// have no difference (arima.py's `diff`). `lag` must be at least one.
pub(crate) fn difference(x: &[f64], lag: usize, times: usize) -> Vec<f64> {
    let mut w = x.to_vec();
    for _ in 0..times {
        for l in (lag..w.len()).rev() {
            w[l] -= w[l - lag];
        }
    }
    w.split_off((lag * times).min(w.len()))
}

/// Work vectors of [`kalman_likelihood`] and of [`StateSpace::update`]'s initial covariance,
/// kept so the optimiser's many evaluations do not allocate. Not part of the model: equality
/// ignores them.
#[derive(Debug, Clone, Default)]
struct KalmanScratch {
    anew: Vec<f64>,
    gain_column: Vec<f64>,
    mm: Vec<f64>,
    /// Empty until the first update, so that fitted models do not keep it.
    covariance: GardnerScratch,
}

impl PartialEq for KalmanScratch {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

/// The state-space form of an ARIMA model (`make_arima`'s dictionary): state `a` with
/// covariance `p`, the predicted covariance `pn`, transition `t`, observation `z`, state noise
/// `v` and observation noise `h`.
///
/// [`kalman_likelihood`] advances `a`, `p` and `pn` in place, as statsforecast's `arima_like`
/// writes into the model's arrays; the state after the final likelihood call is where
/// [`kalman_forecast`] starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StateSpace {
    pub phi: Vec<f64>,
    /// Padded with zeros to `r - 1` by [`StateSpace::new`]; [`StateSpace::update`] stores it
    /// unpadded, as statsforecast does.
    pub theta: Vec<f64>,
    pub delta: Vec<f64>,
    pub z: Vec<f64>,
    pub a: Vec<f64>,
    pub p: Vec<f64>,
    pub t: Vec<f64>,
    pub v: Vec<f64>,
    pub h: f64,
    pub pn: Vec<f64>,
    scratch: KalmanScratch,
}

/// `1 / (1 - phi²)` with `phi²` from libm's `pow`, as numpy's `phi[0] ** 2` computes it (it
/// differs from `phi * phi` in the last bit for some values; `black_box` keeps the compiler
/// from turning the call into a multiplication).
fn ar1_variance(phi: f64) -> f64 {
    1.0 / (1.0 - phi.powf(black_box(2.0)))
}

impl StateSpace {
    /// `make_arima`: the model for AR polynomial `phi`, MA polynomial `theta` and differencing
    /// coefficients `delta`, with the differenced states' initial variance `kappa`.
    pub(crate) fn new(phi: &[f64], theta: &[f64], delta: &[f64], kappa: f64) -> Self {
        let p = phi.len();
        let r = p.max(theta.len() + 1);
        let d = delta.len();
        let rd = r + d;

        let mut z = vec![0.0; rd];
        z[0] = 1.0;
        z[r..].copy_from_slice(delta);

        let mut t = vec![0.0; rd * rd];
        for (i, &coef) in phi.iter().enumerate() {
            t[i * rd] = coef;
        }
        for i in 1..r {
            t[(i - 1) * rd + i] = 1.0;
        }
        if d > 0 {
            t[r * rd..(r + 1) * rd].copy_from_slice(&z);
            for i in 1..d {
                t[(r + i) * rd + r + i - 1] = 1.0;
            }
        }

        let mut theta = theta.to_vec();
        theta.resize(r - 1, 0.0);
        let mut loading = vec![0.0; rd];
        loading[0] = 1.0;
        loading[1..r].copy_from_slice(&theta);
        let mut v = vec![0.0; rd * rd];
        for (i, &li) in loading.iter().enumerate() {
            for (j, &lj) in loading.iter().enumerate() {
                v[i * rd + j] = lj * li;
            }
        }

        let mut pn = vec![0.0; rd * rd];
        if r > 1 {
            let q0 = initial_covariance(phi, &theta);
            for i in 0..r {
                pn[i * rd..i * rd + r].copy_from_slice(&q0[i * r..(i + 1) * r]);
            }
        } else {
            pn[0] = if p > 0 { ar1_variance(phi[0]) } else { 1.0 };
        }
        for i in r..rd {
            pn[i * rd + i] = kappa;
        }

        let scratch = KalmanScratch {
            anew: vec![0.0; rd],
            gain_column: vec![0.0; rd],
            mm: if d > 0 {
                vec![0.0; rd * rd]
            } else {
                Vec::new()
            },
            covariance: GardnerScratch::default(),
        };
        Self {
            phi: phi.to_vec(),
            theta,
            delta: delta.to_vec(),
            z,
            a: vec![0.0; rd],
            p: vec![0.0; rd * rd],
            t,
            v,
            h: 0.0,
            pn,
            scratch,
        }
    }

    /// `upARIMA` with Gardner's initialisation: new coefficients (same orders) before another
    /// likelihood evaluation.
    ///
    /// Only the ARMA block of `pn` is reset and `p` is kept: the rest of `pn` still holds the
    /// last prediction of the previous [`kalman_likelihood`] call and feeds the first step of
    /// the next one, as in statsforecast. `v` keeps the MA coefficients given to `new`.
    pub(crate) fn update(&mut self, phi: &[f64], theta: &[f64]) {
        let p = phi.len();
        let r = p.max(theta.len() + 1);
        let rd = self.a.len();
        self.phi.clear();
        self.phi.extend_from_slice(phi);
        self.theta.clear();
        self.theta.extend_from_slice(theta);
        for (i, &coef) in phi.iter().enumerate() {
            self.t[i * rd] = coef;
        }
        if r > 1 {
            let q0 = self.scratch.covariance.solve(phi, theta);
            for (row, q0_row) in self.pn.chunks_exact_mut(rd).zip(q0.chunks_exact(r)) {
                row[..r].copy_from_slice(q0_row);
            }
        } else {
            self.pn[0] = if p > 0 { ar1_variance(phi[0]) } else { 1.0 };
        }
        self.a.fill(0.0);
    }
}

/// Gaussian likelihood pieces from [`kalman_likelihood`].
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Likelihood {
    /// Sum of squared standardised innovations.
    pub ssq: f64,
    /// Sum of the logs of the innovation variances.
    pub sumlog: f64,
    /// Number of innovations counted (observed, with variance below 1e4).
    pub nu: usize,
    /// Standardised innovations, NaN where `y` is missing, when requested.
    pub residuals: Option<Vec<f64>>,
}

/// Kalman filter likelihood of `y` (`arima_like` with `up = 0`): the first step uses `ss.pn` as
/// given, later steps predict it from `ss.p`. Missing values (NaN) skip the update.
///
/// Updates `ss.a`, `ss.p` and `ss.pn` in place, exactly as statsforecast's call mutates the
/// model's arrays.
///
/// Every element gets the C++'s operations in the C++'s order, but the loops are reordered so
/// that the inner ones run along contiguous memory (column `j` of the C++'s `P[i + j * rd]`
/// is the slice `p[j * rd..(j + 1) * rd]`): elements are independent, so only the order of
/// the terms added into one element matters for the result bits. The update of `p` costs a
/// division per element, so the next step's prediction is computed column by column as the
/// update produces the columns, which lets the processor overlap the two. The prediction's
/// loops run compiled for AVX where the processor has it (see [`Kernels`]).
pub(crate) fn kalman_likelihood(y: &[f64], ss: &mut StateSpace, use_resid: bool) -> Likelihood {
    kalman_filter(y, ss, use_resid, Kernels::detect())
}

/// [`kalman_likelihood`] with the prediction's loops compiled for `kernels`.
fn kalman_filter(y: &[f64], ss: &mut StateSpace, use_resid: bool, kernels: Kernels) -> Likelihood {
    let StateSpace {
        phi,
        theta,
        delta,
        a,
        p: pmat,
        pn,
        scratch,
        ..
    } = ss;
    let KalmanScratch {
        anew,
        gain_column: m,
        mm,
        ..
    } = scratch;
    let rd = a.len();
    let d = delta.len();
    let r = rd - d;
    let model = Transition {
        phi,
        theta,
        delta,
        r,
        kernels,
    };

    let mut residuals = use_resid.then(|| vec![0.0; y.len()]);
    let mut ssq = 0.0;
    let mut sumlog = 0.0;
    let mut nu = 0;
    // Whether `pn` already holds this step's prediction, made during the last update.
    let mut predicted = false;

    for (l, &obs) in y.iter().enumerate() {
        let a0 = a[0];
        anew[..r - 1].copy_from_slice(&a[1..r]);
        anew[r - 1] = 0.0;
        for (x, &coef) in anew.iter_mut().zip(phi.iter()) {
            *x += coef * a0;
        }
        if d > 0 {
            anew[r + 1..].copy_from_slice(&a[r..rd - 1]);
            let mut tmp = a0;
            for (&dk, &ak) in delta.iter().zip(&a[r..]) {
                tmp += dk * ak;
            }
            anew[r] = tmp;
        }

        if l > 0 && !predicted {
            for j in 0..rd {
                model.predict_column(j, pmat, mm, pn);
            }
        }
        predicted = false;

        if obs.is_nan() {
            a.copy_from_slice(anew);
            pmat.copy_from_slice(pn);
            if let Some(res) = residuals.as_mut() {
                res[l] = f64::NAN;
            }
            continue;
        }

        let mut resid = obs - anew[0];
        for (&dk, &ak) in delta.iter().zip(&anew[r..]) {
            resid -= dk * ak;
        }
        // m = pn[:, 0] + Σ_j pn[:, r + j] delta[j], the sum taken column after column.
        m.copy_from_slice(&pn[..rd]);
        for (&dk, column) in delta.iter().zip(pn[r * rd..].chunks_exact(rd)) {
            for (mi, &x) in m.iter_mut().zip(column) {
                *mi += x * dk;
            }
        }
        let mut gain = m[0];
        for (&dk, &mk) in delta.iter().zip(&m[r..]) {
            gain += dk * mk;
        }

        if gain < 1e4 {
            nu += 1;
            if gain == 0.0 {
                ssq = f64::INFINITY;
            } else {
                ssq += resid * resid / gain;
            }
            sumlog += gain.ln();
        }
        if let Some(res) = residuals.as_mut() {
            res[l] = if gain == 0.0 {
                f64::INFINITY
            } else {
                resid / gain.sqrt()
            };
        }
        if gain == 0.0 {
            // `p` keeps its previous value here, as in statsforecast.
            a.fill(f64::INFINITY);
            pn.fill(f64::INFINITY);
        } else {
            for ((ai, &x), &mi) in a.iter_mut().zip(anew.iter()).zip(m.iter()) {
                *ai = x + mi * resid / gain;
            }
            // The last step keeps its prediction in `pn`, as statsforecast's does.
            predicted = l + 1 < y.len();
            for (j, &mj) in m.iter().enumerate() {
                let column = &mut pmat[j * rd..(j + 1) * rd];
                let prediction = &pn[j * rd..(j + 1) * rd];
                for ((x, &pred), &mi) in column.iter_mut().zip(prediction).zip(m.iter()) {
                    *x = pred - mi * mj / gain;
                }
                // Writes only columns of `pn` at or before `j`, already read.
                if predicted {
                    model.predict_column(j, pmat, mm, pn);
                }
            }
        }
    }

    Likelihood {
        ssq,
        sumlog,
        nu,
        residuals,
    }
}

/// The coefficients [`kalman_likelihood`] predicts the state covariance with: the prediction
/// `pn = T p T' + V`, written without the transition matrix as statsforecast does, with `r`
/// ARMA states followed by `delta.len()` differencing states.
#[derive(Clone, Copy)]
struct Transition<'a> {
    phi: &'a [f64],
    theta: &'a [f64],
    delta: &'a [f64],
    r: usize,
    kernels: Kernels,
}

/// The instruction set the prediction's loops are compiled for. The prediction is a chain of
/// short elementwise loops, which AVX runs four doubles at a time instead of two; IEEE
/// additions and multiplications round every lane alike, so the bits do not change.
#[derive(Clone, Copy)]
enum Kernels {
    Baseline,
    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
    Avx,
}

impl Kernels {
    /// The widest variant the processor runs.
    fn detect() -> Self {
        #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
        if std::arch::is_x86_feature_detected!("avx") {
            return Self::Avx;
        }
        Self::Baseline
    }
}

impl Transition<'_> {
    /// Feeds column `j` of `p` (columns are the C++'s `P[i + rd * j]` for fixed `j`) into the
    /// prediction, writing the columns of `pn` that depend on columns `..=j` of `p` only.
    /// Columns must come in increasing order; after the last one, `pn` is complete. Only
    /// columns of `pn` at or before `j` are written.
    fn predict_column(&self, j: usize, pmat: &[f64], mm: &mut [f64], pn: &mut [f64]) {
        match self.kernels {
            Kernels::Baseline => self.predict_column_baseline(j, pmat, mm, pn),
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            // SAFETY: `Kernels::Avx` is only chosen where the processor has AVX.
            Kernels::Avx => unsafe { self.predict_column_avx(j, pmat, mm, pn) },
        }
    }

    /// [`Self::predict_column`] for any processor. Kept out of line like the AVX variant, so
    /// that the compiler knows the slices apart (inlined into the filter, they would all be
    /// parts of one model and its loops would check for overlaps).
    #[inline(never)]
    fn predict_column_baseline(&self, j: usize, pmat: &[f64], mm: &mut [f64], pn: &mut [f64]) {
        self.predict_column_body(j, pmat, mm, pn);
    }

    /// [`Self::predict_column`] compiled for AVX.
    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
    #[target_feature(enable = "avx")]
    #[inline(never)]
    fn predict_column_avx(&self, j: usize, pmat: &[f64], mm: &mut [f64], pn: &mut [f64]) {
        self.predict_column_body(j, pmat, mm, pn);
    }

    /// The body of [`Self::predict_column`], inlined with its helpers into each variant.
    #[inline(always)]
    fn predict_column_body(&self, j: usize, pmat: &[f64], mm: &mut [f64], pn: &mut [f64]) {
        let r = self.r;
        if self.delta.is_empty() {
            if j > 0 {
                self.predict_arma_column(j - 1, pmat, &mut pn[(j - 1) * r..j * r]);
            }
            if j == r - 1 {
                self.predict_arma_column(j, pmat, &mut pn[j * r..(j + 1) * r]);
            }
        } else {
            self.predict_differenced_column(j, pmat, mm, pn);
        }
    }

    /// Column `j` of `pn` without differencing (`r × r`), from columns `0` and `j + 1` of `p`:
    /// the C++'s element formula with each of its conditional terms one pass over the rows
    /// where it applies, in the C++'s order.
    #[inline(always)]
    fn predict_arma_column(&self, j: usize, pmat: &[f64], column: &mut [f64]) {
        let Self { phi, theta, r, .. } = *self;
        let first = &pmat[..r];
        let p00 = first[0];
        // Row i of the noise loading: 1, theta, then zeros.
        let loading = |column: &mut [f64]| {
            column[0] = 1.0;
            let ma = r.min(theta.len() + 1);
            column[1..ma].copy_from_slice(&theta[..ma - 1]);
            column[ma..].fill(0.0);
        };
        if j == 0 {
            loading(column);
        } else if let Some(&tj) = theta.get(j - 1) {
            loading(column);
            for x in column.iter_mut() {
                *x *= tj;
            }
        } else {
            column.fill(0.0);
        }
        if let Some(&phij) = phi.get(j) {
            for (x, &phii) in column.iter_mut().zip(phi) {
                *x += phii * phij * p00;
            }
        }
        if j + 1 < r {
            let next = &pmat[r * (j + 1)..r * (j + 2)];
            for (x, &y) in column[..r - 1].iter_mut().zip(&next[1..]) {
                *x += y;
            }
            let pj1 = first[j + 1];
            for (x, &phii) in column.iter_mut().zip(phi) {
                *x += phii * pj1;
            }
        }
        if let Some(&phij) = phi.get(j) {
            for (x, &y) in column[..r - 1].iter_mut().zip(&first[1..]) {
                *x += phij * y;
            }
        }
    }

    /// With differencing: column `j` of the intermediate `mm = T p` (the C++'s `mm`, stored
    /// transposed), then the columns of `pn` it completes. `pn`'s column `i < r` combines
    /// `mm`'s columns `0` and `i + 1`; its column `r` sums `mm`'s columns `r..` weighted by
    /// `delta`, one column at a time, which keeps each element's additions in the C++'s
    /// order; its later columns copy `mm`'s. `V` is added to the leading columns as they
    /// are written, its additions being the last the C++ makes to them.
    #[inline(always)]
    fn predict_differenced_column(&self, j: usize, pmat: &[f64], mm: &mut [f64], pn: &mut [f64]) {
        let Self { phi, delta, r, .. } = *self;
        let rd = r + delta.len();
        let column = &pmat[j * rd..(j + 1) * rd];
        let out = &mut mm[j * rd..(j + 1) * rd];
        let p = phi.len();
        // Rows below `lead` get both the `phi` term and the shifted row.
        let lead = p.min(r - 1);
        let p0 = column[0];
        let (arma, diff) = out.split_at_mut(r);
        for ((x, &coef), &y) in arma[..lead].iter_mut().zip(phi).zip(&column[1..]) {
            *x = 0.0 + coef * p0 + y;
        }
        for (x, &y) in arma[lead..r - 1].iter_mut().zip(&column[lead + 1..]) {
            *x = 0.0 + y;
        }
        arma[r - 1] = if p == r { 0.0 + phi[r - 1] * p0 } else { 0.0 };
        let mut tmp = p0;
        for (&dk, &y) in delta.iter().zip(&column[r..]) {
            tmp += dk * y;
        }
        diff[0] = tmp;
        diff[1..].copy_from_slice(&column[r..rd - 1]);

        let mm = &*mm;
        if (1..r).contains(&j) {
            self.predict_leading_column(j - 1, Some(&mm[j * rd..(j + 1) * rd]), mm, pn);
        }
        if j == r - 1 {
            self.predict_leading_column(j, None, mm, pn);
        }
        if j >= r {
            let (_, rest) = pn.split_at_mut(r * rd);
            let (sum, shifted) = rest.split_at_mut(rd);
            if j == r {
                sum.copy_from_slice(&mm[..rd]);
            }
            let dk = delta[j - r];
            for (x, &y) in sum.iter_mut().zip(&mm[j * rd..(j + 1) * rd]) {
                *x += dk * y;
            }
            if j > r {
                let target = (j - r - 1) * rd;
                shifted[target..target + rd].copy_from_slice(&mm[(j - 1) * rd..j * rd]);
            }
        }
    }

    /// Column `i < r` of `pn` with differencing: `phi[i]` times `mm`'s first column plus its
    /// column `i + 1` (`next`, absent for the last), then `V`'s column `i`.
    #[inline(always)]
    fn predict_leading_column(&self, i: usize, next: Option<&[f64]>, mm: &[f64], pn: &mut [f64]) {
        let Self { phi, theta, .. } = *self;
        let rd = self.r + self.delta.len();
        let first = &mm[..rd];
        let out = &mut pn[i * rd..(i + 1) * rd];
        match (phi.get(i), next) {
            (Some(&coef), Some(next)) => {
                for ((x, &y0), &y) in out.iter_mut().zip(first).zip(next) {
                    *x = 0.0 + coef * y0 + y;
                }
            }
            (Some(&coef), None) => {
                for (x, &y0) in out.iter_mut().zip(first) {
                    *x = 0.0 + coef * y0;
                }
            }
            (None, Some(next)) => {
                for (x, &y) in out.iter_mut().zip(next) {
                    *x = 0.0 + y;
                }
            }
            (None, None) => out.fill(0.0),
        }
        // V's column i is (1, theta) times (1, theta)[i]; the leading 1 multiplies exactly.
        if i == 0 {
            out[0] += 1.0;
            for (x, &t) in out[1..].iter_mut().zip(theta) {
                *x += t;
            }
        } else if let Some(&ti) = theta.get(i - 1) {
            out[0] += ti;
            for (x, &t) in out[1..].iter_mut().zip(theta) {
                *x += t * ti;
            }
        }
    }
}

/// `horizon`-step forecasts from the state `ss.a`, `ss.p` (arima.py's `kalman_forecast`) and
/// their variances in units of the innovation variance (multiply by `sigma2`).
///
/// Dense products in natural order; numpy's BLAS products may differ in the last bits.
pub(crate) fn kalman_forecast(horizon: usize, ss: &StateSpace) -> (Vec<f64>, Vec<f64>) {
    let rd = ss.a.len();
    let (t, v, z) = (&ss.t, &ss.v, &ss.z);
    let mut a = ss.a.clone();
    let mut next_a = vec![0.0; rd];
    let mut p = ss.p.clone();
    let mut tp = vec![0.0; rd * rd];
    let mut weighted = vec![0.0; rd * rd];
    let mut forecasts = Vec::with_capacity(horizon);
    let mut variances = Vec::with_capacity(horizon);
    for _ in 0..horizon {
        for (i, next) in next_a.iter_mut().enumerate() {
            *next = dot(&t[i * rd..(i + 1) * rd], &a);
        }
        std::mem::swap(&mut a, &mut next_a);
        forecasts.push(dot(&a, z));

        for i in 0..rd {
            for j in 0..rd {
                let mut sum = 0.0;
                for k in 0..rd {
                    sum += t[i * rd + k] * p[k * rd + j];
                }
                tp[i * rd + j] = sum;
            }
        }
        for i in 0..rd {
            for j in 0..rd {
                let product = dot(&tp[i * rd..(i + 1) * rd], &t[j * rd..(j + 1) * rd]);
                p[i * rd + j] = v[i * rd + j] + product;
            }
        }
        for (i, w) in weighted.iter_mut().enumerate() {
            *w = z[i / rd] * z[i % rd] * p[i];
        }
        variances.push(ss.h + pairwise_sum(&weighted));
    }
    (forecasts, variances)
}

/// Sequential dot product.
fn dot(x: &[f64], y: &[f64]) -> f64 {
    x.iter().zip(y).fold(0.0, |acc, (a, b)| acc + a * b)
}

/// Level-stationarity KPSS critical values of statsmodels (Kwiatkowski et al. 1992, table 1)
/// and their p-values.
const KPSS_LEVEL_CRITICAL: [f64; 4] = [0.347, 0.463, 0.574, 0.739];
const KPSS_PVALUES: [f64; 4] = [0.10, 0.05, 0.025, 0.01];

/// p-value of statsmodels' KPSS test for level stationarity with `nlags` Bartlett lags
/// (`sm.tsa.kpss(x, "c", nlags=nlags)[1]`), interpolated in the table and clipped to
/// `[0.01, 0.1]`.
///
/// statsmodels raises when `nlags >= x.len()`; this returns NaN then (every comparison with a
/// significance level is false, as statsforecast's `ndiffs` treats the error). The lagged
/// products are summed sequentially where numpy's BLAS dot may block them, so p-values agree
/// to rounding rather than bit for bit.
pub(crate) fn kpss_level_pvalue(x: &[f64], nlags: usize) -> f64 {
    let n = x.len();
    if nlags >= n {
        return f64::NAN;
    }
    let mean = pairwise_sum(x) / n as f64;
    let resids: Vec<f64> = x.iter().map(|v| v - mean).collect();
    let mut partial = 0.0;
    let squared_partials: Vec<f64> = resids
        .iter()
        .map(|e| {
            partial += e;
            partial * partial
        })
        .collect();
    let eta = pairwise_sum(&squared_partials) / (n * n) as f64;

    let squares: Vec<f64> = resids.iter().map(|e| e * e).collect();
    let mut s_hat = pairwise_sum(&squares);
    for lag in 1..=nlags {
        let autocovariance = dot(&resids[lag..], &resids[..n - lag]);
        s_hat += 2.0 * autocovariance * (1.0 - (lag as f64 / (nlags as f64 + 1.0)));
    }
    s_hat /= n as f64;
    interpolate(eta / s_hat, &KPSS_LEVEL_CRITICAL, &KPSS_PVALUES)
}

/// `np.interp` for increasing `xp`: clamps to the end values outside the table.
fn interpolate(x: f64, xp: &[f64], fp: &[f64]) -> f64 {
    let last = xp.len() - 1;
    if x > xp[last] {
        return fp[last];
    }
    if x < xp[0] {
        return fp[0];
    }
    let Some(j) = xp.iter().rposition(|&knot| knot <= x) else {
        return f64::NAN;
    };
    if j == last || xp[j] == x {
        return fp[j];
    }
    let slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
    slope * (x - xp[j]) + fp[j]
}

/// Least-squares coefficients of `y` on the given regressor columns through the pseudo-inverse,
/// as `sm.OLS(y, X).fit().params` computes them: singular values below `1e-15` times the
/// largest are dropped, so collinear designs get the minimum-norm solution.
///
/// The SVD is a one-sided Jacobi one rather than LAPACK's, which agrees to rounding on
/// well-conditioned designs. `None` without columns or rows, for columns of the wrong length
/// and for non-finite regressors (statsmodels raises); NaN in `y` gives NaN coefficients.
pub(crate) fn ols(y: &[f64], columns: &[&[f64]]) -> Option<Vec<f64>> {
    let n = y.len();
    let k = columns.len();
    if n == 0
        || k == 0
        || columns
            .iter()
            .any(|c| c.len() != n || c.iter().any(|v| !v.is_finite()))
    {
        return None;
    }
    // Rotate column pairs until orthogonal: X V = U S, V accumulated row-major k × k.
    let mut u: Vec<Vec<f64>> = columns.iter().map(|c| c.to_vec()).collect();
    let mut v = vec![0.0; k * k];
    for i in 0..k {
        v[i * k + i] = 1.0;
    }
    for _sweep in 0..100 {
        let mut rotated = false;
        for i in 0..k {
            for j in i + 1..k {
                let alpha = dot(&u[i], &u[i]);
                let beta = dot(&u[j], &u[j]);
                let gamma = dot(&u[i], &u[j]);
                if gamma == 0.0 || gamma.abs() <= f64::EPSILON * (alpha * beta).sqrt() {
                    continue;
                }
                rotated = true;
                let zeta = (beta - alpha) / (2.0 * gamma);
                let tangent = zeta.signum() / (zeta.abs() + (1.0 + zeta * zeta).sqrt());
                let cosine = 1.0 / (1.0 + tangent * tangent).sqrt();
                let sine = cosine * tangent;
                let (left, right) = u.split_at_mut(j);
                for (x, y) in left[i].iter_mut().zip(right[0].iter_mut()) {
                    let (xi, yj) = (*x, *y);
                    *x = cosine * xi - sine * yj;
                    *y = sine * xi + cosine * yj;
                }
                for row in v.chunks_exact_mut(k) {
                    let (xi, yj) = (row[i], row[j]);
                    row[i] = cosine * xi - sine * yj;
                    row[j] = sine * xi + cosine * yj;
                }
            }
        }
        if !rotated {
            break;
        }
    }
    let singular: Vec<f64> = u.iter().map(|c| dot(c, c).sqrt()).collect();
    let cutoff = 1e-15 * singular.iter().fold(0.0f64, |m, &s| m.max(s));
    let mut params = vec![0.0; k];
    for (index, (col, &s)) in u.iter().zip(&singular).enumerate() {
        if s > cutoff {
            let weight = dot(col, y) / (s * s);
            for (param, row) in params.iter_mut().zip(v.chunks_exact(k)) {
                *param += row[index] * weight;
            }
        }
    }
    Some(params)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Values printed by tests/data/arima/kernels_expected.py (statsforecast 2.1.1,
    /// statsmodels 0.15.0, numpy 2.4.6).
    #[rustfmt::skip]
    mod expected {
        pub(super) const TRANSPAR_TRUE_PHI: [f64; 6] = [0.348810532619777, -0.197375320224904, 0.0, 0.46211715726000974, -0.16119133175660125, 0.09121052189561675];
        pub(super) const TRANSPAR_TRUE_THETA: [f64; 5] = [0.4, 0.0, 0.0, -0.3, -0.12];
        pub(super) const TRANSPAR_FALSE_PHI: [f64; 6] = [0.3, -0.2, 0.0, 0.5, -0.15, 0.1];
        pub(super) const TRANSPAR_FALSE_THETA: [f64; 5] = [0.4, 0.0, 0.0, -0.3, -0.12];
        pub(super) const TRANSPAR_LONG_PHI: [f64; 11] = [1.105520111200262, -0.7449524430144054, 0.2913126124515909, 0.7411009926585567, -0.8193020518145121, 0.5520849950013927, -0.21589206626183144, -0.3799489622552249, 0.4200412190028204, -0.2830439076528179, 0.11068392479284048];
        pub(super) const TRANSPAR_LONG_THETA: [f64; 1] = [0.2];
        pub(super) const UNDOPARS_LONG: [f64; 6] = [1.105520111200262, -0.7449524430144054, 0.2913126124515909, 0.2, 0.7411009926585567, -0.3799489622552249];
        pub(super) const UNDOPARS_SEASONAL: [f64; 5] = [0.348810532619777, -0.197375320224904, 0.4, 0.46211715726000974, -0.3];
        pub(super) const INVTRANS_LONG: [f64; 6] = [0.39925384810888587, -0.21142842541001677, 0.2027325540540822, 0.4, 0.45814536593707755, -0.42364893019360184];
        pub(super) const INVTRANS_SEASONAL: [f64; 5] = [0.25541281188299536, -0.2027325540540822, 0.4, 0.5493061443340548, -0.3];
        pub(super) const GRADTRANS_LONG: [f64; 36] = [0.8168614542671815, -0.23796204425363676, 0.0, 0.0, 0.0, 0.0, -0.7516794696500462, 0.939013601786387, 0.0, 0.0, 0.0, 0.0, 0.42277719004935044, -0.8882470152328237, 0.914870143658375, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.9814136001592422, 0.0, 0.0, 0.0, 0.0, 0.0, -0.459694946958078, 0.8559637232883888];
        pub(super) const GRADTRANS_SEASONAL: [f64; 25] = [1.095442931227153, 0.0, 0.0, 0.0, 0.0, -0.2800191175694189, 0.9612323861053762, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.7860842079384089, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0];
        pub(super) const CSS_AIRLINE_VALUE: [f64; 1] = [364.219830635426];
        pub(super) const CSS_AIRLINE_RESID: [f64; 30] = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -4.025, 1.8925, -4.5322499999999994, -30.634674999999998, -25.977902499999995, 17.856629250000005, 6.256988775000001, 12.2395966325, 13.378128989750003, -15.211561303074996, -1.7634683909224989, 19.45220948272325, 11.188787844816979, -2.205863646554905, -4.0117590939664725, -39.56290272818994, -28.992308318456978, 30.321057504462907, 14.021317251338871, 8.226707675401661, 28.906293552620504, -31.618736934213846, 13.376878919735848, 6.173219925920755];
        pub(super) const CSS_GAP_VALUE: [f64; 1] = [1968.6934559526248];
        pub(super) const CSS_GAP_RESID: [f64; 30] = [0.0, 50.75, 45.824999999999996, 36.802499999999995, 32.60925000000001, 52.44222500000001, f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN, f64::NAN];
        pub(super) const Q0_P3_Q2: [f64; 9] = [2.1607142857142865, 0.4434523809523809, 0.45238095238095233, 0.4434523809523809, 0.17708333333333387, 0.12202380952380948, 0.45238095238095233, 0.12202380952380948, 0.11160714285714313];
        pub(super) const Q0_P0_Q2: [f64; 9] = [1.25, 0.52, 0.3, 0.52, 0.25, 0.12, 0.3, 0.12, 0.09];
        pub(super) const Q0_P2_Q3: [f64; 16] = [1.6797529538131042, -0.13719656283566056, -0.06, 0.05, -0.13719656283566056, 0.2396777658431794, -0.039999999999999994, 0.010000000000000009, -0.06, -0.039999999999999994, 0.012499999999999956, -0.004999999999999977, 0.05, 0.010000000000000009, -0.004999999999999977, 0.0024999999999999467];
        pub(super) const DELTA_1_1_4: [f64; 5] = [1.0, -0.0, -0.0, 1.0, -1.0];
        pub(super) const DELTA_2_1_12: [f64; 14] = [2.0, -1.0, -0.0, -0.0, -0.0, -0.0, -0.0, -0.0, -0.0, -0.0, -0.0, 1.0, -2.0, 1.0];
        pub(super) const DELTA_0_2_4: [f64; 8] = [-0.0, -0.0, -0.0, 2.0, -0.0, -0.0, -0.0, -1.0];
        pub(super) const DELTA_1_0_1: [f64; 1] = [1.0];
        pub(super) const DIFF_4_1: [f64; 26] = [9.0, 16.875, 16.0, 18.75, 14.75, -16.125, -43.25, -30.0, -21.25, 7.25, 36.75, 16.5, 10.75, 23.25, 28.75, 35.0, 32.75, -16.5, -56.0, -30.0, -13.0, 17.0, 64.0, 23.0, 27.0, 28.75];
        pub(super) const DIFF_1_2: [f64; 28] = [8.0, -16.0, -6.0, 21.875, -0.75, -12.375, -12.75, -5.0, 3.0, 28.0, -17.25, 14.75, 4.0, -21.75, -2.75, 33.0, -3.0, -21.0, -11.25, -14.0, 6.75, 44.5, -20.25, -1.0, 23.75, -43.5, 24.75, -3.25];
        pub(super) const AIRLINE_Z: [f64; 11] = [1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, -0.0, -0.0, 1.0, -1.0];
        pub(super) const AIRLINE_T: [f64; 121] = [0.4, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, -0.0, -0.0, 1.0, -1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0];
        pub(super) const AIRLINE_V: [f64; 121] = [1.0, -0.3, 0.0, 0.0, -0.5, 0.15, 0.0, 0.0, 0.0, 0.0, 0.0, -0.3, 0.09, -0.0, -0.0, 0.15, -0.045, -0.0, -0.0, -0.0, -0.0, -0.0, 0.0, -0.0, 0.0, 0.0, -0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.0, 0.0, 0.0, -0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.5, 0.15, -0.0, -0.0, 0.25, -0.075, -0.0, -0.0, -0.0, -0.0, -0.0, 0.15, -0.045, 0.0, 0.0, -0.075, 0.0225, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.0, 0.0, 0.0, -0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.0, 0.0, 0.0, -0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.0, 0.0, 0.0, -0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.0, 0.0, 0.0, -0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.0, 0.0, 0.0, -0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0];
        pub(super) const AIRLINE_PN0: [f64; 121] = [1.2581761904761906, -0.38204, -0.017600000000000015, -0.04400000000000004, -0.48500000000000004, 0.15, 0.0, 0.0, 0.0, 0.0, 0.0, -0.38204, 0.3625000000000001, -0.07500000000000001, 0.0, 0.15, -0.04500000000000001, 0.0, 0.0, 0.0, 0.0, 0.0, -0.017600000000000015, -0.07500000000000001, 0.2725000000000001, -0.07500000000000001, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.04400000000000004, 0.0, -0.07500000000000001, 0.2725000000000001, -0.07500000000000001, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, -0.48500000000000004, 0.15, 0.0, -0.07500000000000001, 0.2725, -0.075, 0.0, 0.0, 0.0, 0.0, 0.0, 0.15, -0.04500000000000001, 0.0, 0.0, -0.075, 0.022499999999999964, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1000000.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1000000.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1000000.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1000000.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1000000.0];
        pub(super) const AIRLINE_LIKE: [f64; 3] = [8555.817260181138, 1.14587630389997, 25.0];
        pub(super) const AIRLINE_RESID: [f64; 30] = [0.0649518916636804, 0.03350127537859517, 0.033552566961576526, -0.02405350622300462, -0.240414022420808, 7.020667631878164, -1.4635046052042817, 2.4288389444307685, -3.5992751290330003, -26.817503691853474, -24.051768192249288, 17.463741321506568, 6.499564961522512, 14.431278702372135, 14.561468879755488, -15.508226840586916, -1.6781463467476943, 20.468635368414176, 11.71965603823607, -2.3016052595492678, -3.947823315541728, -39.05620536683093, -28.725781852533924, 30.261682662926994, 14.046122107988383, 8.487804025894722, 29.042621424712358, -31.650743806413054, 13.385926623949054, 6.303286305360265];
        pub(super) const AIRLINE_AFTER_A: [f64; 11] = [1.7499999999999778, -15.1379611329993, 20.17990091162885, -11.43957473162362, -1.1438484252127008, 0.9454709393788719, 172.50000000000003, 163.0, 178.24999999999994, 149.99999999999994, 145.49999999999994];
        pub(super) const AIRLINE_AFTER_P: [f64; 121] = [-2.220446049250313e-16, 1.1102230246251565e-16, -2.083065775535138e-17, -8.689118082818789e-17, 1.1102230246251565e-16, -2.7755575615628914e-17, 3.0572655386391765e-16, 1.1593232004245659e-16, 1.1935049438273926e-16, 2.3206572832903387e-16, 6.352220334071743e-17, 1.1102230246251565e-16, 4.524931234126117e-05, -1.44924019501905e-05, -1.8965246524319811e-06, 2.743520516046427e-07, 1.1315702592301635e-07, -9.599995541656973e-17, -5.411021627628e-17, -9.036663598828814e-17, -4.90832091474232e-16, -3.7129786640360515e-16, -2.083065775535138e-17, -1.44924019501905e-05, 4.985183079238897e-05, -1.385223740729124e-05, -1.1723656316882638e-06, 3.6980008056456044e-07, -7.450336046119794e-22, -3.6519518233958424e-17, 3.200237661708355e-16, 2.85693757946912e-16, 2.6486279957936794e-16, -8.689118082818789e-17, -1.8965246524319811e-06, -1.385223740729124e-05, 4.9603170383598986e-05, -1.666469697940496e-05, 9.244960189784429e-07, 7.993532450196843e-17, 4.876707126505128e-16, 1.7890315682270375e-16, 2.1356719746820535e-16, 2.0661357861118239e-16, 1.1102230246251565e-16, 2.743520516046427e-07, -1.1723656316882638e-06, -1.666469697940496e-05, 1.778053988080175e-05, -3.8049076156593253e-06, -1.727710995000526e-16, -2.291336601920151e-16, -1.7300240739312893e-16, -2.1201665699961414e-16, -1.5524388480685197e-16, -2.7755575615628914e-17, 1.1315702592301635e-07, 3.6980008056456044e-07, 9.244960189784429e-07, -3.8049076156593253e-06, 1.0473664689009121e-06, 4.799761624249491e-17, 2.7053835702008657e-17, 2.7390432932933902e-17, 3.9668860509530135e-17, 2.3597524146400306e-17, 3.0572655391668524e-16, -9.599995541656973e-17, -7.450336046119794e-22, 7.993532450196843e-17, -1.727710995000526e-16, 4.799761624249491e-17, -1.3016304312472451e-16, -1.8713716214382297e-31, -1.5704035489152156e-31, -8.462663904967134e-32, -5.034122817628109e-32, 1.159323200895991e-16, -5.411021627628e-17, -3.6519518233958424e-17, 4.876707126505128e-16, -2.291336601920151e-16, 2.7053835702008657e-17, -5.526480568759488e-16, 3.0336937280336696e-16, -4.821275397472169e-31, -4.419303869070036e-31, -5.014354716218727e-31, 1.1935049442719423e-16, -9.036663598828814e-17, 3.200237661708355e-16, 1.7890315682270375e-16, -1.7300240739312893e-16, 2.7390432932933902e-17, -8.546250127841613e-16, -2.8786691454688924e-16, 2.343474212911019e-16, -6.2961657926441024e-31, -7.124003046546831e-31, 2.320657283748888e-16, -4.90832091474232e-16, 2.85693757946912e-16, 2.1356719746820535e-16, -2.1201665699961414e-16, 3.9668860509530135e-17, -5.6018560347413e-17, 4.720111668989556e-16, 7.240556143916171e-16, -7.456840836087873e-17, -9.085939751859782e-31, 6.35222033859924e-17, -3.7129786640360515e-16, 2.6486279957936794e-16, 2.0661357861118239e-16, -1.5524388480685197e-16, 2.3597524146400306e-17, 1.1954495039178016e-16, 5.87943486941412e-16, 8.434061087743562e-16, 1.5749731996815503e-16, 6.352220334071653e-17];
        pub(super) const AIRLINE_AFTER_PN: [f64; 121] = [1.0000465517878083, -0.300014719951633, -2.4654486361504466e-06, -6.1635937062265445e-06, -0.49999790866229804, 0.15, -1.4272450251692603e-17, -6.443498066706111e-17, -6.326089232763259e-17, -3.2405652777014016e-17, -9.380194768153036e-17, -0.300014719951633, 0.09004989162298747, -1.3752765499466046e-05, -4.744189089720012e-08, 0.1500000241392498, -0.045, -1.2780982637946926e-23, 1.1000209078785647e-22, -3.558308221676713e-17, -4.114904776304515e-16, -3.2410050241471057e-16, -2.4654486361504466e-06, -1.3752765499466046e-05, 4.9851836870543e-05, -1.3852222211974912e-05, 6.029614768126654e-08, 0.0, 4.3870778738232285e-23, -3.651907356834287e-17, 3.200242163688723e-16, 2.856944099571656e-16, 2.648631874359261e-16, -6.1635937062265445e-06, -4.744189089720012e-08, -1.3852222211974912e-05, 4.9603208371717944e-05, -1.3583056472366017e-05, 0.0, 7.993729675400431e-17, 4.876718243095224e-16, 1.7890428231270399e-16, 2.1356882748646512e-16, 2.0661454824819112e-16, -0.49999790866229804, 0.1500000241392498, 6.029614768126654e-08, -1.3583056472366017e-05, 0.2500040518986933, -0.075, -1.2779714553232568e-17, -1.389545850433635e-16, -8.170134616764968e-17, -7.978767504107088e-17, -7.658579998813041e-17, 0.15, -0.045, 0.0, 0.0, -0.075, 0.0225, 0.0, 0.0, 0.0, 0.0, 0.0, -1.427245019892503e-17, -1.2780982637946926e-23, 4.3870778738232285e-23, 7.993729675400431e-17, -1.2779714553232568e-17, 0.0, -1.3016304312472441e-16, -1.2942249226282225e-31, -9.860761315262648e-32, 0.0, 0.0, -6.443498061991859e-17, 1.1000209078785647e-22, -3.651907356834287e-17, 4.876718243095224e-16, -1.389545850433635e-16, 0.0, -5.526480568759487e-16, 3.03369372803367e-16, -4.4919195005802775e-31, -3.9423061829149467e-31, -4.730606600637801e-31, -6.326089228317761e-17, -3.558308221676713e-17, 3.200242163688723e-16, 1.7890428231270399e-16, -8.170134616764968e-17, 0.0, -8.546250127841612e-16, -2.878669145468892e-16, 2.3434742129110194e-16, -5.813233417519729e-31, -6.836724606059788e-31, -3.2405652731159035e-17, -4.114904776304515e-16, 2.856944099571656e-16, 2.1356882748646512e-16, -7.978767504107088e-17, 0.0, -5.601856034741291e-17, 4.720111668989556e-16, 7.240556143916171e-16, -7.456840836087866e-17, -8.669881765080995e-31, -9.380194763625539e-17, -3.2410050241471057e-16, 2.648631874359261e-16, 2.0661454824819112e-16, -7.658579998813041e-17, 0.0, 1.1954495039178021e-16, 5.87943486941412e-16, 8.434061087743562e-16, 1.5749731996815508e-16, 6.352220334071656e-17];
        pub(super) const AIRLINE_FC: [f64; 8] = [192.5620388670007, 191.71675532542992, 195.5390671771779, 198.3741434926644, 211.76568382523863, 210.7522008698972, 214.50723295613702, 217.31539736542013];
        pub(super) const AIRLINE_SE: [f64; 8] = [1.0000452493123408, 2.210097961757521, 3.5097494252518775, 4.846099672071298, 7.609822875445779, 10.551074075487216, 13.564870641197128, 16.607824044127682];
        pub(super) const AIRLINE_UP_THETA: [f64; 5] = [-0.6, 0.0, 0.0, -0.4, 0.24];
        pub(super) const AIRLINE_UP_PN: [f64; 121] = [1.3556800000000002, -0.690368, 0.028159999999999998, 0.14079999999999998, -0.49600000000000005, 0.24, -1.4272450251692603e-17, -6.443498066706111e-17, -6.326089232763259e-17, -3.2405652777014016e-17, -9.380194768153036e-17, -0.690368, 0.5776000000000001, -0.09599999999999997, 0.0, 0.24, -0.14400000000000002, -1.2780982637946926e-23, 1.1000209078785647e-22, -3.558308221676713e-17, -4.114904776304515e-16, -3.2410050241471057e-16, 0.028159999999999998, -0.09599999999999997, 0.21760000000000024, -0.09599999999999997, 0.0, 0.0, 4.3870778738232285e-23, -3.651907356834287e-17, 3.200242163688723e-16, 2.856944099571656e-16, 2.648631874359261e-16, 0.14079999999999998, 0.0, -0.09599999999999997, 0.21760000000000024, -0.09599999999999999, 0.0, 7.993729675400431e-17, 4.876718243095224e-16, 1.7890428231270399e-16, 2.1356882748646512e-16, 2.0661454824819112e-16, -0.49600000000000005, 0.24, 0.0, -0.09599999999999999, 0.21760000000000024, -0.096, -1.2779714553232568e-17, -1.389545850433635e-16, -8.170134616764968e-17, -7.978767504107088e-17, -7.658579998813041e-17, 0.24, -0.14400000000000002, 0.0, 0.0, -0.096, 0.057600000000000096, 0.0, 0.0, 0.0, 0.0, 0.0, -1.427245019892503e-17, -1.2780982637946926e-23, 4.3870778738232285e-23, 7.993729675400431e-17, -1.2779714553232568e-17, 0.0, -1.3016304312472441e-16, -1.2942249226282225e-31, -9.860761315262648e-32, 0.0, 0.0, -6.443498061991859e-17, 1.1000209078785647e-22, -3.651907356834287e-17, 4.876718243095224e-16, -1.389545850433635e-16, 0.0, -5.526480568759487e-16, 3.03369372803367e-16, -4.4919195005802775e-31, -3.9423061829149467e-31, -4.730606600637801e-31, -6.326089228317761e-17, -3.558308221676713e-17, 3.200242163688723e-16, 1.7890428231270399e-16, -8.170134616764968e-17, 0.0, -8.546250127841612e-16, -2.878669145468892e-16, 2.3434742129110194e-16, -5.813233417519729e-31, -6.836724606059788e-31, -3.2405652731159035e-17, -4.114904776304515e-16, 2.856944099571656e-16, 2.1356882748646512e-16, -7.978767504107088e-17, 0.0, -5.601856034741291e-17, 4.720111668989556e-16, 7.240556143916171e-16, -7.456840836087866e-17, -8.669881765080995e-31, -9.380194763625539e-17, -3.2410050241471057e-16, 2.648631874359261e-16, 2.0661454824819112e-16, -7.658579998813041e-17, 0.0, 1.1954495039178021e-16, 5.87943486941412e-16, 8.434061087743562e-16, 1.5749731996815508e-16, 6.352220334071656e-17];
        pub(super) const AIRLINE_GAP_LIKE: [f64; 3] = [31875.748287591443, 2.4388622259617447, 28.0];
        pub(super) const AIRLINE_GAP_AFTER_A: [f64; 11] = [1.749999999999929, -18.49578736486397, 15.007140452067574, -6.433194355328169, -2.0235914437174345, 2.4279888630622093, 172.49999999999997, 162.99999999999997, 178.24999999999991, 150.00000000000003, 145.49999999999991];
        pub(super) const AIRLINE_GAP_AFTER_P: [f64; 121] = [-3.9968028886505635e-15, 1.7763568394002505e-15, 1.1872013788716274e-17, -4.308560141151087e-17, 1.27675647831893e-15, -6.938893903907228e-16, 2.587335792906434e-15, 2.2411585935439392e-15, 2.168774701066279e-15, 1.6558890137701106e-15, 9.594839995988012e-17, 1.7763568394002505e-15, 0.00039867790075936993, -0.00012942299697918326, 3.8598327111840065e-06, -0.00021234260932695426, 0.0001032020362468078, -1.5243349991762227e-15, -1.4821655303369598e-15, -1.138952131184027e-15, -3.715885943005129e-16, -1.302018180533667e-16, 1.1872013788716274e-17, -0.00012942299697918326, 5.993180152392115e-05, -4.918947182065417e-06, 6.113781516282097e-05, -3.133735660894283e-05, 3.3753494206843686e-19, 7.504835174725229e-17, 9.560319470361927e-16, 6.975651038298816e-16, 7.097550891633376e-16, -4.308560141151087e-17, 3.8598327111840065e-06, -4.918947182065417e-06, 8.556857028261682e-07, -4.959167791395386e-07, 5.526044703521039e-07, 3.0819451891892255e-17, -2.626112563807171e-16, -2.609151670472207e-16, -2.346385408618423e-16, -2.4690430564098207e-16, 1.27675647831893e-15, -0.00021234260932695426, 6.113781516282097e-05, -4.959167791395386e-07, 0.00011680650516610047, -5.6088341314555756e-05, -1.0616077875868318e-15, -8.526000015800033e-16, -8.507339921069418e-16, -6.702909831665166e-16, -3.360662972194371e-16, -6.938893903907228e-16, 0.0001032020362468078, -3.133735660894283e-05, 5.526044703521039e-07, -5.6088341314555756e-05, 2.7086040175434978e-05, 6.08971597220751e-16, 5.92200933389219e-16, 4.064321248718264e-16, 2.9294441214919496e-16, 1.6429970783704199e-16, 2.587335786097985e-15, -1.5243349991762227e-15, 3.3753494206843686e-19, 3.0819451891892255e-17, -1.0616077875868318e-15, 6.08971597220751e-16, -2.932620732137937e-16, -6.1776630214600605e-30, -4.298994148841134e-30, -3.0985894979690695e-30, -1.8364709350307863e-30, 2.24115858673549e-15, -1.4821655303369598e-15, 7.504835174725229e-17, -2.626112563807171e-16, -8.526000015800033e-16, 5.92200933389219e-16, 2.659971185202307e-16, -2.7541814802997064e-16, -4.022763489167828e-30, -2.9830864561928965e-30, -1.742041906365331e-30, 2.1687746942578135e-15, -1.138952131184027e-15, 9.560319470361927e-16, -2.609151670472207e-16, -8.507339921069418e-16, 4.064321248718264e-16, -1.832108150116889e-15, -2.031237167433698e-15, 2.3471989606745247e-16, -7.657831884827749e-30, -5.091175104283326e-30, 1.6558890087806233e-15, -3.715885943005129e-16, 6.975651038298816e-16, -2.346385408618423e-16, -6.702909831665166e-16, 2.9294441214919496e-16, -2.194950614182461e-15, -2.399389066497444e-15, -4.885451062874584e-16, 3.5310711618447007e-16, -4.442617735192383e-30, 9.594839541879561e-17, -1.302018180533667e-16, 7.097550891633376e-16, -2.4690430564098207e-16, -3.360662972194371e-16, 1.6429970783704199e-16, 9.912310551017941e-17, -1.5823047295351064e-16, 1.6802295947788166e-15, 2.0089961299545778e-15, 9.594839995987389e-17];
        pub(super) const AIRLINE_GAP_AFTER_PN: [f64; 121] = [1.0004704649862683, -0.6007124897800573, 0.00013063374890830178, -2.3036018809041716e-06, -0.39995437462402617, 0.24, 4.876038859445096e-17, -2.275061697611224e-16, 4.745107970834718e-16, 4.3471304611163356e-16, -5.889557879435933e-16, -0.6007124897800573, 0.36108448323606124, -0.00020785941994453153, 5.242984408054016e-06, 0.23993226593953476, -0.144, -9.814762699135103e-20, 9.487443933884518e-20, -1.2166524094088535e-16, 3.616421023215629e-16, 2.8103520930048953e-16, 0.00013063374890830178, -0.00020785941994453153, 5.9948858675482405e-05, -4.919247968705524e-06, 8.914844892405014e-06, 0.0, 6.067264053371861e-21, 7.472601246377054e-17, 9.55810723068906e-16, 6.974056520516283e-16, 7.096656596350905e-16, -2.3036018809041716e-06, 5.242984408054016e-06, -4.919247968705524e-06, 8.556910069124068e-07, 4.249856181692824e-07, 0.0, 3.0825297009045374e-17, -2.626055722341171e-16, -2.6091126597302364e-16, -2.3463572908143057e-16, -2.469027286363321e-16, -0.39995437462402617, 0.23993226593953476, 8.914844892405014e-06, 4.249856181692824e-07, 0.16000508644863431, -0.096, -4.6770894544248855e-17, 1.3428897327603743e-16, -1.7342438239766883e-16, -1.8210598666345699e-16, -6.226468514079394e-17, 0.24, -0.144, 0.0, 0.0, -0.096, 0.0576, 0.0, 0.0, 0.0, 0.0, 0.0, 4.8760381786002e-17, -9.814762699135103e-20, 6.067264053371861e-21, 3.0825297009045374e-17, -4.6770894544248855e-17, 0.0, -2.9326207321378726e-16, 8.628166150854817e-32, 0.0, 0.0, -9.860761315262648e-32, -2.275061765695714e-16, 9.487443933884518e-20, 7.472601246377054e-17, -2.626055722341171e-16, 1.3428897327603743e-16, 0.0, 2.6599711852023697e-16, -2.7541814802996453e-16, 1.5783928310832928e-31, 3.0169993306397966e-32, -5.203815903774434e-32, 4.745107902750061e-16, -1.2166524094088535e-16, 9.55810723068906e-16, -2.6091126597302364e-16, -1.7342438239766883e-16, 0.0, -1.8321081501168848e-15, -2.031237167433694e-15, 2.3471989606745533e-16, -5.5898104540867396e-30, -3.9313123358532404e-30, 4.347130411221463e-16, 3.616421023215629e-16, 6.974056520516283e-16, -2.3463572908143057e-16, -1.8210598666345699e-16, 0.0, -2.194950614182458e-15, -2.399389066497441e-15, -4.885451062874563e-16, 3.5310711618447155e-16, -3.6066225072594486e-30, -5.889557924846778e-16, 2.8103520930048953e-16, 7.096656596350905e-16, -2.469027286363321e-16, -6.226468514079394e-17, 0.0, 9.912310551018115e-17, -1.5823047295350893e-16, 1.6802295947788178e-15, 2.0089961299545786e-15, 9.594839995987436e-17];
        pub(super) const ARMA_LIKE: [f64; 3] = [5967.242253165192, 0.9661447013288051, 30.0];
        pub(super) const ARMA_RESID: [f64; 30] = [-19.98820406856985, -5.820531185021619, -3.2891628108603963, -11.449853803455742, -11.20347215845764, 5.778786865332769, 2.576131479281094, 2.007056145209108, -6.402818857010749, -14.013872557753063, -20.269451096085557, -2.06721962434289, -23.99811214637168, 1.8992448565022275, 0.11530205742361697, -9.921120822960807, -7.331551670818042, 18.057620668326432, 14.00195173266954, 12.124219306932199, 7.725312277227122, -10.340124910890848, -12.56395003564366, 15.800580014257465, -8.545232005702985, 10.668092802281194, 30.632762879087522, -5.378105151635012, 34.62624206065401, 15.549503175738394];
        pub(super) const ARMA_AFTER_A: [f64; 2] = [38.75, -3.530198729704642];
        pub(super) const ARMA_AFTER_P: [f64; 4] = [0.0, 0.0, 0.0, 0.0];
        pub(super) const ARMA_AFTER_PN: [f64; 4] = [1.0, 0.4, 0.4, 0.16000000000000003];
        pub(super) const ARMA_FC: [f64; 5] = [15.844801270295358, -3.702599364852321, -6.604740063514768, -2.191590222301688, 0.8856269079035863];
        pub(super) const ARMA_SE: [f64; 5] = [1.0, 1.81, 1.8325, 1.870525, 1.8908312500000002];
        pub(super) const Y100: [f64; 100] = [102.0, 107.686, 112.567, 117.459, 113.5, 104.953, 100.572, 95.338, 89.166, 91.295, 97.556, 100.442, 105.983, 113.973, 115.1, 113.412, 114.908, 112.214, 105.427, 103.552, 102.49, 97.759, 98.169, 103.975, 106.844, 111.213, 120.274, 123.973, 121.681, 120.822, 116.31, 105.854, 100.325, 100.497, 99.9, 104.497, 116.112, 123.635, 126.579, 130.62, 128.854, 119.557, 113.481, 110.297, 104.793, 104.693, 111.816, 116.255, 119.662, 127.185, 130.568, 127.906, 127.983, 127.48, 120.946, 116.8, 116.831, 113.394, 111.582, 117.355, 122.489, 125.638, 133.523, 139.451, 136.973, 133.878, 130.725, 121.335, 113.586, 114.155, 115.736, 118.828, 129.483, 139.206, 141.557, 143.507, 143.396, 134.952, 126.702, 124.289, 120.761, 118.854, 125.238, 131.827, 134.305, 139.992, 145.327, 143.277, 141.228, 141.788, 136.932, 130.702, 130.262, 128.934, 125.943, 130.21, 137.541, 141.0, 146.789, 153.997];
        pub(super) const SARIMA_Q0: u64 = 14668337879187111775;
        pub(super) const SARIMA_CSS_VALUE: [f64; 1] = [26.828013175515373];
        pub(super) const SARIMA_CSS_RESID: u64 = 7361828946704522545;
        pub(super) const SARIMA_LIKE: [f64; 3] = [2346.789969681959, 11.521141972687474, 84.0];
        pub(super) const SARIMA_RESID: u64 = 11674144365685329698;
        pub(super) const SARIMA_AFTER_A: [f64; 38] = [2.7759095482664518, -1.0447524667223695, -6.863191460794896, -5.20298920113432, -3.190870477625419, -7.567817805392088, -5.815897339632338, 0.2632434494002383, -2.025220701174166, -4.269629634627794, -0.31601359731051115, -2.6545099264470142, -1.129486049615052, -0.3439217494147443, 1.5770718531458643, 1.188109087302268, 0.41482677601108175, 1.5734087714303027, 1.201739700182337, -0.5915891172579743, -0.0034644867452905655, 0.8427690227105716, -0.21745317912060189, 0.3045406916049065, -0.12040106596503036, 0.056955158903537, 146.789, 141.0, 137.541, 130.20999999999998, 125.943, 128.934, 130.262, 130.702, 136.932, 141.788, 141.228, 143.277];
        pub(super) const SARIMA_AFTER_P: u64 = 3897679517825001522;
        pub(super) const SARIMA_AFTER_PN: u64 = 3897679517825001522;
        pub(super) const SARIMA_UP_PN: u64 = 17665981391310843392;
        pub(super) const SARIMA_UP_LIKE: [f64; 3] = [150245.1206127558, 0.33019841014576273, 100.0];
        pub(super) const SARIMA_UP_AFTER_A: [f64; 38] = [10.72000000000003, -3.2676017261870225, -0.8695243762291063, -1.200737437645001, -0.06873568160973359, -0.4428604415131252, -0.6323735365857082, 0.9093276449062258, 1.0000297832720861, -0.2748883180611371, 0.0622998551219685, 0.18358215357144167, -3.1681628906088166, 0.963042175645953, 0.7402882651095789, 0.8624418421408638, 0.3038443547892235, 0.6776832764067393, 0.6925854415843757, -0.2876127840524812, -0.27972414960120484, 0.35779192465287296, 0.03193674682525032, 0.0872192703635394, -0.04823092481009863, -0.01452308278104298, 146.789, 141.0, 137.541, 130.21, 125.943, 128.934, 130.262, 130.702, 136.932, 141.788, 141.228, 143.277];
        pub(super) const SARIMA_UP_AFTER_P: u64 = 11603981253484692459;
        pub(super) const SARIMA_UP_AFTER_PN: u64 = 7221751165445545948;
        pub(super) const SARMA_Q0: u64 = 15466406531525084400;
        pub(super) const SARMA_LIKE: [f64; 3] = [3279.8528728425504, 2.076381306026272, 96.0];
        pub(super) const SARMA_RESID: u64 = 8266647818711910246;
        pub(super) const SARMA_AFTER_A: [f64; 14] = [26.788999999999987, 4.6208248122572755, 0.8941134581059009, 0.7535197976153611, 0.2958773309347657, 0.037011495797733024, 0.13776152881116813, 0.10893176913103424, 0.17650157906745986, 0.674299136685532, 1.0661658821379496, 1.1974713207801324, -10.889733480623502, -1.4305933715415453];
        pub(super) const SARMA_AFTER_P: u64 = 9598737925696574265;
        pub(super) const SARMA_AFTER_PN: u64 = 10912935219972004663;
        pub(super) const AR1_POW_PN: [f64; 1] = [1.134046952893902];
        pub(super) const KPSS_TREND_X: [f64; 40] = [0.0, 1.141, 1.509, 1.041, 0.443, 0.541, 1.521, 2.757, 3.389, 3.112, 2.456, 2.3, 3.063, 4.32, 5.191, 5.15, 4.512, 4.139, 4.649, 5.85, 6.913, 7.137, 6.591, 6.054, 6.294, 7.368, 8.563, 9.056, 8.671, 8.036, 8.012, 8.896, 10.151, 10.9, 10.729, 10.072, 9.808, 10.456, 11.696, 12.664];
        pub(super) const KPSS_TREND: [f64; 3] = [0.01, 2.02917826419804, 1.0];
        pub(super) const KPSS_STATIONARY_X: [f64; 40] = [0.5, 1.302, -0.369, -1.378, 0.046, 0.693, -0.383, -0.118, 1.163, 0.275, -1.417, -0.594, 0.903, 0.215, -0.472, 0.657, 0.749, -1.045, -1.169, 0.684, 0.859, -0.41, -0.004, 0.848, -0.422, -1.433, 0.135, 1.277, 0.041, -0.539, 0.524, 0.184, -1.27, -0.506, 1.292, 0.687, -0.721, -0.086, 0.512, -0.749];
        pub(super) const KPSS_STATIONARY: [f64; 3] = [0.1, 0.024657266613719857, 1.0];
        pub(super) const KPSS_MIDDLE_X: [f64; 40] = [0.0, 0.757, 1.08, 0.795, 0.102, -0.557, -0.756, -0.351, 0.437, 1.154, 1.389, 1.025, 0.306, -0.308, -0.419, 0.063, 0.872, 1.539, 1.686, 1.246, 0.512, -0.048, -0.069, 0.485, 1.303, 1.913, 1.969, 1.461, 0.722, 0.225, 0.294, 0.913, 1.73, 2.274, 2.239, 1.671, 0.938, 0.51, 0.67, 1.346];
        pub(super) const KPSS_MIDDLE: [f64; 3] = [0.030576889166971995, 0.5492386120986443, 1.0];
        pub(super) const KPSS_LONG_X: [f64; 150] = [0.0, 0.648, 0.993, 0.875, 0.351, -0.331, -0.848, -0.954, -0.599, 0.053, 0.697, 1.032, 0.903, 0.371, -0.31, -0.82, -0.915, -0.55, 0.106, 0.746, 1.071, 0.93, 0.391, -0.29, -0.792, -0.876, -0.501, 0.158, 0.794, 1.109, 0.957, 0.411, -0.27, -0.763, -0.836, -0.451, 0.211, 0.842, 1.147, 0.983, 0.431, -0.249, -0.735, -0.796, -0.402, 0.264, 0.89, 1.184, 1.01, 0.451, -0.228, -0.706, -0.755, -0.352, 0.317, 0.938, 1.222, 1.036, 0.47, -0.207, -0.677, -0.715, -0.302, 0.369, 0.986, 1.259, 1.062, 0.49, -0.186, -0.647, -0.674, -0.252, 0.422, 1.033, 1.295, 1.088, 0.51, -0.165, -0.617, -0.633, -0.202, 0.475, 1.08, 1.332, 1.113, 0.529, -0.144, -0.588, -0.591, -0.151, 0.527, 1.127, 1.368, 1.139, 0.549, -0.123, -0.557, -0.549, -0.101, 0.58, 1.174, 1.404, 1.164, 0.568, -0.101, -0.527, -0.507, -0.05, 0.632, 1.22, 1.44, 1.189, 0.587, -0.079, -0.496, -0.465, 0.001, 0.685, 1.267, 1.475, 1.213, 0.607, -0.058, -0.465, -0.423, 0.052, 0.737, 1.313, 1.51, 1.238, 0.626, -0.036, -0.434, -0.38, 0.103, 0.79, 1.359, 1.545, 1.262, 0.645, -0.013, -0.402, -0.337, 0.154, 0.842, 1.404, 1.579, 1.286, 0.664, 0.009];
        pub(super) const KPSS_LONG: [f64; 3] = [0.08600681984675589, 0.37946417795552634, 2.0];
        pub(super) const OLS_Y: [f64; 20] = [4.341, 4.909, 4.641, 4.243, 4.541, 5.721, 7.157, 7.989, 7.912, 7.456, 7.5, 8.463, 9.92, 10.991, 11.15, 10.712, 10.539, 11.249, 12.65, 13.913];
        pub(super) const OLS_X2: [f64; 20] = [0.765, 0.17, -0.505, -0.942, -0.936, -0.49, 0.187, 0.776, 1.0, 0.754, 0.153, -0.519, -0.948, -0.93, -0.476, 0.203, 0.786, 0.999, 0.743, 0.137];
        pub(super) const OLS_PARAMS: [f64; 3] = [3.1899882504827186, 0.48632016859688715, 0.07551195792807097];
        pub(super) const OLS_DRIFT_PARAMS: [f64; 1] = [0.7204358885017422];
    }
    use expected::*;

    const Y30: [f64; 30] = [
        112.5, 118.25, 132.0, 129.75, 121.5, 135.125, 148.0, 148.5, 136.25, 119.0, 104.75, 118.5,
        115.0, 126.25, 141.5, 135.0, 125.75, 149.5, 170.25, 170.0, 158.5, 133.0, 114.25, 140.0,
        145.5, 150.0, 178.25, 163.0, 172.5, 178.75,
    ];

    fn order(
        p: usize,
        q: usize,
        sp: usize,
        sq: usize,
        period: usize,
        d: usize,
        sd: usize,
    ) -> ArmaOrder {
        ArmaOrder {
            p,
            q,
            sp,
            sq,
            period,
            d,
            sd,
        }
    }

    /// ARIMA(1,1,1)(0,1,1)[4] with ar1 = 0.4, ma1 = -0.3, sma1 = -0.5.
    fn airline() -> (ArmaOrder, Vec<f64>, Vec<f64>) {
        let arma = order(1, 1, 0, 1, 4, 1, 1);
        let (phi, theta) = transform_params(&[0.4, -0.3, -0.5], &arma, false);
        (arma, phi, theta)
    }

    fn with_gaps() -> Vec<f64> {
        let mut y = Y30.to_vec();
        y[6] = f64::NAN;
        y[13] = f64::NAN;
        y
    }

    /// Same bits (any NaN matches any NaN).
    #[track_caller]
    fn assert_identical(actual: &[f64], expected: &[f64]) {
        assert_eq!(actual.len(), expected.len(), "length");
        for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
            assert!(
                a.to_bits() == e.to_bits() || (a.is_nan() && e.is_nan()),
                "index {i}: {a:e} != {e:e}"
            );
        }
    }

    /// The `bits_hash` of kernels_expected.py, `Σ (2 i + 1) · bits(values[i])` wrapping: it
    /// compares long arrays bit for bit through one number.
    fn bits_hash(values: &[f64]) -> u64 {
        values.iter().zip(0u64..).fold(0, |acc, (v, i)| {
            acc.wrapping_add((2 * i + 1).wrapping_mul(v.to_bits()))
        })
    }

    /// ARIMA(2,0,1)(2,1,1)[12] with ar = (0.5, -0.2), ma1 = 0.3, sar = (-0.4, 0.2) and
    /// sma1 = -0.5 (transformed): 26 AR coefficients, as many as ARMA states, and 12
    /// differencing states.
    fn seasonal() -> (ArmaOrder, Vec<f64>, Vec<f64>) {
        let arma = order(2, 1, 2, 1, 12, 0, 1);
        let (phi, theta) = transform_params(&[0.5, -0.2, 0.3, -0.4, 0.2, -0.5], &arma, true);
        (arma, phi, theta)
    }

    fn y100_with_gaps() -> Vec<f64> {
        let mut y = Y100.to_vec();
        for i in [17, 50, 51, 99] {
            y[i] = f64::NAN;
        }
        y
    }

    /// Elementwise relative difference at most `rel`.
    #[track_caller]
    fn assert_close(actual: &[f64], expected: &[f64], rel: f64) {
        assert_eq!(actual.len(), expected.len(), "length");
        for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
            assert!((a - e).abs() <= rel * e.abs(), "index {i}: {a:e} vs {e:e}");
        }
    }

    #[test]
    fn ar1_initial_covariance_is_the_stationary_variance() {
        assert_eq!(initial_covariance(&[0.6], &[]), [1.0 / (1.0 - 0.6 * 0.6)]);
        assert_eq!(initial_covariance(&[], &[]), [1.0]);
    }

    #[test]
    fn single_ar_coefficient_transforms_by_tanh() {
        let arma = order(1, 0, 0, 0, 1, 0, 0);
        let (phi, theta) = transform_params(&[0.7], &arma, true);
        assert_eq!(phi, [0.7f64.tanh()]);
        assert!(theta.is_empty());
        assert_eq!(undo_params(&[0.7], &arma), [0.7f64.tanh()]);
        assert!((inverse_transform(&[0.7f64.tanh()], &arma)[0] - 0.7).abs() < 1e-15);
    }

    #[test]
    fn differencing_polynomial_expands_the_operators() {
        assert_eq!(differencing_polynomial(1, 1, 4), [1.0, 0.0, 0.0, 1.0, -1.0]);
        assert_identical(&differencing_polynomial(1, 1, 4), &DELTA_1_1_4);
        assert_identical(&differencing_polynomial(2, 1, 12), &DELTA_2_1_12);
        assert_identical(&differencing_polynomial(0, 2, 4), &DELTA_0_2_4);
        assert_identical(&differencing_polynomial(1, 0, 1), &DELTA_1_0_1);
        assert!(differencing_polynomial(0, 0, 12).is_empty());
    }

    #[test]
    fn difference_drops_the_undefined_start() {
        assert_identical(&difference(&Y30, 4, 1), &DIFF_4_1);
        assert_identical(&difference(&Y30, 1, 2), &DIFF_1_2);
        assert!(difference(&[1.0, 2.0], 1, 2).is_empty());
    }

    #[test]
    fn white_noise_css_is_the_mean_square() {
        let arma = order(0, 0, 0, 0, 1, 0, 0);
        let (value, resid) = css(&Y30, &arma, &[], &[]);
        let sum = Y30.iter().fold(0.0, |acc, y| acc + y * y);
        assert_eq!(value, sum / 30.0);
        assert_eq!(resid, Y30);
    }

    #[test]
    fn css_without_enough_observations_is_nan() {
        let (value, resid) = css(&[1.0, 2.0], &order(0, 0, 1, 0, 4, 0, 0), &[0.0; 4], &[]);
        assert!(value.is_nan());
        assert_eq!(resid, [0.0, 0.0]);
    }

    #[test]
    fn random_walk_forecast_variances_grow_by_one() {
        let mut ss = StateSpace::new(&[], &[], &[1.0], 1e6);
        ss.a = vec![0.0, 5.0];
        let (forecasts, variances) = kalman_forecast(4, &ss);
        assert_eq!(forecasts, [5.0; 4]);
        assert_eq!(variances, [1.0, 2.0, 3.0, 4.0]);
    }

    #[test]
    fn transform_params_match_statsforecast() {
        let seasonal = order(2, 1, 1, 1, 4, 0, 0);
        let par = [0.3, -0.2, 0.4, 0.5, -0.3];
        let (phi, theta) = transform_params(&par, &seasonal, true);
        assert_identical(&phi, &TRANSPAR_TRUE_PHI);
        assert_identical(&theta, &TRANSPAR_TRUE_THETA);
        let (phi, theta) = transform_params(&par, &seasonal, false);
        assert_identical(&phi, &TRANSPAR_FALSE_PHI);
        assert_identical(&theta, &TRANSPAR_FALSE_THETA);

        let long_ar = order(3, 1, 2, 0, 4, 0, 0);
        let par_long = [0.8, -0.5, 0.3, 0.2, 0.6, -0.4];
        let (phi, theta) = transform_params(&par_long, &long_ar, true);
        assert_identical(&phi, &TRANSPAR_LONG_PHI);
        assert_identical(&theta, &TRANSPAR_LONG_THETA);
    }

    #[test]
    fn undo_and_inverse_transforms_match_statsforecast() {
        let seasonal = order(2, 1, 1, 1, 4, 0, 0);
        let long_ar = order(3, 1, 2, 0, 4, 0, 0);
        let par = [0.3, -0.2, 0.4, 0.5, -0.3];
        let par_long = [0.8, -0.5, 0.3, 0.2, 0.6, -0.4];
        assert_identical(&undo_params(&par_long, &long_ar), &UNDOPARS_LONG);
        assert_identical(&undo_params(&par, &seasonal), &UNDOPARS_SEASONAL);
        let stationary = [0.5, -0.3, 0.2, 0.4, 0.6, -0.4];
        assert_identical(&inverse_transform(&stationary, &long_ar), &INVTRANS_LONG);
        assert_identical(&inverse_transform(&par, &seasonal), &INVTRANS_SEASONAL);
    }

    #[test]
    fn transform_gradient_matches_statsforecast() {
        let long_ar = order(3, 1, 2, 0, 4, 0, 0);
        let par_long = [0.8, -0.5, 0.3, 0.2, 0.6, -0.4];
        assert_identical(&transform_gradient(&par_long, &long_ar), &GRADTRANS_LONG);
        let seasonal = order(2, 1, 1, 1, 4, 0, 0);
        let par = [0.3, -0.2, 0.4, 0.5, -0.3];
        assert_identical(&transform_gradient(&par, &seasonal), &GRADTRANS_SEASONAL);
    }

    #[test]
    fn css_matches_statsforecast() {
        let (arma, phi, theta) = airline();
        let (value, resid) = css(&Y30, &arma, &phi, &theta);
        assert_identical(&[value], &CSS_AIRLINE_VALUE);
        assert_identical(&resid, &CSS_AIRLINE_RESID);

        let (value, resid) = css(&with_gaps(), &order(1, 1, 0, 0, 1, 0, 0), &[0.6], &[0.3]);
        assert_identical(&[value], &CSS_GAP_VALUE);
        assert_identical(&resid, &CSS_GAP_RESID);
    }

    #[test]
    fn initial_covariance_matches_statsforecast() {
        assert_identical(
            &initial_covariance(&[0.5, -0.2, 0.1], &[0.4, 0.3]),
            &Q0_P3_Q2,
        );
        assert_identical(&initial_covariance(&[], &[0.4, 0.3]), &Q0_P0_Q2);
        assert_identical(
            &initial_covariance(&[0.6, -0.3], &[0.2, -0.1, 0.05]),
            &Q0_P2_Q3,
        );
    }

    #[test]
    fn new_state_space_matches_make_arima() {
        let (_, phi, theta) = airline();
        let ss = StateSpace::new(&phi, &theta, &differencing_polynomial(1, 1, 4), 1e6);
        assert_identical(&ss.z, &AIRLINE_Z);
        assert_identical(&ss.t, &AIRLINE_T);
        assert_identical(&ss.v, &AIRLINE_V);
        assert_identical(&ss.pn, &AIRLINE_PN0);
        assert_eq!(ss.a, [0.0; 11]);
        assert_eq!(ss.p, [0.0; 121]);
        assert_eq!(ss.h, 0.0);

        // theta is stored padded to r - 1 = 2 here.
        let padded = StateSpace::new(&[0.5, 0.2, 0.1], &[0.3], &[], 1e6);
        assert_eq!(padded.theta, [0.3, 0.0]);
        // numpy squares with libm's pow, which rounds this value differently from phi * phi.
        let phi_pow = 0.343805606955381_f64;
        assert_ne!(phi_pow.powf(black_box(2.0)), phi_pow * phi_pow);
        let ar1 = StateSpace::new(&[phi_pow], &[], &[], 1e6);
        assert_identical(&[ar1.pn[0]], &AR1_POW_PN);
    }

    #[test]
    fn kalman_likelihood_matches_arima_like_and_mutates_the_state() {
        let (_, phi, theta) = airline();
        let mut ss = StateSpace::new(&phi, &theta, &differencing_polynomial(1, 1, 4), 1e6);
        let like = kalman_likelihood(&Y30, &mut ss, true);
        assert_identical(&[like.ssq, like.sumlog, like.nu as f64], &AIRLINE_LIKE);
        assert_identical(like.residuals.as_deref().unwrap(), &AIRLINE_RESID);
        assert_identical(&ss.a, &AIRLINE_AFTER_A);
        assert_identical(&ss.p, &AIRLINE_AFTER_P);
        assert_identical(&ss.pn, &AIRLINE_AFTER_PN);

        let (forecasts, variances) = kalman_forecast(8, &ss);
        assert_close(&forecasts, &AIRLINE_FC, 1e-12);
        assert_close(&variances, &AIRLINE_SE, 1e-12);

        // upARIMA keeps the previous prediction outside the ARMA block of pn.
        let (phi2, theta2) = transform_params(&[0.2, -0.6, -0.4], &airline().0, false);
        ss.update(&phi2, &theta2);
        assert_identical(&ss.theta, &AIRLINE_UP_THETA);
        assert_identical(&ss.pn, &AIRLINE_UP_PN);
        assert_eq!(ss.a, [0.0; 11]);
        let like = kalman_likelihood(&with_gaps(), &mut ss, false);
        assert_identical(&[like.ssq, like.sumlog, like.nu as f64], &AIRLINE_GAP_LIKE);
        assert!(like.residuals.is_none());
        assert_identical(&ss.a, &AIRLINE_GAP_AFTER_A);
        assert_identical(&ss.p, &AIRLINE_GAP_AFTER_P);
        assert_identical(&ss.pn, &AIRLINE_GAP_AFTER_PN);
    }

    #[test]
    fn kalman_likelihood_without_differencing_matches_arima_like() {
        let centred: Vec<f64> = Y30.iter().map(|y| y - 140.0).collect();
        let mut ss = StateSpace::new(&[0.5, -0.3], &[0.4], &[], 1e6);
        let like = kalman_likelihood(&centred, &mut ss, true);
        assert_identical(&[like.ssq, like.sumlog, like.nu as f64], &ARMA_LIKE);
        assert_identical(like.residuals.as_deref().unwrap(), &ARMA_RESID);
        assert_identical(&ss.a, &ARMA_AFTER_A);
        assert_identical(&ss.p, &ARMA_AFTER_P);
        assert_identical(&ss.pn, &ARMA_AFTER_PN);
        let (forecasts, variances) = kalman_forecast(5, &ss);
        assert_close(&forecasts, &ARMA_FC, 1e-12);
        assert_close(&variances, &ARMA_SE, 1e-12);
    }

    #[test]
    fn seasonal_kernels_match_statsforecast() {
        let (arma, phi, theta) = seasonal();
        assert_eq!((phi.len(), theta.len()), (26, 13));
        assert_eq!(bits_hash(&initial_covariance(&phi, &theta)), SARIMA_Q0);
        let (value, resid) = css(&Y100, &arma, &phi, &theta);
        assert_identical(&[value], &SARIMA_CSS_VALUE);
        assert_eq!(bits_hash(&resid), SARIMA_CSS_RESID);

        let delta = differencing_polynomial(0, 1, 12);
        let mut ss = StateSpace::new(&phi, &theta, &delta, 1e6);
        // Ends on a missing value, so `p` is the last prediction.
        let like = kalman_likelihood(&y100_with_gaps(), &mut ss, true);
        assert_identical(&[like.ssq, like.sumlog, like.nu as f64], &SARIMA_LIKE);
        assert_eq!(bits_hash(like.residuals.as_deref().unwrap()), SARIMA_RESID);
        assert_identical(&ss.a, &SARIMA_AFTER_A);
        assert_eq!(bits_hash(&ss.p), SARIMA_AFTER_P);
        assert_eq!(bits_hash(&ss.pn), SARIMA_AFTER_PN);

        let (phi2, theta2) = transform_params(&[0.3, 0.1, -0.4, 0.2, 0.1, -0.3], &arma, true);
        ss.update(&phi2, &theta2);
        assert_eq!(bits_hash(&ss.pn), SARIMA_UP_PN);
        let like = kalman_likelihood(&Y100, &mut ss, false);
        assert_identical(&[like.ssq, like.sumlog, like.nu as f64], &SARIMA_UP_LIKE);
        assert_identical(&ss.a, &SARIMA_UP_AFTER_A);
        assert_eq!(bits_hash(&ss.p), SARIMA_UP_AFTER_P);
        assert_eq!(bits_hash(&ss.pn), SARIMA_UP_AFTER_PN);
    }

    /// Both compilations of the prediction, whichever `kalman_likelihood` picks here.
    #[test]
    fn every_kernel_variant_matches_arima_like() {
        let mut variants = vec![Kernels::Baseline];
        #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
        if std::arch::is_x86_feature_detected!("avx") {
            variants.push(Kernels::Avx);
        }
        let (_, phi, theta) = seasonal();
        let delta = differencing_polynomial(0, 1, 12);
        for kernels in variants {
            let mut ss = StateSpace::new(&phi, &theta, &delta, 1e6);
            let like = kalman_filter(&y100_with_gaps(), &mut ss, true, kernels);
            assert_identical(&[like.ssq, like.sumlog, like.nu as f64], &SARIMA_LIKE);
            assert_eq!(bits_hash(like.residuals.as_deref().unwrap()), SARIMA_RESID);
            assert_eq!(bits_hash(&ss.p), SARIMA_AFTER_P);
            assert_eq!(bits_hash(&ss.pn), SARIMA_AFTER_PN);

            let centred: Vec<f64> = Y30.iter().map(|y| y - 140.0).collect();
            let mut ss = StateSpace::new(&[0.5, -0.3], &[0.4], &[], 1e6);
            let like = kalman_filter(&centred, &mut ss, true, kernels);
            assert_identical(&[like.ssq, like.sumlog, like.nu as f64], &ARMA_LIKE);
            assert_identical(&ss.p, &ARMA_AFTER_P);
            assert_identical(&ss.pn, &ARMA_AFTER_PN);
        }
    }

    #[test]
    fn seasonal_arma_kalman_likelihood_matches_arima_like() {
        // ARMA(1,1)(1,1)[12]: 13 AR coefficients for 14 states.
        let arma = order(1, 1, 1, 1, 12, 0, 0);
        let (phi, theta) = transform_params(&[0.6, 0.3, 0.5, -0.4], &arma, true);
        assert_eq!(bits_hash(&initial_covariance(&phi, &theta)), SARMA_Q0);
        let centred: Vec<f64> = y100_with_gaps()[..99].iter().map(|y| y - 120.0).collect();
        let mut ss = StateSpace::new(&phi, &theta, &[], 1e6);
        let like = kalman_likelihood(&centred, &mut ss, true);
        assert_identical(&[like.ssq, like.sumlog, like.nu as f64], &SARMA_LIKE);
        assert_eq!(bits_hash(like.residuals.as_deref().unwrap()), SARMA_RESID);
        assert_identical(&ss.a, &SARMA_AFTER_A);
        assert_eq!(bits_hash(&ss.p), SARMA_AFTER_P);
        assert_eq!(bits_hash(&ss.pn), SARMA_AFTER_PN);
    }

    #[test]
    fn kpss_pvalues_match_statsmodels() {
        let nlags = |n: usize| (3.0 * (n as f64).sqrt() / 13.0).floor() as usize;
        let cases: [(&[f64], &[f64; 3]); 4] = [
            (&KPSS_TREND_X, &KPSS_TREND),
            (&KPSS_STATIONARY_X, &KPSS_STATIONARY),
            (&KPSS_MIDDLE_X, &KPSS_MIDDLE),
            (&KPSS_LONG_X, &KPSS_LONG),
        ];
        for (x, expected) in cases {
            assert_eq!(nlags(x.len()), expected[2] as usize);
            assert_close(
                &[kpss_level_pvalue(x, nlags(x.len()))],
                &expected[..1],
                1e-12,
            );
        }
        assert!(kpss_level_pvalue(&[1.0, 2.0], 2).is_nan());
    }

    #[test]
    fn ols_matches_statsmodels() {
        let ones = [1.0; 20];
        let trend: Vec<f64> = (1..=20).map(f64::from).collect();
        let params = ols(&OLS_Y, &[&ones, &trend, &OLS_X2]).unwrap();
        assert_close(&params, &OLS_PARAMS, 1e-12);
        assert_close(&ols(&OLS_Y, &[&trend]).unwrap(), &OLS_DRIFT_PARAMS, 1e-12);
    }

    #[test]
    fn ols_handles_degenerate_designs() {
        let ones = [1.0; 5];
        let y = [0.0, 1.0, 2.0, 3.0, 4.0];
        // Collinear columns share the coefficient (minimum-norm solution).
        assert_close(&ols(&y, &[&ones, &ones]).unwrap(), &[1.0, 1.0], 1e-12);
        assert!(ols(&y, &[&[1.0, 2.0, f64::NAN, 4.0, 5.0]]).is_none());
        assert!(ols(&y, &[]).is_none());
        assert!(ols(&y, &[&[1.0, 2.0]]).is_none());
        let with_nan = [0.0, 1.0, f64::NAN, 3.0, 4.0];
        assert!(ols(&with_nan, &[&ones]).unwrap()[0].is_nan());
    }
}
