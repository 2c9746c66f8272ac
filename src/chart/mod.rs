//! Charts as file formats: `COPY (query) TO 'forecast.svg'` (or `.png`, or any name with
//! `STORED AS SVG` / `STORED AS PNG`) draws one panel per series with its history, each
//! model's forecast and interval bands, and writes one image.
//!
//! ```sql
//! COPY (SELECT * FROM forecast('data/air_passengers.csv', h => 12, level => [80, 95],
//!                              models => 'AutoETS(season_length=12)', fitted => true))
//! TO 'air_passengers_forecast.svg' OPTIONS ('chart.width' 1000, 'chart.title' 'AirPassengers');
//! ```
//!
//! What is drawn is read from the column names, as the table functions write them:
//! `unique_id` (one panel per series, the first `max_series` of them in id order:
//! integers numerically, then text), `ds` (a date, timestamp or integer), `y` (the
//! observations), every other float column a model, `<model>-lo-<level>` and
//! `<model>-hi-<level>` its bands, `time_series_type = 'history'` its in-sample values
//! (`fitted => true`), `cutoff` one forecast per cross-validation window, and
//! `<model>-anomaly` the observations `detect_anomalies` flags.
//!
//! ```text
//!  DataSinkExec ── batches ──► collect::Collector  keeps the selected series' rows as f64,
//!   (ChartSink)                                    charged to the memory pool
//!                               │ finish
//!                               ▼
//!                       collect::Panel per series ──► render::svg / render::png ──► one file
//! ```
//!
//! [`ChartFormatFactory`] registers the extensions; [`crate::install`] does it for every
//! session of this crate.

mod collect;
mod options;
mod render;
mod svg;

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::Session;
use datafusion::common::config::TableOptions;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::common::{DataFusionError, GetExt, Result, Statistics, not_impl_err, plan_err};
use datafusion::datasource::file_format::file_compression_type::FileCompressionType;
use datafusion::datasource::file_format::{FileFormat, FileFormatFactory};
use datafusion::datasource::physical_plan::{
    FileOpener, FileScanConfig, FileSinkConfig, FileSource,
};
use datafusion::datasource::sink::{DataSink, DataSinkExec};
use datafusion::datasource::table_schema::TableSchema;
use datafusion::execution::SessionStateBuilder;
use datafusion::execution::memory_pool::MemoryConsumer;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::logical_expr::dml::InsertOp;
use datafusion::object_store::{ObjectMeta, ObjectStore, ObjectStoreExt};
use datafusion::physical_expr::{LexRequirement, PhysicalExpr};
use datafusion::physical_plan::metrics::ExecutionPlanMetricsSet;
use datafusion::physical_plan::{DisplayAs, DisplayFormatType, ExecutionPlan};
use futures::StreamExt;

use collect::{Collector, Roles};
use options::{ChartOptions, ChartTableOptions};
use render::Chart;

/// The image formats a chart is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChartKind {
    /// An SVG document: vector graphics with text as text, every panel and band a named
    /// group (`<g class="panel" data-series="...">`, `<g class="band" data-model="..."
    /// data-level="...">`).
    Svg,
    /// A PNG image (8-bit RGB).
    Png,
}

impl ChartKind {
    /// The file extension, also the `STORED AS` name.
    pub fn extension(self) -> &'static str {
        match self {
            ChartKind::Svg => "svg",
            ChartKind::Png => "png",
        }
    }
}

/// Adds the chart file formats and the `chart` namespace of table options (which
/// datafusion-cli checks `COPY` options against) to a session state builder.
pub(crate) fn install(mut builder: SessionStateBuilder) -> SessionStateBuilder {
    builder
        .file_formats()
        .get_or_insert_with(Vec::new)
        .extend(chart_formats());
    let defaults = builder
        .config()
        .as_ref()
        .map(|config| TableOptions::default_from_session_config(config.options()))
        .unwrap_or_default();
    builder
        .table_options()
        .get_or_insert(defaults)
        .extensions
        .insert(ChartTableOptions::default());
    builder
}

/// The chart file formats, one per [`ChartKind`], for
/// `SessionStateBuilder::with_file_formats` or `SessionContext::register_file_format`.
pub fn chart_formats() -> Vec<Arc<dyn FileFormatFactory>> {
    [ChartKind::Svg, ChartKind::Png]
        .into_iter()
        .map(|kind| Arc::new(ChartFormatFactory::new(kind)) as Arc<dyn FileFormatFactory>)
        .collect()
}

/// Makes `COPY ... TO 'x.svg'` (or `.png`) draw a chart; reads the `OPTIONS`.
#[derive(Debug, Clone)]
pub struct ChartFormatFactory {
    kind: ChartKind,
}

impl ChartFormatFactory {
    /// The factory for one image format.
    pub fn new(kind: ChartKind) -> Self {
        ChartFormatFactory { kind }
    }
}

impl GetExt for ChartFormatFactory {
    fn get_ext(&self) -> String {
        self.kind.extension().to_string()
    }
}

impl FileFormatFactory for ChartFormatFactory {
    fn create(
        &self,
        _state: &dyn Session,
        format_options: &HashMap<String, String>,
    ) -> Result<Arc<dyn FileFormat>> {
        Ok(Arc::new(ChartFormat {
            kind: self.kind,
            options: ChartOptions::from_map(format_options)?,
        }))
    }

    fn default(&self) -> Arc<dyn FileFormat> {
        Arc::new(ChartFormat {
            kind: self.kind,
            options: ChartOptions::default(),
        })
    }
}

/// A chart format with its options: writes through a [`ChartSink`]; charts cannot be
/// read back as tables.
#[derive(Debug)]
pub struct ChartFormat {
    kind: ChartKind,
    options: ChartOptions,
}

fn not_readable<T>() -> Result<T> {
    not_impl_err!("charts (svg, png) can be written with COPY ... TO but not read as tables")
}

#[async_trait]
impl FileFormat for ChartFormat {
    fn get_ext(&self) -> String {
        self.kind.extension().to_string()
    }

    fn get_ext_with_compression(&self, compression: &FileCompressionType) -> Result<String> {
        if compression.is_compressed() {
            return not_impl_err!("charts are not compressed");
        }
        Ok(self.get_ext())
    }

    fn compression_type(&self) -> Option<FileCompressionType> {
        None
    }

    async fn infer_schema(
        &self,
        _state: &dyn Session,
        _store: &Arc<dyn ObjectStore>,
        _objects: &[ObjectMeta],
    ) -> Result<SchemaRef> {
        not_readable()
    }

    async fn infer_stats(
        &self,
        _state: &dyn Session,
        _store: &Arc<dyn ObjectStore>,
        _table_schema: SchemaRef,
        _object: &ObjectMeta,
    ) -> Result<Statistics> {
        not_readable()
    }

    async fn create_physical_plan(
        &self,
        _state: &dyn Session,
        _conf: FileScanConfig,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        not_readable()
    }

    async fn create_writer_physical_plan(
        &self,
        input: Arc<dyn ExecutionPlan>,
        _state: &dyn Session,
        conf: FileSinkConfig,
        order_requirements: Option<LexRequirement>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        if conf.insert_op != InsertOp::Append {
            return not_impl_err!("charts are written with COPY ... TO only");
        }
        if !conf.table_partition_cols.is_empty() {
            return not_impl_err!("a chart is one file: PARTITIONED BY is not supported");
        }
        if conf.table_paths.len() != 1 || conf.table_paths[0].is_collection() {
            return plan_err!(
                "a chart is one file: COPY it TO a file name, not a directory ('{}')",
                conf.original_url
            );
        }
        let roles = Roles::from_schema(conf.output_schema(), &self.options)?;
        let sink = ChartSink {
            kind: self.kind,
            options: self.options.clone(),
            roles,
            config: conf,
        };
        Ok(Arc::new(DataSinkExec::new(
            input,
            Arc::new(sink),
            order_requirements,
        )))
    }

    fn file_source(&self, table_schema: TableSchema) -> Arc<dyn FileSource> {
        Arc::new(ChartSource {
            table_schema,
            metrics: ExecutionPlanMetricsSet::new(),
        })
    }
}

/// What [`FileFormat::file_source`] must return; charts are never scanned, so opening
/// one is an error.
struct ChartSource {
    table_schema: TableSchema,
    metrics: ExecutionPlanMetricsSet,
}

impl FileSource for ChartSource {
    fn create_file_opener(
        &self,
        _object_store: Arc<dyn ObjectStore>,
        _base_config: &FileScanConfig,
        _partition: usize,
    ) -> Result<Arc<dyn FileOpener>> {
        not_readable()
    }

    fn table_schema(&self) -> &TableSchema {
        &self.table_schema
    }

    fn with_batch_size(&self, _batch_size: usize) -> Arc<dyn FileSource> {
        Arc::new(ChartSource {
            table_schema: self.table_schema.clone(),
            metrics: self.metrics.clone(),
        })
    }

    fn metrics(&self) -> &ExecutionPlanMetricsSet {
        &self.metrics
    }

    fn file_type(&self) -> &str {
        "chart"
    }

    fn apply_expressions(
        &self,
        _visit: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>,
    ) -> Result<TreeNodeRecursion> {
        Ok(TreeNodeRecursion::Continue)
    }
}

/// Collects every row of the query, then draws the chart and writes the file.
#[derive(Debug)]
pub struct ChartSink {
    kind: ChartKind,
    options: ChartOptions,
    roles: Roles,
    config: FileSinkConfig,
}

impl DisplayAs for ChartSink {
    fn fmt_as(&self, _format: DisplayFormatType, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ChartSink: format={}, file={}",
            self.kind.extension(),
            self.config.original_url
        )
    }
}

#[async_trait]
impl DataSink for ChartSink {
    fn schema(&self) -> &SchemaRef {
        self.config.output_schema()
    }

    async fn write_all(
        &self,
        mut data: SendableRecordBatchStream,
        context: &Arc<TaskContext>,
    ) -> Result<u64> {
        let reservation = MemoryConsumer::new("ChartSink").register(context.memory_pool());
        let out_of_memory = |error: DataFusionError| {
            error.context("a chart keeps the rows of the series it draws in memory")
        };
        let mut collector = Collector::new(self.roles.clone(), &self.options);
        let mut rows = 0u64;
        while let Some(batch) = data.next().await.transpose()? {
            rows += batch.num_rows() as u64;
            collector.push(&batch)?;
            reservation
                .try_resize(collector.bytes())
                .map_err(out_of_memory)?;
        }
        let panels = collector.finish()?;
        let (columns, size) = render::layout(panels.len(), &self.options);
        if self.kind == ChartKind::Png {
            let pixels = size.0 as usize * size.1 as usize * 3;
            reservation.try_grow(pixels).map_err(out_of_memory)?;
        }
        let chart = Chart {
            title: self.options.title.clone(),
            axis: self.roles.axis,
            models: self.roles.models.iter().map(|m| m.name.clone()).collect(),
            levels: self.roles.levels(),
            panels,
            columns,
            size,
        };
        let kind = self.kind;
        let image = tokio::task::spawn_blocking(move || match kind {
            ChartKind::Svg => render::svg(&chart),
            ChartKind::Png => render::png(&chart),
        })
        .await
        .map_err(|e| DataFusionError::ExecutionJoin(Box::new(e)))??;

        let store = context
            .runtime_env()
            .object_store(&self.config.object_store_url)?;
        let path = self.config.table_paths[0].prefix();
        store
            .put(path, image.into())
            .await
            .map_err(|e| DataFusionError::ObjectStore(Box::new(e)))?;
        Ok(rows)
    }
}
