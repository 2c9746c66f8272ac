//! statsforecast's `ConstantModel` and `ZeroModel`: a fixed value, whatever the series.

use std::sync::Arc;

use super::fit::{Alphas, BaselineFit, Path, Spread};
use crate::models::error::ensure_not_empty;
use crate::models::{FittedModel, InSampleBounds, Model, ModelError, StateError, StateReader};

/// statsforecast `ConstantModel(constant)` (default alias `ConstantModel`; `constant` is
/// required) and `ZeroModel()` (default alias `ZeroModel`, the constant 0).
///
/// Forecasts and fitted values are all `constant`; every interval is degenerate
/// (`lo = hi = constant`), as in statsforecast. `forward` works on any new series.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ConstantModel {
    /// The value forecast (finite).
    pub(crate) constant: f64,
    /// statsforecast class this instance stands for (`ConstantModel` or `ZeroModel`).
    pub(crate) class_name: &'static str,
}

impl ConstantModel {
    /// statsforecast `ConstantModel(constant)`.
    pub(crate) fn new(constant: f64) -> Self {
        Self {
            constant,
            class_name: "ConstantModel",
        }
    }

    /// statsforecast `ZeroModel()`.
    pub(crate) fn zero() -> Self {
        Self {
            constant: 0.0,
            class_name: "ZeroModel",
        }
    }
}

impl Model for ConstantModel {
    fn class_name(&self) -> &'static str {
        self.class_name
    }

    fn has_intervals(&self) -> bool {
        true
    }

    fn has_fitted(&self) -> bool {
        true
    }

    fn in_sample_bounds(&self) -> InSampleBounds {
        InSampleBounds::ZeroWidth
    }

    fn has_forward(&self) -> bool {
        true
    }

    fn fit(&self, y: &[f64]) -> Result<Box<dyn FittedModel>, ModelError> {
        ensure_not_empty(y)?;
        Ok(Box::new(BaselineFit {
            class: self.class_name(),
            path: Path::Flat(self.constant),
            spread: Spread::Zero,
            fitted: vec![self.constant; y.len()],
            fitted_spread: Spread::Zero,
            alphas: Alphas::None,
            refit: Some(Arc::new(*self)),
        }))
    }

    fn restore(&self, state: &mut StateReader<'_>) -> Result<Box<dyn FittedModel>, StateError> {
        BaselineFit::restore(self.class_name(), state, Some(Arc::new(*self)))
    }
}

#[cfg(test)]
mod tests {
    use super::ConstantModel;
    use crate::models::Model;

    #[test]
    fn constant_everywhere() {
        let model = ConstantModel::new(-2.5);
        let out = model
            .forecast(&[1.0, 2.0, 3.0], 2, &[80.0, 95.0], true)
            .unwrap();
        assert_eq!(out.forecast.mean, vec![-2.5; 2]);
        for band in &out.forecast.intervals {
            assert_eq!(band.lo, vec![-2.5; 2]);
            assert_eq!(band.hi, vec![-2.5; 2]);
        }
        let fitted = out.fitted.unwrap();
        assert_eq!(fitted.mean, vec![-2.5; 3]);
        assert_eq!(fitted.intervals[1].hi, vec![-2.5; 3]);
    }

    #[test]
    fn zero_model_and_forward() {
        let model = ConstantModel::zero();
        assert_eq!(model.class_name(), "ZeroModel");
        let fitted = model.fit(&[5.0]).unwrap();
        let moved = fitted.forward(&[1.0, 2.0]).unwrap();
        assert_eq!(moved.predict_in_sample(&[]).mean, vec![0.0, 0.0]);
    }
}
