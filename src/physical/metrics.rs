//! Metrics shown by `EXPLAIN ANALYZE`: series processed, failed and fallen back, and the
//! time spent in each model.

use datafusion::physical_plan::metrics::{
    BaselineMetrics, Count, ExecutionPlanMetricsSet, MetricBuilder, Time,
};

use super::series::{Outcome, SeriesRows};

pub(crate) struct ForecastMetrics {
    pub(crate) baseline: BaselineMetrics,
    series: Count,
    failed: Count,
    fell_back: Count,
    model_time: Vec<Time>,
}

impl ForecastMetrics {
    pub(crate) fn new(set: &ExecutionPlanMetricsSet, partition: usize, aliases: &[String]) -> Self {
        Self {
            baseline: BaselineMetrics::new(set, partition),
            series: MetricBuilder::new(set).counter("series", partition),
            failed: MetricBuilder::new(set).counter("series_failed", partition),
            fell_back: MetricBuilder::new(set).counter("series_fallback", partition),
            model_time: aliases
                .iter()
                .map(|alias| {
                    MetricBuilder::new(set).subset_time(format!("fit_time_{alias}"), partition)
                })
                .collect(),
        }
    }

    pub(crate) fn record(&self, rows: &SeriesRows) {
        self.series.add(1);
        let mut failed = false;
        let mut fell_back = false;
        for ((outcome, elapsed), time) in rows.outcomes.iter().zip(&self.model_time) {
            time.add_duration(*elapsed);
            failed |= *outcome == Outcome::Failed;
            fell_back |= *outcome == Outcome::FellBack;
        }
        if failed {
            self.failed.add(1);
        }
        if fell_back {
            self.fell_back.add(1);
        }
    }
}
