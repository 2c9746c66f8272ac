//! Physical planning and execution: the extension planner, [`ForecastExec`], and the
//! stream that cuts sorted batches into series and runs the models on them.

mod exec;
mod future;
mod memory;
mod metrics;
mod planner;
mod predict;
mod presorted;
mod progress;
mod series;
mod shuffle;
mod stream;
pub(crate) mod time;

pub use exec::ForecastExec;
pub use planner::{ForecastExtensionPlanner, ForecastQueryPlanner};
pub(crate) use presorted::SortUnlessSortedExec;
pub use shuffle::SortBeforeShuffle;
