//! `predict`'s per-partition stream: groups the fits (sorted by id) into series, reads
//! each series' observations alongside when the fits are applied to new data (`forward`),
//! restores every stored model and forecasts from it.
//!
//! A stored state that cannot be read (another format version, changed bytes, a spec that
//! is not the one it was fitted with) fails the query naming the series and the model; a
//! model whose fit had failed (NULL state) gives NULL values, as `forecast` does.

use std::collections::{HashMap, VecDeque};
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};
use std::time::Instant;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use datafusion::arrow::compute::{concat, partition};
use datafusion::arrow::datatypes::{DataType, Float64Type, Int64Type, SchemaRef};
use datafusion::common::{DataFusionError, Result, ScalarValue, exec_datafusion_err};
use datafusion::execution::{RecordBatchStream, SendableRecordBatchStream};
use futures::{Stream, StreamExt};
use parking_lot::RwLock;
use rayon::prelude::*;

use super::memory::ExecMemory;
use super::metrics::ForecastMetrics;
use super::progress::Progress;
use super::series::{
    Outcome, Series, SeriesRows, SeriesRunner, clear_bounds, missing_conformal_bounds, place,
};
use super::stream::{CHUNK_SERIES, rows_batch};
use super::time::{Step, cast_exact};
use crate::logical::Freq;
use crate::models::{Model, build_model, decode_state, parse_model_specs};

/// The models of the specs found in the fits, built once per spec text.
pub(crate) type ModelCache = RwLock<HashMap<String, Arc<dyn Model>>>;

/// One row of the fits.
struct StoredFit {
    alias: String,
    spec: String,
    n_obs: usize,
    last_ds: i64,
    freq: String,
    state: Option<Vec<u8>>,
}

/// The fits of one series and, with `forward`, its observations.
struct FitSeries {
    id: ScalarValue,
    id_array: ArrayRef,
    label: String,
    fits: Vec<StoredFit>,
    observations: Option<Series>,
}

impl FitSeries {
    fn bytes(&self) -> usize {
        let fits: usize = self
            .fits
            .iter()
            .map(|f| 64 + f.alias.len() + f.spec.len() + f.state.as_ref().map_or(0, Vec::len))
            .sum();
        fits + self.observations.as_ref().map_or(0, |o| 16 * o.y.len())
    }
}

pub(crate) struct PredictStream {
    fits: SendableRecordBatchStream,
    observations: Option<ObservationReader>,
    schema: SchemaRef,
    runner: Arc<SeriesRunner>,
    models: Arc<ModelCache>,
    metrics: ForecastMetrics,
    memory: ExecMemory,
    progress: Arc<Progress>,
    batch_size: usize,
    current: Option<FitSeries>,
    complete: Vec<FitSeries>,
    /// How many of `complete` (the first ones) have their observations.
    with_observations: usize,
    complete_bytes: usize,
    finished: bool,
    ready: VecDeque<RecordBatch>,
    reported_end: bool,
}

impl PredictStream {
    #[expect(
        clippy::too_many_arguments,
        reason = "the exec's parts, handed over once"
    )]
    pub(crate) fn new(
        fits: SendableRecordBatchStream,
        observations: Option<SendableRecordBatchStream>,
        schema: SchemaRef,
        runner: Arc<SeriesRunner>,
        models: Arc<ModelCache>,
        batch_size: usize,
        metrics: ForecastMetrics,
        memory: ExecMemory,
        progress: Arc<Progress>,
    ) -> Self {
        progress.start_partition();
        Self {
            fits,
            observations: observations.map(ObservationReader::new),
            schema,
            runner,
            models,
            metrics,
            memory,
            progress,
            batch_size: batch_size.max(1),
            current: None,
            complete: Vec::new(),
            with_observations: 0,
            complete_bytes: 0,
            finished: false,
            ready: VecDeque::new(),
            reported_end: false,
        }
    }

    fn report_end(&mut self) {
        if !self.reported_end {
            self.reported_end = true;
            self.progress.finish_partition();
        }
    }

    /// Adds the rows of a fits batch (sorted by id) to the current series.
    fn absorb(&mut self, batch: &RecordBatch) -> Result<()> {
        if batch.num_rows() == 0 {
            return Ok(());
        }
        let columns = batch.columns();
        let ids = &columns[0];
        let non_null = |i: usize, what: &str| -> Result<()> {
            if columns[i].null_count() > 0 {
                return Err(exec_datafusion_err!(
                    "predict: the fits have a NULL {what}; use the rows fit_models wrote"
                ));
            }
            Ok(())
        };
        non_null(0, &self.runner.params.columns.id)?;
        for (i, name) in [
            (1, "model"),
            (2, "spec"),
            (3, "n_obs"),
            (4, "last_ds"),
            (5, "freq"),
        ] {
            non_null(i, name)?;
        }
        let alias = columns[1].as_string::<i32>();
        let spec = columns[2].as_string::<i32>();
        let n_obs = cast_exact(&columns[3], &DataType::Int64)?;
        let n_obs = n_obs.as_primitive::<Int64Type>();
        let last_ds = cast_exact(&columns[4], &DataType::Int64)?;
        let last_ds = last_ds.as_primitive::<Int64Type>();
        let freq = columns[5].as_string::<i32>();
        let state = columns[6].as_binary::<i32>();
        for range in partition(std::slice::from_ref(ids))?.ranges() {
            let id = ScalarValue::try_from_array(ids, range.start)?;
            if self.current.as_ref().is_none_or(|c| c.id != id) {
                self.finish_current();
                self.current = Some(FitSeries {
                    label: id.to_string(),
                    id_array: concat(&[ids.slice(range.start, 1).as_ref()])?,
                    id,
                    fits: Vec::new(),
                    observations: None,
                });
            }
            let current = self.current.as_mut().expect("current series was just set");
            for row in range {
                current.fits.push(StoredFit {
                    alias: alias.value(row).to_string(),
                    spec: spec.value(row).to_string(),
                    n_obs: usize::try_from(n_obs.value(row)).unwrap_or(0),
                    last_ds: last_ds.value(row),
                    freq: freq.value(row).to_string(),
                    state: (!state.is_null(row)).then(|| state.value(row).to_vec()),
                });
            }
        }
        self.hold()
    }

    fn finish_current(&mut self) {
        if let Some(mut done) = self.current.take() {
            if self.observations.is_some() {
                done.observations = Some(Series {
                    label: done.label.clone(),
                    ..Series::default()
                });
            }
            self.complete_bytes += done.bytes();
            self.complete.push(done);
        }
    }

    /// Accounts the buffered fits and observations, and the output of a chunk.
    fn hold(&mut self) -> Result<()> {
        let current = self.current.as_ref().map_or(0, FitSeries::bytes);
        let output = self
            .complete
            .len()
            .saturating_mul(self.runner.output_bytes(0));
        let bytes = self
            .complete_bytes
            .saturating_add(current)
            .saturating_add(output);
        let series = self.complete.len();
        self.memory
            .try_hold(bytes, || format!("buffering the fits of {series} series"))
    }

    fn chunk_ready(&self) -> bool {
        self.complete.len() >= CHUNK_SERIES
            || self.complete_bytes >= self.memory.chunk_output_bytes()
    }

    /// Reads the observations of every complete series that lacks them, in order.
    fn poll_observations(&mut self, cx: &mut Context<'_>) -> Poll<Result<()>> {
        let Some(reader) = self.observations.as_mut() else {
            return Poll::Ready(Ok(()));
        };
        while let Some(series) = self.complete.get_mut(self.with_observations) {
            let observed = series
                .observations
                .as_mut()
                .expect("observations are set with forward");
            ready!(reader.poll_series(cx, &series.id, observed))?;
            self.complete_bytes += 16 * observed.y.len();
            self.with_observations += 1;
        }
        Poll::Ready(Ok(()))
    }

    fn fail(&mut self, error: DataFusionError) -> DataFusionError {
        self.finished = true;
        self.current = None;
        self.complete.clear();
        self.with_observations = 0;
        error
    }

    /// Forecasts every complete series and queues the output; returns the first batch.
    fn compute(&mut self) -> Result<Option<RecordBatch>> {
        if let Some(batch) = self.ready.pop_front() {
            return Ok(Some(batch));
        }
        if self.complete.is_empty() {
            return Ok(None);
        }
        self.hold()?;
        let chunk = std::mem::take(&mut self.complete);
        self.with_observations = 0;
        self.complete_bytes = 0;
        let elapsed = self.metrics.baseline.elapsed_compute().clone();
        let _timer = elapsed.timer();
        let (runner, models) = (&self.runner, &self.models);
        let results: Vec<std::result::Result<SeriesRows, String>> = chunk
            .par_iter()
            .map(|series| predict_series(runner, models, series))
            .collect();
        let mut rows = Vec::with_capacity(results.len());
        for (series, result) in chunk.iter().zip(results) {
            let series_rows = result.map_err(DataFusionError::Execution)?;
            for (alias, reason) in &series_rows.failures {
                log::warn!(
                    "predict: model {alias} on series '{}' gives NULL values: {reason}",
                    series.label
                );
            }
            for (alias, note) in &series_rows.notes {
                log::warn!(
                    "predict: model {alias} on series '{}': {note}",
                    series.label
                );
            }
            self.metrics.record(&series_rows);
            rows.push(series_rows);
        }
        self.progress.add(chunk.len());
        let ids: Vec<&dyn Array> = chunk.iter().map(|s| s.id_array.as_ref()).collect();
        let batch = rows_batch(&self.schema, &self.runner, &ids, &rows, &self.metrics)?;
        drop(rows);
        drop(chunk);
        self.hold()?;
        let mut offset = 0;
        while offset < batch.num_rows() {
            let len = self.batch_size.min(batch.num_rows() - offset);
            self.ready.push_back(batch.slice(offset, len));
            offset += len;
        }
        Ok(self.ready.pop_front())
    }
}

/// The model of a spec text, built on first use.
fn model_of(models: &ModelCache, spec: &str) -> std::result::Result<Arc<dyn Model>, String> {
    if let Some(model) = models.read().get(spec) {
        return Ok(Arc::clone(model));
    }
    let mut parsed = parse_model_specs(spec).map_err(|e| e.to_string())?;
    if parsed.len() != 1 {
        return Err(format!("a spec holds one model, found {}", parsed.len()));
    }
    let model = build_model(&parsed.remove(0)).map_err(|e| e.to_string())?;
    models.write().insert(spec.to_string(), Arc::clone(&model));
    Ok(model)
}

/// The forecast rows of one series from its stored fits.
fn predict_series(
    runner: &SeriesRunner,
    models: &ModelCache,
    series: &FitSeries,
) -> std::result::Result<SeriesRows, String> {
    let h = runner.params.h;
    let label = &series.label;
    let Some(first) = series.fits.first() else {
        return Err(format!("predict: series '{label}' has no fits"));
    };
    let observed = series.observations.as_ref().filter(|o| !o.y.is_empty());
    if let Some(observed) = observed {
        runner.check(observed)?;
    }
    let freq = Freq::parse(&first.freq).map_err(|e| {
        format!(
            "predict: series '{label}' has freq '{}' in its fits: {e}",
            first.freq
        )
    })?;
    let last = observed.map_or(first.last_ds, |o| *o.ds.last().expect("not empty"));
    let ds = (1..=h as i64)
        .map(|k| runner.time_kind.advance(last, Step::Freq(freq), k))
        .collect::<Option<Vec<i64>>>()
        .ok_or_else(|| {
            format!(
                "predict: the forecast dates of series '{label}' (from {} by '{freq}') do not fit its {} type",
                runner.time_kind.display(last),
                runner.params.columns.time
            )
        })?;
    let mut rows = SeriesRows {
        ds,
        y: vec![None; h],
        ..SeriesRows::default()
    };
    for planned in &runner.models {
        let start = Instant::now();
        let width = if planned.with_intervals {
            1 + 2 * runner.levels.len()
        } else {
            1
        };
        let mut columns = vec![vec![None; h]; width];
        let mut stored = series.fits.iter().filter(|f| f.alias == planned.alias);
        let fit = stored.next();
        if stored.next().is_some() {
            return Err(format!(
                "predict: series '{label}' has two fits of model '{}'; keep one row per series and model",
                planned.alias
            ));
        }
        let failure = match fit {
            None => Some("the fits have no row for it".to_string()),
            Some(StoredFit { state: None, .. }) => {
                Some("its fit failed (the fits' info says why)".to_string())
            }
            Some(
                fit @ StoredFit {
                    state: Some(state), ..
                },
            ) => {
                let context = |e: String| {
                    format!("predict: series '{label}', model '{}': {e}", planned.alias)
                };
                let model = model_of(models, &fit.spec)
                    .map_err(|e| context(format!("its spec '{}' is not valid: {e}", fit.spec)))?;
                let fitted = decode_state(model.as_ref(), &fit.spec, state)
                    .map_err(|e| context(e.to_string()))?;
                let fitted = match observed {
                    Some(observed) => fitted.forward(&observed.y).map_err(|e| e.to_string()),
                    None => Ok(fitted),
                };
                match fitted {
                    Ok(fitted) => {
                        let levels = if model.has_intervals() {
                            &runner.levels[..]
                        } else {
                            &[]
                        };
                        let forecast = fitted.predict(h, levels);
                        place(&mut columns, 0, &forecast, planned.with_intervals);
                        let n = observed.map_or(fit.n_obs, |o| o.y.len());
                        if let Some(note) = missing_conformal_bounds(planned, n, &forecast) {
                            clear_bounds(&mut columns, 0, h);
                            rows.notes.push((planned.alias.clone(), note));
                        }
                        None
                    }
                    Err(e) => Some(e),
                }
            }
        };
        let outcome = match failure {
            Some(reason) => {
                rows.failures.push((planned.alias.clone(), reason));
                Outcome::Failed
            }
            None => Outcome::Fitted,
        };
        rows.values.extend(columns);
        rows.outcomes.push((outcome, start.elapsed()));
    }
    Ok(rows)
}

/// Reads `predict`'s observations input `(id, ds, y)`, sorted by `(id, ds)`, series by
/// series alongside the fits.
struct ObservationReader {
    input: SendableRecordBatchStream,
    current: Option<(RecordBatch, Vec<std::ops::Range<usize>>, usize)>,
    finished: bool,
}

impl ObservationReader {
    fn new(input: SendableRecordBatchStream) -> Self {
        Self {
            input,
            current: None,
            finished: false,
        }
    }

    /// Reads the rows of series `id` into `series`; a row of an earlier id is a series
    /// without fits, an error. Ready at the first row of a later id or at the end.
    fn poll_series(
        &mut self,
        cx: &mut Context<'_>,
        id: &ScalarValue,
        series: &mut Series,
    ) -> Poll<Result<()>> {
        loop {
            let Some((batch, runs, next)) = self.current.as_mut() else {
                if self.finished {
                    return Poll::Ready(Ok(()));
                }
                match ready!(self.input.poll_next_unpin(cx)) {
                    Some(Ok(batch)) => {
                        if batch.num_rows() > 0 {
                            let runs = partition(std::slice::from_ref(batch.column(0)))?.ranges();
                            self.current = Some((batch, runs, 0));
                        }
                        continue;
                    }
                    Some(Err(e)) => return Poll::Ready(Err(e)),
                    None => {
                        self.finished = true;
                        return Poll::Ready(Ok(()));
                    }
                }
            };
            while let Some(run) = runs.get(*next).cloned() {
                let run_id = ScalarValue::try_from_array(batch.column(0), run.start)?;
                match run_id.partial_cmp(id) {
                    Some(std::cmp::Ordering::Equal) => append_rows(batch, run, series)?,
                    Some(std::cmp::Ordering::Greater) => return Poll::Ready(Ok(())),
                    _ => return Poll::Ready(Err(no_fit(&run_id))),
                }
                *next += 1;
            }
            self.current = None;
        }
    }

    /// After the last series: any row left belongs to a series without fits.
    fn poll_end(&mut self, cx: &mut Context<'_>) -> Poll<Result<()>> {
        loop {
            if let Some((batch, runs, next)) = self.current.take()
                && let Some(run) = runs.get(next)
            {
                let id = ScalarValue::try_from_array(batch.column(0), run.start)?;
                return Poll::Ready(Err(no_fit(&id)));
            }
            if self.finished {
                return Poll::Ready(Ok(()));
            }
            match ready!(self.input.poll_next_unpin(cx)) {
                Some(Ok(batch)) => {
                    if batch.num_rows() > 0 {
                        let runs = partition(std::slice::from_ref(batch.column(0)))?.ranges();
                        self.current = Some((batch, runs, 0));
                    }
                }
                Some(Err(e)) => return Poll::Ready(Err(e)),
                None => self.finished = true,
            }
        }
    }
}

fn no_fit(id: &ScalarValue) -> DataFusionError {
    if id.is_null() {
        exec_datafusion_err!("predict: the input has rows with a NULL id")
    } else {
        exec_datafusion_err!(
            "predict: series '{id}' of the input has no fits; fit it with fit_models or filter it out"
        )
    }
}

fn append_rows(
    batch: &RecordBatch,
    run: std::ops::Range<usize>,
    series: &mut Series,
) -> Result<()> {
    let ds_column = batch.column(1);
    if let Some(row) = run.clone().find(|&i| ds_column.is_null(i)) {
        return Err(exec_datafusion_err!(
            "predict: series '{}' has a NULL ds at row {row} of the input",
            series.label
        ));
    }
    let ds = cast_exact(&ds_column.slice(run.start, run.len()), &DataType::Int64)?;
    series
        .ds
        .extend_from_slice(ds.as_primitive::<Int64Type>().values());
    let y = batch.column(2).as_primitive::<Float64Type>();
    series
        .y
        .extend(run.map(|i| if y.is_null(i) { f64::NAN } else { y.value(i) }));
    Ok(())
}

impl Stream for PredictStream {
    type Item = Result<RecordBatch>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        loop {
            if let Some(batch) = self.ready.pop_front() {
                return Poll::Ready(Some(Ok(batch)));
            }
            if let Err(e) = ready!(self.poll_observations(cx)) {
                return Poll::Ready(Some(Err(self.fail(e))));
            }
            if self.finished {
                if self.current.is_some() {
                    self.finish_current();
                    continue;
                }
                if self.complete.is_empty()
                    && let Some(reader) = self.observations.as_mut()
                    && let Err(e) = ready!(reader.poll_end(cx))
                {
                    return Poll::Ready(Some(Err(self.fail(e))));
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
            match self.fits.poll_next_unpin(cx) {
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

impl Drop for PredictStream {
    fn drop(&mut self) {
        self.report_end();
    }
}

impl RecordBatchStream for PredictStream {
    fn schema(&self) -> SchemaRef {
        Arc::clone(&self.schema)
    }
}
