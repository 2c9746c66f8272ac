//! Integration tests: parity with statsforecast, plan shape, invariance properties and
//! bad-input outcomes, all through SQL; the `dfcast` command line.

mod anomalies;
mod arima_parity;
mod behaviour;
mod ces_parity;
mod charts;
mod cli;
mod common;
mod conformal_parity;
mod cv_fitted;
mod ets_parity;
mod evaluate;
mod fits;
mod intermittent_parity;
mod memory;
mod mstl_parity;
mod parity;
mod regressors;
mod theta_parity;
mod tolerance;
