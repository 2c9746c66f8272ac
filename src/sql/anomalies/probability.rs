//! `anomaly_probability(y, fitted, lo, hi, level)`: how unusual an observation is under a
//! model's Gaussian fitted bounds, as BigQuery's `ML.DETECT_ANOMALIES` reports it: the
//! probability that a value of the model's predictive distribution lies closer to the
//! fitted value than `y` does, `2·Φ(|y − fitted| / σ) − 1`, with `σ` recovered from the
//! bounds at `level` (`hi − lo = 2·z·σ`).

use std::sync::Arc;

use datafusion::arrow::array::{Array, AsArray, Float64Array};
use datafusion::arrow::datatypes::{DataType, Float64Type};
use datafusion::common::{Result, ScalarValue, exec_err};
use datafusion::logical_expr::{
    ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};

use crate::models::normal_quantile;

/// The function's name, in plans and on the wire.
pub(crate) const ANOMALY_PROBABILITY: &str = "anomaly_probability";

/// The scalar function behind `<alias>-anomaly-probability`.
#[derive(Debug, PartialEq, Eq, Hash)]
pub(crate) struct AnomalyProbability {
    signature: Signature,
}

/// The function, as planned by `detect_anomalies` and decoded by the codecs.
pub(crate) fn anomaly_probability() -> Arc<ScalarUDF> {
    Arc::new(ScalarUDF::new_from_impl(AnomalyProbability {
        signature: Signature::exact(vec![DataType::Float64; 5], Volatility::Immutable),
    }))
}

impl ScalarUDFImpl for AnomalyProbability {
    fn name(&self) -> &str {
        ANOMALY_PROBABILITY
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Float64)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let [.., ColumnarValue::Scalar(ScalarValue::Float64(Some(level)))] = args.args.as_slice()
        else {
            return exec_err!("{ANOMALY_PROBABILITY}: the fifth argument must be a constant level");
        };
        let z = normal_quantile(0.5 + level / 200.0);
        let columns = ColumnarValue::values_to_arrays(&args.args[..4])?;
        let [y, fitted, lo, hi] = [0, 1, 2, 3].map(|i| columns[i].as_primitive::<Float64Type>());
        let probabilities: Float64Array = (0..y.len())
            .map(|i| {
                let row =
                    [y, fitted, lo, hi].map(|column| column.is_valid(i).then(|| column.value(i)));
                match row {
                    [Some(y), Some(fitted), Some(lo), Some(hi)] => {
                        probability(y, fitted, (hi - lo) / (2.0 * z))
                    }
                    _ => None,
                }
            })
            .collect();
        Ok(ColumnarValue::Array(Arc::new(probabilities)))
    }
}

/// `2·Φ(|y − fitted| / σ) − 1 = erf(|y − fitted| / (σ·√2))`; `None` where the fitted value
/// or its bounds are not finite (no in-sample value). Zero-width bounds give 0 at the
/// fitted value and 1 anywhere else.
fn probability(y: f64, fitted: f64, sigma: f64) -> Option<f64> {
    if !(y.is_finite() && fitted.is_finite() && sigma.is_finite()) {
        return None;
    }
    let distance = (y - fitted).abs();
    if sigma == 0.0 {
        return Some(if distance == 0.0 { 0.0 } else { 1.0 });
    }
    Some(libm::erf(distance / (sigma * std::f64::consts::SQRT_2)))
}

#[cfg(test)]
mod tests {
    use super::probability;

    #[test]
    fn probability_of_a_less_extreme_value() {
        // At the bounds of a 95 % interval the probability is 0.95, at the fitted value 0.
        let z95 = 1.959963984540054;
        let p = probability(10.0 + z95 * 2.0, 10.0, 2.0).unwrap();
        assert!((p - 0.95).abs() < 1e-15, "{p}");
        assert_eq!(probability(10.0, 10.0, 2.0), Some(0.0));
        assert_eq!(probability(7.0, 10.0, 1.0), probability(13.0, 10.0, 1.0));
        assert_eq!(probability(10.0, 10.0, 0.0), Some(0.0));
        assert_eq!(probability(10.5, 10.0, 0.0), Some(1.0));
        assert_eq!(probability(1.0, f64::NAN, 1.0), None);
        assert_eq!(probability(1.0, 1.0, f64::NAN), None);
    }
}
