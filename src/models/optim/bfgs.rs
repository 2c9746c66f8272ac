//! BFGS minimisation that reproduces `scipy.optimize.minimize(method="BFGS")`
//! (scipy 1.17.1) step for step.
//!
//! statsforecast's ARIMA estimates its coefficients with
//! `minimize(fun, x0, method="BFGS", tol=..., options={"maxiter": ...})` and no
//! analytic gradient. To get the same coefficients (and therefore the same
//! forecasts) we must follow scipy's exact path: the forward-difference
//! gradient, the memoisation of objective values, the MINPACK-2 line search
//! with its fallback, the inverse-Hessian update and the termination rules.
//! A finite-difference BFGS amplifies a one-ulp difference in any objective
//! value into a ~1e-8 difference of the gradient, so "close" is not enough:
//! every floating-point operation below is performed in the order scipy (and
//! the OpenBLAS kernels numpy calls for its dot products) performs it.
//!
//! numpy evaluates `np.dot` through OpenBLAS, whose accumulation order and
//! use of fused multiply-adds depend on the CPU kernel it selects at run
//! time. The products here mimic OpenBLAS 0.3.31's Haswell kernels (numpy
//! 2.4's bundled build), because the statsforecast fits we must reproduce
//! were made on a machine that uses them: statsforecast run with
//! `OPENBLAS_CORETYPE=Haswell` (or `Zen`, same kernels) reproduces them, the
//! SkylakeX kernels picked on AVX-512 machines do not. They are checked bit
//! for bit against numpy under `OPENBLAS_CORETYPE=Haswell` for the sizes
//! where OpenBLAS runs single-threaded (its split across threads depends on
//! the core count): vector dot products up to 10 000 components,
//! matrix-vector products up to 678 parameters and the matrix products of
//! the inverse-Hessian update up to 64 parameters. With other kernels scipy
//! itself gives slightly different numbers.

use std::hint::black_box;

/// How the minimisation ended; the discriminants are scipy's
/// `OptimizeResult.status` codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BfgsStatus {
    /// The largest absolute gradient component fell to `gtol` or below.
    Converged = 0,
    /// `max_iter` iterations were performed.
    MaxIterations = 1,
    /// No step satisfying the Wolfe conditions was found, or the objective
    /// became non-finite at an accepted point.
    PrecisionLoss = 2,
    /// The gradient norm, the objective or the point is NaN.
    NotFinite = 3,
}

/// Result of [`minimize_bfgs`], mirroring scipy's `OptimizeResult`.
#[derive(Debug, Clone)]
pub(crate) struct BfgsOutcome {
    /// Last accepted point.
    pub x: Vec<f64>,
    /// Objective value at `x`.
    pub fun: f64,
    pub status: BfgsStatus,
    /// Final inverse-Hessian approximation, n×n row-major.
    pub hess_inv: Vec<f64>,
    /// Number of BFGS iterations (scipy's `nit`).
    #[cfg_attr(
        not(test),
        expect(dead_code, reason = "compared with scipy's `nit` in tests")
    )]
    pub iterations: usize,
    /// Number of objective calls, finite-difference calls included (scipy's `nfev`).
    #[cfg_attr(
        not(test),
        expect(dead_code, reason = "compared with scipy's `nfev` in tests")
    )]
    pub evaluations: usize,
}

/// Absolute forward-difference step: `sqrt(f64::EPSILON)` = 2^-26, scipy's default `eps`.
const GRADIENT_STEP: f64 = 1.490_116_119_384_765_6e-8;
/// Sufficient-decrease (Armijo) constant of the Wolfe conditions.
const SUFFICIENT_DECREASE: f64 = 1e-4;
/// Curvature constant of the strong Wolfe conditions.
const CURVATURE: f64 = 0.9;
/// Step bounds scipy's BFGS passes to its line searches.
const SMALLEST_STEP: f64 = 1e-100;
const LARGEST_STEP: f64 = 1e100;
/// Relative width below which the MINPACK-2 search gives up on a bracket.
const BRACKET_TOLERANCE: f64 = 1e-14;
const MORE_THUENTE_MAX_ITER: usize = 100;
const FALLBACK_MAX_ITER: usize = 10;
const ZOOM_MAX_ITER: usize = 10;
/// scipy's `xrtol`: the relative step-size stopping test is disabled by default,
/// but still evaluated (it stops the iteration when the step vanishes).
const RELATIVE_STEP_TOLERANCE: f64 = 0.0;
/// Inverse curvature scipy substitutes when `y·s` is exactly zero.
const ZERO_CURVATURE_RHO: f64 = 1000.0;

/// Minimises `f` from `x0` exactly like
/// `scipy.optimize.minimize(f, x0, method="BFGS", tol=gtol, options={"maxiter": max_iter})`.
///
/// The gradient is approximated by forward differences. `f` may return
/// infinities or NaN (e.g. outside a feasible region); they are propagated
/// the way scipy propagates them. `x0` must not be empty (scipy raises; here
/// an empty `x0` is reported as converged without any evaluation of note).
pub(crate) fn minimize_bfgs(
    f: &mut dyn FnMut(&[f64]) -> f64,
    x0: &[f64],
    gtol: f64,
    max_iter: usize,
) -> BfgsOutcome {
    let n = x0.len();
    let mut objective = CachedObjective::new(f, x0);

    let mut value = objective.value_at(x0);
    let mut gradient = objective.gradient_at(x0).to_vec();
    let mut inverse_hessian = vec![0.0; n * n];
    for i in 0..n {
        inverse_hessian[i * n + i] = 1.0;
    }
    // Makes the first trial step of the line search about one unit long.
    let mut previous_value = value + openblas_dot(&gradient, &gradient).sqrt() / 2.0;

    let mut x = x0.to_vec();
    let mut direction = vec![0.0; n];
    let mut step = vec![0.0; n];
    let mut gradient_change = vec![0.0; n];
    let mut trial_point = vec![0.0; n];
    let mut trial_gradient = vec![0.0; n];
    let mut update_scratch = UpdateScratch::new(n);

    let mut iterations = 0;
    let mut line_search_failed = false;
    let mut gradient_norm = max_abs(&gradient);
    while gradient_norm > gtol && iterations < max_iter {
        openblas_matrix_vector(&inverse_hessian, &gradient, &mut direction);
        for d in direction.iter_mut() {
            *d = -*d;
        }

        let mut ray = Ray {
            objective: &mut objective,
            origin: &x,
            direction: &direction,
            point: &mut trial_point,
            gradient: &mut trial_gradient,
        };
        let Some(accepted) = wolfe_line_search(&mut ray, &gradient, value, previous_value) else {
            line_search_failed = true;
            break;
        };
        previous_value = value;
        value = accepted.value;

        for i in 0..n {
            step[i] = accepted.step * direction[i];
            x[i] += step[i];
        }
        let new_gradient = if accepted.gradient_known {
            &trial_gradient[..]
        } else {
            objective.gradient_at(&x)
        };
        for i in 0..n {
            gradient_change[i] = new_gradient[i] - gradient[i];
        }
        gradient.copy_from_slice(new_gradient);
        iterations += 1;

        gradient_norm = max_abs(&gradient);
        if gradient_norm <= gtol {
            break;
        }
        let step_length = accepted.step * euclidean_norm(&direction);
        if step_length <= RELATIVE_STEP_TOLERANCE * (RELATIVE_STEP_TOLERANCE + euclidean_norm(&x)) {
            break;
        }
        if !value.is_finite() {
            line_search_failed = true;
            break;
        }

        let curvature = openblas_dot(&gradient_change, &step);
        let rho = if curvature == 0.0 {
            ZERO_CURVATURE_RHO
        } else {
            1.0 / curvature
        };
        update_inverse_hessian(
            &mut inverse_hessian,
            &step,
            &gradient_change,
            rho,
            &mut update_scratch,
        );
    }

    let status = if line_search_failed {
        BfgsStatus::PrecisionLoss
    } else if iterations >= max_iter {
        BfgsStatus::MaxIterations
    } else if gradient_norm.is_nan() || value.is_nan() || x.iter().any(|v| v.is_nan()) {
        BfgsStatus::NotFinite
    } else {
        BfgsStatus::Converged
    };
    BfgsOutcome {
        x,
        fun: value,
        status,
        hess_inv: inverse_hessian,
        iterations,
        evaluations: objective.evaluations,
    }
}

/// `H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ`, evaluated as scipy does: two
/// matrix products through BLAS, then the rank-one term added element-wise.
fn update_inverse_hessian(
    inverse_hessian: &mut [f64],
    step: &[f64],
    gradient_change: &[f64],
    rho: f64,
    factors: &mut UpdateScratch,
) {
    let n = step.len();
    for i in 0..n {
        for j in 0..n {
            let identity = if i == j { 1.0 } else { 0.0 };
            factors.left[i * n + j] = identity - step[i] * gradient_change[j] * rho;
            factors.right[i * n + j] = identity - gradient_change[i] * step[j] * rho;
        }
    }
    openblas_matrix_product(n, inverse_hessian, &factors.right, &mut factors.partial);
    openblas_matrix_product(n, &factors.left, &factors.partial, inverse_hessian);
    for row in 0..n {
        for col in 0..n {
            inverse_hessian[row * n + col] += rho * step[row] * step[col];
        }
    }
}

/// n×n buffers for [`update_inverse_hessian`], allocated once per minimisation.
struct UpdateScratch {
    /// `I − ρ s yᵀ`.
    left: Vec<f64>,
    /// `I − ρ y sᵀ`.
    right: Vec<f64>,
    /// `H (I − ρ y sᵀ)`.
    partial: Vec<f64>,
}

impl UpdateScratch {
    fn new(n: usize) -> Self {
        Self {
            left: vec![0.0; n * n],
            right: vec![0.0; n * n],
            partial: vec![0.0; n * n],
        }
    }
}

/// The objective with scipy's `ScalarFunction` memoisation: the value and the
/// finite-difference gradient of the most recently requested point are kept,
/// so that asking again for the same point costs nothing. The number of
/// objective calls (and hence `nfev`) depends on this.
struct CachedObjective<'f> {
    function: &'f mut dyn FnMut(&[f64]) -> f64,
    point: Vec<f64>,
    value: f64,
    value_current: bool,
    gradient: Vec<f64>,
    gradient_current: bool,
    /// Scratch point for the finite differences.
    probe: Vec<f64>,
    evaluations: usize,
}

impl<'f> CachedObjective<'f> {
    /// Like scipy, evaluates the value and gradient at `x0` on construction.
    fn new(function: &'f mut dyn FnMut(&[f64]) -> f64, x0: &[f64]) -> Self {
        let mut objective = Self {
            function,
            point: x0.to_vec(),
            value: f64::NAN,
            value_current: false,
            gradient: vec![0.0; x0.len()],
            gradient_current: false,
            probe: x0.to_vec(),
            evaluations: 0,
        };
        objective.refresh_gradient();
        objective
    }

    fn value_at(&mut self, x: &[f64]) -> f64 {
        self.move_to(x);
        self.refresh_value();
        self.value
    }

    fn gradient_at(&mut self, x: &[f64]) -> &[f64] {
        self.move_to(x);
        self.refresh_gradient();
        &self.gradient
    }

    /// Invalidates the cache unless `x` equals the cached point element-wise
    /// (numpy's `array_equal`: `-0.0 == 0.0`, and a NaN never matches).
    fn move_to(&mut self, x: &[f64]) {
        if self.point.iter().zip(x).any(|(cached, new)| cached != new) {
            self.point.copy_from_slice(x);
            self.value_current = false;
            self.gradient_current = false;
        }
    }

    fn refresh_value(&mut self) {
        if !self.value_current {
            self.value = (self.function)(&self.point);
            self.evaluations += 1;
            self.value_current = true;
        }
    }

    /// scipy's `approx_derivative(method="2-point", abs_step=eps)`: a forward
    /// step of `eps` in each coordinate, replaced by the relative step
    /// `eps·sign(x)·max(1, |x|)` where `x + eps` rounds back to `x`, divided
    /// by the step actually realised in floating point.
    fn refresh_gradient(&mut self) {
        if self.gradient_current {
            return;
        }
        self.refresh_value();
        self.probe.copy_from_slice(&self.point);
        for i in 0..self.point.len() {
            let coordinate = self.point[i];
            let mut h = GRADIENT_STEP;
            // Only a finite coordinate can swallow the step, so `max` needs no NaN care.
            if (coordinate + h) - coordinate == 0.0 {
                let sign = if coordinate >= 0.0 { 1.0 } else { -1.0 };
                h = GRADIENT_STEP * sign * 1.0_f64.max(coordinate.abs());
            }
            self.probe[i] = coordinate + h;
            let shifted_value = (self.function)(&self.probe);
            self.evaluations += 1;
            self.probe[i] = coordinate;
            let realised_step = (coordinate + h) - coordinate;
            self.gradient[i] = (shifted_value - self.value) / realised_step;
        }
        self.gradient_current = true;
    }
}

/// The objective restricted to the ray `origin + step·direction`, as seen by
/// the line searches.
struct Ray<'r, 'f> {
    objective: &'r mut CachedObjective<'f>,
    origin: &'r [f64],
    direction: &'r [f64],
    /// Scratch for the current trial point.
    point: &'r mut [f64],
    /// Gradient at the most recent point whose slope was requested.
    gradient: &'r mut [f64],
}

impl Ray<'_, '_> {
    fn place(&mut self, step: f64) {
        for ((p, &o), &d) in self.point.iter_mut().zip(self.origin).zip(self.direction) {
            *p = o + step * d;
        }
    }

    fn value(&mut self, step: f64) -> f64 {
        self.place(step);
        self.objective.value_at(self.point)
    }

    /// Directional derivative along the ray (which also records the gradient).
    fn slope(&mut self, step: f64) -> f64 {
        self.place(step);
        self.gradient
            .copy_from_slice(self.objective.gradient_at(self.point));
        openblas_dot(self.gradient, self.direction)
    }
}

/// A step accepted by the line search.
struct AcceptedStep {
    step: f64,
    value: f64,
    /// Whether [`Ray::gradient`] holds the gradient at the accepted point.
    gradient_known: bool,
}

/// scipy's `_line_search_wolfe12`: the MINPACK-2 search, and if it fails the
/// bracketing/zoom search. `None` means both failed (scipy's `_LineSearchError`).
fn wolfe_line_search(
    ray: &mut Ray,
    gradient: &[f64],
    value: f64,
    previous_value: f64,
) -> Option<AcceptedStep> {
    let slope = openblas_dot(gradient, ray.direction);
    let first_step = initial_step(value, previous_value, slope);
    if let Some((step, step_value)) = more_thuente_search(ray, first_step, value, slope) {
        return Some(AcceptedStep {
            step,
            value: step_value,
            gradient_known: true,
        });
    }
    bracketing_search(ray, first_step, value, slope)
}

/// First trial step: the step at which a quadratic with the current slope
/// would achieve the previous iteration's decrease, capped at 1.
fn initial_step(value: f64, previous_value: f64, slope: f64) -> f64 {
    if slope == 0.0 {
        return 1.0;
    }
    let step = python_min(1.0, 1.01 * 2.0 * (value - previous_value) / slope);
    if step < 0.0 { 1.0 } else { step }
}

/// One end of the interval tracked by the MINPACK-2 search.
#[derive(Clone, Copy)]
struct Endpoint {
    step: f64,
    value: f64,
    slope: f64,
}

/// What the MINPACK-2 search asks its driver to do next.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SearchTask {
    Evaluate,
    Converged,
    Stopped,
}

/// State of MINPACK-2's `dcsrch` (Moré–Thuente), as ported to Python by scipy.
struct MoreThuente {
    bracketed: bool,
    /// `dcsrch`'s stage 1: steps are chosen on the auxiliary function
    /// `ψ(α) = φ(α) − φ(0) − c₁·α·φ'(0)` until a point with `ψ ≤ 0, φ' ≥ 0` is seen.
    on_auxiliary: bool,
    initial_value: f64,
    initial_slope: f64,
    /// `c₁·φ'(0)`, the slope of the sufficient-decrease line.
    decrease_slope: f64,
    best: Endpoint,
    other: Endpoint,
    lower: f64,
    upper: f64,
    width: f64,
    previous_width: f64,
}

/// scipy's `line_search_wolfe1`: drives [`MoreThuente`] for at most
/// [`MORE_THUENTE_MAX_ITER`] evaluations. Returns the step and its value.
fn more_thuente_search(
    ray: &mut Ray,
    first_step: f64,
    value: f64,
    slope: f64,
) -> Option<(f64, f64)> {
    let mut search = MoreThuente::start(first_step, value, slope)?;
    let mut step = first_step;
    let mut step_value = ray.value(step);
    let mut step_slope = ray.slope(step);
    // scipy counts the START call against the iteration limit, so the
    // evaluation made in the last iteration is never examined.
    for _ in 1..MORE_THUENTE_MAX_ITER {
        let (next_step, task) = search.iterate(step, step_value, step_slope);
        if !next_step.is_finite() {
            return None;
        }
        match task {
            SearchTask::Evaluate => {
                step = next_step;
                step_value = ray.value(step);
                step_slope = ray.slope(step);
            }
            SearchTask::Converged => return Some((next_step, step_value)),
            SearchTask::Stopped => return None,
        }
    }
    None
}

impl MoreThuente {
    /// `dcsrch`'s START task; `None` for its input errors.
    #[expect(
        clippy::manual_range_contains,
        reason = "a NaN step must pass these checks, as it does in MINPACK"
    )]
    fn start(step: f64, value: f64, slope: f64) -> Option<Self> {
        if step < SMALLEST_STEP || step > LARGEST_STEP || slope >= 0.0 {
            return None;
        }
        let width = LARGEST_STEP - SMALLEST_STEP;
        let origin = Endpoint {
            step: 0.0,
            value,
            slope,
        };
        Some(Self {
            bracketed: false,
            on_auxiliary: true,
            initial_value: value,
            initial_slope: slope,
            decrease_slope: SUFFICIENT_DECREASE * slope,
            best: origin,
            other: origin,
            lower: 0.0,
            upper: step + 4.0 * step,
            width,
            previous_width: width / 0.5,
        })
    }

    /// Takes the value and slope at `step` and returns the next step to try.
    fn iterate(&mut self, step: f64, value: f64, slope: f64) -> (f64, SearchTask) {
        let decrease_bound = self.initial_value + step * self.decrease_slope;
        if self.on_auxiliary && value <= decrease_bound && slope >= 0.0 {
            self.on_auxiliary = false;
        }

        let mut task = SearchTask::Evaluate;
        if self.bracketed && (step <= self.lower || step >= self.upper) {
            task = SearchTask::Stopped;
        }
        if self.bracketed && self.upper - self.lower <= BRACKET_TOLERANCE * self.upper {
            task = SearchTask::Stopped;
        }
        if step == LARGEST_STEP && value <= decrease_bound && slope <= self.decrease_slope {
            task = SearchTask::Stopped;
        }
        if step == SMALLEST_STEP && (value > decrease_bound || slope >= self.decrease_slope) {
            task = SearchTask::Stopped;
        }
        if value <= decrease_bound && slope.abs() <= CURVATURE * -self.initial_slope {
            task = SearchTask::Converged;
        }
        if task != SearchTask::Evaluate {
            return (step, task);
        }

        let trial = Endpoint { step, value, slope };
        let mut next_step;
        if self.on_auxiliary && value <= self.best.value && value > decrease_bound {
            let original = |e: Endpoint| Endpoint {
                step: e.step,
                value: e.value + e.step * self.decrease_slope,
                slope: e.slope + self.decrease_slope,
            };
            let auxiliary = |e: Endpoint| Endpoint {
                step: e.step,
                value: e.value - e.step * self.decrease_slope,
                slope: e.slope - self.decrease_slope,
            };
            let (best, other, proposed, bracketed) = safeguarded_step(
                auxiliary(self.best),
                auxiliary(self.other),
                auxiliary(trial),
                self.bracketed,
                self.lower,
                self.upper,
            );
            self.best = original(best);
            self.other = original(other);
            self.bracketed = bracketed;
            next_step = proposed;
        } else {
            let (best, other, proposed, bracketed) = safeguarded_step(
                self.best,
                self.other,
                trial,
                self.bracketed,
                self.lower,
                self.upper,
            );
            self.best = best;
            self.other = other;
            self.bracketed = bracketed;
            next_step = proposed;
        }

        let (best_step, other_step) = (self.best.step, self.other.step);
        if self.bracketed {
            // Bisect when the bracket did not shrink enough over two steps.
            if (other_step - best_step).abs() >= 0.66 * self.previous_width {
                next_step = best_step + 0.5 * (other_step - best_step);
            }
            self.previous_width = self.width;
            self.width = (other_step - best_step).abs();
            self.lower = python_min(best_step, other_step);
            self.upper = python_max(best_step, other_step);
        } else {
            self.lower = next_step + 1.1 * (next_step - best_step);
            self.upper = next_step + 4.0 * (next_step - best_step);
        }
        next_step = numpy_clip(next_step, SMALLEST_STEP, LARGEST_STEP);
        if self.bracketed
            && (next_step <= self.lower
                || next_step >= self.upper
                || self.upper - self.lower <= BRACKET_TOLERANCE * self.upper)
        {
            next_step = best_step;
        }
        (next_step, SearchTask::Evaluate)
    }
}

/// MINPACK-2's `dcstep`: proposes a new trial step from cubic and secant
/// interpolants and updates the interval `[best, other]`. Returns the new
/// `best`, `other`, the proposed step and whether a minimiser is bracketed.
fn safeguarded_step(
    best: Endpoint,
    other: Endpoint,
    trial: Endpoint,
    bracketed: bool,
    lower: f64,
    upper: f64,
) -> (Endpoint, Endpoint, f64, bool) {
    let Endpoint {
        step: stx,
        value: fx,
        slope: dx,
    } = best;
    let Endpoint {
        step: sty,
        value: fy,
        slope: dy,
    } = other;
    let Endpoint {
        step: stp,
        value: fp,
        slope: dp,
    } = trial;
    let slopes_sign = numpy_sign(dp) * numpy_sign(dx);
    let mut bracketed = bracketed;

    let proposed = if fp > fx {
        // Higher value: the minimiser is bracketed; take the cubic step, or
        // the midpoint of the cubic and quadratic steps if the cubic one is farther.
        let theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
        let s = python_max3(theta.abs(), dx.abs(), dp.abs());
        let mut gamma = s * (pow(theta / s, 2.0) - (dx / s) * (dp / s)).sqrt();
        if stp < stx {
            gamma = -gamma;
        }
        let p = (gamma - dx) + theta;
        let q = ((gamma - dx) + gamma) + dp;
        let r = p / q;
        let cubic = stx + r * (stp - stx);
        let quadratic = stx + ((dx / ((fx - fp) / (stp - stx) + dx)) / 2.0) * (stp - stx);
        bracketed = true;
        if (cubic - stx).abs() <= (quadratic - stx).abs() {
            cubic
        } else {
            cubic + (quadratic - cubic) / 2.0
        }
    } else if slopes_sign < 0.0 {
        // Slopes of opposite sign: bracketed; take the step farther from the trial.
        let theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
        let s = python_max3(theta.abs(), dx.abs(), dp.abs());
        let mut gamma = s * (pow(theta / s, 2.0) - (dx / s) * (dp / s)).sqrt();
        if stp > stx {
            gamma = -gamma;
        }
        let p = (gamma - dp) + theta;
        let q = ((gamma - dp) + gamma) + dx;
        let r = p / q;
        let cubic = stp + r * (stx - stp);
        let secant = stp + (dp / (dp - dx)) * (stx - stp);
        bracketed = true;
        if (cubic - stp).abs() > (secant - stp).abs() {
            cubic
        } else {
            secant
        }
    } else if dp.abs() < dx.abs() {
        // Same sign, decreasing magnitude: the cubic step only if it heads
        // the right way, else extrapolate to the interval end.
        let theta = 3.0 * (fx - fp) / (stp - stx) + dx + dp;
        let s = python_max3(theta.abs(), dx.abs(), dp.abs());
        let discriminant = pow(theta / s, 2.0) - (dx / s) * (dp / s);
        let mut gamma = s * if discriminant > 0.0 {
            discriminant.sqrt()
        } else {
            0.0
        };
        if stp > stx {
            gamma = -gamma;
        }
        let p = (gamma - dp) + theta;
        let q = (gamma + (dx - dp)) + gamma;
        let r = p / q;
        let cubic = if r < 0.0 && gamma != 0.0 {
            stp + r * (stx - stp)
        } else if stp > stx {
            upper
        } else {
            lower
        };
        let secant = stp + (dp / (dp - dx)) * (stx - stp);
        if bracketed {
            let closer = if (cubic - stp).abs() < (secant - stp).abs() {
                cubic
            } else {
                secant
            };
            let limit = stp + 0.66 * (sty - stp);
            if stp > stx {
                python_min(limit, closer)
            } else {
                python_max(limit, closer)
            }
        } else {
            let farther = if (cubic - stp).abs() > (secant - stp).abs() {
                cubic
            } else {
                secant
            };
            numpy_clip(farther, lower, upper)
        }
    } else if bracketed {
        // Same sign, non-decreasing magnitude: cubic step towards the other end.
        let theta = 3.0 * (fp - fy) / (sty - stp) + dy + dp;
        let s = python_max3(theta.abs(), dy.abs(), dp.abs());
        let mut gamma = s * (pow(theta / s, 2.0) - (dy / s) * (dp / s)).sqrt();
        if stp > sty {
            gamma = -gamma;
        }
        let p = (gamma - dp) + theta;
        let q = ((gamma - dp) + gamma) + dy;
        let r = p / q;
        stp + r * (sty - stp)
    } else if stp > stx {
        upper
    } else {
        lower
    };

    let (mut best, mut other) = (best, other);
    if fp > fx {
        other = trial;
    } else {
        if slopes_sign < 0.0 {
            other = best;
        }
        best = trial;
    }
    (best, other, proposed, bracketed)
}

/// scipy's `line_search_wolfe2` / `scalar_search_wolfe2`: doubles the step
/// until the minimiser is bracketed, then zooms in.
fn bracketing_search(
    ray: &mut Ray,
    first_step: f64,
    value0: f64,
    slope0: f64,
) -> Option<AcceptedStep> {
    let mut step = python_min(first_step, LARGEST_STEP);
    let mut step_value = ray.value(step);
    let mut previous_step = 0.0;
    let mut previous_value = value0;
    let mut previous_slope = slope0;
    for i in 0..FALLBACK_MAX_ITER {
        if step == 0.0 || previous_step > LARGEST_STEP {
            return None;
        }
        if step_value > value0 + SUFFICIENT_DECREASE * step * slope0
            || (step_value >= previous_value && i > 0)
        {
            let low = Endpoint {
                step: previous_step,
                value: previous_value,
                slope: previous_slope,
            };
            return zoom(ray, low, step, step_value, value0, slope0);
        }
        let step_slope = ray.slope(step);
        if step_slope.abs() <= -CURVATURE * slope0 {
            return Some(AcceptedStep {
                step,
                value: step_value,
                gradient_known: true,
            });
        }
        if step_slope >= 0.0 {
            let low = Endpoint {
                step,
                value: step_value,
                slope: step_slope,
            };
            return zoom(ray, low, previous_step, previous_value, value0, slope0);
        }
        let next_step = python_min(2.0 * step, LARGEST_STEP);
        previous_step = step;
        step = next_step;
        previous_value = step_value;
        step_value = ray.value(step);
        previous_slope = step_slope;
    }
    // Out of iterations: scipy still accepts the last step, without its gradient.
    Some(AcceptedStep {
        step,
        value: step_value,
        gradient_known: false,
    })
}

/// scipy's `_zoom`: shrinks `[low, high]` (in either order) with cubic,
/// then quadratic interpolation, then bisection, until the strong Wolfe
/// conditions hold.
fn zoom(
    ray: &mut Ray,
    mut low: Endpoint,
    mut high_step: f64,
    mut high_value: f64,
    value0: f64,
    slope0: f64,
) -> Option<AcceptedStep> {
    let mut recent_step = 0.0;
    let mut recent_value = value0;
    for i in 0..=ZOOM_MAX_ITER {
        let width = high_step - low.step;
        let (left, right) = if width < 0.0 {
            (high_step, low.step)
        } else {
            (low.step, high_step)
        };
        let mut candidate = None;
        if i > 0 {
            let margin = 0.2 * width;
            candidate = cubic_minimizer(
                low.step,
                low.value,
                low.slope,
                high_step,
                high_value,
                recent_step,
                recent_value,
            )
            .filter(|&c| !(c > right - margin || c < left + margin));
        }
        let trial_step = match candidate {
            Some(c) => c,
            None => {
                let margin = 0.1 * width;
                quadratic_minimizer(low.step, low.value, low.slope, high_step, high_value)
                    .filter(|&q| !(q > right - margin || q < left + margin))
                    .unwrap_or(low.step + 0.5 * width)
            }
        };

        let trial_value = ray.value(trial_step);
        if trial_value > value0 + SUFFICIENT_DECREASE * trial_step * slope0
            || trial_value >= low.value
        {
            recent_step = high_step;
            recent_value = high_value;
            high_step = trial_step;
            high_value = trial_value;
        } else {
            let trial_slope = ray.slope(trial_step);
            if trial_slope.abs() <= -CURVATURE * slope0 {
                return Some(AcceptedStep {
                    step: trial_step,
                    value: trial_value,
                    gradient_known: true,
                });
            }
            if trial_slope * (high_step - low.step) >= 0.0 {
                recent_step = high_step;
                recent_value = high_value;
                high_step = low.step;
                high_value = low.value;
            } else {
                recent_step = low.step;
                recent_value = low.value;
            }
            low = Endpoint {
                step: trial_step,
                value: trial_value,
                slope: trial_slope,
            };
        }
    }
    None
}

/// Minimiser of the cubic through `(a, fa)` with slope `fpa` at `a`, `(b, fb)`
/// and `(c, fc)`. `None` where scipy's version hits a floating-point
/// exception (it runs under `np.errstate(all="raise")`) or a non-finite result.
fn cubic_minimizer(a: f64, fa: f64, fpa: f64, b: f64, fb: f64, c: f64, fc: f64) -> Option<f64> {
    let db = trap(b - a, &[b, a])?;
    let dc = trap(c - a, &[c, a])?;
    let db_dc = trap(db * dc, &[db, dc])?;
    let db_dc_squared = trap(pow(db_dc, 2.0), &[db_dc])?;
    let spread = trap(db - dc, &[db, dc])?;
    let denominator = trap(db_dc_squared * spread, &[db_dc_squared, spread])?;
    let m00 = trap(pow(dc, 2.0), &[dc])?;
    let m01 = -trap(pow(db, 2.0), &[db])?;
    let m10 = -trap(pow(dc, 3.0), &[dc])?;
    let m11 = trap(pow(db, 3.0), &[db])?;
    let rhs0 = residual(fb, fa, fpa, db)?;
    let rhs1 = residual(fc, fa, fpa, dc)?;
    // `np.dot` of the 2×2 system goes through OpenBLAS's two-column gemv tail.
    let two_column_dot = |x0: f64, x1: f64| -> Option<f64> {
        let second = trap(x1 * rhs1, &[x1, rhs1])?;
        let fused = trap(x0.mul_add(rhs0, second), &[x0, rhs0, second])?;
        trap(0.0 + fused, &[fused])
    };
    let cubic_coef = two_column_dot(m00, m01)?;
    let quadratic_coef = two_column_dot(m10, m11)?;
    let cubic_coef = trap(cubic_coef / denominator, &[cubic_coef, denominator])?;
    let quadratic_coef = trap(quadratic_coef / denominator, &[quadratic_coef, denominator])?;
    let b_squared = trap(quadratic_coef * quadratic_coef, &[quadratic_coef])?;
    let three_a = trap(3.0 * cubic_coef, &[cubic_coef])?;
    let three_a_c = trap(three_a * fpa, &[three_a, fpa])?;
    let radical = trap(b_squared - three_a_c, &[b_squared, three_a_c])?;
    let root = trap(radical.sqrt(), &[radical])?;
    let numerator = trap(-quadratic_coef + root, &[quadratic_coef, root])?;
    let offset = trap(numerator / three_a, &[numerator, three_a])?;
    let minimizer = trap(a + offset, &[a, offset])?;
    minimizer.is_finite().then_some(minimizer)
}

/// `fb − fa − fpa·d`, the part of `fb` a line through `(a, fa)` with slope `fpa` misses.
///
/// If the objective returns Python floats, scipy's `fb − fa` does not trap;
/// this only matters when it overflows (values near ±`f64::MAX` of opposite
/// signs), which an ARIMA objective does not produce.
fn residual(fb: f64, fa: f64, fpa: f64, d: f64) -> Option<f64> {
    let rise = trap(fb - fa, &[fb, fa])?;
    let linear = trap(fpa * d, &[fpa, d])?;
    trap(rise - linear, &[rise, linear])
}

/// Minimiser of the parabola through `(a, fa)` with slope `fpa` at `a` and
/// `(b, fb)`; `None` on a floating-point exception or a non-finite result.
fn quadratic_minimizer(a: f64, fa: f64, fpa: f64, b: f64, fb: f64) -> Option<f64> {
    let db = trap(b - a, &[b, a])?;
    let excess = residual(fb, fa, fpa, db)?;
    let db_squared = trap(db * db, &[db])?;
    let curvature = trap(excess / db_squared, &[excess, db_squared])?;
    let twice = trap(2.0 * curvature, &[curvature])?;
    let offset = trap(fpa / twice, &[fpa, twice])?;
    let minimizer = trap(a - offset, &[a, offset])?;
    minimizer.is_finite().then_some(minimizer)
}

/// `None` if computing `result` from `inputs` raised an IEEE invalid,
/// overflow or divide-by-zero exception: a NaN made from non-NaN inputs, or
/// an infinity made from finite inputs.
fn trap(result: f64, inputs: &[f64]) -> Option<f64> {
    let invalid = result.is_nan() && !inputs.iter().any(|v| v.is_nan());
    let overflow = result.is_infinite() && inputs.iter().all(|v| v.is_finite());
    (!invalid && !overflow).then_some(result)
}

/// `base ** exponent` as numpy evaluates it for float64 scalars: through the
/// C library's `pow`. The exponent is hidden from the optimiser so that
/// `pow(x, 2.0)` is not rewritten as `x * x`.
fn pow(base: f64, exponent: f64) -> f64 {
    base.powf(black_box(exponent))
}

/// Python's `min(a, b)`: `a` unless `b < a` (so a NaN `b` yields `a`).
fn python_min(a: f64, b: f64) -> f64 {
    if b < a { b } else { a }
}

/// Python's `max(a, b)`: `a` unless `b > a`.
fn python_max(a: f64, b: f64) -> f64 {
    if b > a { b } else { a }
}

fn python_max3(a: f64, b: f64, c: f64) -> f64 {
    python_max(python_max(a, b), c)
}

/// `np.clip` for float64: `min(max(x, lower), upper)` where a NaN operand propagates.
fn numpy_clip(x: f64, lower: f64, upper: f64) -> f64 {
    let raised = if x.is_nan() || x > lower { x } else { lower };
    if raised.is_nan() || raised < upper {
        raised
    } else {
        upper
    }
}

/// `np.sign`: ±1, 0 for zero, NaN for NaN.
fn numpy_sign(x: f64) -> f64 {
    if x > 0.0 {
        1.0
    } else if x < 0.0 {
        -1.0
    } else if x == 0.0 {
        0.0
    } else {
        f64::NAN
    }
}

/// `np.amax(np.abs(v))`, the infinity norm, NaN if any component is NaN.
fn max_abs(v: &[f64]) -> f64 {
    let mut largest = 0.0_f64;
    for &component in v {
        if component.is_nan() {
            return f64::NAN;
        }
        largest = largest.max(component.abs());
    }
    largest
}

/// Euclidean norm; only compared with zero, so the summation order is immaterial.
fn euclidean_norm(v: &[f64]) -> f64 {
    v.iter().map(|c| c * c).sum::<f64>().sqrt()
}

/// `np.dot` of two vectors as OpenBLAS's Haswell `ddot` computes it: blocks
/// of 16 components in four 4-lane fused accumulators, reduced pairwise, then
/// the remaining components multiplied and added one at a time (that loop is
/// plain C, compiled without FMA for this core type).
pub(crate) fn openblas_dot(x: &[f64], y: &[f64]) -> f64 {
    let n = x.len();
    let blocked = n & !15;
    let mut dot = 0.0;
    if blocked > 0 {
        let mut lanes = [[0.0_f64; 4]; 4];
        for i in (0..blocked).step_by(16) {
            for (q, accumulator) in lanes.iter_mut().enumerate() {
                for (l, lane) in accumulator.iter_mut().enumerate() {
                    let k = i + 4 * q + l;
                    *lane = x[k].mul_add(y[k], *lane);
                }
            }
        }
        let halves = lanes.map(|lane| [lane[0] + lane[2], lane[1] + lane[3]]);
        let summed: [f64; 2] =
            std::array::from_fn(|l| (halves[0][l] + halves[1][l]) + (halves[2][l] + halves[3][l]));
        dot = summed[0] + summed[1];
    }
    for k in blocked..n {
        dot += y[k] * x[k];
    }
    dot
}

/// `np.dot(matrix, v)` for a square row-major `matrix`, as OpenBLAS's Haswell
/// transposed `dgemv` kernel computes it (numpy hands it the row-major
/// matrix as a transposed column-major one): the leading multiple of four
/// components of each row with one of three block kernels depending on the
/// row's position, then the last one to three components with fused
/// multiply-adds (unlike `ddot`, this kernel's C code is compiled with FMA).
fn openblas_matrix_vector(matrix: &[f64], v: &[f64], out: &mut [f64]) {
    let n = v.len();
    let tail = n & 3;
    let body = n - tail;
    let rows_in_fours = 4 * (n >> 2);
    let rows_in_twos = rows_in_fours + if n & 2 != 0 { 2 } else { 0 };
    for (j, out_j) in out.iter_mut().enumerate() {
        let row = &matrix[j * n..(j + 1) * n];
        let block = if body == 0 {
            0.0
        } else if j < rows_in_fours {
            // AVX2 kernel: four fused lanes, reduced as (l0 + l2) + (l1 + l3).
            let mut lanes = [0.0_f64; 4];
            for i in 0..body {
                lanes[i % 4] = row[i].mul_add(v[i], lanes[i % 4]);
            }
            (lanes[0] + lanes[2]) + (lanes[1] + lanes[3])
        } else if j < rows_in_twos {
            // SSE2 kernel for a pair of rows: two unfused lanes.
            let mut lanes = [0.0_f64; 2];
            for i in 0..body {
                lanes[i % 2] += row[i] * v[i];
            }
            lanes[0] + lanes[1]
        } else {
            // SSE2 kernel for a single row: four unfused lanes.
            let mut lanes = [0.0_f64; 4];
            for i in 0..body {
                lanes[i % 4] += row[i] * v[i];
            }
            (lanes[0] + lanes[2]) + (lanes[1] + lanes[3])
        };
        let mut y = 0.0 + block;
        match tail {
            1 => y = row[body].mul_add(v[body], y),
            2 => y += row[body].mul_add(v[body], row[body + 1] * v[body + 1]),
            3 => {
                let first_two = row[body].mul_add(v[body], row[body + 1] * v[body + 1]);
                y += row[body + 2].mul_add(v[body + 2], first_two);
            }
            _ => {}
        }
        *out_j = y;
    }
}

/// `np.dot(a, b)` for square row-major matrices as OpenBLAS's Haswell
/// `dgemm` computes it: each entry is one fused multiply-add chain over `k`,
/// except, for odd `n`, the leading multiple of four entries of the last row.
/// numpy passes the product to OpenBLAS as the column-major `bᵀaᵀ`, so that
/// row is the last column there, left to a micro-kernel that accumulates the
/// first multiple of eight terms in four chains (by `k` mod 4), the rest in
/// the first chain, and adds the chains pairwise. (Adding the empty chains of
/// an unsplit entry only turns −0 into +0, as the kernel's final `0 + sum`
/// does.) Matches numpy while OpenBLAS runs the product on one thread, up to
/// n = 64.
fn openblas_matrix_product(n: usize, a: &[f64], b: &[f64], out: &mut [f64]) {
    let unrolled = n & !7;
    for row in 0..n {
        let split_columns = if row + 1 == n && n % 2 == 1 {
            n & !3
        } else {
            0
        };
        for col in 0..n {
            let split_terms = if col < split_columns { unrolled } else { 0 };
            let mut chains = [0.0_f64; 4];
            for k in 0..n {
                let chain = if k < split_terms { k % 4 } else { 0 };
                chains[chain] = a[row * n + k].mul_add(b[k * n + col], chains[chain]);
            }
            out[row * n + col] = (chains[0] + chains[1]) + (chains[2] + chains[3]);
        }
    }
}

#[cfg(test)]
mod tests {
    //! Expected values come from `tests/data/bfgs/expected.py` (scipy 1.17.1,
    //! numpy 2.4.6 with OpenBLAS 0.3.31 run with `OPENBLAS_CORETYPE=Haswell`).
    //! The objectives below are written operation for operation like the
    //! Python ones so that both sides see the same bits.

    use super::*;

    struct Expected {
        x: &'static [f64],
        fun: f64,
        status: BfgsStatus,
        hess_inv: &'static [f64],
        iterations: usize,
        evaluations: usize,
    }

    fn assert_bits(name: &str, what: &str, actual: &[f64], expected: &[f64]) {
        assert_eq!(actual.len(), expected.len(), "{name}: {what} length");
        for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
            assert!(
                a.to_bits() == e.to_bits() || (a.is_nan() && e.is_nan()),
                "{name}: {what}[{i}] = {a:e}, scipy {e:e}"
            );
        }
    }

    fn check(
        name: &str,
        mut f: impl FnMut(&[f64]) -> f64,
        x0: &[f64],
        gtol: f64,
        max_iter: usize,
        expected: &Expected,
    ) {
        let outcome = minimize_bfgs(&mut f, x0, gtol, max_iter);
        assert_eq!(outcome.status, expected.status, "{name}: status");
        assert_eq!(
            outcome.iterations, expected.iterations,
            "{name}: iterations"
        );
        assert_eq!(
            outcome.evaluations, expected.evaluations,
            "{name}: evaluations"
        );
        assert_bits(name, "x", &outcome.x, expected.x);
        assert_bits(name, "fun", &[outcome.fun], &[expected.fun]);
        assert_bits(name, "hess_inv", &outcome.hess_inv, expected.hess_inv);
    }

    fn rosenbrock(x: &[f64]) -> f64 {
        let a = x[1] - x[0] * x[0];
        let b = 1.0 - x[0];
        100.0 * (a * a) + b * b
    }

    fn rosenbrock_extended(x: &[f64]) -> f64 {
        let mut total = 0.0;
        for pair in x.windows(2) {
            let a = pair[1] - pair[0] * pair[0];
            let b = 1.0 - pair[0];
            total += 100.0 * (a * a) + b * b;
        }
        total
    }

    fn quadratic3(x: &[f64]) -> f64 {
        const A: [[f64; 3]; 3] = [[4.0, 1.0, 0.5], [1.0, 3.0, 0.25], [0.5, 0.25, 2.0]];
        const B: [f64; 3] = [1.0, -2.0, 0.5];
        let mut total = 0.0;
        for i in 0..3 {
            for j in 0..3 {
                total += 0.5 * x[i] * A[i][j] * x[j];
            }
            total -= B[i] * x[i];
        }
        total
    }

    fn one_dimensional(x: &[f64]) -> f64 {
        x[0].exp() - 2.0 * x[0] + 0.1 * (x[0] * x[0])
    }

    /// Finite only inside the unit disc; the unconstrained minimum lies outside.
    fn inside_disc(x: &[f64]) -> f64 {
        if x[0] * x[0] + x[1] * x[1] >= 1.0 {
            return f64::INFINITY;
        }
        let a = x[0] - 2.0;
        let b = x[1] - 0.5;
        a * a + b * b
    }

    const SERIES: [f64; 40] = [
        0.52, 1.13, 1.67, 1.41, 0.88, 0.15, -0.43, -0.92, -0.71, -0.18, 0.47, 1.05, 1.32, 0.97,
        0.36, -0.27, -0.81, -1.02, -0.66, -0.05, 0.61, 1.18, 1.25, 0.83, 0.12, -0.49, -0.95, -0.88,
        -0.37, 0.24, 0.79, 1.21, 1.08, 0.55, -0.08, -0.63, -1.04, -0.79, -0.22, 0.41,
    ];

    /// Half the log of the mean squared AR(2) residual, as in a conditional-sum-of-squares fit.
    fn ar2_objective(x: &[f64]) -> f64 {
        let mut total = 0.0;
        for t in 2..SERIES.len() {
            let e = SERIES[t] - x[0] * SERIES[t - 1] - x[1] * SERIES[t - 2];
            total += e * e;
        }
        0.5 * (total / (SERIES.len() - 2) as f64).ln()
    }

    /// [`ar2_objective`] with the `f64::MAX` penalty ARIMA uses outside the stationary region.
    fn ar2_stationary_objective(x: &[f64]) -> f64 {
        let (phi1, phi2) = (x[0], x[1]);
        if !(phi2 < 1.0 && phi2 + phi1 < 1.0 && phi2 - phi1 < 1.0) {
            return f64::MAX;
        }
        ar2_objective(x)
    }

    /// Exercises the relative finite-difference step used where `x + eps == x`.
    fn large_scale(x: &[f64]) -> f64 {
        let u = x[0] * 1e-8;
        let v = x[1];
        let a = u - 3.5;
        let b = v - 0.2;
        a * a + b * b + u * v
    }

    /// scipy: "Optimization terminated successfully."
    #[test]
    fn matches_scipy_rosenbrock() {
        check(
            "rosenbrock",
            rosenbrock,
            &[-1.2, 1.0],
            1e-8,
            100,
            &Expected {
                x: &[0.9999955224013599, 0.9999910373765992],
                fun: 2.0054434125649086e-11,
                status: BfgsStatus::Converged,
                hess_inv: &[
                    0.5036582170352732,
                    1.0074085264009518,
                    1.0074085264009516,
                    2.020003821280509,
                ],
                iterations: 33,
                evaluations: 120,
            },
        );
    }

    /// scipy: "Desired error not necessarily achieved due to precision loss."
    #[test]
    fn matches_scipy_quadratic3() {
        check(
            "quadratic3",
            quadratic3,
            &[1.0, 1.0, 1.0],
            1e-8,
            100,
            &Expected {
                x: &[0.4264705819844641, -0.8294117598385403, 0.24705881796135054],
                fun: -1.1044117647058824,
                status: BfgsStatus::PrecisionLoss,
                hess_inv: &[
                    0.3013046781577225,
                    0.30303436860800437,
                    -0.11283961495661139,
                    0.30303436860800437,
                    0.45944577518879715,
                    -0.13154238310533806,
                    -0.11283961495661136,
                    -0.13154238310533806,
                    0.5476015775656022,
                ],
                iterations: 11,
                evaluations: 52,
            },
        );
    }

    /// scipy: "Optimization terminated successfully."
    #[test]
    fn matches_scipy_one_dimensional() {
        check(
            "one_dimensional",
            one_dimensional,
            &[3.0],
            1e-8,
            100,
            &Expected {
                x: &[0.6282607766419033],
                fun: 0.6572974402948509,
                status: BfgsStatus::Converged,
                hess_inv: &[0.4820962160647499],
                iterations: 9,
                evaluations: 20,
            },
        );
    }

    /// scipy: "Desired error not necessarily achieved due to precision loss."
    #[test]
    fn matches_scipy_inside_disc() {
        check(
            "inside_disc",
            inside_disc,
            &[0.0, 0.0],
            1e-8,
            100,
            &Expected {
                x: &[0.9397540671541812, 0.23493850673917044],
                fun: 1.1943790333257613,
                status: BfgsStatus::PrecisionLoss,
                hess_inv: &[
                    0.5294117347941533,
                    -0.11764703543853353,
                    -0.11764703543853354,
                    0.9705882488560968,
                ],
                iterations: 3,
                evaluations: 43,
            },
        );
    }

    /// scipy: "Desired error not necessarily achieved due to precision loss."
    #[test]
    fn matches_scipy_ar2() {
        check(
            "ar2",
            ar2_objective,
            &[0.1, 0.1],
            1e-8,
            100,
            &Expected {
                x: &[1.5732606771796083, -0.9452460891667415],
                fun: -1.9901573687238885,
                status: BfgsStatus::PrecisionLoss,
                hess_inv: &[
                    0.008214183454712254,
                    0.008169869687941063,
                    0.008169869687941063,
                    0.008205883212231013,
                ],
                iterations: 15,
                evaluations: 63,
            },
        );
    }

    /// scipy: "Desired error not necessarily achieved due to precision loss."
    #[test]
    fn matches_scipy_ar2_stationary() {
        check(
            "ar2_stationary",
            ar2_stationary_objective,
            &[0.5, 0.3],
            1e-8,
            100,
            &Expected {
                x: &[1.5732606759610808, -0.9452460884803243],
                fun: -1.9901573687238883,
                status: BfgsStatus::PrecisionLoss,
                hess_inv: &[
                    0.03608259691138487,
                    -0.006598523644345825,
                    -0.006598523644345825,
                    0.006537606599028962,
                ],
                iterations: 12,
                evaluations: 53,
            },
        );
    }

    /// scipy: "Maximum number of iterations has been exceeded."
    #[test]
    fn matches_scipy_rosenbrock_max_iter() {
        check(
            "rosenbrock_max_iter",
            rosenbrock,
            &[-1.2, 1.0],
            1e-8,
            3,
            &Expected {
                x: &[-0.8220822314060772, 0.637408789296118],
                fun: 3.467519586126643,
                status: BfgsStatus::MaxIterations,
                hess_inv: &[
                    0.06334680427953052,
                    -0.10701921738632673,
                    -0.10701921738632672,
                    0.1861386072687455,
                ],
                iterations: 3,
                evaluations: 18,
            },
        );
    }

    /// scipy: "Desired error not necessarily achieved due to precision loss."
    #[test]
    fn matches_scipy_rosenbrock_extended5() {
        check(
            "rosenbrock_extended5",
            rosenbrock_extended,
            &[-1.2, 1.0, -1.2, 1.0, -1.2],
            1e-8,
            200,
            &Expected {
                x: &[
                    0.9999991995803403,
                    0.9999984100660714,
                    0.9999968364375365,
                    0.9999936837912572,
                    0.9999873600933785,
                ],
                fun: 5.312721467090746e-11,
                status: BfgsStatus::PrecisionLoss,
                hess_inv: &[
                    0.007347677363436748,
                    0.012313797023810968,
                    0.02331690721964535,
                    0.04626656399151567,
                    0.09251672027125712,
                    0.012313797023810955,
                    0.02479004722880955,
                    0.04700234103310416,
                    0.09317671182166856,
                    0.18637713063292422,
                    0.023316907219645144,
                    0.04700234103310396,
                    0.09390621906767518,
                    0.18627970997006277,
                    0.37250888079531874,
                    0.046266563991515325,
                    0.09317671182166823,
                    0.18627970997006268,
                    0.3743558428392677,
                    0.7486310909584393,
                    0.09251672027125658,
                    0.18637713063292363,
                    0.3725088807953193,
                    0.7486310909584405,
                    1.502120504673489,
                ],
                iterations: 49,
                evaluations: 498,
            },
        );
    }

    /// scipy: "Desired error not necessarily achieved due to precision loss."
    #[test]
    fn matches_scipy_rosenbrock_extended7() {
        check(
            "rosenbrock_extended7",
            rosenbrock_extended,
            &[-1.2, 1.0, -1.2, 1.0, -1.2, 1.0, -1.2],
            1e-8,
            300,
            &Expected {
                x: &[
                    -0.9917223601661966,
                    0.9935549585240173,
                    0.9921724688275978,
                    0.9868970927745331,
                    0.9751614840050086,
                    0.9514256152788092,
                    0.9052106940610178,
                ],
                fun: 3.9836005364776734,
                status: BfgsStatus::PrecisionLoss,
                hess_inv: &[
                    0.0016753961217810104,
                    -0.00112240338303941,
                    -0.0008679457064981868,
                    -0.0010236573912012711,
                    -0.0018184622293661234,
                    -0.0035006937474798086,
                    -0.006333849998616893,
                    -0.0011224033830394007,
                    0.0034236772562554504,
                    0.0030299821469210036,
                    0.0037002631285127066,
                    0.0068919038939958726,
                    0.013630097273652147,
                    0.024457246631297672,
                    -0.0008679457064982019,
                    0.0030299821469210357,
                    0.005044926149842543,
                    0.006618939914384617,
                    0.011987558260265815,
                    0.02338750878314193,
                    0.0427793410875601,
                    -0.0010236573912013169,
                    0.003700263128512788,
                    0.006618939914384702,
                    0.012540590792781654,
                    0.022458785056658756,
                    0.04334323696648629,
                    0.08008698818113616,
                    -0.0018184622293662017,
                    0.006891903893996011,
                    0.011987558260266056,
                    0.02245878505665896,
                    0.04528930046043778,
                    0.08721648188513137,
                    0.16107211664675242,
                    -0.003500693747479942,
                    0.01363009727365246,
                    0.02338750878314235,
                    0.043343236966486544,
                    0.08721648188513122,
                    0.17309082198449366,
                    0.3193989154888307,
                    -0.006333849998617111,
                    0.02445724663129812,
                    0.04277934108756084,
                    0.08008698818113677,
                    0.16107211664675253,
                    0.31939891548883137,
                    0.5946608701156865,
                ],
                iterations: 58,
                evaluations: 731,
            },
        );
    }

    /// scipy: "Desired error not necessarily achieved due to precision loss."
    /// An odd size from 9 on exercises the split sums of the matrix products.
    #[test]
    fn matches_scipy_rosenbrock_extended9() {
        check(
            "rosenbrock_extended9",
            rosenbrock_extended,
            &[-1.2, 1.0, -1.2, 1.0, -1.2, 1.0, -1.2, 1.0, -1.2],
            1e-8,
            300,
            &Expected {
                x: &[
                    0.999999932378516,
                    0.999999855421837,
                    0.999999736831571,
                    0.9999996128866565,
                    0.999999198744064,
                    0.9999983661651144,
                    0.9999968468666005,
                    0.9999937043471302,
                    0.9999873553889427,
                ],
                fun: 5.692686674368015e-11,
                status: BfgsStatus::PrecisionLoss,
                hess_inv: &[
                    0.0017476635380572639,
                    0.0009101503797359759,
                    0.0005149748393515784,
                    0.00034209940442223377,
                    0.0003894546846613662,
                    0.0007118060886721417,
                    0.0014700238117631547,
                    0.0027506564337042485,
                    0.0054892312568940605,
                    0.0009101503797359754,
                    0.0018317681664131288,
                    0.0010176572600309115,
                    0.0007488285791257562,
                    0.0009068436846456424,
                    0.0014854273932070024,
                    0.0028863607083438234,
                    0.005553895230636946,
                    0.011104012867188293,
                    0.0005149748393515688,
                    0.001017657260030888,
                    0.0021110520978670478,
                    0.0016396585188658576,
                    0.001874790863035579,
                    0.0031587564586418294,
                    0.005985637845358915,
                    0.011774375029185595,
                    0.02347408887833663,
                    0.0003420994044222128,
                    0.0007488285791257045,
                    0.001639658518865866,
                    0.003270920449575143,
                    0.003721542090287029,
                    0.00623711355670728,
                    0.01166872586317488,
                    0.02319700819192855,
                    0.046289897211037934,
                    0.0003894546846613097,
                    0.0009068436846455375,
                    0.0018747908630355925,
                    0.0037215420902870083,
                    0.007684946441989576,
                    0.01270596341245893,
                    0.024072402263668163,
                    0.047376776279768704,
                    0.09440326631244825,
                    0.0007118060886720375,
                    0.0014854273932068212,
                    0.0031587564586419608,
                    0.006237113556707245,
                    0.012705963412458958,
                    0.02543703462319541,
                    0.04824168088006357,
                    0.09496749465017047,
                    0.1891923456054162,
                    0.001470023811762946,
                    0.002886360708343468,
                    0.005985637845359243,
                    0.01166872586317477,
                    0.02407240226366814,
                    0.04824168088006337,
                    0.09656779303142704,
                    0.18966654305947453,
                    0.3778406398559003,
                    0.0027506564337038035,
                    0.005553895230636097,
                    0.011774375029186053,
                    0.023197008191928332,
                    0.047376776279768607,
                    0.09496749465016972,
                    0.18966654305947378,
                    0.3779694902873059,
                    0.7528715380130816,
                    0.005489231256893123,
                    0.011104012867186491,
                    0.023474088878337636,
                    0.046289897211037455,
                    0.09440326631244797,
                    0.18919234560541492,
                    0.37784063985589983,
                    0.7528715380130824,
                    1.5045981032773366,
                ],
                iterations: 101,
                evaluations: 1612,
            },
        );
    }

    /// scipy: "Maximum number of iterations has been exceeded."
    #[test]
    fn matches_scipy_rosenbrock_extended16() {
        check(
            "rosenbrock_extended16",
            rosenbrock_extended,
            &[-1.2, 1.0].repeat(8),
            1e-8,
            40,
            &Expected {
                x: &[
                    0.23399276764007101,
                    0.02891247173084422,
                    0.024181679165801363,
                    0.020480596390437037,
                    0.018054253748280062,
                    0.013749824548136011,
                    0.017422336514254733,
                    0.009487419730197724,
                    0.016829840480947114,
                    0.00879185417975857,
                    0.01634343102255827,
                    0.0090207906044432,
                    0.013285835623447437,
                    -0.00048740851586576064,
                    -0.010574817000374034,
                    -0.008136150674196293,
                ],
                fun: 14.572476108570452,
                status: BfgsStatus::MaxIterations,
                hess_inv: &[
                    0.07510680062336383,
                    0.023251130045723656,
                    0.0034943482751135934,
                    0.0030988744174518445,
                    0.0014908157773992365,
                    0.0013868409072605545,
                    0.0007189827826872542,
                    0.00035524181658121883,
                    -0.00037048750093939496,
                    -0.0021895411115410235,
                    0.0037122429756621753,
                    0.0007321329119670424,
                    0.0015736933387260365,
                    -0.0025513116997412334,
                    -0.005079104269545854,
                    -0.0018979959650987654,
                    0.023251130045723656,
                    0.011379389464705531,
                    0.0013823577063028492,
                    0.0012322856798868405,
                    0.0007871816012940322,
                    0.0006214823157433731,
                    0.0003436913984935552,
                    0.00012109683788618554,
                    -0.0001874636358136184,
                    -0.001008935790429301,
                    0.0017744098692925384,
                    0.00023698712811510975,
                    0.0008065305789746755,
                    -0.0012744230979997025,
                    -0.002425143769117817,
                    -0.0009208946003095952,
                    0.003494348275113511,
                    0.0013823577063028273,
                    0.002458475037410879,
                    -0.0009702625651460033,
                    -0.00020293957545972177,
                    0.0006571714853292198,
                    0.00043338109895523457,
                    -4.7357824649980234e-05,
                    -0.00012636406343215911,
                    0.0006091626173397233,
                    0.00020177039307729805,
                    -0.00011439908374126188,
                    0.0004719520441171391,
                    -0.00031490761401671325,
                    -1.167010681341658e-05,
                    -5.970580353809049e-06,
                    0.003098874417451747,
                    0.0012322856798868038,
                    -0.0009702625651460376,
                    0.002086719511958155,
                    0.0014246437822697615,
                    -0.00012223781639779773,
                    -0.00019169637716055172,
                    0.00010325534093093457,
                    -7.027065062227122e-05,
                    -0.00023351456866775746,
                    -0.00019452640091565846,
                    0.00031385982881035487,
                    -0.00014824334024227793,
                    8.536709024056402e-05,
                    -0.0002667783008931283,
                    -0.0002589689380638096,
                    0.0014908157773993007,
                    0.000787181601294063,
                    -0.00020293957545971072,
                    0.0014246437822697982,
                    0.003959124387696103,
                    -0.00019104130258191965,
                    0.00013498907916255503,
                    -0.00014128584819101937,
                    -0.0004744635737528072,
                    0.00038082184892280455,
                    -0.0004880192983254794,
                    0.0003473264362018842,
                    0.00031869317170905176,
                    3.7593309101200585e-05,
                    0.00021334415136640557,
                    -0.00010300091070607209,
                    0.001386840907260671,
                    0.0006214823157434255,
                    0.0006571714853292178,
                    -0.0001222378163977527,
                    -0.0001910413025819788,
                    0.002231386866183234,
                    0.0006643645263623623,
                    0.00011649732595470167,
                    0.00024549718778080464,
                    0.0010843164365270147,
                    -8.990341567817342e-05,
                    -0.00010903741997957334,
                    -0.00035873339888369926,
                    0.0003058154474954558,
                    -0.00016151080341889816,
                    -9.737299740044342e-05,
                    0.0007189827826872031,
                    0.00034369139849353176,
                    0.0004333810989552223,
                    -0.00019169637716053055,
                    0.00013498907916254278,
                    0.0006643645263623247,
                    0.002944794169473706,
                    -0.0018175659008150453,
                    -0.00039590141293798756,
                    -0.00024350349225914092,
                    -0.00023753147815137876,
                    -0.00036142613737229413,
                    -0.00022339098572187884,
                    0.00011296565639080464,
                    0.0001684440263420351,
                    -5.500761830803516e-05,
                    0.000355241816581162,
                    0.00012109683788614974,
                    -4.735782465001247e-05,
                    0.00010325534093092284,
                    -0.00014128584819099354,
                    0.00011649732595468958,
                    -0.001817565900815083,
                    0.0025877155858711033,
                    0.0014948196705400999,
                    0.0006280755953461657,
                    0.00015378192871035468,
                    0.00020897485963420974,
                    -2.7051659790597316e-05,
                    -5.9299890874798366e-05,
                    -0.00023340142692483576,
                    -4.88411771608501e-05,
                    -0.0003704875009393439,
                    -0.00018746363581360868,
                    -0.00012636406343216394,
                    -7.027065062230384e-05,
                    -0.00047446357375280417,
                    0.00024549718778077857,
                    -0.0003959014129379827,
                    0.0014948196705401155,
                    0.004043604779814083,
                    -0.00028446053677666814,
                    3.476093522451869e-05,
                    -0.0003127720554189858,
                    -0.0006840076666244776,
                    8.55089301643285e-05,
                    -7.742111089375904e-05,
                    -4.1130869098039955e-05,
                    -0.00218954111154107,
                    -0.0010089357904293178,
                    0.000609162617339745,
                    -0.0002335145686677639,
                    0.0003808218489227973,
                    0.0010843164365269638,
                    -0.00024350349225913442,
                    0.0006280755953461823,
                    -0.0002844605367766737,
                    0.003332987949201142,
                    0.00041145060762448203,
                    -0.00014276750933507227,
                    -0.00018297348798850736,
                    0.0002340393081527564,
                    0.0004388872565994717,
                    0.00013258796413097063,
                    0.003712242975662178,
                    0.0017744098692925475,
                    0.0002017703930773051,
                    -0.00019452640091566085,
                    -0.0004880192983254861,
                    -8.99034156781437e-05,
                    -0.00023753147815136412,
                    0.00015378192871036558,
                    3.476093522452213e-05,
                    0.00041145060762447157,
                    0.004169781869707915,
                    -0.0013505907255327325,
                    1.5447801414686962e-05,
                    -0.0002040781732877269,
                    5.221423711791452e-06,
                    -5.3808071072133954e-05,
                    0.000732132911967177,
                    0.00023698712811515946,
                    -0.0001143990837412837,
                    0.00031385982881030906,
                    0.0003473264362018822,
                    -0.00010903741997953237,
                    -0.0003614261373722651,
                    0.00020897485963424804,
                    -0.00031277205541894727,
                    -0.00014276750933509545,
                    -0.0013505907255327747,
                    0.0016379980080875735,
                    0.0006274570596658383,
                    -0.00017192874970814985,
                    -7.298371361643769e-05,
                    -0.0001884866999073733,
                    0.0015736933387260877,
                    0.0008065305789746945,
                    0.00047195204411715143,
                    -0.0001482433402422672,
                    0.0003186931717090349,
                    -0.00035873339888372056,
                    -0.00022339098572187984,
                    -2.7051659790617746e-05,
                    -0.0006840076666244719,
                    -0.0001829734879884819,
                    1.5447801414679143e-05,
                    0.0006274570596658046,
                    0.0024339986725096666,
                    -0.0009981768188794475,
                    0.0002383583107069336,
                    -0.00026337996538949453,
                    -0.0025513116997412004,
                    -0.001274423097999668,
                    -0.00031490761401665134,
                    8.536709024062388e-05,
                    3.759330910115767e-05,
                    0.00030581544749545115,
                    0.00011296565639085374,
                    -5.929989087477992e-05,
                    8.550893016432475e-05,
                    0.00023403930815276805,
                    -0.00020407817328774424,
                    -0.00017192874970815164,
                    -0.0009981768188794713,
                    0.001500981515633293,
                    0.0006941845915518583,
                    5.119125320478575e-05,
                    -0.005079104269545923,
                    -0.0024251437691178374,
                    -1.1670106813383322e-05,
                    -0.00026677830089306964,
                    0.0002133441513663857,
                    -0.00016151080341889079,
                    0.0001684440263420275,
                    -0.00023340142692486313,
                    -7.742111089378903e-05,
                    0.00043888725659948466,
                    5.221423711825279e-06,
                    -7.298371361644163e-05,
                    0.00023835831070692743,
                    0.0006941845915518928,
                    0.0031446144750577262,
                    -0.0006624389859171439,
                    -0.001897995965098759,
                    -0.0009208946003096033,
                    -5.970580353821558e-06,
                    -0.0002589689380638316,
                    -0.00010300091070606385,
                    -9.7372997400451e-05,
                    -5.500761830805298e-05,
                    -4.884117716085562e-05,
                    -4.113086909805048e-05,
                    0.00013258796413097466,
                    -5.380807107213346e-05,
                    -0.0001884866999074074,
                    -0.00026337996538948493,
                    5.119125320480294e-05,
                    -0.0006624389859171236,
                    0.004275356877347728,
                ],
                iterations: 40,
                evaluations: 850,
            },
        );
    }

    /// scipy: "Optimization terminated successfully."
    #[test]
    fn matches_scipy_large_scale() {
        check(
            "large_scale",
            large_scale,
            &[3e8, 0.5],
            1e-8,
            100,
            &Expected {
                x: &[453333330.3511902, -2.0666666677266257],
                fun: -3.163333333333332,
                status: BfgsStatus::Converged,
                hess_inv: &[
                    1.4371272520516756e+16,
                    -223298180.5182067,
                    -223298180.5182067,
                    4.7014489151835726,
                ],
                iterations: 14,
                evaluations: 120,
            },
        );
    }
}
