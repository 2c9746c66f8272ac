//! The regressors' future values: the exec's second input, `(id, ds, regressors...)`
//! sorted by `(id, ds)` and co-partitioned with the main input, read alongside it series
//! by series.
//!
//! Once a series of the main input is complete, its `h` forecast dates are known, and the
//! reader moves through the future rows up to that series' id: rows of ids before it
//! belong to no series of the input and are skipped, the series' own rows are kept only
//! at its forecast dates (matched by ds, never by position), and the first row of a later
//! id stays for the next series. What a series keeps is `h` values per regressor, however
//! many future rows it has.

use std::ops::Range;
use std::task::{Context, Poll};

use datafusion::arrow::array::{Array, AsArray, RecordBatch};
use datafusion::arrow::compute::partition;
use datafusion::arrow::datatypes::{DataType, Float64Type, Int64Type};
use datafusion::common::{Result, ScalarValue, internal_datafusion_err};
use datafusion::execution::SendableRecordBatchStream;
use futures::StreamExt;

use super::time::cast_exact;

/// The regressors of one series at its forecast dates.
#[derive(Debug)]
pub(crate) struct FutureValues {
    /// `(ds, step)` of each forecast date, sorted by ds for lookups.
    steps_by_ds: Vec<(i64, usize)>,
    /// One column per regressor, a value per forecast step (NaN for NULL or no row).
    pub(crate) values: Vec<Vec<f64>>,
    /// Whether a future row was found for each step.
    pub(crate) found: Vec<bool>,
    /// The first step with two future rows, if any.
    pub(crate) duplicate: Option<usize>,
}

impl FutureValues {
    /// Room for the values at `forecast_ds` (empty when the series has no forecast dates:
    /// it fails before its future matters).
    pub(crate) fn new(forecast_ds: &[i64], regressors: usize) -> Self {
        let mut steps_by_ds: Vec<(i64, usize)> = forecast_ds
            .iter()
            .enumerate()
            .map(|(step, &ds)| (ds, step))
            .collect();
        steps_by_ds.sort_unstable();
        let h = forecast_ds.len();
        Self {
            steps_by_ds,
            values: vec![vec![f64::NAN; h]; regressors],
            found: vec![false; h],
            duplicate: None,
        }
    }

    /// Bytes of the values of a series with horizon `h` and `regressors` regressors.
    pub(crate) fn bytes(h: usize, regressors: usize) -> usize {
        h.saturating_mul(8 * regressors + 17)
    }

    /// Keeps the rows of `batch` in `rows` that fall on a forecast date.
    fn absorb(&mut self, batch: &FutureBatch, rows: Range<usize>) {
        for row in rows {
            if batch.ds_is_null(row) {
                continue;
            }
            let ds = batch.ds[row];
            let Ok(at) = self.steps_by_ds.binary_search_by_key(&ds, |&(d, _)| d) else {
                continue;
            };
            let step = self.steps_by_ds[at].1;
            if self.found[step] {
                self.duplicate.get_or_insert(step);
                continue;
            }
            self.found[step] = true;
            for (column, values) in batch.regressors.iter().zip(&mut self.values) {
                values[step] = if column.is_null(row) {
                    f64::NAN
                } else {
                    column.value(row)
                };
            }
        }
    }
}

/// A future batch being read: its ds as raw values, its runs of equal ids and the next
/// run to read.
struct FutureBatch {
    batch: RecordBatch,
    ds: Vec<i64>,
    regressors: Vec<datafusion::arrow::array::Float64Array>,
    runs: Vec<Range<usize>>,
    next_run: usize,
}

impl FutureBatch {
    fn try_new(batch: RecordBatch) -> Result<Self> {
        let ds = cast_exact(batch.column(1), &DataType::Int64)?;
        let runs = partition(std::slice::from_ref(batch.column(0)))?.ranges();
        let regressors = batch
            .columns()
            .iter()
            .skip(2)
            .map(|c| c.as_primitive::<Float64Type>().clone())
            .collect();
        Ok(Self {
            ds: ds.as_primitive::<Int64Type>().values().to_vec(),
            regressors,
            runs,
            next_run: 0,
            batch,
        })
    }

    fn ds_is_null(&self, row: usize) -> bool {
        self.batch.column(1).is_null(row)
    }
}

/// Reads the future input of one partition.
pub(crate) struct FutureReader {
    input: SendableRecordBatchStream,
    current: Option<FutureBatch>,
    finished: bool,
}

impl FutureReader {
    pub(crate) fn new(input: SendableRecordBatchStream) -> Self {
        Self {
            input,
            current: None,
            finished: false,
        }
    }

    /// Reads the future rows of the series `id` into `values`, skipping the rows of
    /// earlier ids (series absent from the input) and rows without an id (they belong to
    /// no series); ready once a row of a later id, or the end of the input, is reached.
    /// Series must be asked for in the order of the sort, ids ascending.
    pub(crate) fn poll_series(
        &mut self,
        cx: &mut Context<'_>,
        id: &ScalarValue,
        values: &mut FutureValues,
    ) -> Poll<Result<()>> {
        loop {
            let Some(current) = self.current.as_mut() else {
                if self.finished {
                    return Poll::Ready(Ok(()));
                }
                match self.input.poll_next_unpin(cx) {
                    Poll::Ready(Some(Ok(batch))) => {
                        if batch.num_rows() > 0 {
                            self.current = Some(FutureBatch::try_new(batch)?);
                        }
                        continue;
                    }
                    Poll::Ready(Some(Err(e))) => return Poll::Ready(Err(e)),
                    Poll::Ready(None) => {
                        self.finished = true;
                        return Poll::Ready(Ok(()));
                    }
                    Poll::Pending => return Poll::Pending,
                }
            };
            while let Some(run) = current.runs.get(current.next_run).cloned() {
                let ids = current.batch.column(0);
                if !ids.is_null(run.start) {
                    let run_id = ScalarValue::try_from_array(ids, run.start)?;
                    let order = run_id.partial_cmp(id).ok_or_else(|| {
                        internal_datafusion_err!(
                            "future ids of type {} cannot be compared with {}",
                            run_id.data_type(),
                            id.data_type()
                        )
                    })?;
                    match order {
                        std::cmp::Ordering::Less => {}
                        std::cmp::Ordering::Equal => values.absorb(current, run),
                        std::cmp::Ordering::Greater => return Poll::Ready(Ok(())),
                    }
                }
                current.next_run += 1;
            }
            self.current = None;
        }
    }
}
