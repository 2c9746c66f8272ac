//! The logical extension node planned by `forecast(...)` and `cross_validation(...)`,
//! and the output schema (the only place that names output columns).

mod freq;
mod node;
mod offset;
mod schema;

pub use freq::Freq;
pub use node::ForecastNode;
pub(crate) use node::{check_inputs, fmt_params, fmt_regressors, input_regressors, key_types};
pub(crate) use offset::NANOS_PER_DAY;
pub use offset::{Anchor, DayOfMonth, Offset};
pub use schema::{
    FIT_COLUMNS, FORECAST, HISTORY, TIME_SERIES_TYPE, anomaly_column_name,
    anomaly_probability_column_name, format_level, interval_column_names, output_schema,
};
pub(crate) use schema::{PREDICT_FIT_COLUMNS, interval_bounds, parse_specs, predict_fit_types};

use std::cmp::Ordering;
use std::hash::{Hash, Hasher};

/// What the node computes for each series.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Task {
    /// `forecast(...)`: `h` future values per series, plus the in-sample values when
    /// `fitted` is set.
    Forecast {
        /// Also return the in-sample fitted values (history rows).
        fitted: bool,
    },
    /// `cross_validation(...)`: forecasts from several cutoffs against the actual values.
    CrossValidation(CrossValidation),
    /// `fit_models(...)`: one row per series and model with the fitted model's state.
    Fit,
    /// `predict(fits => ..., ...)`: forecasts from stored fitted models; with `forward`,
    /// after applying them to each series of a second input without refitting.
    Predict {
        /// Whether the node has the observations input the fits are applied to.
        forward: bool,
    },
}

/// The windows of a cross-validation, with statsforecast's semantics.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CrossValidation {
    /// Number of windows.
    pub n_windows: usize,
    /// Distance between consecutive cutoffs.
    pub step_size: usize,
    /// Observations held out at the end of each series (first cutoff is `n - test_size`).
    pub test_size: usize,
    /// Keep at most this many observations before each cutoff for training.
    pub input_size: Option<usize>,
    /// Refit at every window (`true`), or fit once and apply `forward` afterwards.
    pub refit: bool,
    /// Also return each window's in-sample fitted values (history rows).
    pub fitted: bool,
}

impl CrossValidation {
    /// The windows' cutoffs in a series of `n > test_size` observations: each the number of
    /// observations before the window.
    pub fn cutoffs(&self, n: usize) -> impl Iterator<Item = usize> + use<> {
        let (first, step) = (n - self.test_size, self.step_size);
        (0..self.n_windows).map(move |w| first + w * step)
    }

    /// The first training observation of the window with cutoff `cut`.
    pub fn train_start(&self, cut: usize) -> usize {
        self.input_size.map_or(0, |size| cut.saturating_sub(size))
    }
}

/// A prediction-interval level in percent, in (0, 100).
#[derive(Debug, Clone, Copy)]
pub struct Level(pub f64);

impl PartialEq for Level {
    fn eq(&self, other: &Self) -> bool {
        self.0.to_bits() == other.0.to_bits()
    }
}
impl Eq for Level {}
impl Hash for Level {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.0.to_bits().hash(state);
    }
}
impl PartialOrd for Level {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Level {
    fn cmp(&self, other: &Self) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// Names of the input columns.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ColumnNames {
    /// Series identifier (`unique_id`).
    pub id: String,
    /// Time column (`ds`).
    pub time: String,
    /// Target column (`y`).
    pub target: String,
}

impl Default for ColumnNames {
    fn default() -> Self {
        Self {
            id: "unique_id".into(),
            time: "ds".into(),
            target: "y".into(),
        }
    }
}

/// Everything a forecast node needs besides its input, as plain data (it is what a
/// distributed plan ships): model specs travel as their canonical strings.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ForecastParams {
    /// Forecast or cross-validation.
    pub task: Task,
    /// Forecast horizon (0 for `fit_models`, which forecasts nothing).
    pub h: usize,
    /// Canonical model specs, e.g. `SeasonalNaive(season_length=12)`.
    pub models: Vec<String>,
    /// Canonical spec of the model used where a model fails on a series.
    pub fallback_model: Option<String>,
    /// Interval levels, ascending and distinct.
    pub levels: Vec<Level>,
    /// The spacing of `ds`; inferred per series when absent.
    pub freq: Option<Freq>,
    /// Input column names (kept in the output).
    pub columns: ColumnNames,
}

impl ForecastParams {
    /// The SQL function that planned this node.
    pub fn function_name(&self) -> &'static str {
        match self.task {
            Task::Forecast { .. } => "forecast",
            Task::CrossValidation(_) => "cross_validation",
            Task::Fit => "fit_models",
            Task::Predict { .. } => "predict",
        }
    }
}
