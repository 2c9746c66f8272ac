//! A deterministic synthetic panel, after statsforecast's `generate_series`: `n_series`
//! series of random lengths in `[min_length, max_length]`, each a noisy seasonal pattern.
//! Every series draws from its own generator seeded by `(seed, series index)`, so the
//! output does not depend on how the work is split.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringBuilder};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use datafusion::common::Result;
use datafusion::execution::memory_pool::MemoryConsumer;
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::physical_plan::stream::RecordBatchStreamAdapter;
use datafusion::physical_plan::streaming::PartitionStream;

use crate::logical::Freq;
use crate::physical::time::{Step, TimeKind};

/// Series dealt to one partition at a time.
const SERIES_PER_BLOCK: usize = 256;
/// 2000-01-01 in days since the epoch.
const START_DAY: i64 = 10_957;

/// The arguments of `generate_panel`.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelSpec {
    /// Number of series.
    pub n_series: usize,
    /// Spacing of `ds`; sub-day spacings give timestamps, others dates.
    pub freq: Freq,
    /// Seasonal period of the pattern.
    pub season_length: usize,
    /// Shortest series.
    pub min_length: usize,
    /// Longest series.
    pub max_length: usize,
    /// Number of `static_<i>` integer columns, constant within a series.
    pub n_static_features: usize,
    /// All series end on the same `ds` (else they all start on 2000-01-01).
    pub equal_ends: bool,
    /// Seed of the generator.
    pub seed: u64,
}

impl PanelSpec {
    /// Output schema: `unique_id, ds, y, static_0, ...`.
    pub fn schema(&self) -> SchemaRef {
        let mut fields = vec![
            Field::new("unique_id", DataType::Utf8, false),
            Field::new("ds", self.time_kind_type(), false),
            Field::new("y", DataType::Float64, false),
        ];
        for i in 0..self.n_static_features {
            fields.push(Field::new(format!("static_{i}"), DataType::Int64, false));
        }
        Arc::new(Schema::new(fields))
    }

    fn time_kind_type(&self) -> DataType {
        if self.freq.whole_days() {
            DataType::Date32
        } else {
            DataType::Timestamp(TimeUnit::Nanosecond, None)
        }
    }

    /// The time type and the `ds` of the first step.
    fn time_start(&self) -> (TimeKind, i64) {
        let kind =
            TimeKind::try_new(&self.time_kind_type()).expect("panel time types are supported");
        let (start, day_before) = match kind {
            TimeKind::Date32 => (START_DAY, START_DAY - 1),
            _ => (
                START_DAY * 86_400_000_000_000,
                (START_DAY - 1) * 86_400_000_000_000,
            ),
        };
        // Calendar offsets (`W`, `ME`, `B`, ...) start on their first anchor from the start
        // date on, as `pandas.date_range` does.
        let start = match self.freq {
            Freq::Offset(offset) if !offset.is_tick() => kind
                .advance(day_before, Step::Freq(self.freq), 1)
                .unwrap_or(start),
            _ => start,
        };
        (kind, start)
    }

    /// The whole panel in memory as `partitions` lists of batches of at most
    /// `batch_rows` rows (for small panels: `generate_panel(...)` streams instead).
    pub fn generate(&self, partitions: usize, batch_rows: usize) -> Result<Vec<Vec<RecordBatch>>> {
        (0..partitions.max(1))
            .map(|p| {
                let mut generator = PanelGenerator::new(self.clone(), p, partitions, batch_rows);
                std::iter::from_fn(|| generator.next_batch().transpose()).collect()
            })
            .collect()
    }

    /// Bytes of one generated row: id (offset and at most 20 digits), ds, y, statics.
    pub(crate) fn row_bytes(&self) -> usize {
        4 + 20 + 8 + 8 + 8 * self.n_static_features
    }
}

/// Generates the rows of one partition of a [`PanelSpec`], `batch_rows` at a time, so
/// memory stays bounded whatever the number and length of the series.
pub(crate) struct PanelGenerator {
    spec: PanelSpec,
    schema: SchemaRef,
    kind: TimeKind,
    start: i64,
    partitions: usize,
    /// The next series to start: blocks of [`SERIES_PER_BLOCK`] series are dealt to the
    /// partitions round-robin, so the panel does not depend on the partition count.
    next_series: usize,
    /// The series being generated and the next position in it.
    current: Option<SeriesState>,
    batch_rows: usize,
}

struct SeriesState {
    id: String,
    rng: SplitMix64,
    level: f64,
    length: usize,
    offset: usize,
    features: Vec<i64>,
    next: usize,
}

impl PanelGenerator {
    /// The generator of partition `partition` of `partitions`.
    pub(crate) fn new(
        spec: PanelSpec,
        partition: usize,
        partitions: usize,
        batch_rows: usize,
    ) -> Self {
        let (kind, start) = spec.time_start();
        Self {
            schema: spec.schema(),
            spec,
            kind,
            start,
            partitions: partitions.max(1),
            next_series: partition * SERIES_PER_BLOCK,
            current: None,
            batch_rows: batch_rows.max(1),
        }
    }

    fn take_series(&mut self) -> Option<usize> {
        let s = self.next_series;
        if s >= self.spec.n_series {
            return None;
        }
        self.next_series = if (s + 1).is_multiple_of(SERIES_PER_BLOCK) {
            s + 1 + (self.partitions - 1) * SERIES_PER_BLOCK
        } else {
            s + 1
        };
        Some(s)
    }

    /// Upper bound of the bytes of the next batch.
    pub(crate) fn batch_bytes(&self) -> usize {
        self.batch_rows * self.spec.row_bytes()
    }

    fn start_series(&self, s: usize) -> SeriesState {
        let spec = &self.spec;
        let mut rng = SplitMix64::new(spec.seed, s as u64);
        let span = (spec.max_length - spec.min_length + 1) as u64;
        let length = spec.min_length + (rng.next() % span) as usize;
        let offset = if spec.equal_ends {
            spec.max_length - length
        } else {
            0
        };
        let features = (0..spec.n_static_features)
            .map(|_| (rng.next() % 100) as i64)
            .collect();
        SeriesState {
            id: s.to_string(),
            rng,
            level: (s % 10) as f64,
            length,
            offset,
            features,
            next: 0,
        }
    }

    /// The next batch, or `None` when the partition is done.
    pub(crate) fn next_batch(&mut self) -> Result<Option<RecordBatch>> {
        let capacity = self.batch_rows;
        let mut ids = StringBuilder::with_capacity(capacity, capacity * 8);
        let mut ds = Vec::with_capacity(capacity);
        let mut y = Vec::with_capacity(capacity);
        let mut statics = vec![Vec::with_capacity(capacity); self.spec.n_static_features];
        let season = self.spec.season_length.max(1);
        let step = Step::Freq(self.spec.freq);
        while y.len() < capacity {
            let state = match self.current.as_mut() {
                Some(state) if state.next < state.length => state,
                _ => match self.take_series() {
                    Some(s) => {
                        self.current = Some(self.start_series(s));
                        continue;
                    }
                    None => break,
                },
            };
            let rows = (state.length - state.next).min(capacity - y.len());
            for t in state.next..state.next + rows {
                ids.append_value(&state.id);
                let position = (state.offset + t) as i64;
                ds.push(
                    self.kind
                        .advance(self.start, step, position)
                        .unwrap_or(self.start),
                );
                y.push(state.level + (t % season) as f64 + 0.5 * state.rng.uniform());
                for (column, value) in statics.iter_mut().zip(&state.features) {
                    column.push(*value);
                }
            }
            state.next += rows;
        }
        if y.is_empty() {
            return Ok(None);
        }
        let mut columns: Vec<ArrayRef> = vec![
            Arc::new(ids.finish()),
            self.kind.to_array(ds)?,
            Arc::new(Float64Array::from(y)),
        ];
        for column in statics {
            columns.push(Arc::new(Int64Array::from(column)));
        }
        Ok(Some(RecordBatch::try_new(
            Arc::clone(&self.schema),
            columns,
        )?))
    }
}

/// One partition of `generate_panel(...)`'s scan: a [`PanelGenerator`] whose batches are
/// accounted in the session's memory pool.
#[derive(Debug)]
pub(crate) struct PanelPartition {
    spec: PanelSpec,
    schema: SchemaRef,
    partition: usize,
    partitions: usize,
}

impl PanelPartition {
    /// The `partitions` partitions of the panel.
    pub(crate) fn all(spec: &PanelSpec, partitions: usize) -> Vec<Arc<dyn PartitionStream>> {
        let partitions = partitions.max(1);
        (0..partitions)
            .map(|partition| {
                Arc::new(Self {
                    spec: spec.clone(),
                    schema: spec.schema(),
                    partition,
                    partitions,
                }) as Arc<dyn PartitionStream>
            })
            .collect()
    }
}

impl PartitionStream for PanelPartition {
    fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    fn execute(&self, ctx: Arc<TaskContext>) -> SendableRecordBatchStream {
        let generator = PanelGenerator::new(
            self.spec.clone(),
            self.partition,
            self.partitions,
            ctx.session_config().batch_size(),
        );
        let reservation = MemoryConsumer::new(format!("generate_panel[{}]", self.partition))
            .register(ctx.memory_pool());
        let batches = futures::stream::try_unfold(
            (generator, reservation),
            |(mut generator, reservation)| async move {
                // The batch being built is accounted until the next one replaces it.
                reservation
                    .try_resize(generator.batch_bytes())
                    .map_err(|e| {
                        e.context(format!(
                            "generate_panel: one batch of {} rows needs ~{} bytes",
                            generator.batch_rows,
                            generator.batch_bytes()
                        ))
                    })?;
                let batch = generator.next_batch()?;
                Ok(batch.map(|batch| (batch, (generator, reservation))))
            },
        );
        Box::pin(RecordBatchStreamAdapter::new(
            Arc::clone(&self.schema),
            batches,
        ))
    }
}

/// SplitMix64: small, fast and good enough for synthetic data.
struct SplitMix64(u64);

impl SplitMix64 {
    fn new(seed: u64, stream: u64) -> Self {
        let mut rng = SplitMix64(seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        rng.next();
        rng
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn uniform(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> PanelSpec {
        PanelSpec {
            n_series: 600,
            freq: Freq::days(1),
            season_length: 7,
            min_length: 5,
            max_length: 20,
            n_static_features: 2,
            equal_ends: false,
            seed: 7,
        }
    }

    fn generate(spec: &PanelSpec, partitions: usize, batch_rows: usize) -> Vec<RecordBatch> {
        let batches = spec.generate(partitions, batch_rows).unwrap().concat();
        assert!(batches.iter().all(|b| b.num_rows() <= batch_rows));
        batches
    }

    /// Rows sorted by (id, ds), as strings, to compare panels cut differently.
    fn sorted_rows(batches: &[RecordBatch]) -> Vec<String> {
        let batch = datafusion::arrow::compute::concat_batches(&spec().schema(), batches).unwrap();
        let mut rows: Vec<String> = (0..batch.num_rows())
            .map(|i| {
                let mut key = String::new();
                for c in batch.columns() {
                    let cell =
                        datafusion::arrow::util::display::array_value_to_string(c, i).unwrap();
                    key.push_str(&format!("{cell:>24}|"));
                }
                key
            })
            .collect();
        rows.sort();
        rows
    }

    #[test]
    fn deterministic_and_independent_of_partitions_and_batch_size() {
        let one = generate(&spec(), 1, 8192);
        let many = generate(&spec(), 4, 7);
        assert_eq!(sorted_rows(&one), sorted_rows(&many));
        assert_eq!(one, generate(&spec(), 1, 8192));
        let rows: usize = one.iter().map(|b| b.num_rows()).sum();
        assert!((600 * 5..=600 * 20).contains(&rows));
    }

    #[test]
    fn a_series_longer_than_a_batch_is_cut() {
        let spec = PanelSpec {
            n_series: 3,
            min_length: 1000,
            max_length: 1000,
            ..spec()
        };
        let batches = generate(&spec, 2, 64);
        assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 3000);
        assert!(batches.iter().all(|b| b.num_rows() <= 64));
    }
}
