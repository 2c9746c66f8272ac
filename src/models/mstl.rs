//! statsforecast's `MSTL`: the series is decomposed by [`mstl`] into one seasonal component
//! per season length, a trend and a remainder; any non-seasonal model (the trend forecaster,
//! by default `AutoETS(model='ZZN')`) forecasts the seasonally adjusted series (trend plus
//! remainder), and the last cycle of every seasonal component is repeated over the horizon
//! and added back, to the forecast, its bounds and the fitted values alike.

use std::sync::Arc;

use super::error::ensure_finite_series;
use super::spec::{ModelSpec, ParamValue, SpecError, build_model};
use super::stl::{Mstl as Decomposition, StlParams, mstl};
use super::{
    Band, ConformalIntervals, FitInfo, FittedModel, Forecast, ForecastOutput, InSampleBounds,
    Model, ModelError, Regressors, StateError, StateReader, StateWriter, with_conformal_intervals,
};

/// `MSTL(season_length, trend_forecaster, stl_kwargs)`.
#[derive(Debug, Clone)]
pub(crate) struct Mstl {
    /// Ascending, as statsforecast sorts them.
    season_lengths: Vec<usize>,
    trend: Arc<dyn Model>,
    stl: StlSettings,
}

/// The `stl_kwargs` statsforecast passes to every `STL` call.
#[derive(Debug, Clone, Default, PartialEq)]
struct StlSettings {
    trend: Option<Option<usize>>,
    low_pass: Option<Option<usize>>,
    seasonal_deg: Option<usize>,
    trend_deg: Option<usize>,
    low_pass_deg: Option<usize>,
    robust: Option<bool>,
    seasonal_jump: Option<usize>,
    trend_jump: Option<usize>,
    low_pass_jump: Option<usize>,
}

impl StlSettings {
    fn from_value(value: &ParamValue) -> Result<Self, SpecError> {
        let mut settings = Self::default();
        let ParamValue::Dict(entries) = value else {
            return Ok(settings);
        };
        let int = |key: &str, value: &ParamValue| match value {
            ParamValue::Int(v) => usize::try_from(*v)
                .map_err(|_| SpecError::new(format!("MSTL: stl_kwargs {key} is out of range"))),
            _ => Err(SpecError::new(format!(
                "MSTL: stl_kwargs {key} must be an integer"
            ))),
        };
        let optional_int = |key: &str, value: &ParamValue| match value {
            ParamValue::None => Ok(None),
            other => int(key, other).map(Some),
        };
        for (key, value) in entries {
            match key.as_str() {
                "trend" => settings.trend = Some(optional_int(key, value)?),
                "low_pass" => settings.low_pass = Some(optional_int(key, value)?),
                "seasonal_deg" => settings.seasonal_deg = Some(int(key, value)?),
                "trend_deg" => settings.trend_deg = Some(int(key, value)?),
                "low_pass_deg" => settings.low_pass_deg = Some(int(key, value)?),
                "seasonal_jump" => settings.seasonal_jump = Some(int(key, value)?),
                "trend_jump" => settings.trend_jump = Some(int(key, value)?),
                "low_pass_jump" => settings.low_pass_jump = Some(int(key, value)?),
                "robust" => match value {
                    ParamValue::Bool(v) => settings.robust = Some(*v),
                    _ => return Err(SpecError::new("MSTL: stl_kwargs robust must be a bool")),
                },
                other => {
                    return Err(SpecError::new(format!(
                        "MSTL: unknown stl_kwargs key '{other}'"
                    )));
                }
            }
        }
        Ok(settings)
    }

    /// Overrides statsforecast's STL settings with the given ones, as `STL(**stl_kwargs)`.
    fn apply(&self, params: &mut StlParams) {
        if let Some(trend) = self.trend {
            params.trend = trend;
        }
        if let Some(low_pass) = self.low_pass {
            params.low_pass = low_pass;
        }
        let set = |target: &mut usize, value: Option<usize>| {
            if let Some(value) = value {
                *target = value;
            }
        };
        set(&mut params.seasonal_deg, self.seasonal_deg);
        set(&mut params.trend_deg, self.trend_deg);
        set(&mut params.low_pass_deg, self.low_pass_deg);
        set(&mut params.seasonal_jump, self.seasonal_jump);
        set(&mut params.trend_jump, self.trend_jump);
        set(&mut params.low_pass_jump, self.low_pass_jump);
        if let Some(robust) = self.robust {
            params.robust = robust;
        }
    }
}

impl Mstl {
    /// Builds from a validated spec; refuses what statsforecast's constructor refuses (a
    /// seasonal trend forecaster) and what it cannot run (a season length of 1, which
    /// needs the `supersmoother` package).
    pub(crate) fn from_spec(spec: &ModelSpec) -> Result<Self, SpecError> {
        let mut season_lengths = match spec.param("season_length") {
            Some(ParamValue::Int(v)) => vec![*v],
            Some(ParamValue::List(items)) => items
                .iter()
                .map(|item| match item {
                    ParamValue::Int(v) => Ok(*v),
                    _ => Err(SpecError::new("MSTL: season_length must hold integers")),
                })
                .collect::<Result<Vec<_>, _>>()?,
            _ => return Err(SpecError::new("MSTL: season_length must be given")),
        }
        .into_iter()
        .map(|v| usize::try_from(v).map_err(|_| SpecError::new("MSTL: season_length too large")))
        .collect::<Result<Vec<_>, _>>()?;
        season_lengths.sort_unstable();
        if season_lengths.contains(&1) {
            return Err(SpecError::new(
                "MSTL: season_length 1 is not supported (statsforecast fits the trend of a \
                 non-seasonal series with the optional supersmoother package); give season \
                 lengths of at least 2",
            ));
        }
        let Some(ParamValue::Model(trend_spec)) = spec.param("trend_forecaster") else {
            return Err(SpecError::new("MSTL: trend_forecaster must be a model"));
        };
        check_non_seasonal(trend_spec)?;
        let stl = StlSettings::from_value(spec.param("stl_kwargs").unwrap_or(&ParamValue::None))?;
        // STL checks its windows (odd, above the period) when it is constructed, before
        // any series is seen: so do we, on every season length.
        for (i, &period) in season_lengths.iter().enumerate() {
            let mut params = StlParams::new(period, 7 + 4 * (i + 1));
            params.seasonal_deg = 0;
            stl.apply(&mut params);
            super::stl::check_params(&params)
                .map_err(|reason| SpecError::new(format!("MSTL: stl_kwargs: {reason}")))?;
        }
        Ok(Self {
            season_lengths,
            trend: build_model(trend_spec)?,
            stl,
        })
    }

    fn decompose(&self, y: &[f64]) -> Result<Decomposition, ModelError> {
        ensure_finite_series("MSTL", y)?;
        // statsmodels' STL does not check the length, and below one period it reads past
        // its work arrays: such series are refused.
        let longest = self.season_lengths.iter().copied().max().unwrap_or(1);
        if y.len() < longest {
            return Err(ModelError::NotEnoughData {
                model: "MSTL",
                needed: longest,
                got: y.len(),
            });
        }
        mstl(y, &self.season_lengths, None, &|params| {
            self.stl.apply(params)
        })
        .map_err(|reason| ModelError::Failed(format!("MSTL: {reason}")))
    }
}

/// statsforecast's constructor check: the trend forecaster must not model seasonality
/// itself (an `AutoETS` with a seasonal component, or any `season_length` other than 1).
fn check_non_seasonal(trend: &ModelSpec) -> Result<(), SpecError> {
    if trend.class_name() == "AutoETS"
        && let Some(ParamValue::Str(model)) = trend.param("model")
        && !model.ends_with('N')
    {
        return Err(SpecError::new(format!(
            "MSTL: trend_forecaster should not adjust seasonal models: AutoETS model '{model}' \
             has a seasonal component (use e.g. 'ZZN')"
        )));
    }
    match trend.param("season_length") {
        None | Some(ParamValue::Int(1)) => Ok(()),
        Some(other) => Err(SpecError::new(format!(
            "MSTL: trend_forecaster should not adjust seasonal models: pass season_length=1 \
             to {} (it has season_length={other})",
            trend.class_name()
        ))),
    }
}

/// What is added back to the trend forecaster's output: the in-sample seasonality and the
/// last cycle of every seasonal component, repeated over the horizon.
#[derive(Debug, Clone)]
struct Seasonality {
    in_sample: Vec<f64>,
    last_cycles: Vec<Vec<f64>>,
}

impl Seasonality {
    /// Splits the decomposition into the seasonally adjusted series (trend plus remainder,
    /// what the trend forecaster sees) and the seasonality.
    fn split(decomposition: Decomposition, season_lengths: &[usize]) -> (Vec<f64>, Self) {
        let Decomposition {
            trend,
            seasonals,
            remainder,
        } = decomposition;
        let adjusted = trend.iter().zip(&remainder).map(|(t, r)| t + r).collect();
        let in_sample = (0..trend.len())
            .map(|t| row_sum(seasonals.iter().map(|s| s[t])))
            .collect();
        let last_cycles = seasonals
            .iter()
            .zip(season_lengths)
            .map(|(seasonal, &m)| seasonal[seasonal.len().saturating_sub(m)..].to_vec())
            .collect();
        let seasonality = Self {
            in_sample,
            last_cycles,
        };
        (adjusted, seasonality)
    }

    /// The seasonality of the `h` future steps.
    fn future(&self, h: usize) -> Vec<f64> {
        (0..h)
            .map(|j| row_sum(self.last_cycles.iter().map(|cycle| cycle[j % cycle.len()])))
            .collect()
    }
}

/// The sum of a few components at one time, left to right from the first (numpy's and
/// pandas' row sums).
fn row_sum(mut values: impl Iterator<Item = f64>) -> f64 {
    let first = values.next().unwrap_or(0.0);
    values.fold(first, |sum, v| sum + v)
}

/// Adds the seasonality to point values and every band.
fn reseasonalise(mut forecast: Forecast, seasonality: &[f64]) -> Forecast {
    let add = |values: &mut Vec<f64>| {
        for (v, s) in values.iter_mut().zip(seasonality) {
            *v += s;
        }
    };
    add(&mut forecast.mean);
    for Band { lo, hi, .. } in &mut forecast.intervals {
        add(lo);
        add(hi);
    }
    forecast
}

impl Model for Mstl {
    fn class_name(&self) -> &'static str {
        "MSTL"
    }

    fn has_intervals(&self) -> bool {
        self.trend.has_intervals()
    }

    fn has_fitted(&self) -> bool {
        self.trend.has_fitted()
    }

    /// The trend forecaster's, shifted by the seasonal components.
    fn in_sample_bounds(&self) -> InSampleBounds {
        self.trend.in_sample_bounds()
    }

    fn has_forward(&self) -> bool {
        self.trend.has_forward()
    }

    /// The trend forecaster's: its conformal intervals are the ones applied.
    fn conformal_intervals(&self) -> Option<ConformalIntervals> {
        self.trend.conformal_intervals()
    }

    /// statsforecast's `MSTL(prediction_intervals=...)` gives them to the trend forecaster
    /// when that has none, so the scores are those of the trend forecaster on the seasonally
    /// adjusted series (decomposed once), and the bounds are reseasonalised as the forecast.
    fn apply_conformal_intervals(&self, settings: ConformalIntervals) -> Option<Arc<dyn Model>> {
        let trend = match self.trend.conformal_intervals() {
            Some(_) => Arc::clone(&self.trend),
            None => with_conformal_intervals(Arc::clone(&self.trend), settings),
        };
        Some(Arc::new(Self {
            trend,
            ..self.clone()
        }))
    }

    fn fit(&self, y: &[f64]) -> Result<Box<dyn FittedModel>, ModelError> {
        self.fit_with_regressors(y, &[])
    }

    fn forecast(
        &self,
        y: &[f64],
        h: usize,
        levels: &[f64],
        fitted: bool,
    ) -> Result<ForecastOutput, ModelError> {
        self.forecast_with_regressors(y, &[], &[], h, levels, fitted)
    }

    /// Regressors go to the trend forecaster, as statsforecast passes `X` on.
    fn uses_regressors(&self) -> bool {
        self.trend.uses_regressors()
    }

    fn fit_with_regressors(
        &self,
        y: &[f64],
        x: &Regressors,
    ) -> Result<Box<dyn FittedModel>, ModelError> {
        let (adjusted, seasonality) = Seasonality::split(self.decompose(y)?, &self.season_lengths);
        let trend = self.trend.fit_with_regressors(&adjusted, x)?;
        Ok(Box::new(MstlFitted {
            mstl: self.clone(),
            trend,
            seasonality,
        }))
    }

    fn forecast_with_regressors(
        &self,
        y: &[f64],
        x: &Regressors,
        x_future: &Regressors,
        h: usize,
        levels: &[f64],
        fitted: bool,
    ) -> Result<ForecastOutput, ModelError> {
        let (adjusted, seasonality) = Seasonality::split(self.decompose(y)?, &self.season_lengths);
        let levels = if self.has_intervals() { levels } else { &[] };
        let output = self
            .trend
            .forecast_with_regressors(&adjusted, x, x_future, h, levels, fitted)?;
        Ok(ForecastOutput {
            forecast: reseasonalise(output.forecast, &seasonality.future(h)),
            fitted: output
                .fitted
                .map(|f| reseasonalise(f, &seasonality.in_sample)),
        })
    }

    /// The trend forecaster's state, then the in-sample seasonality and each seasonal
    /// component's last cycle (one season long).
    fn restore(&self, state: &mut StateReader<'_>) -> Result<Box<dyn FittedModel>, StateError> {
        let trend = self.trend.restore(state)?;
        let in_sample = state.f64s()?;
        let last_cycles = self
            .season_lengths
            .iter()
            .map(|&m| state.f64s_of_length("last seasonal cycle", |len| len == m))
            .collect::<Result<_, _>>()?;
        Ok(Box::new(MstlFitted {
            mstl: self.clone(),
            trend,
            seasonality: Seasonality {
                in_sample,
                last_cycles,
            },
        }))
    }
}

/// A fitted MSTL: the fitted trend forecaster and the seasonality to add back.
struct MstlFitted {
    mstl: Mstl,
    trend: Box<dyn FittedModel>,
    seasonality: Seasonality,
}

impl FittedModel for MstlFitted {
    fn predict(&self, h: usize, levels: &[f64]) -> Forecast {
        self.predict_with_regressors(h, &[], levels)
    }

    fn predict_in_sample(&self, levels: &[f64]) -> Forecast {
        reseasonalise(
            self.trend.predict_in_sample(levels),
            &self.seasonality.in_sample,
        )
    }

    fn forward(&self, y: &[f64]) -> Result<Box<dyn FittedModel>, ModelError> {
        self.forward_with_regressors(y, &[])
    }

    fn predict_with_regressors(&self, h: usize, x_future: &Regressors, levels: &[f64]) -> Forecast {
        let forecast = self.trend.predict_with_regressors(h, x_future, levels);
        reseasonalise(forecast, &self.seasonality.future(h))
    }

    /// statsforecast's `MSTL.forward`: a new decomposition of `y`, and the trend
    /// forecaster's `forward` on its seasonally adjusted series.
    fn forward_with_regressors(
        &self,
        y: &[f64],
        x: &Regressors,
    ) -> Result<Box<dyn FittedModel>, ModelError> {
        let (adjusted, seasonality) =
            Seasonality::split(self.mstl.decompose(y)?, &self.mstl.season_lengths);
        let trend = self.trend.forward_with_regressors(&adjusted, x)?;
        Ok(Box::new(Self {
            mstl: self.mstl.clone(),
            trend,
            seasonality,
        }))
    }

    fn save(&self, state: &mut StateWriter) {
        self.trend.save(state);
        state.f64s(&self.seasonality.in_sample);
        for cycle in &self.seasonality.last_cycles {
            state.f64s(cycle);
        }
    }

    /// `MSTL(<season lengths>)` with the trend forecaster's info.
    fn info(&self) -> FitInfo {
        let lengths: Vec<String> = self
            .mstl
            .season_lengths
            .iter()
            .map(ToString::to_string)
            .collect();
        FitInfo::method(format!("MSTL({})", lengths.join(", ")))
            .with("trend", self.trend.info().into())
    }
}

#[cfg(test)]
mod tests {
    use crate::models::stl::mstl;
    use crate::models::{build_model, parse_model_specs};

    fn model(text: &str) -> std::sync::Arc<dyn crate::models::Model> {
        build_model(&parse_model_specs(text).unwrap()[0]).unwrap()
    }

    /// A level plus an exact cycle: the decomposition recovers both, so the forecast of a
    /// naive trend continues the pattern.
    #[test]
    fn periodic_series_is_continued() {
        let cycle = [1.0, -1.0, 2.0, -2.0];
        let y: Vec<f64> = (0..24).map(|t| 10.0 + cycle[t % 4]).collect();
        let out = model("MSTL(season_length=4, trend_forecaster=Naive())")
            .forecast(&y, 6, &[80.0], true)
            .unwrap();
        for (j, v) in out.forecast.mean.iter().enumerate() {
            assert!((v - (10.0 + cycle[(24 + j) % 4])).abs() < 1e-9, "{j}: {v}");
        }
        // Naive's bands around the seasonal forecast are symmetric.
        let band = &out.forecast.intervals[0];
        for ((lo, hi), mean) in band.lo.iter().zip(&band.hi).zip(&out.forecast.mean) {
            assert!(((lo + hi) / 2.0 - mean).abs() < 1e-9);
        }
        let fitted = out.fitted.unwrap();
        assert!(fitted.mean[0].is_nan(), "Naive has no first fitted value");
        for (t, (f, y)) in fitted.mean.iter().zip(&y).enumerate().skip(1) {
            assert!((f - y).abs() < 1e-9, "{t}");
        }
    }

    /// Each seasonal component's last cycle is repeated with its own period: the forecast
    /// of a naive trend is the last adjusted value plus both cycles at each step.
    #[test]
    fn two_seasonalities_repeat_with_their_own_periods() {
        let y: Vec<f64> = (0..61)
            .map(|t| {
                50.0 + 0.1 * t as f64 + [3.0, -3.0, 1.0][t % 3] + [0.0, 4.0, -1.0, -4.0, 1.0][t % 5]
            })
            .collect();
        let parts = mstl(&y, &[5, 3], None, &|p| p.seasonal_deg = 0).unwrap();
        let adjusted_last = parts.trend[60] + parts.remainder[60];
        let (short, long) = (&parts.seasonals[0], &parts.seasonals[1]);
        let forecast = model("MSTL(season_length=[5, 3], trend_forecaster=Naive())")
            .fit(&y)
            .unwrap()
            .predict(11, &[]);
        for (j, v) in forecast.mean.iter().enumerate() {
            let want = adjusted_last + (short[58 + j % 3] + long[56 + j % 5]);
            assert_eq!(*v, want, "{j}");
        }
    }

    /// The season lengths, ascending, and the trend forecaster's own info on the seasonally
    /// adjusted series.
    #[test]
    fn info_nests_the_trend_forecasters() {
        use crate::models::{InfoValue, Model};

        let y: Vec<f64> = (0..40)
            .map(|t| 10.0 + 0.2 * t as f64 + [2.0, -1.0, -1.0][t % 3] + ((t * 7) % 4) as f64)
            .collect();
        let info = model("MSTL(season_length=[5, 3], trend_forecaster=Naive())")
            .fit(&y)
            .unwrap()
            .info();
        let parts = mstl(&y, &[3, 5], None, &|p| p.seasonal_deg = 0).unwrap();
        let adjusted: Vec<f64> = parts
            .trend
            .iter()
            .zip(&parts.remainder)
            .map(|(t, r)| t + r)
            .collect();
        let trend = crate::models::baselines::Naive
            .fit(&adjusted)
            .unwrap()
            .info();
        assert_eq!(info.method, "MSTL(3, 5)");
        assert_eq!(info.fields, [("trend".to_owned(), InfoValue::from(trend))]);
    }

    #[test]
    fn series_shorter_than_the_longest_season_is_refused() {
        let err = model("MSTL(season_length=[4, 12])").fit(&[1.0; 11]).err();
        assert_eq!(
            err.map(|e| e.to_string()).as_deref(),
            Some("MSTL needs at least 12 observations, the series has 11")
        );
    }
}
