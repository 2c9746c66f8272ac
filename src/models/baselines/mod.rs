//! statsforecast's baseline models: naive, seasonal naive, drift, averages, simple
//! exponential smoothing and constants. Each file holds one family; they share the fitted
//! state in [`fit`].

mod constant;
mod exponential_smoothing;
mod fit;
mod historic_average;
mod naive;
mod random_walk;
mod seasonal_exponential_smoothing;
mod seasonal_naive;
mod window_average;

pub(crate) use constant::ConstantModel;
pub(crate) use exponential_smoothing::{
    SimpleExponentialSmoothing, SimpleExponentialSmoothingOptimized,
};
pub(crate) use historic_average::HistoricAverage;
pub(crate) use naive::Naive;
pub(crate) use random_walk::RandomWalkWithDrift;
pub(crate) use seasonal_exponential_smoothing::{
    SeasonalExponentialSmoothing, SeasonalExponentialSmoothingOptimized,
};
pub(crate) use seasonal_naive::SeasonalNaive;
pub(crate) use window_average::{SeasonalWindowAverage, WindowAverage};
