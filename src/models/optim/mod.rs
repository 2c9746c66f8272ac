//! Numerical optimisers shared by the model families.
//!
//! statsforecast compiles one bounded Nelder–Mead (`nelder_mead.h`) and uses it for ETS,
//! Theta and CES; [`nelder_mead`] follows it step by step, including the order in which it
//! adds floating-point numbers, so that the same start gives the same optimum. ARIMA is
//! estimated with scipy's BFGS, which [`minimize_bfgs`] reproduces.

mod bfgs;
mod eigen;
mod nelder_mead;
mod sort;

pub(crate) use bfgs::{BfgsOutcome, BfgsStatus, minimize_bfgs, openblas_dot};
pub(crate) use eigen::eigen_sum;
pub(crate) use nelder_mead::{NelderMeadOptions, nelder_mead};
