//! Planning of `generate_panel(n_series, freq, min_length, max_length,
//! n_static_features, equal_ends, seed)`.

use std::sync::Arc;

use datafusion::catalog::streaming::StreamingTable;
use datafusion::common::{Result, plan_datafusion_err, plan_err};
use datafusion::datasource::provider_as_source;
use datafusion::logical_expr::{LogicalPlan, LogicalPlanBuilder};

use super::Args;
use crate::logical::Freq;
use crate::panel::{PanelPartition, PanelSpec};

const ARGS: &[&str] = &[
    "n_series",
    "freq",
    "min_length",
    "max_length",
    "n_static_features",
    "equal_ends",
    "seed",
    "season_length",
];

/// Plans a scan of the generated panel.
pub(super) fn plan_generate_panel(mut args: Args) -> Result<LogicalPlan> {
    args.name_positional(&ARGS[..7], 0)?;
    args.check_names(ARGS)?;
    let n_series = args.required_positive_int("n_series")?;
    let freq_text = args.string("freq")?.unwrap_or_else(|| "D".into());
    let freq = Freq::parse(&freq_text)
        .map_err(|e| plan_datafusion_err!("generate_panel: argument 'freq': {e}"))?;
    if matches!(freq, Freq::Step(_)) {
        return plan_err!(
            "generate_panel: argument 'freq' must be an interval such as 'D', 'MS' or '1 hour'"
        );
    }
    let min_length = args.positive_int("min_length")?.unwrap_or(50);
    let max_length = args.positive_int("max_length")?.unwrap_or(500);
    if min_length > max_length {
        return plan_err!(
            "generate_panel: min_length ({min_length}) must not exceed max_length ({max_length})"
        );
    }
    let spec = PanelSpec {
        n_series,
        season_length: args
            .positive_int("season_length")?
            .unwrap_or_else(|| freq.usual_season()),
        freq,
        min_length,
        max_length,
        n_static_features: args.non_negative_int("n_static_features")?.unwrap_or(0) as usize,
        equal_ends: args.bool("equal_ends")?.unwrap_or(false),
        seed: args.non_negative_int("seed")?.unwrap_or(0),
    };
    let partitions = std::thread::available_parallelism().map_or(1, |n| n.get());
    let table = StreamingTable::try_new(spec.schema(), PanelPartition::all(&spec, partitions))?;
    LogicalPlanBuilder::scan("generate_panel", provider_as_source(Arc::new(table)), None)?.build()
}
