//! One series in, its output rows out: runs every model (with the fallback where a model
//! fails) and lays the values out in output-column order.
//!
//! Data errors of a series (NULL, NaN or infinite targets and regressors, duplicate
//! dates, missing or duplicate future rows) fail the query with an error naming the
//! series, as bad input does; only a model that cannot fit a series is a per-series
//! outcome (NULL values or the fallback model).

use std::ops::Range;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::logical::{CrossValidation, ForecastParams, Task};
use crate::models::{
    FitInfo, FittedModel, Forecast, ForecastOutput, InfoValue, Model, ModelError, Regressors,
    encode_state,
};

use super::future::FutureValues;
use super::time::{Step, TimeKind};

/// A model of the query with its output column count.
#[derive(Debug)]
pub(crate) struct PlannedModel {
    pub(crate) alias: String,
    /// The canonical spec, as `fit_models` stores it.
    pub(crate) spec: String,
    /// The canonical spec of the fallback model under this model's alias, as `fit_models`
    /// stores it for a series the fallback fitted.
    pub(crate) fallback_spec: Option<String>,
    pub(crate) model: Arc<dyn Model>,
    /// Whether the output has interval columns for this model.
    pub(crate) with_intervals: bool,
}

/// The models and settings shared by every series of a query.
#[derive(Debug)]
pub(crate) struct SeriesRunner {
    pub(crate) params: ForecastParams,
    pub(crate) models: Vec<PlannedModel>,
    pub(crate) fallback: Option<Arc<dyn Model>>,
    pub(crate) levels: Vec<f64>,
    pub(crate) time_kind: TimeKind,
    /// Names of the exogenous regressors (empty when no model uses them).
    pub(crate) regressors: Vec<String>,
}

/// A complete series: its time values, targets and regressors, oldest first.
#[derive(Debug, Default)]
pub(crate) struct Series {
    /// Display form of the id, for messages.
    pub(crate) label: String,
    pub(crate) ds: Vec<i64>,
    pub(crate) y: Vec<f64>,
    /// One column per regressor, a value per row (NaN for NULL).
    pub(crate) x: Vec<Vec<f64>>,
    /// The regressors at the forecast dates (a forecast with regressors).
    pub(crate) future: Option<FutureValues>,
}

/// Where one cross-validation window reads and writes: its training rows `begin..cut` of
/// the series, and its first output rows.
struct Window {
    begin: usize,
    cut: usize,
    /// First history row (with fitted values).
    history: Option<usize>,
    /// First forecast row.
    forecast: usize,
}

/// A model fitted in an earlier window (`refit => false`), with what the model that
/// fitted it (the model or the fallback) gives.
struct WindowFit {
    model: Box<dyn FittedModel>,
    has_intervals: bool,
    has_fitted: bool,
}

/// What happened to one model on one series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Fitted,
    FellBack,
    Failed,
}

/// The output rows of one series.
#[derive(Debug, Default)]
pub(crate) struct SeriesRows {
    pub(crate) ds: Vec<i64>,
    /// `cutoff` (cross-validation) per row.
    pub(crate) cutoff: Vec<i64>,
    /// `y` per row (cross-validation, and fitted history rows; NaN marks "no value").
    pub(crate) y: Vec<Option<f64>>,
    /// The rows that are history (in-sample) rows, ascending; the others are forecasts.
    pub(crate) history: Vec<Range<usize>>,
    /// One vector per model column, each as long as `ds`.
    pub(crate) values: Vec<Vec<Option<f64>>>,
    /// Per model: outcome and time spent.
    pub(crate) outcomes: Vec<(Outcome, Duration)>,
    /// Per failed model: the reason.
    pub(crate) failures: Vec<(String, String)>,
    /// Per model whose bounds are NULL while its values are not: the reason.
    pub(crate) notes: Vec<(String, String)>,
    /// `fit_models`' output of the series (then the other fields but `outcomes` and
    /// `failures` are empty).
    pub(crate) fit: Option<SeriesFit>,
}

/// `fit_models`' rows of one series: what they share, and one [`FitRow`] per model.
#[derive(Debug)]
pub(crate) struct SeriesFit {
    pub(crate) n_obs: usize,
    pub(crate) last_ds: i64,
    /// The spacing forecasts continue with, as `freq => ...` text.
    pub(crate) freq: String,
    pub(crate) models: Vec<FitRow>,
}

/// One fitted model of a series.
#[derive(Debug)]
pub(crate) struct FitRow {
    /// The canonical spec of the model that was fitted (the fallback's, under the model's
    /// alias, where the model failed and the fallback did not).
    pub(crate) spec: String,
    /// What the fit chose, as JSON; the error where no model could be fitted.
    pub(crate) info: String,
    /// The encoded fitted model; `None` where no model could be fitted.
    pub(crate) state: Option<Vec<u8>>,
}

impl SeriesRunner {
    /// Number of value columns a model contributes.
    fn width(&self, model: &PlannedModel) -> usize {
        if model.with_intervals {
            1 + 2 * self.levels.len()
        } else {
            1
        }
    }

    /// Total number of model value columns.
    pub(crate) fn value_columns(&self) -> usize {
        self.models.iter().map(|m| self.width(m)).sum()
    }

    /// Output rows of a series of `n` observations.
    pub(crate) fn output_rows(&self, n: usize) -> usize {
        let h = self.params.h;
        match &self.params.task {
            Task::Fit => self.models.len(),
            Task::Forecast { fitted: true } | Task::Predict { .. } => h.saturating_add(n),
            Task::Forecast { fitted: false } => h,
            // A series too short for the windows is an error, with no output.
            Task::CrossValidation(cv) if n <= cv.test_size => 0,
            Task::CrossValidation(cv) => {
                let forecasts = h.saturating_mul(cv.n_windows);
                if !cv.fitted {
                    return forecasts;
                }
                let history: usize = cv.cutoffs(n).map(|cut| cut - cv.train_start(cut)).sum();
                forecasts.saturating_add(history)
            }
        }
    }

    /// Bytes an input row takes while its series is buffered: `ds`, `y` and regressors.
    pub(crate) fn input_row_bytes(&self) -> usize {
        16 + 8 * self.regressors.len()
    }

    /// Bytes of one series' future values, when the exec reads them.
    pub(crate) fn future_bytes(&self) -> usize {
        FutureValues::bytes(self.params.h, self.regressors.len())
    }

    /// Bytes the output of a series of `n` observations takes while it is built. A forecast
    /// row holds each value column as the model's result, our row buffer (`Option<f64>`)
    /// and the Arrow array, plus id, `ds`, `cutoff` and `y`; a `fit_models` row its spec,
    /// info and a state of a few vectors of the series' length.
    pub(crate) fn output_bytes(&self, n: usize) -> usize {
        let row_bytes = match self.params.task {
            Task::Fit => n.saturating_mul(48).saturating_add(1024),
            _ => self.value_columns() * 32 + 64,
        };
        self.output_rows(n).saturating_mul(row_bytes)
    }

    /// Computes the output rows of one series, or an error naming it.
    pub(crate) fn run(&self, series: &Series) -> Result<SeriesRows, String> {
        self.check(series)?;
        match &self.params.task {
            Task::Forecast { fitted } => self.forecast(series, *fitted),
            Task::CrossValidation(cv) => self.cross_validate(series, cv),
            Task::Fit => self.fit(series),
            Task::Predict { .. } => Err("predict runs on stored fits".into()),
        }
    }

    pub(crate) fn check(&self, series: &Series) -> Result<(), String> {
        let function = self.params.function_name();
        if let Some(i) = series.y.iter().position(|v| !v.is_finite()) {
            return Err(format!(
                "{function}: series '{}' has {} {} at {} = {}; remove or fill it before forecasting",
                series.label,
                not_finite(series.y[i]),
                self.params.columns.target,
                self.params.columns.time,
                self.time_kind.display(series.ds[i])
            ));
        }
        if let Some(i) = series.ds.windows(2).position(|w| w[1] <= w[0]) {
            return Err(format!(
                "{function}: series '{}' has two rows with {} = {}; each series needs one row per timestamp",
                series.label,
                self.params.columns.time,
                self.time_kind.display(series.ds[i])
            ));
        }
        for (name, values) in self.regressors.iter().zip(&series.x) {
            if let Some(i) = values.iter().position(|v| !v.is_finite()) {
                return Err(format!(
                    "{function}: series '{}' has {} regressor '{name}' at {} = {}; every row needs a value of each regressor",
                    series.label,
                    not_finite(values[i]),
                    self.params.columns.time,
                    self.time_kind.display(series.ds[i])
                ));
            }
        }
        Ok(())
    }

    /// The regressors at the forecast dates `ds`, checked: one future row at each date,
    /// each with a finite value of every regressor.
    fn future_regressors<'a>(
        &self,
        series: &'a Series,
        ds: &[i64],
    ) -> Result<&'a Regressors, String> {
        if self.regressors.is_empty() {
            return Ok(&[]);
        }
        let Some(future) = series.future.as_ref().filter(|f| f.found.len() == ds.len()) else {
            return Err(format!(
                "forecast: the future rows of series '{}' were not read",
                series.label
            ));
        };
        let time = &self.params.columns.time;
        if let Some(k) = future.duplicate {
            return Err(format!(
                "forecast: future has two rows for series '{}' at {time} = {}; each series needs one future row per date",
                series.label,
                self.time_kind.display(ds[k])
            ));
        }
        if let Some(k) = future.found.iter().position(|found| !found) {
            return Err(format!(
                "forecast: future has no row for series '{}' at {time} = {} (forecast step {} of h = {}); the regressors {} need a value at each forecast date",
                series.label,
                self.time_kind.display(ds[k]),
                k + 1,
                ds.len(),
                self.regressors.join(", ")
            ));
        }
        for (name, values) in self.regressors.iter().zip(&future.values) {
            if let Some(k) = values.iter().position(|v| !v.is_finite()) {
                return Err(format!(
                    "forecast: future has {} regressor '{name}' for series '{}' at {time} = {}; every future row needs a value of each regressor",
                    not_finite(values[k]),
                    series.label,
                    self.time_kind.display(ds[k])
                ));
            }
        }
        Ok(&future.values)
    }

    fn step(&self, series: &Series) -> Result<Step, String> {
        if let Some(freq) = self.params.freq {
            return Ok(Step::Freq(freq));
        }
        self.time_kind.infer_step(&series.ds).ok_or_else(|| {
            if series.ds.len() < 2 {
                format!(
                    "{}: cannot infer freq for series '{}' from a single observation; pass freq => (e.g. '1 day')",
                    self.params.function_name(),
                    series.label
                )
            } else {
                format!(
                    "{}: series '{}' has irregular spacing in {}, so freq cannot be inferred; pass freq => (e.g. '1 day')",
                    self.params.function_name(),
                    series.label,
                    self.params.columns.time
                )
            }
        })
    }

    /// The `h` forecast dates of a series: its last `ds` plus 1 to `h` steps.
    pub(crate) fn forecast_ds(&self, series: &Series) -> Result<Vec<i64>, String> {
        let step = self.step(series)?;
        let last = *series.ds.last().ok_or("empty series")?;
        (1..=self.params.h as i64)
            .map(|k| {
                self.time_kind.advance(last, step, k).ok_or_else(|| {
                    format!(
                        "forecast: the future {} of series '{}' overflows its type",
                        self.params.columns.time, series.label
                    )
                })
            })
            .collect()
    }

    fn forecast(&self, series: &Series, fitted: bool) -> Result<SeriesRows, String> {
        let h = self.params.h;
        let n = series.y.len();
        let future_ds = self.forecast_ds(series)?;
        let x_future = self.future_regressors(series, &future_ds)?;
        let mut rows = SeriesRows::default();
        if fitted {
            rows.ds.extend_from_slice(&series.ds);
            rows.y.extend(series.y.iter().map(|v| Some(*v)));
            rows.history.push(0..n);
        }
        rows.ds.extend(future_ds);
        rows.y.extend(std::iter::repeat_n(None, h));
        for planned in &self.models {
            let start = Instant::now();
            let width = self.width(planned);
            let history = if fitted { n } else { 0 };
            let mut columns = vec![vec![None; history + h]; width];
            let (result, outcome) = self.with_fallback(planned, |model| {
                model.forecast_with_regressors(
                    &series.y,
                    &series.x,
                    x_future,
                    h,
                    &self.levels,
                    fitted,
                )
            });
            match result {
                Ok(output) => {
                    if let Some(in_sample) = &output.fitted {
                        place(&mut columns, 0, in_sample, planned.with_intervals);
                    }
                    place(
                        &mut columns,
                        history,
                        &output.forecast,
                        planned.with_intervals,
                    );
                    if outcome == Outcome::Fitted
                        && let Some(note) = missing_conformal_bounds(planned, n, &output.forecast)
                    {
                        clear_bounds(&mut columns, history, h);
                        rows.notes.push((planned.alias.clone(), note));
                    }
                }
                Err(e) => rows.failures.push((planned.alias.clone(), e)),
            }
            rows.values.extend(columns);
            rows.outcomes.push((outcome, start.elapsed()));
        }
        Ok(rows)
    }

    /// `fit_models`: fits every model (or the fallback) and encodes the fitted models.
    fn fit(&self, series: &Series) -> Result<SeriesRows, String> {
        let step = self.step(series)?;
        let freq = self.time_kind.step_freq(step).ok_or_else(|| {
            format!(
                "fit_models: the spacing of series '{}' does not fit its {} type",
                series.label, self.params.columns.time
            )
        })?;
        let mut rows = SeriesRows::default();
        let mut models = Vec::with_capacity(self.models.len());
        for planned in &self.models {
            let start = Instant::now();
            let (result, outcome) = self.with_fallback(planned, |model| {
                model.fit_with_regressors(&series.y, &series.x)
            });
            let row = match result {
                Ok(fitted) => {
                    let (model, spec, info) = match (&self.fallback, &planned.fallback_spec) {
                        (Some(fallback), Some(spec)) if outcome == Outcome::FellBack => (
                            fallback,
                            spec,
                            fitted
                                .info()
                                .with("fallback_for", InfoValue::Text(planned.spec.clone())),
                        ),
                        _ => (&planned.model, &planned.spec, fitted.info()),
                    };
                    FitRow {
                        state: Some(encode_state(model.as_ref(), spec, fitted.as_ref())),
                        spec: spec.clone(),
                        info: info.to_json(),
                    }
                }
                Err(e) => {
                    let info = FitInfo::method(planned.model.class_name())
                        .with("error", InfoValue::Text(e.clone()));
                    rows.failures.push((planned.alias.clone(), e));
                    FitRow {
                        spec: planned.spec.clone(),
                        info: info.to_json(),
                        state: None,
                    }
                }
            };
            models.push(row);
            rows.outcomes.push((outcome, start.elapsed()));
        }
        rows.fit = Some(SeriesFit {
            n_obs: series.y.len(),
            last_ds: *series.ds.last().ok_or("empty series")?,
            freq: freq.to_string(),
            models,
        });
        Ok(rows)
    }

    fn cross_validate(&self, series: &Series, cv: &CrossValidation) -> Result<SeriesRows, String> {
        let h = self.params.h;
        let n = series.y.len();
        if n <= cv.test_size {
            return Err(format!(
                "cross_validation: series '{}' is too short for the cross validation settings: it has {n} observations and needs more than test_size = {} (h + step_size * (n_windows - 1)); remove it or reduce h, n_windows or step_size",
                series.label, cv.test_size
            ));
        }
        let mut rows = SeriesRows::default();
        let windows: Vec<Window> = cv
            .cutoffs(n)
            .map(|cut| {
                let begin = cv.train_start(cut);
                let history = if cv.fitted {
                    let start = rows.ds.len();
                    rows.ds.extend_from_slice(&series.ds[begin..cut]);
                    rows.y.extend(series.y[begin..cut].iter().map(|v| Some(*v)));
                    rows.history.push(start..rows.ds.len());
                    Some(start)
                } else {
                    None
                };
                let forecast = rows.ds.len();
                rows.ds.extend_from_slice(&series.ds[cut..cut + h]);
                rows.y
                    .extend(series.y[cut..cut + h].iter().map(|v| Some(*v)));
                let cutoff = series.ds[cut - 1];
                rows.cutoff.resize(rows.ds.len(), cutoff);
                Window {
                    begin,
                    cut,
                    history,
                    forecast,
                }
            })
            .collect();
        for planned in &self.models {
            let start = Instant::now();
            let width = self.width(planned);
            let mut columns = vec![vec![None; rows.ds.len()]; width];
            let mut worst = Outcome::Fitted;
            let mut previous = None;
            for window in &windows {
                let train = &series.y[window.begin..window.cut];
                let x = rows_of(&series.x, window.begin..window.cut);
                let x_future = rows_of(&series.x, window.cut..window.cut + h);
                let (result, outcome) = if cv.refit {
                    self.with_fallback(planned, |model| {
                        model.forecast_with_regressors(
                            train,
                            &x,
                            &x_future,
                            h,
                            &self.levels,
                            cv.fitted,
                        )
                    })
                } else {
                    self.fit_or_forward(planned, &mut previous, train, &x, &x_future, cv.fitted)
                };
                match result {
                    Ok(output) => {
                        if let (Some(offset), Some(in_sample)) = (window.history, &output.fitted) {
                            place(&mut columns, offset, in_sample, planned.with_intervals);
                        }
                        place(
                            &mut columns,
                            window.forecast,
                            &output.forecast,
                            planned.with_intervals,
                        );
                        if outcome == Outcome::Fitted
                            && let Some(note) =
                                missing_conformal_bounds(planned, train.len(), &output.forecast)
                        {
                            clear_bounds(&mut columns, window.forecast, h);
                            rows.notes.push((planned.alias.clone(), note));
                        }
                    }
                    Err(e) => rows.failures.push((planned.alias.clone(), e)),
                }
                worst = worse(worst, outcome);
            }
            rows.values.extend(columns);
            rows.outcomes.push((worst, start.elapsed()));
        }
        Ok(rows)
    }

    /// One window of `refit => false`: the first window fits the model (or the fallback),
    /// each later one applies the previous window's fit to its training rows (`forward`).
    fn fit_or_forward(
        &self,
        planned: &PlannedModel,
        previous: &mut Option<WindowFit>,
        train: &[f64],
        x: &Regressors,
        x_future: &Regressors,
        fitted: bool,
    ) -> (Result<ForecastOutput, String>, Outcome) {
        let outputs = |fit: &WindowFit| {
            let levels = if fit.has_intervals {
                &self.levels[..]
            } else {
                &[]
            };
            ForecastOutput {
                forecast: fit
                    .model
                    .predict_with_regressors(self.params.h, x_future, levels),
                fitted: (fitted && fit.has_fitted).then(|| fit.model.predict_in_sample(levels)),
            }
        };
        let (result, outcome) = match previous.take() {
            None => self.with_fallback(planned, |model| {
                model
                    .fit_with_regressors(train, x)
                    .map(|fitted_model| WindowFit {
                        model: fitted_model,
                        has_intervals: model.has_intervals(),
                        has_fitted: model.has_fitted(),
                    })
            }),
            Some(fit) => (
                fit.model
                    .forward_with_regressors(train, x)
                    .map(|model| WindowFit { model, ..fit })
                    .map_err(|e| e.to_string()),
                Outcome::Fitted,
            ),
        };
        match result {
            Ok(fit) => {
                let output = outputs(&fit);
                *previous = Some(fit);
                (Ok(output), outcome)
            }
            Err(e) => (Err(e), outcome),
        }
    }

    /// Runs `call` on the model, then on the fallback model when the first fails.
    fn with_fallback<T>(
        &self,
        planned: &PlannedModel,
        call: impl Fn(&dyn Model) -> Result<T, ModelError>,
    ) -> (Result<T, String>, Outcome) {
        match call(planned.model.as_ref()) {
            Ok(value) => (Ok(value), Outcome::Fitted),
            Err(first) => match &self.fallback {
                Some(fallback) => match call(fallback.as_ref()) {
                    Ok(value) => (Ok(value), Outcome::FellBack),
                    Err(second) => (
                        Err(format!("{first}; fallback model: {second}")),
                        Outcome::Failed,
                    ),
                },
                None => (Err(first.to_string()), Outcome::Failed),
            },
        }
    }
}

/// `a NULL or NaN` / `an infinite`, for a value that is not finite.
fn not_finite(value: f64) -> &'static str {
    if value.is_nan() {
        "a NULL or NaN"
    } else {
        "an infinite"
    }
}

/// The regressors of the rows in `range` (a copy: [`Regressors`] columns are vectors).
fn rows_of(x: &Regressors, range: std::ops::Range<usize>) -> Vec<Vec<f64>> {
    x.iter()
        .map(|column| column[range.clone()].to_vec())
        .collect()
}

fn worse(a: Outcome, b: Outcome) -> Outcome {
    match (a, b) {
        (Outcome::Failed, _) | (_, Outcome::Failed) => Outcome::Failed,
        (Outcome::FellBack, _) | (_, Outcome::FellBack) => Outcome::FellBack,
        _ => Outcome::Fitted,
    }
}

/// Why a conformal model's bounds are missing: it gives NaN bounds (where statsforecast
/// raises for the whole call) when the series is too short for its windows or a window
/// could not be refitted. `None` when the bounds are there.
pub(crate) fn missing_conformal_bounds(
    planned: &PlannedModel,
    n: usize,
    forecast: &Forecast,
) -> Option<String> {
    let settings = planned.model.conformal_intervals()?;
    let band = forecast.intervals.first()?;
    if band.lo.is_empty() || !band.lo.iter().all(|v| v.is_nan()) {
        return None;
    }
    let needed = settings.full_observations();
    Some(if n < needed {
        format!(
            "its prediction intervals are NULL: {settings} needs at least {needed} observations, the series has {n}"
        )
    } else {
        format!(
            "its prediction intervals are NULL: the model could not be fitted on every window of {settings}"
        )
    })
}

/// Sets the bound columns of `len` rows from `offset` to NULL.
pub(crate) fn clear_bounds(columns: &mut [Vec<Option<f64>>], offset: usize, len: usize) {
    for column in columns.iter_mut().skip(1) {
        for value in &mut column[offset..offset + len] {
            *value = None;
        }
    }
}

/// Writes a forecast into a model's columns from row `offset`: the mean, then the lower
/// bounds for levels descending, then the upper bounds ascending. Bands the model did not
/// give stay NULL.
pub(crate) fn place(
    columns: &mut [Vec<Option<f64>>],
    offset: usize,
    forecast: &Forecast,
    with_intervals: bool,
) {
    for (i, v) in forecast.mean.iter().enumerate() {
        columns[0][offset + i] = Some(*v);
    }
    if !with_intervals {
        return;
    }
    let n_levels = (columns.len() - 1) / 2;
    for (b, band) in forecast.intervals.iter().enumerate().take(n_levels) {
        let lo_col = 1 + (n_levels - 1 - b);
        let hi_col = 1 + n_levels + b;
        for (i, (lo, hi)) in band.lo.iter().zip(&band.hi).enumerate() {
            columns[lo_col][offset + i] = Some(*lo);
            columns[hi_col][offset + i] = Some(*hi);
        }
    }
}
