//! [`PortableCsvSink`]: CSV sinks that keep their output when they travel to executors.
//!
//! datafusion-proto 55 writes a CSV sink's unset date, datetime, timestamp and time
//! formats as empty strings and reads them back as set to the empty string, so an
//! executor's `COPY ... STORED AS CSV` writes every date and naive timestamp as "". The
//! scheduler runs this rule before it sends stage plans: every unset format becomes the
//! explicit format that writes what Arrow's default does (ISO dates, `T`-separated
//! timestamps with 3, 6 or 9 fraction digits when not whole seconds).

use std::sync::Arc;

use datafusion::common::Result;
use datafusion::common::config::ConfigOptions;
use datafusion::common::file_options::csv_writer::CsvWriterOptions;
use datafusion::common::tree_node::{Transformed, TransformedResult, TreeNode};
use datafusion::datasource::file_format::csv::CsvSink;
use datafusion::datasource::physical_plan::FileSink;
use datafusion::datasource::sink::DataSinkExec;
use datafusion::physical_optimizer::PhysicalOptimizerRule;
use datafusion::physical_plan::ExecutionPlan;

/// Arrow's default rendering of `Date32` values, as a format.
const DATE: &str = "%Y-%m-%d";
/// Arrow's default rendering of `Date64` and naive timestamps (`%.f`: no fraction for
/// whole seconds, else 3, 6 or 9 digits), as a format.
const DATETIME: &str = "%Y-%m-%dT%H:%M:%S%.f";
/// Arrow's default rendering of times, as a format.
const TIME: &str = "%H:%M:%S%.f";

/// Gives every CSV sink explicit date and time formats (see the module docs).
#[derive(Debug, Default)]
pub struct PortableCsvSink;

impl PhysicalOptimizerRule for PortableCsvSink {
    fn optimize(
        &self,
        plan: Arc<dyn ExecutionPlan>,
        _config: &ConfigOptions,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        plan.transform_up(|node| {
            let Some(exec) = node.downcast_ref::<DataSinkExec>() else {
                return Ok(Transformed::no(node));
            };
            let Some(sink) = exec.sink().downcast_ref::<CsvSink>() else {
                return Ok(Transformed::no(node));
            };
            let options = sink.writer_options();
            let builder = options.writer_options.clone();
            let date = builder.date_format().unwrap_or(DATE).to_string();
            let datetime = builder.datetime_format().unwrap_or(DATETIME).to_string();
            let timestamp = builder.timestamp_format().unwrap_or(DATETIME).to_string();
            let time = builder.time_format().unwrap_or(TIME).to_string();
            let builder = builder
                .with_date_format(date)
                .with_datetime_format(datetime)
                .with_timestamp_format(timestamp)
                .with_time_format(time);
            let portable = CsvSink::new(
                sink.config().clone(),
                CsvWriterOptions {
                    writer_options: builder,
                    ..options.clone()
                },
            );
            Ok(Transformed::yes(Arc::new(DataSinkExec::new(
                Arc::clone(exec.input()),
                Arc::new(portable),
                exec.sort_order().clone(),
            ))))
        })
        .data()
    }

    fn name(&self) -> &str {
        "PortableCsvSink"
    }

    fn schema_check(&self) -> bool {
        true
    }
}
