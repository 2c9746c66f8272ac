//! Seasonal-trend decomposition by loess (STL) as statsforecast 2.1.1 uses it.
//!
//! [`stl`] reproduces statsmodels 0.15's `STL(...).fit()` (its Cython port of the NETLIB
//! Fortran), keeping the order of every floating-point operation in the loess fits and moving
//! averages so the components agree bit for bit. [`mstl`] is statsforecast's `mstl()` (the
//! MSTL model and the AutoARIMA seasonal test) and [`seasonal_strength`] is AutoARIMA's
//! `seas_heuristic`.

/// statsmodels' `STL` settings; `StlParams::new(period, seasonal)` gives its defaults.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StlParams {
    pub(crate) period: usize,
    /// Seasonal loess window (odd, at least 3).
    pub(crate) seasonal: usize,
    /// Trend loess window; `None` derives it from `period` and `seasonal` as statsmodels does.
    pub(crate) trend: Option<usize>,
    /// Low-pass loess window; `None` is the smallest odd integer above `period`.
    pub(crate) low_pass: Option<usize>,
    /// Loess degrees. statsmodels does not validate them: 0 fits a constant, anything
    /// larger a line.
    pub(crate) seasonal_deg: usize,
    pub(crate) trend_deg: usize,
    pub(crate) low_pass_deg: usize,
    pub(crate) robust: bool,
    /// Loess is evaluated every `*_jump` points and linearly interpolated in between.
    pub(crate) seasonal_jump: usize,
    pub(crate) trend_jump: usize,
    pub(crate) low_pass_jump: usize,
    /// `fit(inner_iter, outer_iter)`; `None` is 5/0, or 2/15 when `robust`.
    pub(crate) inner_iter: Option<usize>,
    pub(crate) outer_iter: Option<usize>,
}

impl StlParams {
    pub(crate) fn new(period: usize, seasonal: usize) -> Self {
        Self {
            period,
            seasonal,
            trend: None,
            low_pass: None,
            seasonal_deg: 1,
            trend_deg: 1,
            low_pass_deg: 1,
            robust: false,
            seasonal_jump: 1,
            trend_jump: 1,
            low_pass_jump: 1,
            inner_iter: None,
            outer_iter: None,
        }
    }
}

/// `STL.fit()`'s components; `resid` is `x - seasonal - trend`.
pub(crate) struct StlFit {
    pub(crate) seasonal: Vec<f64>,
    pub(crate) trend: Vec<f64>,
    #[cfg_attr(
        not(test),
        expect(dead_code, reason = "MSTL reads the remainder through `Mstl`")
    )]
    pub(crate) resid: Vec<f64>,
}

/// One loess smoother of the decomposition.
struct Smoother {
    window: usize,
    linear: bool,
    jump: usize,
}

/// `StlParams` checked and with its defaults filled in.
struct StlConfig {
    period: usize,
    seasonal: Smoother,
    trend: Smoother,
    low_pass: Smoother,
    inner_iter: usize,
    outer_iter: usize,
}

impl StlConfig {
    /// Applies `STL.__init__`'s checks in its order, with its messages.
    fn new(params: &StlParams) -> Result<Self, String> {
        let period = params.period;
        if period < 2 {
            return Err("period must be a positive integer >= 2".into());
        }
        let seasonal = params.seasonal;
        if seasonal < 3 || seasonal.is_multiple_of(2) {
            return Err("seasonal must be an odd positive integer >= 3".into());
        }
        let trend = params.trend.unwrap_or_else(|| {
            let trend = (1.5 * period as f64 / (1.0 - 1.5 / seasonal as f64)).ceil() as usize;
            trend + usize::from(trend.is_multiple_of(2))
        });
        if trend < 3 || trend.is_multiple_of(2) || trend <= period {
            return Err("trend must be an odd positive integer >= 3 where trend > period".into());
        }
        let low_pass = params
            .low_pass
            .unwrap_or((period + 1) + usize::from((period + 1).is_multiple_of(2)));
        if low_pass < 3 || low_pass.is_multiple_of(2) || low_pass <= period {
            return Err(
                "low_pass must be an odd positive integer >= 3 where low_pass > period".into(),
            );
        }
        for (jump, name) in [
            (params.low_pass_jump, "low_pass_jump"),
            (params.seasonal_jump, "seasonal_jump"),
            (params.trend_jump, "trend_jump"),
        ] {
            if jump == 0 {
                return Err(format!("{name} must be a positive integer"));
            }
        }
        let smoother = |window, deg, jump| Smoother {
            window,
            linear: deg > 0,
            jump,
        };
        Ok(Self {
            period,
            seasonal: smoother(seasonal, params.seasonal_deg, params.seasonal_jump),
            trend: smoother(trend, params.trend_deg, params.trend_jump),
            low_pass: smoother(low_pass, params.low_pass_deg, params.low_pass_jump),
            inner_iter: params
                .inner_iter
                .unwrap_or(if params.robust { 2 } else { 5 }),
            outer_iter: params
                .outer_iter
                .unwrap_or(if params.robust { 15 } else { 0 }),
        })
    }
}

/// `STL.__init__`'s checks of the settings alone, before any series is seen.
pub(crate) fn check_params(params: &StlParams) -> Result<(), String> {
    StlConfig::new(params).map(|_| ())
}

/// statsmodels' `STL(x, **params).fit(inner_iter, outer_iter)`.
///
/// Err carries statsmodels' message for the settings it rejects. statsmodels does not check
/// the length, but below one period its Cython reads and writes past its work arrays, so such
/// series are rejected here; from one period on the result is well defined and reproduced.
/// NaNs are not rejected and propagate as in statsmodels.
pub(crate) fn stl(x: &[f64], params: &StlParams) -> Result<StlFit, String> {
    let config = StlConfig::new(params)?;
    let n = x.len();
    if n < config.period {
        return Err(format!(
            "STL needs at least one period ({}) of observations, got {n}",
            config.period
        ));
    }
    let mut work = Workspace::new(n, config.period);
    let mut seasonal = vec![0.0; n];
    let mut trend = vec![0.0; n];
    let mut robustness = vec![1.0; n];
    let mut weighted = false;
    let mut outer = 0;
    loop {
        let rw = weighted.then_some(robustness.as_slice());
        work.inner_loop(x, &config, rw, &mut seasonal, &mut trend);
        outer += 1;
        if outer > config.outer_iter {
            break;
        }
        update_robustness(
            x,
            &seasonal,
            &trend,
            &mut robustness,
            &mut work.loess.weights,
        );
        weighted = true;
    }
    let resid = x
        .iter()
        .zip(&seasonal)
        .zip(&trend)
        .map(|((y, s), t)| y - s - t)
        .collect();
    Ok(StlFit {
        seasonal,
        trend,
        resid,
    })
}

/// Scratch buffers of one fit, allocated once and reused by every iteration.
struct Workspace {
    /// Smoothed cycle-subseries, extended by one period at each end (`n + 2 * period`).
    cycle: Vec<f64>,
    /// Detrended series, then the low-pass filter's stages, then the deseasonalised series.
    series: Vec<f64>,
    /// Moving averages of the low-pass filter.
    averages: Vec<f64>,
    /// One cycle-subseries, its robustness weights and its smooth with the two end points.
    sub: Vec<f64>,
    sub_rw: Vec<f64>,
    sub_fit: Vec<f64>,
    loess: LoessScratch,
}

impl Workspace {
    fn new(n: usize, period: usize) -> Self {
        let cycles = n.div_ceil(period);
        Self {
            cycle: vec![0.0; n + 2 * period],
            series: vec![0.0; n + 2],
            averages: vec![0.0; n + period + 1],
            sub: vec![0.0; cycles],
            sub_rw: vec![0.0; cycles],
            sub_fit: vec![0.0; cycles + 2],
            loess: LoessScratch::new(n),
        }
    }

    /// statsmodels' `_onestp`: `inner_iter` passes of seasonal then trend smoothing.
    fn inner_loop(
        &mut self,
        y: &[f64],
        config: &StlConfig,
        rw: Option<&[f64]>,
        seasonal: &mut [f64],
        trend: &mut [f64],
    ) {
        let n = y.len();
        let period = config.period;
        for _ in 0..config.inner_iter {
            for ((d, &v), &t) in self.series.iter_mut().zip(y).zip(trend.iter()) {
                *d = v - t;
            }
            self.smooth_cycles(n, config, rw);
            moving_average(&self.cycle, period, &mut self.averages);
            moving_average(&self.averages, period, &mut self.series);
            moving_average(&self.series, 3, &mut self.averages[..n]);
            loess_smooth(
                &self.averages[..n],
                &config.low_pass,
                None,
                &mut self.series[..n],
                &mut self.loess,
            );
            for (i, (s, d)) in seasonal.iter_mut().zip(&mut self.series).enumerate() {
                *s = self.cycle[period + i] - *d;
                *d = y[i] - *s;
            }
            loess_smooth(&self.series[..n], &config.trend, rw, trend, &mut self.loess);
        }
    }

    /// statsmodels' `_ss`: smooths each cycle-subseries of the detrended series in `series`
    /// and extrapolates it one step at each end into `cycle`.
    fn smooth_cycles(&mut self, n: usize, config: &StlConfig, rw: Option<&[f64]>) {
        let period = config.period;
        let smoother = &config.seasonal;
        for phase in 0..period {
            let k = (n - (phase + 1)) / period + 1;
            let sub = &mut self.sub[..k];
            for (i, v) in sub.iter_mut().enumerate() {
                *v = self.series[i * period + phase];
            }
            let sub_rw = rw.map(|rw| {
                let sub_rw = &mut self.sub_rw[..k];
                for (i, v) in sub_rw.iter_mut().enumerate() {
                    *v = rw[i * period + phase];
                }
                &*sub_rw
            });
            let sub = &*sub;
            let fit = &mut self.sub_fit[..k + 2];
            loess_smooth(sub, smoother, sub_rw, &mut fit[1..=k], &mut self.loess);
            let right = smoother.window.min(k);
            fit[0] = loess_at(sub, smoother, 0, 1, right, sub_rw, &mut self.loess);
            if fit[0].is_nan() {
                fit[0] = fit[1];
            }
            let left = k.saturating_sub(smoother.window) + 1;
            fit[k + 1] = loess_at(
                sub,
                smoother,
                k as isize + 1,
                left,
                k,
                sub_rw,
                &mut self.loess,
            );
            if fit[k + 1].is_nan() {
                fit[k + 1] = fit[k];
            }
            for (m, &v) in fit.iter().enumerate() {
                self.cycle[m * period + phase] = v;
            }
        }
    }
}

/// statsmodels' `_rwts`: bisquare weights of the residuals scaled by six times their median.
fn update_robustness(
    y: &[f64],
    seasonal: &[f64],
    trend: &[f64],
    rw: &mut [f64],
    scratch: &mut [f64],
) {
    let n = y.len();
    for (i, (r, s)) in rw.iter_mut().zip(scratch.iter_mut()).enumerate() {
        *r = (y[i] - (trend[i] + seasonal[i])).abs();
        *s = *r;
    }
    // The two middle order statistics, as `np.partition` finds them (NaN sorts last).
    let upper = n / 2;
    let lower = n - upper - 1;
    let (below, &mut upper_value, _) = scratch.select_nth_unstable_by(upper, f64::total_cmp);
    let lower_value = if lower == upper {
        upper_value
    } else {
        below
            .iter()
            .copied()
            .max_by(f64::total_cmp)
            .unwrap_or(upper_value)
    };
    let cmad = 3.0 * (upper_value + lower_value);
    if cmad == 0.0 {
        rw.fill(1.0);
        return;
    }
    let c9 = 0.999 * cmad;
    let c1 = 0.001 * cmad;
    for r in rw.iter_mut() {
        *r = if *r <= c1 {
            1.0
        } else if *r <= c9 {
            let u = *r / cmad;
            let v = 1.0 - u * u;
            v * v
        } else {
            0.0
        };
    }
}

/// statsmodels' `_ma`: running mean of `window` points, `out.len() == x.len() - window + 1`.
fn moving_average(x: &[f64], window: usize, out: &mut [f64]) {
    let len = window as f64;
    let mut sum = 0.0;
    for &v in &x[..window] {
        sum += v;
    }
    out[0] = sum / len;
    for (j, o) in out.iter_mut().enumerate().skip(1) {
        sum += x[j + window - 1] - x[j - 1];
        *o = sum / len;
    }
}

/// statsmodels' `_ess`: loess of `y` against 1..=n into `ys`, evaluated every `jump` points
/// and linearly interpolated in between; a point whose weights vanish keeps its data value.
fn loess_smooth(
    y: &[f64],
    smoother: &Smoother,
    rw: Option<&[f64]>,
    ys: &mut [f64],
    scratch: &mut LoessScratch,
) {
    let n = y.len();
    if n < 2 {
        ys[0] = y[0];
        return;
    }
    let window = smoother.window;
    let step = smoother.jump.min(n - 1);
    let mut fit_at = |i: usize, (left, right): (usize, usize)| {
        let v = loess_at(y, smoother, i as isize + 1, left, right, rw, scratch);
        if v.is_nan() { y[i] } else { v }
    };
    if step == 1 && window < n {
        // Every point, the neighbourhood sliding once the point passes its middle.
        let half = (window + 2) / 2;
        let (mut left, mut right) = (1, window);
        for (i, out) in ys.iter_mut().enumerate() {
            if i + 1 > half && right != n {
                left += 1;
                right += 1;
            }
            *out = fit_at(i, (left, right));
        }
        return;
    }
    // 1-based neighbourhood of the point at index `i`.
    let half = window.div_ceil(2);
    let neighbourhood = |i: usize| {
        if window >= n {
            (1, n)
        } else if i + 1 < half {
            (1, window)
        } else if i >= n - half {
            (n - window + 1, n)
        } else {
            (i + 2 - half, window + i + 1 - half)
        }
    };
    for i in (0..n).step_by(step) {
        ys[i] = fit_at(i, neighbourhood(i));
    }
    if step == 1 {
        return;
    }
    let mut i = 0;
    while i < n - step {
        let delta = (ys[i + step] - ys[i]) / step as f64;
        for j in i..i + step {
            ys[j] = ys[i] + delta * (j - i) as f64;
        }
        i += step;
    }
    // The last point is fitted with the neighbourhood of the last evaluated one.
    let k = ((n - 1) / step) * step + 1;
    if k != n {
        ys[n - 1] = fit_at(n - 1, neighbourhood(k - 1));
        if k != n - 1 {
            let delta = (ys[n - 1] - ys[k - 1]) / (n - k) as f64;
            for j in k..n {
                ys[j] = ys[k - 1] + delta * (j + 1 - k) as f64;
            }
        }
    }
}

/// Loess scratch: neighbourhood weights, and the tricube kernel of each bandwidth met so far
/// (bandwidths are whole numbers, and few distinct ones recur across points and iterations).
struct LoessScratch {
    weights: Vec<f64>,
    /// `kernels[h]`: weights at integer distances `0..=0.999 * h`; farther points get none.
    /// Empty until bandwidth `h` is first used.
    kernels: Vec<Vec<f64>>,
}

impl LoessScratch {
    fn new(n: usize) -> Self {
        Self {
            weights: vec![0.0; n],
            kernels: Vec::new(),
        }
    }
}

/// Tricube weights of bandwidth `h` at distances 0, 1, ... while within `0.999 * h`.
fn tricube_kernel(h: f64) -> Vec<f64> {
    let h9 = 0.999 * h;
    let h1 = 0.001 * h;
    let mut kernel = Vec::with_capacity(h as usize + 1);
    let mut r = 0.0;
    while r <= h9 {
        // `pow` rather than products: the Cython calls libm's `pow(x, 3.0)`.
        kernel.push(if r <= h1 {
            1.0
        } else {
            (1.0 - (r / h).powf(3.0)).powf(3.0)
        });
        r += 1.0;
    }
    kernel
}

/// statsmodels' `_est`: tricube-weighted (times `rw`) loess fit at 1-based position `xs`
/// from the points `left..=right` (1-based) of `y`; NaN when all weights vanish.
fn loess_at(
    y: &[f64],
    smoother: &Smoother,
    xs: isize,
    left: usize,
    right: usize,
    rw: Option<&[f64]>,
    scratch: &mut LoessScratch,
) -> f64 {
    let n = y.len();
    let range = n as f64 - 1.0;
    let mut h = (xs - left as isize).max(right as isize - xs) as f64;
    if smoother.window > n {
        h += ((smoother.window - n) / 2) as f64;
    }
    let LoessScratch { weights, kernels } = scratch;
    let bandwidth = h as usize;
    if kernels.len() <= bandwidth {
        kernels.resize_with(bandwidth + 1, Vec::new);
    }
    if kernels[bandwidth].is_empty() {
        kernels[bandwidth] = tricube_kernel(h);
    }
    let kernel = &kernels[bandwidth];
    let neighbourhood = left - 1..right;
    let mut total = 0.0;
    for j in neighbourhood.clone() {
        let distance = (j as isize + 1 - xs).unsigned_abs();
        weights[j] = match kernel.get(distance) {
            Some(&w) => {
                let w = rw.map_or(w, |rw| w * rw[j]);
                total += w;
                w
            }
            None => 0.0,
        };
    }
    if total <= 0.0 {
        return f64::NAN;
    }
    let weights = &mut weights[neighbourhood.clone()];
    let positions = neighbourhood.map(|j| (j + 1) as f64);
    if h > 0.0 && smoother.linear {
        let mut mean = 0.0;
        for (w, x) in weights.iter_mut().zip(positions.clone()) {
            *w /= total;
            mean += *w * x;
        }
        let mut slope = xs as f64 - mean;
        let mut spread = 0.0;
        for (&w, x) in weights.iter().zip(positions.clone()) {
            let d = x - mean;
            spread += w * (d * d);
        }
        let mut fit = 0.0;
        if spread.sqrt() > 0.001 * range {
            slope /= spread;
            for ((&w, x), &v) in weights.iter().zip(positions).zip(&y[left - 1..right]) {
                fit += w * (slope * (x - mean) + 1.0) * v;
            }
        } else {
            for (&w, &v) in weights.iter().zip(&y[left - 1..right]) {
                fit += w * v;
            }
        }
        fit
    } else {
        let mut fit = 0.0;
        for (&w, &v) in weights.iter().zip(&y[left - 1..right]) {
            fit += (w / total) * v;
        }
        fit
    }
}

/// statsforecast's `mstl()` columns; `remainder` is the series less every seasonal and the
/// trend of the last STL fit.
pub(crate) struct Mstl {
    pub(crate) trend: Vec<f64>,
    /// One per period, in ascending period order.
    pub(crate) seasonals: Vec<Vec<f64>>,
    pub(crate) remainder: Vec<f64>,
}

/// statsforecast's `mstl(x, periods, iterate=2, s_window=windows, stl_kwargs)` for periods
/// above 1: periods are sorted, seasonal windows default to 11, 15, 19, ... (one window is
/// used for every period) and a single period is fitted once instead of twice.
///
/// `stl_kwargs` plays statsforecast's `stl_kwargs`: it edits the `StlParams` of every STL
/// call after `seasonal_deg = 0` is set, so `|_| {}` gives statsforecast's defaults. As in
/// Python, it may not change `period` or `seasonal`, nor `inner_iter`/`outer_iter`, which
/// statsforecast never passes to `fit()`.
pub(crate) fn mstl(
    x: &[f64],
    periods: &[usize],
    windows: Option<&[usize]>,
    stl_kwargs: &dyn Fn(&mut StlParams),
) -> Result<Mstl, String> {
    if x.iter().any(|v| v.is_nan()) {
        return Err("`mstl` cannot handle missing values. \
                    Please raise an issue to include this feature."
            .into());
    }
    let mut periods = periods.to_vec();
    periods.sort_unstable();
    match periods.first() {
        None => return Err("`mstl` needs at least one period".into()),
        Some(&p) if p <= 1 => {
            return Err("`mstl` with period 1 (SuperSmoother trend) is not supported".into());
        }
        Some(_) => {}
    }
    let window = |i: usize| match windows {
        None => Ok(7 + 4 * (i + 1)),
        Some(&[w]) => Ok(w),
        Some(ws) => ws.get(i).copied().ok_or_else(|| {
            format!(
                "{} seasonal windows for {} periods",
                ws.len(),
                periods.len()
            )
        }),
    };
    let params = periods
        .iter()
        .enumerate()
        .map(|(i, &period)| {
            let mut params = StlParams::new(period, window(i)?);
            params.seasonal_deg = 0;
            let requested = params.clone();
            stl_kwargs(&mut params);
            let fixed = |p: &StlParams| (p.period, p.seasonal, p.inner_iter, p.outer_iter);
            if fixed(&params) != fixed(&requested) {
                return Err(
                    "stl_kwargs cannot set period, seasonal, inner_iter or outer_iter".to_string(),
                );
            }
            Ok(params)
        })
        .collect::<Result<Vec<_>, String>>()?;
    let iterate = if periods.len() == 1 { 1 } else { 2 };
    let n = x.len();
    let mut seasonals = vec![vec![0.0; n]; periods.len()];
    let mut deseasonalised = x.to_vec();
    let mut trend = Vec::new();
    for _ in 0..iterate {
        for (seasonal, params) in seasonals.iter_mut().zip(&params) {
            for (d, s) in deseasonalised.iter_mut().zip(seasonal.iter()) {
                *d += s;
            }
            let fit = stl(&deseasonalised, params)?;
            *seasonal = fit.seasonal;
            for (d, s) in deseasonalised.iter_mut().zip(seasonal.iter()) {
                *d -= s;
            }
            trend = fit.trend;
        }
    }
    let remainder = deseasonalised
        .iter()
        .zip(&trend)
        .map(|(d, t)| d - t)
        .collect();
    Ok(Mstl {
        trend,
        seasonals,
        remainder,
    })
}

/// AutoARIMA's seasonal strength (`seas_heuristic`): `1 - var(remainder) / var(remainder +
/// seasonal)` of `mstl(x, period)`, clamped to [0, 1] with Python's `max(0, min(1, .))`
/// (so a NaN ratio gives 1).
pub(crate) fn seasonal_strength(x: &[f64], period: usize) -> Result<f64, String> {
    let fit = mstl(x, &[period], None, &|_| {})?;
    let remainder = &fit.remainder;
    let seasonal = &fit.seasonals[0];
    let remainder_var = sample_variance(remainder.len(), |i| remainder[i]);
    let detrended_var = sample_variance(remainder.len(), |i| remainder[i] + seasonal[i]);
    let strength = 1.0 - remainder_var / detrended_var;
    let capped = if strength < 1.0 { strength } else { 1.0 };
    Ok(if capped > 0.0 { capped } else { 0.0 })
}

/// pandas' `Series.var(ddof=1)` (which `np.var` defers to): two passes of numpy's pairwise
/// summation; NaN for fewer than two values.
fn sample_variance(len: usize, value: impl Fn(usize) -> f64) -> f64 {
    if len <= 1 {
        return f64::NAN;
    }
    let count = len as f64;
    let mean = pairwise_sum(&value, 0, len) / count;
    let squared = |i: usize| {
        let d = mean - value(i);
        d * d
    };
    pairwise_sum(&squared, 0, len) / (count - 1.0)
}

/// numpy's `pairwise_sum` for float64 over `term(start..start + len)`: eight interleaved
/// accumulators in blocks of up to 128 terms, halving larger ranges.
fn pairwise_sum(term: &impl Fn(usize) -> f64, start: usize, len: usize) -> f64 {
    if len < 8 {
        let mut sum = 0.0;
        for i in start..start + len {
            sum += term(i);
        }
        sum
    } else if len <= 128 {
        let mut acc = [0.0; 8];
        for (j, a) in acc.iter_mut().enumerate() {
            *a = term(start + j);
        }
        let blocked = len - len % 8;
        let mut i = 8;
        while i < blocked {
            for (j, a) in acc.iter_mut().enumerate() {
                *a += term(start + i + j);
            }
            i += 8;
        }
        let mut sum =
            ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
        for k in blocked..len {
            sum += term(start + k);
        }
        sum
    } else {
        let half = len / 2;
        let half = half - half % 8;
        pairwise_sum(term, start, half) + pairwise_sum(term, start + half, len - half)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// AirPassengers (monthly, 1949-1960).
    const AIR: [f64; 144] = [
        112.0, 118.0, 132.0, 129.0, 121.0, 135.0, 148.0, 148.0, 136.0, 119.0, 104.0, 118.0, 115.0,
        126.0, 141.0, 135.0, 125.0, 149.0, 170.0, 170.0, 158.0, 133.0, 114.0, 140.0, 145.0, 150.0,
        178.0, 163.0, 172.0, 178.0, 199.0, 199.0, 184.0, 162.0, 146.0, 166.0, 171.0, 180.0, 193.0,
        181.0, 183.0, 218.0, 230.0, 242.0, 209.0, 191.0, 172.0, 194.0, 196.0, 196.0, 236.0, 235.0,
        229.0, 243.0, 264.0, 272.0, 237.0, 211.0, 180.0, 201.0, 204.0, 188.0, 235.0, 227.0, 234.0,
        264.0, 302.0, 293.0, 259.0, 229.0, 203.0, 229.0, 242.0, 233.0, 267.0, 269.0, 270.0, 315.0,
        364.0, 347.0, 312.0, 274.0, 237.0, 278.0, 284.0, 277.0, 317.0, 313.0, 318.0, 374.0, 413.0,
        405.0, 355.0, 306.0, 271.0, 306.0, 315.0, 301.0, 356.0, 348.0, 355.0, 422.0, 465.0, 467.0,
        404.0, 347.0, 305.0, 336.0, 340.0, 318.0, 362.0, 348.0, 363.0, 435.0, 491.0, 505.0, 404.0,
        359.0, 310.0, 337.0, 360.0, 342.0, 406.0, 396.0, 420.0, 472.0, 548.0, 559.0, 463.0, 407.0,
        362.0, 405.0, 417.0, 391.0, 419.0, 461.0, 472.0, 535.0, 622.0, 606.0, 508.0, 461.0, 390.0,
        432.0,
    ];

    /// `daily()` of expected.py: 120 days of trend, weekly and monthly shapes and
    /// pseudo-noise, in exact arithmetic so both sides build the same doubles.
    fn daily() -> Vec<f64> {
        const WEEK: [i64; 7] = [3, -1, 4, 1, -5, 9, -2];
        (0..120i64)
            .map(|t| {
                100.0
                    + 0.25 * t as f64
                    + WEEK[(t % 7) as usize] as f64 * 1.5
                    + ((t % 30) - 15).pow(2) as f64 * 0.05
                    + ((t * t * 37 + 11 * t) % 23 - 11) as f64 * 0.2
            })
            .collect()
    }

    /// `noise()` of expected.py: linear congruential uniforms around 10.
    fn noise() -> Vec<f64> {
        let mut state: u64 = 12345;
        (0..60)
            .map(|_| {
                state = (state * 1103515245 + 12345) % (1 << 31);
                10.0 + (state as f64 / 2147483648.0 - 0.5)
            })
            .collect()
    }

    /// A component as expected.py prints it: length, left-to-right sum, left-to-right sum of
    /// `(i + 1) * v`, and a few values.
    struct Expected {
        n: usize,
        sum: f64,
        wsum: f64,
        at: &'static [(usize, f64)],
    }

    /// Relative tolerance 1e-12, against 1 for values that are zero up to rounding (the
    /// residuals of the 18-point fit). The values currently agree bit for bit.
    fn assert_close(what: &str, got: f64, want: f64) {
        let tol = 1e-12 * want.abs().max(1.0);
        assert!(
            (got - want).abs() <= tol,
            "{what}: got {got:?}, want {want:?}"
        );
    }

    fn check(name: &str, got: &[f64], want: &Expected) {
        assert_eq!(got.len(), want.n, "{name}: length");
        let (mut sum, mut wsum) = (0.0, 0.0);
        for (i, &v) in got.iter().enumerate() {
            sum += v;
            wsum += (i + 1) as f64 * v;
        }
        assert_close(&format!("{name} sum"), sum, want.sum);
        assert_close(&format!("{name} weighted sum"), wsum, want.wsum);
        for &(i, v) in want.at {
            assert_close(&format!("{name}[{i}]"), got[i], v);
        }
    }

    fn check_stl(fit: &StlFit, [seasonal, trend, resid]: [&Expected; 3]) {
        check("seasonal", &fit.seasonal, seasonal);
        check("trend", &fit.trend, trend);
        check("resid", &fit.resid, resid);
    }

    fn check_mstl(fit: &Mstl, [trend, seasonal1, seasonal2, remainder]: [&Expected; 4]) {
        check("trend", &fit.trend, trend);
        check("first seasonal", &fit.seasonals[0], seasonal1);
        check("second seasonal", &fit.seasonals[1], seasonal2);
        check("remainder", &fit.remainder, remainder);
    }

    #[test]
    fn defaults_follow_statsmodels() {
        let config = StlConfig::new(&StlParams::new(12, 7)).unwrap();
        assert_eq!((config.trend.window, config.low_pass.window), (23, 13));
        assert_eq!((config.inner_iter, config.outer_iter), (5, 0));
        assert!(config.seasonal.linear && config.trend.linear && config.low_pass.linear);
        let robust = StlParams {
            robust: true,
            ..StlParams::new(7, 11)
        };
        let config = StlConfig::new(&robust).unwrap();
        assert_eq!((config.trend.window, config.low_pass.window), (13, 9));
        assert_eq!((config.inner_iter, config.outer_iter), (2, 15));
    }

    #[test]
    fn stl_as_statsforecast_calls_it() {
        let params = StlParams {
            seasonal_deg: 0,
            ..StlParams::new(12, 11)
        };
        let fit = stl(&AIR, &params).unwrap();
        check_stl(&fit, [&AIR_SF_SEASONAL, &AIR_SF_TREND, &AIR_SF_RESID]);
    }

    #[test]
    fn stl_with_statsmodels_defaults() {
        let fit = stl(&AIR, &StlParams::new(12, 7)).unwrap();
        check_stl(
            &fit,
            [
                &AIR_DEFAULT_SEASONAL,
                &AIR_DEFAULT_TREND,
                &AIR_DEFAULT_RESID,
            ],
        );
    }

    #[test]
    fn robust_stl_with_jumps() {
        let params = StlParams {
            robust: true,
            seasonal_jump: 2,
            trend_jump: 3,
            low_pass_jump: 2,
            ..StlParams::new(12, 7)
        };
        let fit = stl(&AIR, &params).unwrap();
        check_stl(
            &fit,
            [
                &AIR_ROBUST_JUMPS_SEASONAL,
                &AIR_ROBUST_JUMPS_TREND,
                &AIR_ROBUST_JUMPS_RESID,
            ],
        );
    }

    #[test]
    fn seasonal_window_wider_than_the_cycles() {
        let params = StlParams {
            seasonal_jump: 4,
            trend_deg: 0,
            low_pass_deg: 0,
            ..StlParams::new(12, 35)
        };
        let fit = stl(&AIR, &params).unwrap();
        check_stl(&fit, [&AIR_WIDE_SEASONAL, &AIR_WIDE_TREND, &AIR_WIDE_RESID]);
    }

    #[test]
    fn between_one_and_two_periods() {
        let fit = stl(&AIR[..18], &StlParams::new(12, 7)).unwrap();
        check_stl(&fit, [&AIR_18_SEASONAL, &AIR_18_TREND, &AIR_18_RESID]);
    }

    #[test]
    fn mstl_of_one_period_is_statsforecasts_stl_call() {
        let fit = mstl(&AIR, &[12], None, &|_| {}).unwrap();
        assert_eq!(fit.seasonals.len(), 1);
        check("trend", &fit.trend, &AIR_SF_TREND);
        check("seasonal", &fit.seasonals[0], &AIR_SF_SEASONAL);
        check("remainder", &fit.remainder, &AIR_SF_RESID);
    }

    #[test]
    fn mstl_of_two_periods() {
        let fit = mstl(&daily(), &[30, 7], None, &|_| {}).unwrap();
        check_mstl(
            &fit,
            [
                &DAILY_TREND,
                &DAILY_SEASONAL7,
                &DAILY_SEASONAL30,
                &DAILY_REMAINDER,
            ],
        );
    }

    #[test]
    fn mstl_with_one_window_and_stl_kwargs() {
        let robust = |params: &mut StlParams| {
            params.robust = true;
            params.trend = Some(41);
        };
        let fit = mstl(&daily(), &[30, 7], Some(&[9]), &robust).unwrap();
        check_mstl(
            &fit,
            [
                &DAILY_ROBUST_TREND,
                &DAILY_ROBUST_SEASONAL7,
                &DAILY_ROBUST_SEASONAL30,
                &DAILY_ROBUST_REMAINDER,
            ],
        );
    }

    #[test]
    fn seasonal_strength_matches_seas_heuristic() {
        assert_close("air", seasonal_strength(&AIR, 12).unwrap(), STRENGTH_AIR);
        assert_close(
            "noise",
            seasonal_strength(&noise(), 12).unwrap(),
            STRENGTH_NOISE,
        );
        assert_close(
            "two periods",
            seasonal_strength(&AIR[..24], 12).unwrap(),
            STRENGTH_AIR_24,
        );
        let constant = [5.0; 36];
        assert_close(
            "constant",
            seasonal_strength(&constant, 12).unwrap(),
            STRENGTH_CONSTANT,
        );
        let exact: Vec<f64> = (0..36).map(|t| 5.0 + (t % 12) as f64).collect();
        assert_close(
            "exactly seasonal",
            seasonal_strength(&exact, 12).unwrap(),
            STRENGTH_EXACT_SEASONAL,
        );
    }

    #[test]
    fn numpy_pairwise_summation_order() {
        // A sequential sum lets 1e16 absorb every 1.0; numpy's eight accumulators do not
        // (`np.sum` of these 20 values is 1e16 + 16).
        let mut values = [1.0; 20];
        values[0] = 1e16;
        let pairwise = pairwise_sum(&|i: usize| values[i], 0, values.len());
        assert_eq!(pairwise, 1e16 + 16.0);
        assert_eq!(values.iter().sum::<f64>(), 1e16);
    }

    #[test]
    fn rejects_what_statsmodels_rejects() {
        let err = |params: StlParams| stl(&AIR, &params).err().unwrap();
        assert_eq!(
            err(StlParams::new(1, 7)),
            "period must be a positive integer >= 2"
        );
        for seasonal in [1, 8] {
            assert_eq!(
                err(StlParams::new(12, seasonal)),
                "seasonal must be an odd positive integer >= 3"
            );
        }
        for trend in [11, 14] {
            assert_eq!(
                err(StlParams {
                    trend: Some(trend),
                    ..StlParams::new(12, 7)
                }),
                "trend must be an odd positive integer >= 3 where trend > period"
            );
        }
        for low_pass in [11, 12] {
            assert_eq!(
                err(StlParams {
                    low_pass: Some(low_pass),
                    ..StlParams::new(12, 7)
                }),
                "low_pass must be an odd positive integer >= 3 where low_pass > period"
            );
        }
        assert_eq!(
            err(StlParams {
                seasonal_jump: 0,
                ..StlParams::new(12, 7)
            }),
            "seasonal_jump must be a positive integer"
        );
        assert_eq!(
            err(StlParams {
                trend_jump: 0,
                ..StlParams::new(12, 7)
            }),
            "trend_jump must be a positive integer"
        );
        assert_eq!(
            err(StlParams {
                low_pass_jump: 0,
                ..StlParams::new(12, 7)
            }),
            "low_pass_jump must be a positive integer"
        );
    }

    #[test]
    fn rejects_what_cannot_be_reproduced() {
        assert!(stl(&AIR[..11], &StlParams::new(12, 7)).is_err());
        assert!(stl(&[], &StlParams::new(12, 7)).is_err());
        let mut missing = AIR;
        missing[3] = f64::NAN;
        let err = mstl(&missing, &[12], None, &|_| {}).err().unwrap();
        assert!(err.starts_with("`mstl` cannot handle missing values"));
        assert!(seasonal_strength(&missing, 12).is_err());
        assert!(mstl(&AIR, &[1, 12], None, &|_| {}).is_err());
        assert!(mstl(&AIR, &[], None, &|_| {}).is_err());
        assert!(mstl(&AIR, &[4, 12, 6], Some(&[7, 9]), &|_| {}).is_err());
        assert!(mstl(&AIR, &[12], None, &|p| p.period = 6).is_err());
        assert!(mstl(&AIR, &[12], None, &|p| p.inner_iter = Some(1)).is_err());
        assert!(seasonal_strength(&AIR[..6], 12).is_err());
    }

    // Printed by tests/data/stl/expected.py.
    const AIR_SF_SEASONAL: Expected = Expected {
        n: 144,
        sum: 10.931860329065692,
        wsum: 81.00521384623426,
        at: &[
            (0, -16.520518686318407),
            (1, -16.804820737438973),
            (5, 18.950005085783005),
            (72, -24.602647698609594),
            (142, -76.05669414906407),
            (143, -44.7880862559062),
        ],
    };
    const AIR_SF_TREND: Expected = Expected {
        n: 144,
        sum: 40373.06420826181,
        wsum: 3588433.9542723093,
        at: &[
            (0, 122.887635150073),
            (1, 123.4264877993744),
            (5, 126.20802017801675),
            (72, 262.19929105134196),
            (142, 493.5324830479925),
            (143, 497.06356462622324),
        ],
    };
    const AIR_SF_RESID: Expected = Expected {
        n: 144,
        sum: -20.996068590861157,
        wsum: -1036.959486155552,
        at: &[
            (0, 5.632883536245416),
            (1, 11.378332938064574),
            (5, -10.158025263799757),
            (72, 4.403356647267628),
            (142, -27.475788898928442),
            (143, -20.275478370317046),
        ],
    };
    const AIR_DEFAULT_SEASONAL: Expected = Expected {
        n: 144,
        sum: 21.107354686789527,
        wsum: 1552.0637079184999,
        at: &[
            (0, -11.022167882141066),
            (1, -2.8386167129192037),
            (5, 7.567640426552635),
            (72, -23.801747578376176),
            (142, -98.27982026312723),
            (143, -60.93521513187621),
        ],
    };
    const AIR_DEFAULT_TREND: Expected = Expected {
        n: 144,
        sum: 40366.17603752271,
        wsum: 3587077.2563210237,
        at: &[
            (0, 122.63347622731537),
            (1, 123.34510119113665),
            (5, 126.2135942176609),
            (72, 262.27496457130957),
            (142, 492.02767038816637),
            (143, 495.53448560266975),
        ],
    };
    const AIR_DEFAULT_RESID: Expected = Expected {
        n: 144,
        sum: -24.283392209499496,
        wsum: -1151.3200289415602,
        at: &[
            (0, 0.388691654825692),
            (1, -2.5064844782174447),
            (5, 1.2187653557864735),
            (72, 3.5267830070666264),
            (142, -3.747850125039122),
            (143, -2.599270470793556),
        ],
    };
    const AIR_ROBUST_JUMPS_SEASONAL: Expected = Expected {
        n: 144,
        sum: 23.149213858298772,
        wsum: 1821.4970845195166,
        at: &[
            (0, -11.085962556736487),
            (1, -4.3010509888232225),
            (5, 7.384703471971787),
            (72, -23.37010293326436),
            (142, -101.12327380326302),
            (143, -63.070043126193845),
        ],
    };
    const AIR_ROBUST_JUMPS_TREND: Expected = Expected {
        n: 144,
        sum: 40321.19431577082,
        wsum: 3586751.705249029,
        at: &[
            (0, 122.49800671854693),
            (1, 123.23178790161916),
            (5, 126.2086474469875),
            (72, 262.2289383247151),
            (142, 494.92535125151846),
            (143, 498.71025606805216),
        ],
    };
    const AIR_ROBUST_JUMPS_RESID: Expected = Expected {
        n: 144,
        sum: 18.656470370869513,
        wsum: -1095.2023335477827,
        at: &[
            (0, 0.5879558381895578),
            (1, -0.9307369127959362),
            (5, 1.4066490810407117),
            (72, 3.141164608549275),
            (142, -3.8020774482554316),
            (143, -3.6402129418582945),
        ],
    };
    const AIR_WIDE_SEASONAL: Expected = Expected {
        n: 144,
        sum: 33.24827416627469,
        wsum: 2185.76708381602,
        at: &[
            (0, -8.163984891862809),
            (1, 2.1076214617792584),
            (5, 5.579433132780865),
            (72, -26.46015729447785),
            (142, -92.30336037498121),
            (143, -54.50651326691844),
        ],
    };
    const AIR_WIDE_TREND: Expected = Expected {
        n: 144,
        sum: 40294.87487680785,
        wsum: 3576100.325736281,
        at: &[
            (0, 126.01231973062399),
            (1, 126.15518641792221),
            (5, 126.78442784789507),
            (72, 262.51083277221056),
            (142, 475.40463667007856),
            (143, 475.8701088578609),
        ],
    };
    const AIR_WIDE_RESID: Expected = Expected {
        n: 144,
        sum: 34.87684902587462,
        wsum: 9191.907179902588,
        at: &[
            (0, -5.8483348387611755),
            (1, -10.26280787970147),
            (5, 2.636139019324048),
            (72, 5.949324522267261),
            (142, 6.898723704902636),
            (143, 10.636404409057548),
        ],
    };
    const AIR_18_SEASONAL: Expected = Expected {
        n: 18,
        sum: 0.4999999999999911,
        wsum: -26.58072916666839,
        at: &[
            (0, -11.328993055555538),
            (1, -5.921006944444416),
            (5, 8.71093750000003),
            (9, -9.65711805555557),
            (16, -7.801215277777761),
            (17, 15.60677083333325),
        ],
    };
    const AIR_18_TREND: Expected = Expected {
        n: 18,
        sum: 2310.4999999999995,
        wsum: 22236.58072916667,
        at: &[
            (0, 123.32899305555553),
            (1, 123.9210069444444),
            (5, 126.28906249999991),
            (9, 128.65711805555557),
            (16, 132.80121527777777),
            (17, 133.3932291666668),
        ],
    };
    const AIR_18_RESID: Expected = Expected {
        n: 18,
        sum: 1.2789769243681803e-13,
        wsum: 3.410605131648481e-13,
        at: &[
            (0, 1.4210854715202004e-14),
            (1, 1.4210854715202004e-14),
            (5, 5.684341886080802e-14),
            (9, 0.0),
            (16, 0.0),
            (17, -5.684341886080802e-14),
        ],
    };
    const DAILY_TREND: Expected = Expected {
        n: 120,
        sum: 14442.838364585352,
        wsum: 909447.6144360576,
        at: &[
            (0, 105.72586827295842),
            (1, 105.96444518360433),
            (5, 106.9222484891692),
            (60, 120.51367151451844),
            (118, 134.7251074911748),
            (119, 134.96218953418514),
        ],
    };
    const DAILY_SEASONAL7: Expected = Expected {
        n: 120,
        sum: 2.5264480978204906,
        wsum: 249.30737753506412,
        at: &[
            (0, 2.128250833223723),
            (1, -3.732726772579833),
            (5, 11.78218272834752),
            (60, -9.498725312426501),
            (118, -4.29581183611177),
            (119, 2.376587074055955),
        ],
    };
    const DAILY_SEASONAL30: Expected = Expected {
        n: 120,
        sum: -0.03605964244552595,
        wsum: -335.2041130939897,
        at: &[
            (0, 6.232481857712102),
            (1, 5.567572739930243),
            (5, 2.150522973928647),
            (60, 6.2743503719867775),
            (118, 5.701661866321498),
            (119, 5.925064665225557),
        ],
    };
    const DAILY_REMAINDER: Expected = Expected {
        n: 120,
        sum: 0.071246959266972,
        wsum: 21.28229950123429,
        at: &[
            (0, -0.5366009638942444),
            (1, -1.0492911509547298),
            (5, -0.5049541914453783),
            (60, -0.7392965740787218),
            (118, 0.8190424786154438),
            (119, 1.5861587265333696),
        ],
    };
    const DAILY_ROBUST_TREND: Expected = Expected {
        n: 120,
        sum: 14434.731308926814,
        wsum: 908942.9984181231,
        at: &[
            (0, 105.82539331501795),
            (1, 106.05454398169095),
            (5, 106.97285900120143),
            (60, 120.40201795604005),
            (118, 134.62587098883105),
            (119, 134.85610157890855),
        ],
    };
    const DAILY_ROBUST_SEASONAL7: Expected = Expected {
        n: 120,
        sum: 2.304001032676376,
        wsum: 277.1546990587947,
        at: &[
            (0, 1.8948199152046947),
            (1, -3.9200544572042646),
            (5, 12.113302071880101),
            (60, -9.989434906295504),
            (118, -4.349555346463374),
            (119, 2.4803055912792047),
        ],
    };
    const DAILY_ROBUST_SEASONAL30: Expected = Expected {
        n: 120,
        sum: -0.1866320108987951,
        wsum: -373.66206367124596,
        at: &[
            (0, 6.511373629215044),
            (1, 5.0465317313672475),
            (5, 1.7436088062677415),
            (60, 6.72816339793426),
            (118, 5.728525778009148),
            (119, 5.540205277438067),
        ],
    };
    const DAILY_ROBUST_REMAINDER: Expected = Expected {
        n: 120,
        sum: 8.551322051406046,
        wsum: 536.508946489474,
        at: &[
            (0, -0.6815868594376866),
            (1, -0.431021255853949),
            (5, -0.47976987934927706),
            (60, -0.5907464476788107),
            (118, 0.9451585796231541),
            (119, 1.9733875523741915),
        ],
    };
    const STRENGTH_AIR: f64 = 0.9410288793899182;
    const STRENGTH_NOISE: f64 = 0.2546940615144897;
    const STRENGTH_AIR_24: f64 = 0.9713140190688907;
    const STRENGTH_CONSTANT: f64 = 0.3354001604940481;
    const STRENGTH_EXACT_SEASONAL: f64 = 1.0;
}
