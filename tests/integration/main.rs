//! Integration tests: parity with statsforecast, plan shape, invariance properties and
//! bad-input outcomes, all through SQL.

mod behaviour;
mod common;
mod ets_parity;
mod memory;
mod parity;
