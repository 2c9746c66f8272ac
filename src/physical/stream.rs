//! The per-partition stream: cuts batches sorted by `(id, ds)` into complete series,
//! gives each its regressors' future values (from the future input, read alongside), runs
//! the models on a bounded chunk of series at a time (in parallel with rayon), and emits
//! the output rows.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BinaryBuilder, Int64Array, RecordBatch, StringBuilder, UInt32Array,
};
use datafusion::arrow::compute::{concat, partition, take};
use datafusion::arrow::datatypes::{DataType, Float64Type, Int64Type, SchemaRef};
use datafusion::common::{DataFusionError, Result, ScalarValue, exec_datafusion_err};
use datafusion::execution::RecordBatchStream;
use datafusion::physical_plan::metrics::RecordOutput;
use futures::{Stream, StreamExt};
use rayon::prelude::*;

use super::future::{FutureReader, FutureValues};
use super::memory::ExecMemory;
use super::metrics::ForecastMetrics;
use super::progress::Progress;
use super::series::{Series, SeriesFit, SeriesRows, SeriesRunner};
use super::time::cast_exact;
use crate::logical::{FORECAST, HISTORY, Task};

/// Complete series are handed to the models in chunks of at most this many series, or
/// the input rows or output bytes the partition's working memory holds
/// ([`ExecMemory`]), whichever comes first.
pub(crate) const CHUNK_SERIES: usize = 256;

/// A series whose rows are still arriving, or waiting for the models.
struct Buffered {
    id: ScalarValue,
    /// The id as a one-row array, to build the output id column in the input's type.
    id_array: ArrayRef,
    series: Series,
}

pub(crate) struct ForecastStream {
    input: SendableStream,
    /// The regressors' future values, for a forecast with regressors.
    future: Option<FutureReader>,
    schema: SchemaRef,
    runner: Arc<SeriesRunner>,
    metrics: ForecastMetrics,
    memory: ExecMemory,
    current: Option<Buffered>,
    complete: Vec<Buffered>,
    /// How many of `complete` (the first ones) have their future values.
    with_future: usize,
    complete_rows: usize,
    /// Estimated bytes of the output of `complete`.
    complete_output_bytes: usize,
    finished: bool,
    batch_size: usize,
    ready: VecDeque<RecordBatch>,
    progress: Arc<Progress>,
    /// Whether this stream has told `progress` that it ended.
    reported_end: bool,
}

type SendableStream = datafusion::execution::SendableRecordBatchStream;

impl ForecastStream {
    pub(crate) fn new(
        input: SendableStream,
        schema: SchemaRef,
        runner: Arc<SeriesRunner>,
        batch_size: usize,
        metrics: ForecastMetrics,
        memory: ExecMemory,
        progress: Arc<Progress>,
    ) -> Self {
        progress.start_partition();
        Self {
            input,
            future: None,
            schema,
            runner,
            metrics,
            memory,
            current: None,
            complete: Vec::new(),
            with_future: 0,
            complete_rows: 0,
            complete_output_bytes: 0,
            finished: false,
            batch_size: batch_size.max(1),
            ready: VecDeque::new(),
            progress,
            reported_end: false,
        }
    }

    /// Reads the regressors' future values from `future` (a forecast with regressors).
    pub(crate) fn with_future(mut self, future: Option<SendableStream>) -> Self {
        self.future = future.map(FutureReader::new);
        self
    }

    /// Tells the shared progress that this partition is done (once).
    fn report_end(&mut self) {
        if !self.reported_end {
            self.reported_end = true;
            self.progress.finish_partition();
        }
    }

    /// Appends a sorted batch to the current series, completing series as the id changes.
    fn absorb(&mut self, batch: &RecordBatch) -> Result<()> {
        if batch.num_rows() == 0 {
            return Ok(());
        }
        let ids = batch.column(0);
        if ids.null_count() > 0 {
            return Err(exec_datafusion_err!(
                "{}: the id column '{}' has NULL values; every row needs a series id",
                self.runner.params.function_name(),
                self.runner.params.columns.id
            ));
        }
        let ds = batch.column(1);
        if ds.null_count() > 0 {
            let row = (0..ds.len()).find(|&i| ds.is_null(i)).unwrap_or(0);
            return Err(exec_datafusion_err!(
                "{}: series '{}' has a NULL {}",
                self.runner.params.function_name(),
                ScalarValue::try_from_array(ids, row)?,
                self.runner.params.columns.time
            ));
        }
        // Unsigned values above i64::MAX are an error, never a wrapped value.
        let ds = cast_exact(ds, &DataType::Int64)?;
        let ds = ds.as_primitive::<Int64Type>().values();
        let y = batch.column(2).as_primitive::<Float64Type>();
        let regressors: Vec<_> = batch.columns()[3..]
            .iter()
            .map(|c| c.as_primitive::<Float64Type>())
            .collect();
        for range in partition(std::slice::from_ref(ids))?.ranges() {
            let id = ScalarValue::try_from_array(ids, range.start)?;
            if self.current.as_ref().is_none_or(|c| c.id != id) {
                self.finish_current();
                let series = Series {
                    label: id.to_string(),
                    x: vec![Vec::new(); regressors.len()],
                    ..Series::default()
                };
                // A copy, so the buffered series does not keep the whole input batch alive.
                let id_array = concat(&[ids.slice(range.start, 1).as_ref()])?;
                self.current = Some(Buffered {
                    id,
                    id_array,
                    series,
                });
            }
            let current = self.current.as_mut().expect("current series was just set");
            current.series.ds.extend_from_slice(&ds[range.clone()]);
            // NULL targets and regressors become NaN so that the series check names them.
            current
                .series
                .y
                .extend(range.clone().map(|i| value_or_nan(y, i)));
            for (column, values) in regressors.iter().zip(&mut current.series.x) {
                values.extend(range.clone().map(|i| value_or_nan(column, i)));
            }
        }
        self.hold_input()
    }

    /// Bytes of the buffered input: rows of the current and complete series, and the
    /// future values of the complete ones.
    fn input_bytes(&self) -> usize {
        let rows = self.complete_rows + self.current.as_ref().map_or(0, |c| c.series.y.len());
        let future = if self.future.is_some() {
            self.complete
                .len()
                .saturating_mul(self.runner.future_bytes())
        } else {
            0
        };
        rows.saturating_mul(self.runner.input_row_bytes())
            .saturating_add(future)
    }

    /// Accounts the buffered input.
    fn hold_input(&mut self) -> Result<()> {
        let current_rows = self.current.as_ref().map_or(0, |c| c.series.y.len());
        let rows = self.complete_rows + current_rows;
        let bytes = self.input_bytes();
        let current = &self.current;
        let chunk_rows = self.memory.chunk_input_rows(self.runner.input_row_bytes());
        self.memory.try_hold(bytes, || match current {
            Some(c) if current_rows > chunk_rows => format!(
                "buffering series '{}' ({current_rows} rows so far)",
                c.series.label
            ),
            _ => format!("buffering {rows} input rows"),
        })
    }

    fn finish_current(&mut self) {
        if let Some(mut done) = self.current.take() {
            if self.future.is_some() {
                // A series without forecast dates fails in the runner, with the reason.
                let forecast_ds = self.runner.forecast_ds(&done.series).unwrap_or_default();
                done.series.future = Some(FutureValues::new(
                    &forecast_ds,
                    self.runner.regressors.len(),
                ));
            }
            let n = done.series.y.len();
            self.complete_rows += n;
            self.complete_output_bytes = self
                .complete_output_bytes
                .saturating_add(self.runner.output_bytes(n));
            self.complete.push(done);
        }
    }

    fn chunk_ready(&self) -> bool {
        self.complete.len() >= CHUNK_SERIES
            || self.complete_rows >= self.memory.chunk_input_rows(self.runner.input_row_bytes())
            || self.complete_output_bytes >= self.memory.chunk_output_bytes()
    }

    /// Reads the future values of every complete series that lacks them, in order.
    fn poll_future(&mut self, cx: &mut Context<'_>) -> Poll<Result<()>> {
        let Some(future) = self.future.as_mut() else {
            return Poll::Ready(Ok(()));
        };
        while let Some(buffered) = self.complete.get_mut(self.with_future) {
            if let Some(values) = buffered.series.future.as_mut() {
                ready!(future.poll_series(cx, &buffered.id, values))?;
            }
            self.with_future += 1;
        }
        Poll::Ready(Ok(()))
    }

    /// Stops the stream after an error: nothing buffered is run any more.
    fn fail(&mut self, error: DataFusionError) -> DataFusionError {
        self.finished = true;
        self.current = None;
        self.complete.clear();
        self.with_future = 0;
        error
    }

    /// Runs the models on every complete series and queues their output, cut into
    /// batches of the session's batch size; returns the first one.
    fn compute(&mut self) -> Result<Option<RecordBatch>> {
        if let Some(batch) = self.ready.pop_front() {
            return Ok(Some(batch));
        }
        if self.complete.is_empty() {
            return Ok(None);
        }
        // The chunk's output is accounted before it is built (a single series with a
        // huge horizon fails here, naming itself, instead of aborting an allocation).
        let input_bytes = self.input_bytes();
        let output_bytes = self.complete_output_bytes;
        let complete = &self.complete;
        let runner = &self.runner;
        self.memory
            .try_hold(input_bytes.saturating_add(output_bytes), || {
                let largest = complete
                    .iter()
                    .max_by_key(|b| b.series.y.len())
                    .expect("the chunk is not empty");
                let rows = runner.output_rows(largest.series.y.len());
                if complete.len() == 1 && runner.params.task != Task::Fit {
                    format!(
                        "the output of series '{}' ({rows} rows of {} value columns)",
                        largest.series.label,
                        runner.value_columns()
                    )
                } else {
                    format!("the output of {} series", complete.len())
                }
            })?;
        let chunk = std::mem::take(&mut self.complete);
        self.with_future = 0;
        self.complete_rows = 0;
        self.complete_output_bytes = 0;
        let elapsed = self.metrics.baseline.elapsed_compute().clone();
        let _timer = elapsed.timer();
        let runner = Arc::clone(&self.runner);
        let results: Vec<std::result::Result<SeriesRows, String>> =
            chunk.par_iter().map(|b| runner.run(&b.series)).collect();
        let mut rows = Vec::with_capacity(results.len());
        for (buffered, result) in chunk.iter().zip(results) {
            let series_rows = result.map_err(DataFusionError::Execution)?;
            for (alias, reason) in &series_rows.failures {
                log::warn!(
                    "{}: model {alias} failed on series '{}', its values are NULL: {reason}",
                    self.runner.params.function_name(),
                    buffered.series.label
                );
            }
            for (alias, note) in &series_rows.notes {
                log::warn!(
                    "{}: model {alias} on series '{}': {note}",
                    self.runner.params.function_name(),
                    buffered.series.label
                );
            }
            self.metrics.record(&series_rows);
            rows.push(series_rows);
        }
        self.progress.add(chunk.len());
        let batch = self.build_batch(&chunk, &rows)?;
        drop(rows);
        drop(chunk);
        self.hold_input()?;
        let mut offset = 0;
        while offset < batch.num_rows() {
            let len = self.batch_size.min(batch.num_rows() - offset);
            self.ready.push_back(batch.slice(offset, len));
            offset += len;
        }
        Ok(self.ready.pop_front())
    }

    fn build_batch(&self, chunk: &[Buffered], rows: &[SeriesRows]) -> Result<RecordBatch> {
        if self.runner.params.task == Task::Fit {
            let batch = fit_batch(&self.schema, &self.runner, chunk, rows)?;
            return Ok(batch.record_output(&self.metrics.baseline));
        }
        let ids: Vec<&dyn Array> = chunk.iter().map(|b| b.id_array.as_ref()).collect();
        rows_batch(&self.schema, &self.runner, &ids, rows, &self.metrics)
    }
}

/// The output rows of a chunk of series (`ids` holds each series' id as a one-row array).
pub(crate) fn rows_batch(
    schema: &SchemaRef,
    runner: &SeriesRunner,
    ids: &[&dyn Array],
    rows: &[SeriesRows],
    metrics: &ForecastMetrics,
) -> Result<RecordBatch> {
    let total: usize = rows.iter().map(|r| r.ds.len()).sum();
    let ids = concat(ids)?;
    let indices: UInt32Array = rows
        .iter()
        .enumerate()
        .flat_map(|(i, r)| std::iter::repeat_n(i as u32, r.ds.len()))
        .collect();
    let mut columns: Vec<ArrayRef> = vec![take(&ids, &indices, None)?];
    let time_kind = &runner.time_kind;
    columns.push(time_kind.to_array(rows.iter().flat_map(|r| r.ds.iter().copied()).collect())?);
    let (cutoff, fitted) = match &runner.params.task {
        Task::Forecast { fitted } => (false, *fitted),
        Task::CrossValidation(cv) => (true, cv.fitted),
        Task::Fit | Task::Predict { .. } => (false, false),
    };
    if cutoff {
        columns.push(
            time_kind.to_array(rows.iter().flat_map(|r| r.cutoff.iter().copied()).collect())?,
        );
    }
    if fitted {
        columns.push(time_series_types(rows, total));
    }
    if cutoff || fitted {
        columns.push(float_column(
            rows.iter().flat_map(|r| r.y.iter().copied()),
            total,
        ));
    }
    for c in 0..runner.value_columns() {
        columns.push(float_column(
            rows.iter().flat_map(|r| r.values[c].iter().copied()),
            total,
        ));
    }
    let batch = RecordBatch::try_new(Arc::clone(schema), columns)?;
    Ok(batch.record_output(&metrics.baseline))
}

/// `fit_models`' rows of a chunk: per series one row per model.
fn fit_batch(
    schema: &SchemaRef,
    runner: &SeriesRunner,
    chunk: &[Buffered],
    rows: &[SeriesRows],
) -> Result<RecordBatch> {
    let fits: Vec<&SeriesFit> = rows.iter().filter_map(|r| r.fit.as_ref()).collect();
    let models = runner.models.len();
    let total = fits.len() * models;
    let ids: Vec<&dyn Array> = chunk.iter().map(|b| b.id_array.as_ref()).collect();
    let ids = concat(&ids)?;
    let indices: UInt32Array = (0..fits.len() as u32)
        .flat_map(|i| std::iter::repeat_n(i, models))
        .collect();
    let mut alias = StringBuilder::with_capacity(total, total * 8);
    let mut spec = StringBuilder::with_capacity(total, total * 48);
    let mut freq = StringBuilder::with_capacity(total, total * 8);
    let mut info = StringBuilder::with_capacity(total, total * 64);
    let state_bytes = fits
        .iter()
        .flat_map(|f| &f.models)
        .map(|m| m.state.as_ref().map_or(0, Vec::len))
        .sum();
    let mut state = BinaryBuilder::with_capacity(total, state_bytes);
    let mut n_obs = Vec::with_capacity(total);
    let mut last_ds = Vec::with_capacity(total);
    for fit in &fits {
        for (planned, row) in runner.models.iter().zip(&fit.models) {
            alias.append_value(&planned.alias);
            spec.append_value(&row.spec);
            freq.append_value(&fit.freq);
            info.append_value(&row.info);
            state.append_option(row.state.as_deref());
            n_obs.push(fit.n_obs as i64);
            last_ds.push(fit.last_ds);
        }
    }
    let columns: Vec<ArrayRef> = vec![
        take(&ids, &indices, None)?,
        Arc::new(alias.finish()),
        Arc::new(spec.finish()),
        Arc::new(Int64Array::from(n_obs)),
        runner.time_kind.to_array(last_ds)?,
        Arc::new(freq.finish()),
        Arc::new(info.finish()),
        Arc::new(state.finish()),
    ];
    Ok(RecordBatch::try_new(Arc::clone(schema), columns)?)
}

/// `history` for the in-sample rows, `forecast` for the others.
fn time_series_types(rows: &[SeriesRows], total: usize) -> ArrayRef {
    let mut kinds = StringBuilder::with_capacity(total, total * FORECAST.len());
    for r in rows {
        let mut next = 0;
        for history in &r.history {
            for _ in next..history.start {
                kinds.append_value(FORECAST);
            }
            for _ in history.clone() {
                kinds.append_value(HISTORY);
            }
            next = history.end;
        }
        for _ in next..r.ds.len() {
            kinds.append_value(FORECAST);
        }
    }
    Arc::new(kinds.finish())
}

fn value_or_nan(values: &datafusion::arrow::array::Float64Array, row: usize) -> f64 {
    if values.is_null(row) {
        f64::NAN
    } else {
        values.value(row)
    }
}

fn float_column(values: impl Iterator<Item = Option<f64>>, capacity: usize) -> ArrayRef {
    let mut builder = datafusion::arrow::array::Float64Builder::with_capacity(capacity);
    for v in values {
        builder.append_option(v);
    }
    Arc::new(builder.finish()) as ArrayRef
}

impl Stream for ForecastStream {
    type Item = Result<RecordBatch>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(batch) = self.ready.pop_front() {
                return Poll::Ready(Some(Ok(batch)));
            }
            // Every complete series has its future values before the models run on it.
            if let Err(e) = ready!(self.poll_future(cx)) {
                return Poll::Ready(Some(Err(self.fail(e))));
            }
            if self.finished {
                if self.current.is_some() {
                    // The last series is complete: read its future values first.
                    self.finish_current();
                    continue;
                }
                return match self.compute() {
                    Ok(Some(batch)) => Poll::Ready(Some(Ok(batch))),
                    Ok(None) => {
                        self.report_end();
                        Poll::Ready(None)
                    }
                    Err(e) => Poll::Ready(Some(Err(self.fail(e)))),
                };
            }
            if self.chunk_ready() {
                match self.compute() {
                    Ok(Some(batch)) => return Poll::Ready(Some(Ok(batch))),
                    Ok(None) => {}
                    Err(e) => return Poll::Ready(Some(Err(self.fail(e)))),
                }
            }
            match self.input.poll_next_unpin(cx) {
                Poll::Ready(Some(Ok(batch))) => {
                    if let Err(e) = self.absorb(&batch) {
                        return Poll::Ready(Some(Err(self.fail(e))));
                    }
                }
                Poll::Ready(Some(Err(e))) => return Poll::Ready(Some(Err(e))),
                Poll::Ready(None) => self.finished = true,
                Poll::Pending => return Poll::Pending,
            }
        }
    }
}

impl Drop for ForecastStream {
    /// A stream dropped early (an error, a LIMIT) still counts as ended.
    fn drop(&mut self) {
        self.report_end();
    }
}

impl RecordBatchStream for ForecastStream {
    fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }
}
