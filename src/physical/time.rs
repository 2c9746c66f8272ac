//! The time column: raw `i64` values with their Arrow type, calendar arithmetic for
//! future timestamps, and per-series frequency inference.

use std::sync::Arc;

use chrono::{
    DateTime, Datelike, LocalResult, Months, NaiveDate, NaiveDateTime, TimeDelta, TimeZone,
};
use datafusion::arrow::array::timezone::Tz;
use datafusion::arrow::array::{
    Array, ArrayRef, Date32Array, Date64Array, Int64Array, TimestampMicrosecondArray,
    TimestampMillisecondArray, TimestampNanosecondArray, TimestampSecondArray,
};
use datafusion::arrow::compute::{CastOptions, cast_with_options};
use datafusion::arrow::datatypes::{DataType, TimeUnit};
use datafusion::common::Result;

use crate::logical::{Freq, NANOS_PER_DAY};

/// How raw `i64` time values are to be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TimeKind {
    /// Plain integers.
    Integer(DataType),
    /// Days since the epoch.
    Date32,
    /// Milliseconds since the epoch.
    Date64,
    /// Timestamps of a unit, with an optional zone: calendar steps (months, weeks,
    /// business days, ...) are taken on the local clock, fixed durations in UTC.
    Timestamp(TimeUnit, Option<Zone>),
}

/// A time zone with its name (as the Arrow type spells it).
#[derive(Debug, Clone)]
pub(crate) struct Zone {
    name: Arc<str>,
    tz: Tz,
}

impl PartialEq for Zone {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Zone {}

impl Zone {
    fn local(&self, utc: NaiveDateTime) -> NaiveDateTime {
        self.tz.from_utc_datetime(&utc).naive_local()
    }

    /// The UTC time of a local time: the earlier one when the clock goes back, the
    /// first valid time after the gap when it jumps forward.
    fn utc(&self, local: NaiveDateTime) -> Option<NaiveDateTime> {
        let mut candidate = local;
        for _ in 0..=4 {
            match self.tz.from_local_datetime(&candidate) {
                LocalResult::Single(time) | LocalResult::Ambiguous(time, _) => {
                    return Some(time.naive_utc());
                }
                LocalResult::None => {
                    candidate = candidate.checked_add_signed(TimeDelta::minutes(30))?
                }
            }
        }
        None
    }
}

/// The step between two consecutive timestamps of a series.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Step {
    /// A fixed number of raw units (or of calendar days and nanoseconds).
    Freq(Freq),
    /// A fixed difference of raw values, as inferred from the data.
    Raw(i64),
}

impl TimeKind {
    pub(crate) fn try_new(data_type: &DataType) -> Option<Self> {
        Some(match data_type {
            _ if data_type.is_integer() => TimeKind::Integer(data_type.clone()),
            DataType::Date32 => TimeKind::Date32,
            DataType::Date64 => TimeKind::Date64,
            DataType::Timestamp(unit, None) => TimeKind::Timestamp(*unit, None),
            DataType::Timestamp(unit, Some(name)) => TimeKind::Timestamp(
                *unit,
                Some(Zone {
                    name: name.clone(),
                    tz: name.parse().ok()?,
                }),
            ),
            _ => return None,
        })
    }

    fn nanos_per_unit(&self) -> i64 {
        match self {
            TimeKind::Integer(_) => 1,
            TimeKind::Date32 => NANOS_PER_DAY,
            TimeKind::Date64 => 1_000_000,
            TimeKind::Timestamp(unit, _) => match unit {
                TimeUnit::Second => 1_000_000_000,
                TimeUnit::Millisecond => 1_000_000,
                TimeUnit::Microsecond => 1_000,
                TimeUnit::Nanosecond => 1,
            },
        }
    }

    /// Builds an array of this kind from raw values (in range: [`TimeKind::advance`]
    /// refuses values the type cannot hold).
    pub(crate) fn to_array(&self, values: Vec<i64>) -> Result<ArrayRef> {
        Ok(match self {
            TimeKind::Integer(DataType::Int64) => Arc::new(Int64Array::from(values)),
            TimeKind::Integer(data_type) => cast_exact(&Int64Array::from(values), data_type)?,
            TimeKind::Date32 => Arc::new(Date32Array::from_iter_values(
                values.into_iter().map(|v| v as i32),
            )),
            TimeKind::Date64 => Arc::new(Date64Array::from(values)),
            TimeKind::Timestamp(unit, zone) => {
                let tz = zone.as_ref().map(|zone| Arc::clone(&zone.name));
                match unit {
                    TimeUnit::Second => {
                        Arc::new(TimestampSecondArray::from(values).with_timezone_opt(tz))
                    }
                    TimeUnit::Millisecond => {
                        Arc::new(TimestampMillisecondArray::from(values).with_timezone_opt(tz))
                    }
                    TimeUnit::Microsecond => {
                        Arc::new(TimestampMicrosecondArray::from(values).with_timezone_opt(tz))
                    }
                    TimeUnit::Nanosecond => {
                        Arc::new(TimestampNanosecondArray::from(values).with_timezone_opt(tz))
                    }
                }
            }
        })
    }

    /// The raw values the type can hold.
    fn raw_range(&self) -> (i64, i64) {
        match self {
            TimeKind::Integer(DataType::Int8) => (i8::MIN.into(), i8::MAX.into()),
            TimeKind::Integer(DataType::Int16) => (i16::MIN.into(), i16::MAX.into()),
            TimeKind::Integer(DataType::Int32) | TimeKind::Date32 => {
                (i32::MIN.into(), i32::MAX.into())
            }
            TimeKind::Integer(DataType::UInt8) => (0, u8::MAX.into()),
            TimeKind::Integer(DataType::UInt16) => (0, u16::MAX.into()),
            TimeKind::Integer(DataType::UInt32) => (0, u32::MAX.into()),
            TimeKind::Integer(DataType::UInt64) => (0, i64::MAX),
            _ => (i64::MIN, i64::MAX),
        }
    }

    fn to_datetime(&self, raw: i64) -> Option<NaiveDateTime> {
        let nanos = raw.checked_mul(self.nanos_per_unit())?;
        Some(DateTime::from_timestamp_nanos(nanos).naive_utc())
    }

    fn raw_from_datetime(&self, value: NaiveDateTime) -> Option<i64> {
        let nanos = value.and_utc().timestamp_nanos_opt()?;
        Some(nanos.div_euclid(self.nanos_per_unit()))
    }

    fn zone(&self) -> Option<&Zone> {
        match self {
            TimeKind::Timestamp(_, zone) => zone.as_ref(),
            _ => None,
        }
    }

    /// The wall-clock time of a raw value (UTC when there is no zone).
    fn to_local(&self, raw: i64) -> Option<NaiveDateTime> {
        let utc = self.to_datetime(raw)?;
        Some(self.zone().map_or(utc, |zone| zone.local(utc)))
    }

    fn raw_from_local(&self, local: NaiveDateTime) -> Option<i64> {
        let utc = match self.zone() {
            Some(zone) => zone.utc(local)?,
            None => local,
        };
        self.raw_from_datetime(utc)
    }

    /// A raw value as a user reads it: the integer, the date, or the timestamp on its
    /// zone's clock.
    pub(crate) fn display(&self, raw: i64) -> String {
        let Some(utc) = self.to_datetime(raw) else {
            return raw.to_string();
        };
        match self {
            TimeKind::Integer(_) => raw.to_string(),
            TimeKind::Date32 => utc.date().to_string(),
            TimeKind::Date64 | TimeKind::Timestamp(_, None) => utc.to_string(),
            TimeKind::Timestamp(_, Some(zone)) => zone.tz.from_utc_datetime(&utc).to_string(),
        }
    }

    /// `last + k * step`, or `None` when the type cannot hold it or the step does not fit
    /// the type.
    pub(crate) fn advance(&self, last: i64, step: Step, k: i64) -> Option<i64> {
        let (min, max) = self.raw_range();
        self.advance_raw(last, step, k)
            .filter(|value| (min..=max).contains(value))
    }

    fn advance_raw(&self, last: i64, step: Step, k: i64) -> Option<i64> {
        match (self, step) {
            (_, Step::Raw(diff)) => last.checked_add(diff.checked_mul(k)?),
            (TimeKind::Integer(_), Step::Freq(Freq::Step(step))) => {
                last.checked_add(step.checked_mul(k)?)
            }
            (TimeKind::Integer(_), Step::Freq(_)) | (_, Step::Freq(Freq::Step(_))) => None,
            // Exact time only: on the UTC line, never through the local clock.
            (
                _,
                Step::Freq(Freq::Calendar {
                    months: 0,
                    days: 0,
                    nanos,
                }),
            ) => {
                let utc = self.to_datetime(last)?;
                self.raw_from_datetime(
                    utc.checked_add_signed(TimeDelta::nanoseconds(nanos.checked_mul(k)?))?,
                )
            }
            (
                _,
                Step::Freq(Freq::Calendar {
                    months,
                    days,
                    nanos,
                }),
            ) => {
                let mut local = self.to_local(last)?;
                if months != 0 {
                    local = add_months(local, i64::from(months).checked_mul(k)?)?;
                }
                local = local
                    .checked_add_signed(TimeDelta::try_days(i64::from(days).checked_mul(k)?)?)?;
                let utc = self.to_datetime(self.raw_from_local(local)?)?;
                let utc = utc.checked_add_signed(TimeDelta::nanoseconds(nanos.checked_mul(k)?))?;
                self.raw_from_datetime(utc)
            }
            (_, Step::Freq(Freq::Offset(offset))) if offset.is_tick() => {
                self.raw_from_datetime(offset.advance(self.to_datetime(last)?, k)?)
            }
            (_, Step::Freq(Freq::Offset(offset))) => {
                self.raw_from_local(offset.advance(self.to_local(last)?, k)?)
            }
        }
    }

    /// The step as a [`Freq`] that advances alike (what `fit_models` stores): an inferred
    /// raw difference becomes an integer step, days, or nanoseconds. `None` when the
    /// difference does not fit a `Freq`.
    pub(crate) fn step_freq(&self, step: Step) -> Option<Freq> {
        let diff = match step {
            Step::Freq(freq) => return Some(freq),
            Step::Raw(diff) => diff,
        };
        Some(match self {
            TimeKind::Integer(_) => Freq::Step(diff),
            TimeKind::Date32 => Freq::days(i32::try_from(diff).ok()?),
            TimeKind::Date64 => Freq::nanos(diff.checked_mul(1_000_000)?),
            TimeKind::Timestamp(unit, _) => Freq::nanos(diff.checked_mul(match unit {
                TimeUnit::Second => 1_000_000_000,
                TimeUnit::Millisecond => 1_000_000,
                TimeUnit::Microsecond => 1_000,
                TimeUnit::Nanosecond => 1,
            })?),
        })
    }

    /// Infers the step of a series from its (strictly increasing) raw values, on the local
    /// clock of zoned timestamps: whole calendar months when every pair is that many
    /// months apart, whole calendar days when every pair is that many local days apart
    /// (zoned timestamps across a daylight saving change), else a constant raw difference.
    /// `None` when the spacing is irregular or there are fewer than two values.
    pub(crate) fn infer_step(&self, values: &[i64]) -> Option<Step> {
        if values.len() < 2 {
            return None;
        }
        if !matches!(self, TimeKind::Integer(_))
            && let Some(months) = self.month_step(values)
        {
            return Some(Step::Freq(Freq::months(months)));
        }
        let diff = values[1] - values[0];
        if values.windows(2).all(|w| w[1] - w[0] == diff) {
            return Some(Step::Raw(diff));
        }
        self.zone()?;
        let days = self.local_day_step(values)?;
        Some(Step::Freq(Freq::days(days)))
    }

    fn local_day_step(&self, values: &[i64]) -> Option<i32> {
        let gap = self.to_local(values[1])? - self.to_local(values[0])?;
        let days = gap.num_days();
        if days <= 0 || gap != TimeDelta::try_days(days)? {
            return None;
        }
        if !self.every_local_pair(values, |previous, current| current - previous == gap)? {
            return None;
        }
        i32::try_from(days).ok()
    }

    fn month_step(&self, values: &[i64]) -> Option<i32> {
        let first = self.to_local(values[0])?;
        let second = self.to_local(values[1])?;
        let months =
            (second.year() - first.year()) * 12 + second.month() as i32 - first.month() as i32;
        if months <= 0 {
            return None;
        }
        self.every_local_pair(values, |previous, current| {
            add_months(previous, i64::from(months)) == Some(current)
        })?
        .then_some(months)
    }

    /// Whether every two consecutive values, read on the local clock, satisfy `step`
    /// (`None` when a value is out of the calendar's range).
    fn every_local_pair(
        &self,
        values: &[i64],
        step: impl Fn(NaiveDateTime, NaiveDateTime) -> bool,
    ) -> Option<bool> {
        let mut previous = self.to_local(values[0])?;
        for &raw in &values[1..] {
            let current = self.to_local(raw)?;
            if !step(previous, current) {
                return Some(false);
            }
            previous = current;
        }
        Some(true)
    }
}

/// Adds calendar months; a month end stays a month end (Feb 28 -> Mar 31).
fn add_months(value: NaiveDateTime, months: i64) -> Option<NaiveDateTime> {
    let date = value.date();
    let time = value.time();
    let shifted = if months >= 0 {
        date.checked_add_months(Months::new(u32::try_from(months).ok()?))?
    } else {
        date.checked_sub_months(Months::new(u32::try_from(-months).ok()?))?
    };
    let shifted = if is_month_end(date) {
        month_end(shifted)?
    } else {
        shifted
    };
    Some(shifted.and_time(time))
}

fn is_month_end(date: NaiveDate) -> bool {
    date.succ_opt()
        .is_some_and(|next| next.month() != date.month())
}

fn month_end(date: NaiveDate) -> Option<NaiveDate> {
    let (year, month) = if date.month() == 12 {
        (date.year() + 1, 1)
    } else {
        (date.year(), date.month() + 1)
    };
    NaiveDate::from_ymd_opt(year, month, 1)?.pred_opt()
}

/// `array` cast to `to`, an error (never a NULL or a wrapped value) for a value `to`
/// cannot hold.
pub(crate) fn cast_exact(array: &dyn Array, to: &DataType) -> Result<ArrayRef> {
    let options = CastOptions {
        safe: false,
        ..CastOptions::default()
    };
    Ok(cast_with_options(array, to, &options)?)
}

/// Whether `freq` can step a time column of `data_type` (sub-day steps need timestamps).
pub(crate) fn freq_fits(freq: &Freq, data_type: &DataType) -> bool {
    match (freq, data_type) {
        (Freq::Step(_), _) => data_type.is_integer(),
        _ if data_type.is_integer() => false,
        (_, DataType::Date32) => freq.whole_days(),
        (_, DataType::Date64) => freq.whole_millis(),
        (_, DataType::Timestamp(_, _)) => true,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> i64 {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        (NaiveDate::from_ymd_opt(y, m, d).unwrap() - epoch).num_days()
    }

    #[test]
    fn month_ends_stay_month_ends() {
        let kind = TimeKind::Date32;
        let step = Step::Freq(Freq::months(1));
        assert_eq!(
            kind.advance(date(2024, 1, 31), step, 1),
            Some(date(2024, 2, 29))
        );
        assert_eq!(
            kind.advance(date(2024, 2, 29), step, 1),
            Some(date(2024, 3, 31))
        );
        assert_eq!(
            kind.advance(date(2024, 1, 15), step, 2),
            Some(date(2024, 3, 15))
        );
        assert_eq!(
            kind.advance(date(2024, 1, 1), Step::Freq(Freq::days(7)), 2),
            Some(date(2024, 1, 15))
        );
    }

    #[test]
    fn infers_months_days_and_steps() {
        let kind = TimeKind::Date32;
        let monthly = [date(2020, 1, 1), date(2020, 2, 1), date(2020, 3, 1)];
        assert_eq!(kind.infer_step(&monthly), Some(Step::Freq(Freq::months(1))));
        let ends = [date(2020, 1, 31), date(2020, 2, 29), date(2020, 3, 31)];
        assert_eq!(kind.infer_step(&ends), Some(Step::Freq(Freq::months(1))));
        let quarterly = [date(2020, 1, 1), date(2020, 4, 1), date(2020, 7, 1)];
        assert_eq!(
            kind.infer_step(&quarterly),
            Some(Step::Freq(Freq::months(3)))
        );
        let daily = [date(2020, 1, 30), date(2020, 1, 31), date(2020, 2, 1)];
        assert_eq!(kind.infer_step(&daily), Some(Step::Raw(1)));
        let irregular = [date(2020, 1, 1), date(2020, 1, 2), date(2020, 1, 4)];
        assert_eq!(kind.infer_step(&irregular), None);
        assert_eq!(
            TimeKind::Integer(DataType::Int64).infer_step(&[3, 5, 7]),
            Some(Step::Raw(2))
        );
        assert_eq!(kind.infer_step(&[1]), None);
    }

    #[test]
    fn steps_beyond_the_calendar_are_none_not_a_panic() {
        let kind = TimeKind::Timestamp(TimeUnit::Nanosecond, None);
        for freq in [Freq::days(1), Freq::months(1), Freq::parse("W").unwrap()] {
            assert_eq!(kind.advance(0, Step::Freq(freq), i64::MAX), None, "{freq}");
            assert_eq!(kind.advance(0, Step::Freq(freq), 1 << 40), None, "{freq}");
        }
        assert_eq!(
            TimeKind::Date32.advance(0, Step::Freq(Freq::days(1)), 1 << 40),
            None
        );
        assert_eq!(kind.advance(0, Step::Freq(Freq::nanos(2)), i64::MAX), None);
    }

    #[test]
    fn timestamps_step_in_their_unit() {
        let kind = TimeKind::Timestamp(TimeUnit::Second, None);
        let step = Step::Freq(Freq::nanos(900_000_000_000));
        assert_eq!(kind.advance(0, step, 2), Some(1800));
        let monthly = TimeKind::try_new(&DataType::Timestamp(
            TimeUnit::Millisecond,
            Some("UTC".into()),
        ))
        .unwrap();
        let jan31 = date(2024, 1, 31) * 86_400_000;
        assert_eq!(
            monthly.advance(jan31, Step::Freq(Freq::months(1)), 1),
            Some(date(2024, 2, 29) * 86_400_000)
        );
    }

    /// Every alias on several start dates (month ends, leap days, weekends, daylight
    /// saving changes), naive and in two zones, against the dates pandas 2.3.3 gives
    /// (`tests/data/calendar/generate.py`).
    #[test]
    fn offsets_give_the_dates_pandas_gives() {
        let expected = include_str!("../../tests/data/calendar/pandas_offsets.csv");
        let mut checked = 0;
        let mut wrong = Vec::new();
        for line in expected.lines().skip(1) {
            let fields: Vec<&str> = line.split(',').collect();
            let (alias, zone) = (fields[0], fields[1]);
            let zone = (!zone.is_empty()).then(|| Arc::<str>::from(zone));
            let kind = TimeKind::try_new(&DataType::Timestamp(TimeUnit::Nanosecond, zone))
                .expect("a known zone");
            let freq = Freq::parse(alias).unwrap_or_else(|e| panic!("{alias}: {e}"));
            let last: i64 = fields[2].parse().unwrap();
            for (k, want) in fields[3..].iter().enumerate() {
                let want: i64 = want.parse().unwrap();
                let got = kind.advance(last, Step::Freq(freq), k as i64 + 1);
                if got != Some(want) {
                    wrong.push(format!(
                        "{alias} tz={} last={} k={}: got {:?}, pandas {}",
                        fields[1],
                        DateTime::from_timestamp_nanos(last),
                        k + 1,
                        got.map(DateTime::from_timestamp_nanos),
                        DateTime::from_timestamp_nanos(want)
                    ));
                }
                checked += 1;
            }
        }
        assert!(checked > 15_000, "{checked} dates checked");
        assert!(
            wrong.is_empty(),
            "{} of {checked} differ:\n{}",
            wrong.len(),
            wrong[..wrong.len().min(30)].join("\n")
        );
    }
}
