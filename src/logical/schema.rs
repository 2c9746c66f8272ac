//! Output column names and types, following statsforecast.

use std::collections::HashSet;
use std::sync::Arc;

use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::common::{Result, plan_err};

use super::{ForecastParams, Level, Task};
use crate::models::{ModelSpec, build_model, parse_model_specs};

/// The column of `fitted => true` outputs that tells in-sample rows from forecast rows.
pub const TIME_SERIES_TYPE: &str = "time_series_type";
/// [`TIME_SERIES_TYPE`] of an in-sample row: an observation with its fitted values.
pub const HISTORY: &str = "history";
/// [`TIME_SERIES_TYPE`] of a forecast row.
pub const FORECAST: &str = "forecast";

/// The columns of a `fit_models` row after the id: the model's alias, its canonical spec,
/// the number of observations, the last time value, the spacing forecasts continue with,
/// what the fit chose (JSON) and the fitted model's state.
pub const FIT_COLUMNS: [&str; 7] = ["model", "spec", "n_obs", "last_ds", "freq", "info", "state"];

/// The columns `predict` reads from its fits, after the id (by name; the others are not
/// needed).
pub(crate) const PREDICT_FIT_COLUMNS: [&str; 6] =
    ["model", "spec", "n_obs", "last_ds", "freq", "state"];

/// The types of [`PREDICT_FIT_COLUMNS`], given the time type.
pub(crate) fn predict_fit_types(time_type: &DataType) -> [DataType; 6] {
    [
        DataType::Utf8,
        DataType::Utf8,
        DataType::Int64,
        time_type.clone(),
        DataType::Utf8,
        DataType::Binary,
    ]
}

/// Formats a level as statsforecast prints it: `80`, `95`, `99.5`.
pub fn format_level(level: f64) -> String {
    if level.fract() == 0.0 {
        format!("{}", level as i64)
    } else {
        format!("{level}")
    }
}

/// Interval column names of one model: `alias-lo-<L>` for levels descending, then
/// `alias-hi-<L>` ascending.
pub fn interval_column_names(alias: &str, levels: &[Level]) -> Vec<String> {
    let lo = levels
        .iter()
        .rev()
        .map(|l| format!("{alias}-lo-{}", format_level(l.0)));
    let hi = levels
        .iter()
        .map(|l| format!("{alias}-hi-{}", format_level(l.0)));
    lo.chain(hi).collect()
}

/// One model's interval bound columns found among a query's columns.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IntervalBounds<'a> {
    /// The level as the column names spell it (`80`, `99.5`).
    pub(crate) level_text: &'a str,
    pub(crate) level: f64,
    /// Positions of `<alias>-lo-<level>` and `<alias>-hi-<level>`.
    pub(crate) lo: usize,
    pub(crate) hi: usize,
}

/// Every `<alias>-lo-<level>` column of `names` whose level reads as a number and whose
/// `<alias>-hi-<level>` is there too, in column order.
pub(crate) fn interval_bounds<'a>(alias: &str, names: &[&'a str]) -> Vec<IntervalBounds<'a>> {
    let lo_prefix = format!("{alias}-lo-");
    names
        .iter()
        .enumerate()
        .filter_map(|(lo, name)| {
            let level_text = name.strip_prefix(&lo_prefix)?;
            let level = level_text.parse::<f64>().ok()?;
            let hi_name = format!("{alias}-hi-{level_text}");
            let hi = names.iter().position(|name| *name == hi_name)?;
            Some(IntervalBounds {
                level_text,
                level,
                lo,
                hi,
            })
        })
        .collect()
}

/// `<alias>-anomaly`: whether an observation lies outside the model's fitted bounds.
pub fn anomaly_column_name(alias: &str) -> String {
    format!("{alias}-anomaly")
}

/// `<alias>-anomaly-probability`: the probability of a value less extreme than the
/// observation under the model's Gaussian fitted bounds.
pub fn anomaly_probability_column_name(alias: &str) -> String {
    format!("{alias}-anomaly-probability")
}

/// The model columns of every model, in order: the alias then its interval columns when
/// the model gives intervals and levels were asked for.
pub(crate) fn model_columns(specs: &[ModelSpec], levels: &[Level]) -> Result<Vec<String>> {
    let mut columns = Vec::new();
    for spec in specs {
        let model = match build_model(spec) {
            Ok(model) => model,
            Err(e) => return plan_err!("{e}"),
        };
        columns.push(spec.alias().to_string());
        if model.has_intervals() {
            columns.extend(interval_column_names(spec.alias(), levels));
        }
    }
    Ok(columns)
}

/// Parses the canonical spec strings held by a node.
pub(crate) fn parse_specs(models: &[String]) -> Result<Vec<ModelSpec>> {
    let mut specs = Vec::with_capacity(models.len());
    for text in models {
        match parse_model_specs(text) {
            Ok(parsed) => specs.extend(parsed),
            Err(e) => return plan_err!("{e}"),
        }
    }
    Ok(specs)
}

/// The output schema for an input whose id and time columns have the given types.
///
/// - forecast: `id, ds, <model columns>`
/// - forecast with fitted: `id, ds, time_series_type, y, <model columns>`, one
///   `history` row per observation then one `forecast` row per step
/// - cross_validation: `id, ds, cutoff, y, <model columns>`
/// - cross_validation with fitted: `id, ds, cutoff, time_series_type, y, <model columns>`,
///   per window its `history` rows (the training rows) then its `forecast` rows
/// - fit_models: `id, model, spec, n_obs, last_ds, freq, info, state` ([`FIT_COLUMNS`])
/// - predict: as forecast
pub fn output_schema(
    params: &ForecastParams,
    id_type: &DataType,
    time_type: &DataType,
) -> Result<SchemaRef> {
    let cols = &params.columns;
    let mut fields = vec![
        Field::new(&cols.id, id_type.clone(), false),
        Field::new(&cols.time, time_type.clone(), false),
    ];
    match &params.task {
        Task::Forecast { fitted: false } | Task::Predict { .. } => {}
        Task::Forecast { fitted: true } => {
            fields.push(Field::new(TIME_SERIES_TYPE, DataType::Utf8, false));
            fields.push(Field::new(&cols.target, DataType::Float64, true));
        }
        Task::Fit => return Ok(fits_schema(&cols.id, id_type, time_type)),
        Task::CrossValidation(cv) => {
            fields.push(Field::new("cutoff", time_type.clone(), false));
            if cv.fitted {
                fields.push(Field::new(TIME_SERIES_TYPE, DataType::Utf8, false));
            }
            fields.push(Field::new(&cols.target, DataType::Float64, true));
        }
    }
    let specs = parse_specs(&params.models)?;
    let mut seen: HashSet<String> = fields.iter().map(|f| f.name().clone()).collect();
    for name in model_columns(&specs, &params.levels)? {
        if !seen.insert(name.clone()) {
            return plan_err!(
                "{}: output column '{name}' would appear twice; give the model another alias",
                params.function_name()
            );
        }
        fields.push(Field::new(name, DataType::Float64, true));
    }
    Ok(Arc::new(Schema::new(fields)))
}

/// `fit_models`' output: the id, then [`FIT_COLUMNS`]; `state` is NULL where the model
/// (and the fallback) failed on the series.
fn fits_schema(id: &str, id_type: &DataType, time_type: &DataType) -> SchemaRef {
    let [model, spec, n_obs, last_ds, freq, info, state] = FIT_COLUMNS;
    Arc::new(Schema::new(vec![
        Field::new(id, id_type.clone(), false),
        Field::new(model, DataType::Utf8, false),
        Field::new(spec, DataType::Utf8, false),
        Field::new(n_obs, DataType::Int64, false),
        Field::new(last_ds, time_type.clone(), false),
        Field::new(freq, DataType::Utf8, false),
        Field::new(info, DataType::Utf8, false),
        Field::new(state, DataType::Binary, true),
    ]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_bounds_pair_lo_and_hi_columns_by_level() {
        let names = [
            "Naive",
            "Naive-lo-95",
            "Naive-lo-80",
            "Naive-hi-80",
            "Naive-hi-95",
            "Naive-lo-x",
            "Naive-hi-x",
            "Naive-lo-50",
            "Other-lo-80",
            "Other-hi-80",
        ];
        let found: Vec<(&str, f64, usize, usize)> = interval_bounds("Naive", &names)
            .into_iter()
            .map(|b| (b.level_text, b.level, b.lo, b.hi))
            .collect();
        assert_eq!(found, [("95", 95.0, 1, 4), ("80", 80.0, 2, 3)]);
    }

    #[test]
    fn levels_print_like_statsforecast() {
        assert_eq!(format_level(80.0), "80");
        assert_eq!(format_level(99.5), "99.5");
        let names = interval_column_names("Naive", &[Level(80.0), Level(95.0)]);
        assert_eq!(
            names,
            ["Naive-lo-95", "Naive-lo-80", "Naive-hi-80", "Naive-hi-95"]
        );
    }
}
