//! A deterministic synthetic panel, after statsforecast's `generate_series`: `n_series`
//! series of random lengths in `[min_length, max_length]`, each a noisy seasonal pattern.
//! Every series draws from its own generator seeded by `(seed, series index)`, so the
//! output does not depend on how the work is split.

use std::sync::Arc;

use datafusion::arrow::array::{ArrayRef, Float64Array, Int64Array, RecordBatch, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};
use datafusion::common::Result;
use rayon::prelude::*;

use crate::logical::Freq;
use crate::physical::time::{Step, TimeKind};

/// Series per generated batch.
const SERIES_PER_BATCH: usize = 256;
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
        match self.freq {
            Freq::Calendar { nanos: 0, .. } => DataType::Date32,
            _ => DataType::Timestamp(TimeUnit::Nanosecond, None),
        }
    }

    /// Generates the panel as `partitions` lists of batches, in parallel.
    pub fn generate(&self, partitions: usize) -> Result<Vec<Vec<RecordBatch>>> {
        let schema = self.schema();
        let kind =
            TimeKind::try_new(&self.time_kind_type()).expect("panel time types are supported");
        let start = match kind {
            TimeKind::Date32 => START_DAY,
            _ => START_DAY * 86_400_000_000_000,
        };
        let batches: Vec<RecordBatch> = (0..self.n_series.div_ceil(SERIES_PER_BATCH))
            .into_par_iter()
            .map(|b| {
                let first = b * SERIES_PER_BATCH;
                let last = (first + SERIES_PER_BATCH).min(self.n_series);
                self.batch(first..last, &kind, start, &schema)
            })
            .collect::<Result<_>>()?;
        let partitions = partitions.max(1);
        let mut out = vec![Vec::new(); partitions];
        for (i, batch) in batches.into_iter().enumerate() {
            out[i % partitions].push(batch);
        }
        Ok(out)
    }

    fn batch(
        &self,
        series: std::ops::Range<usize>,
        kind: &TimeKind,
        start: i64,
        schema: &SchemaRef,
    ) -> Result<RecordBatch> {
        let (mut ids, mut ds, mut y) = (Vec::new(), Vec::new(), Vec::new());
        let mut statics = vec![Vec::new(); self.n_static_features];
        let season = self.season_length.max(1);
        for s in series {
            let mut rng = SplitMix64::new(self.seed, s as u64);
            let span = (self.max_length - self.min_length + 1) as u64;
            let length = self.min_length + (rng.next() % span) as usize;
            let offset = if self.equal_ends {
                self.max_length - length
            } else {
                0
            };
            let features: Vec<i64> = (0..self.n_static_features)
                .map(|_| (rng.next() % 100) as i64)
                .collect();
            let level = (s % 10) as f64;
            let id = s.to_string();
            for t in 0..length {
                ids.push(id.clone());
                let position = (offset + t) as i64;
                ds.push(
                    kind.advance(start, Step::Freq(self.freq), position)
                        .unwrap_or(start),
                );
                y.push(level + (t % season) as f64 + 0.5 * rng.uniform());
                for (column, value) in statics.iter_mut().zip(&features) {
                    column.push(*value);
                }
            }
        }
        let mut columns: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from(ids)),
            kind.to_array(ds),
            Arc::new(Float64Array::from(y)),
        ];
        for column in statics {
            columns.push(Arc::new(Int64Array::from(column)));
        }
        Ok(RecordBatch::try_new(Arc::clone(schema), columns)?)
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

    #[test]
    fn deterministic_and_independent_of_partitions() {
        let one: Vec<RecordBatch> = spec().generate(1).unwrap().concat();
        let four: Vec<RecordBatch> = spec().generate(4).unwrap().concat();
        let rows = |b: &[RecordBatch]| b.iter().map(|b| b.num_rows()).sum::<usize>();
        assert_eq!(rows(&one), rows(&four));
        assert_eq!(spec().generate(1).unwrap(), spec().generate(1).unwrap());
        assert!(rows(&one) >= 600 * 5 && rows(&one) <= 600 * 20);
    }
}
