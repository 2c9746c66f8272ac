//! From Arrow batches to the plain numbers a chart draws: which column plays which part
//! ([`Roles`]), the rows of the series that get a panel ([`Collector`]), and per series the
//! lines, bands and marks ([`Panel`]).

use std::collections::BTreeMap;
use std::mem::size_of;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Float64Type, Int64Type, Schema, TimeUnit};
use datafusion::common::{Result, exec_err, plan_err};

use super::options::ChartOptions;
use crate::logical::{HISTORY, TIME_SERIES_TYPE, anomaly_column_name, interval_bounds};

/// What the time column counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TimeAxis {
    /// Dates or timestamps, as seconds since the Unix epoch.
    Calendar,
    /// Plain integers (steps).
    Steps,
}

impl TimeAxis {
    fn of(data_type: &DataType) -> Option<Self> {
        match data_type {
            DataType::Date32 | DataType::Date64 | DataType::Timestamp(_, _) => {
                Some(TimeAxis::Calendar)
            }
            t if t.is_integer() => Some(TimeAxis::Steps),
            _ => None,
        }
    }
}

/// The columns of one model: its values, its interval bands and its anomaly flags.
#[derive(Debug, Clone)]
pub(crate) struct ModelColumns {
    /// The model's column name, also its label.
    pub(crate) name: String,
    value: usize,
    /// Widest level first.
    bands: Vec<BandColumns>,
    anomaly: Option<usize>,
}

#[derive(Debug, Clone)]
struct BandColumns {
    level: String,
    width: f64,
    lo: usize,
    hi: usize,
}

/// Which input column plays which part in the chart, found from the names and types.
#[derive(Debug, Clone)]
pub(crate) struct Roles {
    id: usize,
    time: usize,
    /// How the time column is drawn.
    pub(crate) axis: TimeAxis,
    target: Option<usize>,
    cutoff: Option<usize>,
    time_series_type: Option<usize>,
    /// The models, in column order.
    pub(crate) models: Vec<ModelColumns>,
}

/// Row slots: time, target, cutoff, in-sample flag, then each model's value, its bands'
/// lower and upper bounds and its anomaly flag. Missing values are NaN.
const TIME_SLOT: usize = 0;
const TARGET_SLOT: usize = 1;
const CUTOFF_SLOT: usize = 2;
const IN_SAMPLE_SLOT: usize = 3;
const FIRST_MODEL_SLOT: usize = 4;

impl Roles {
    /// Finds the parts in `schema`; an error names what is missing or of the wrong type.
    pub(crate) fn from_schema(schema: &Schema, options: &ChartOptions) -> Result<Self> {
        let find = |name: &str| schema.index_of(name).ok();
        let names = || {
            schema
                .fields()
                .iter()
                .map(|f| f.name().as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let Some(id) = find(&options.id_col) else {
            return plan_err!(
                "a chart needs a series column '{}' (set another with the option id_col); the query's columns are: {}",
                options.id_col,
                names()
            );
        };
        let Some(time) = find(&options.time_col) else {
            return plan_err!(
                "a chart needs a time column '{}' (set another with the option time_col); the query's columns are: {}",
                options.time_col,
                names()
            );
        };
        let time_type = schema.field(time).data_type();
        let Some(axis) = TimeAxis::of(time_type) else {
            return plan_err!(
                "the chart's time column '{}' must be a date, timestamp or integer, not {time_type}",
                options.time_col
            );
        };
        let numeric = |index: usize| is_float(schema.field(index).data_type());
        let target = find(&options.target_col);
        if let Some(index) = target
            && !schema.field(index).data_type().is_numeric()
        {
            return plan_err!(
                "the chart's target column '{}' must be numeric, not {}",
                options.target_col,
                schema.field(index).data_type()
            );
        }
        let cutoff = find(&options.cutoff_col)
            .filter(|&index| TimeAxis::of(schema.field(index).data_type()) == Some(axis));
        let time_series_type =
            find(TIME_SERIES_TYPE).filter(|&index| schema.field(index).data_type().is_string());
        let taken = [Some(id), Some(time), target, cutoff, time_series_type];

        let is_model = |index: usize| {
            let name = schema.field(index).name();
            numeric(index)
                && !taken.contains(&Some(index))
                && band_suffix(name).is_none()
                && !name.ends_with("-anomaly")
                && !name.ends_with("-anomaly-probability")
        };
        let candidates: Vec<usize> = (0..schema.fields().len())
            .filter(|&i| is_model(i))
            .collect();
        let chosen = match &options.models {
            None => candidates,
            Some(wanted) => {
                let mut chosen = Vec::with_capacity(wanted.len());
                for name in wanted {
                    match candidates.iter().find(|&&i| schema.field(i).name() == name) {
                        Some(&index) => chosen.push(index),
                        None => {
                            let available: Vec<&str> = candidates
                                .iter()
                                .map(|&i| schema.field(i).name().as_str())
                                .collect();
                            return plan_err!(
                                "chart option models: '{name}' is not a model column; the model columns are: {}",
                                available.join(", ")
                            );
                        }
                    }
                }
                chosen
            }
        };

        let column_names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        let models = chosen
            .into_iter()
            .map(|value| {
                let name = schema.field(value).name().clone();
                let mut bands: Vec<BandColumns> = interval_bounds(&name, &column_names)
                    .into_iter()
                    .filter(|bounds| numeric(bounds.lo) && numeric(bounds.hi))
                    .map(|bounds| BandColumns {
                        level: bounds.level_text.to_string(),
                        width: bounds.level,
                        lo: bounds.lo,
                        hi: bounds.hi,
                    })
                    .collect();
                bands.sort_by(|a, b| b.width.total_cmp(&a.width));
                let anomaly = find(&anomaly_column_name(&name))
                    .filter(|&i| schema.field(i).data_type() == &DataType::Boolean);
                ModelColumns {
                    name,
                    value,
                    bands,
                    anomaly,
                }
            })
            .collect();

        Ok(Roles {
            id,
            time,
            axis,
            target,
            cutoff,
            time_series_type,
            models,
        })
    }

    /// The levels of every band, widest first, each once.
    pub(crate) fn levels(&self) -> Vec<String> {
        let mut levels: Vec<(f64, &str)> = self
            .models
            .iter()
            .flat_map(|m| m.bands.iter().map(|b| (b.width, b.level.as_str())))
            .collect();
        levels.sort_by(|a, b| b.0.total_cmp(&a.0));
        levels.dedup_by(|a, b| a.1 == b.1);
        levels
            .into_iter()
            .map(|(_, level)| level.to_string())
            .collect()
    }

    fn stride(&self) -> usize {
        FIRST_MODEL_SLOT
            + self
                .models
                .iter()
                .map(|m| 2 + 2 * m.bands.len())
                .sum::<usize>()
    }
}

fn is_float(data_type: &DataType) -> bool {
    matches!(
        data_type,
        DataType::Float16 | DataType::Float32 | DataType::Float64
    )
}

/// `Some(level)` for a `<model>-lo-<level>` or `<model>-hi-<level>` column name.
fn band_suffix(name: &str) -> Option<&str> {
    let (_, level) = name
        .rsplit_once("-lo-")
        .or_else(|| name.rsplit_once("-hi-"))?;
    level.parse::<f64>().ok().map(|_| level)
}

/// Orders series ids: integers numerically first, then the rest as text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct SeriesKey(bool, i128, String);

impl SeriesKey {
    fn new(id: &str) -> Self {
        match id.parse::<i128>() {
            Ok(number) => SeriesKey(false, number, id.to_string()),
            Err(_) => SeriesKey(true, 0, id.to_string()),
        }
    }
}

/// Which series get a panel.
#[derive(Debug)]
enum Selection {
    /// The ids named by the option `series`, in its order.
    Named(Vec<String>),
    /// The first `n` ids in [`SeriesKey`] order.
    First(usize),
}

/// Keeps the rows of the series that get a panel, and only those, as plain numbers.
#[derive(Debug)]
pub(crate) struct Collector {
    roles: Roles,
    selection: Selection,
    rows: BTreeMap<SeriesKey, Vec<f64>>,
    bytes: usize,
}

impl Collector {
    /// A collector for inputs whose columns play `roles`.
    pub(crate) fn new(roles: Roles, options: &ChartOptions) -> Self {
        let selection = match &options.series {
            Some(ids) => Selection::Named(ids.clone()),
            None => Selection::First(options.max_series),
        };
        Collector {
            roles,
            selection,
            rows: BTreeMap::new(),
            bytes: 0,
        }
    }

    /// The memory the kept rows take, in bytes.
    pub(crate) fn bytes(&self) -> usize {
        self.bytes
    }

    /// Keeps the rows of `batch` that belong to a selected series.
    pub(crate) fn push(&mut self, batch: &RecordBatch) -> Result<()> {
        let ids = cast(batch.column(self.roles.id), &DataType::Utf8)?;
        let ids = ids.as_string::<i32>();
        let id_at = |row: usize| {
            if ids.is_valid(row) {
                ids.value(row)
            } else {
                "NULL"
            }
        };
        // Rows usually come series by series: decide once per run of equal ids, and
        // convert the other columns only when some run is kept.
        let mut kept = Vec::new();
        let mut start = 0;
        while start < batch.num_rows() {
            let id = id_at(start);
            let end = (start + 1..batch.num_rows())
                .find(|&row| id_at(row) != id)
                .unwrap_or(batch.num_rows());
            if self.slots_for(id).is_some() {
                kept.push((SeriesKey::new(id), start..end));
            }
            start = end;
        }
        if kept.is_empty() {
            return Ok(());
        }

        let roles = &self.roles;
        let time = seconds_or_steps(batch.column(roles.time))?;
        let target = roles.target.map(|i| floats(batch.column(i))).transpose()?;
        let cutoff = roles
            .cutoff
            .map(|i| seconds_or_steps(batch.column(i)))
            .transpose()?;
        let kind = roles
            .time_series_type
            .map(|i| cast(batch.column(i), &DataType::Utf8))
            .transpose()?;
        let kind = kind.as_ref().map(|k| k.as_string::<i32>());
        let mut model_columns: Vec<Vec<f64>> = Vec::new();
        for model in &roles.models {
            model_columns.push(floats(batch.column(model.value))?);
            for band in &model.bands {
                model_columns.push(floats(batch.column(band.lo))?);
                model_columns.push(floats(batch.column(band.hi))?);
            }
            let flags = match model.anomaly {
                Some(i) => {
                    let flags = batch.column(i).as_boolean();
                    (0..batch.num_rows())
                        .map(|row| flag(flags.is_valid(row) && flags.value(row)))
                        .collect()
                }
                None => vec![f64::NAN; batch.num_rows()],
            };
            model_columns.push(flags);
        }

        let stride = roles.stride();
        for (key, run) in kept {
            // A series kept early in the batch may have been displaced by a later one.
            let Some(slots) = self.rows.get_mut(&key) else {
                continue;
            };
            let before = slots.capacity();
            for row in run {
                let Some(x) = time[row] else { continue };
                slots.push(x);
                slots.push(target.as_ref().map_or(f64::NAN, |t| t[row]));
                slots.push(cutoff.as_ref().and_then(|c| c[row]).unwrap_or(f64::NAN));
                slots.push(flag(
                    kind.is_some_and(|k| k.is_valid(row) && k.value(row) == HISTORY),
                ));
                slots.extend(model_columns.iter().map(|column| column[row]));
            }
            debug_assert_eq!(slots.len() % stride, 0);
            self.bytes += (slots.capacity() - before) * size_of::<f64>();
        }
        Ok(())
    }

    /// The rows of `id` if it gets a panel, making room for it (and dropping the
    /// series it displaces) when it is new.
    fn slots_for(&mut self, id: &str) -> Option<&mut Vec<f64>> {
        let key = SeriesKey::new(id);
        if !self.rows.contains_key(&key) {
            match &self.selection {
                Selection::Named(ids) => {
                    if !ids.iter().any(|wanted| wanted == id) {
                        return None;
                    }
                }
                Selection::First(n) => {
                    if self.rows.len() >= *n {
                        let (last, _) = self.rows.last_key_value()?;
                        if key > *last {
                            return None;
                        }
                        if let Some((_, dropped)) = self.rows.pop_last() {
                            let freed = dropped.capacity() * size_of::<f64>();
                            self.bytes = self.bytes.saturating_sub(freed);
                        }
                    }
                }
            }
        }
        Some(self.rows.entry(key).or_default())
    }

    /// The panels, in the order they are drawn.
    pub(crate) fn finish(self) -> Result<Vec<Panel>> {
        let Collector {
            roles,
            selection,
            mut rows,
            ..
        } = self;
        let order: Vec<SeriesKey> = match selection {
            Selection::First(_) => rows.keys().cloned().collect(),
            Selection::Named(ids) => {
                let missing: Vec<&str> = ids
                    .iter()
                    .filter(|id| !rows.contains_key(&SeriesKey::new(id)))
                    .map(String::as_str)
                    .collect();
                if !missing.is_empty() {
                    return exec_err!(
                        "chart option series: the query returned no rows for {}",
                        missing.join(", ")
                    );
                }
                ids.iter().map(|id| SeriesKey::new(id)).collect()
            }
        };
        if order.is_empty() {
            return exec_err!("nothing to chart: the query returned no rows");
        }
        let stride = roles.stride();
        Ok(order
            .into_iter()
            .filter_map(|key| {
                let slots = rows.remove(&key)?;
                Some(Panel::from_rows(key.2, &slots, stride, &roles))
            })
            .collect())
    }
}

fn flag(set: bool) -> f64 {
    if set { 1.0 } else { 0.0 }
}

fn floats(column: &ArrayRef) -> Result<Vec<f64>> {
    let values = cast(column, &DataType::Float64)?;
    let values = values.as_primitive::<Float64Type>();
    Ok((0..values.len())
        .map(|i| {
            if values.is_valid(i) {
                values.value(i)
            } else {
                f64::NAN
            }
        })
        .collect())
}

/// Dates and timestamps as seconds since the epoch, integers as they are.
fn seconds_or_steps(column: &ArrayRef) -> Result<Vec<Option<f64>>> {
    let (as_int, scale) = match column.data_type() {
        DataType::Date32 => (cast(column, &DataType::Int32)?, 86_400.0),
        DataType::Date64 => (cast(column, &DataType::Int64)?, 1e-3),
        DataType::Timestamp(unit, _) => {
            let scale = match unit {
                TimeUnit::Second => 1.0,
                TimeUnit::Millisecond => 1e-3,
                TimeUnit::Microsecond => 1e-6,
                TimeUnit::Nanosecond => 1e-9,
            };
            (cast(column, &DataType::Int64)?, scale)
        }
        _ => (Arc::clone(column), 1.0),
    };
    let as_int = cast(&as_int, &DataType::Int64)?;
    let as_int = as_int.as_primitive::<Int64Type>();
    Ok((0..as_int.len())
        .map(|i| as_int.is_valid(i).then(|| as_int.value(i) as f64 * scale))
        .collect())
}

/// One interval band of one model: `(x, lower, upper)` points.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Band {
    /// The level, as written in the column names (`80`, `95`).
    pub(crate) level: String,
    /// Points in time order.
    pub(crate) points: Vec<(f64, f64, f64)>,
}

/// One model's values over one stretch: the in-sample fit, the forecast, or the
/// forecast from one cutoff.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Trace {
    /// Index into [`Roles::models`].
    pub(crate) model: usize,
    /// In-sample fitted values rather than a forecast.
    pub(crate) in_sample: bool,
    /// The cross-validation cutoff this forecast starts after.
    pub(crate) cutoff: Option<f64>,
    /// Points in time order.
    pub(crate) line: Vec<(f64, f64)>,
    /// Widest level first; none for in-sample values.
    pub(crate) bands: Vec<Band>,
}

/// Everything one series' panel draws.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Panel {
    /// The series id, the panel's caption.
    pub(crate) id: String,
    /// The target's values in time order, each time once.
    pub(crate) observed: Vec<(f64, f64)>,
    /// Model lines and bands.
    pub(crate) traces: Vec<Trace>,
    /// Cross-validation cutoffs, in order.
    pub(crate) cutoffs: Vec<f64>,
    /// Per model (index into [`Roles::models`]) the observations it flags as anomalies.
    pub(crate) anomalies: Vec<(usize, Vec<(f64, f64)>)>,
}

impl Panel {
    fn from_rows(id: String, slots: &[f64], stride: usize, roles: &Roles) -> Self {
        let mut rows: Vec<&[f64]> = slots.chunks_exact(stride).collect();
        // By cutoff (none first), in-sample before forecast, then time.
        rows.sort_by(|a, b| {
            let cutoff = |r: &[f64]| {
                if r[CUTOFF_SLOT].is_nan() {
                    f64::NEG_INFINITY
                } else {
                    r[CUTOFF_SLOT]
                }
            };
            cutoff(a)
                .total_cmp(&cutoff(b))
                .then(b[IN_SAMPLE_SLOT].total_cmp(&a[IN_SAMPLE_SLOT]))
                .then(a[TIME_SLOT].total_cmp(&b[TIME_SLOT]))
        });

        let mut observed: Vec<(f64, f64)> = rows
            .iter()
            .filter(|r| r[TARGET_SLOT].is_finite())
            .map(|r| (r[TIME_SLOT], r[TARGET_SLOT]))
            .collect();
        observed.sort_by(|a, b| a.0.total_cmp(&b.0));
        observed.dedup_by(|a, b| a.0 == b.0);

        let mut cutoffs: Vec<f64> = rows
            .iter()
            .map(|r| r[CUTOFF_SLOT])
            .filter(|c| c.is_finite())
            .collect();
        cutoffs.dedup();

        let mut traces = Vec::new();
        let same_stretch = |a: &&[f64], b: &&[f64]| {
            a[CUTOFF_SLOT].to_bits() == b[CUTOFF_SLOT].to_bits()
                && a[IN_SAMPLE_SLOT] == b[IN_SAMPLE_SLOT]
        };
        for stretch in rows.chunk_by(same_stretch) {
            let in_sample = stretch[0][IN_SAMPLE_SLOT] == 1.0;
            let cutoff = Some(stretch[0][CUTOFF_SLOT]).filter(|c| c.is_finite());
            let mut slot = FIRST_MODEL_SLOT;
            for (model, columns) in roles.models.iter().enumerate() {
                let value = slot;
                let line = stretch
                    .iter()
                    .filter(|r| r[value].is_finite())
                    .map(|r| (r[TIME_SLOT], r[value]))
                    .collect();
                let bands = columns
                    .bands
                    .iter()
                    .enumerate()
                    .filter(|_| !in_sample)
                    .map(|(b, band)| {
                        let lo = value + 1 + 2 * b;
                        Band {
                            level: band.level.clone(),
                            points: stretch
                                .iter()
                                .filter(|r| r[lo].is_finite() && r[lo + 1].is_finite())
                                .map(|r| (r[TIME_SLOT], r[lo], r[lo + 1]))
                                .collect(),
                        }
                    })
                    .filter(|band| !band.points.is_empty())
                    .collect();
                slot += 2 + 2 * columns.bands.len();
                traces.push(Trace {
                    model,
                    in_sample,
                    cutoff,
                    line,
                    bands,
                });
            }
        }
        traces.retain(|t| !t.line.is_empty() || !t.bands.is_empty());

        let mut anomalies = Vec::new();
        let mut slot = FIRST_MODEL_SLOT;
        for (model, columns) in roles.models.iter().enumerate() {
            let flag = slot + 1 + 2 * columns.bands.len();
            let marked: Vec<(f64, f64)> = rows
                .iter()
                .filter(|r| r[flag] == 1.0 && r[TARGET_SLOT].is_finite())
                .map(|r| (r[TIME_SLOT], r[TARGET_SLOT]))
                .collect();
            if columns.anomaly.is_some() {
                anomalies.push((model, marked));
            }
            slot = flag + 1;
        }

        Panel {
            id,
            observed,
            traces,
            cutoffs,
            anomalies,
        }
    }
}
