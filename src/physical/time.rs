//! The time column: raw `i64` values with their Arrow type, calendar arithmetic for
//! future timestamps, and per-series frequency inference.

use std::sync::Arc;

use chrono::{DateTime, Datelike, Months, NaiveDate, NaiveDateTime, TimeDelta};
use datafusion::arrow::array::{
    ArrayRef, Date32Array, Date64Array, Int32Array, Int64Array, TimestampMicrosecondArray,
    TimestampMillisecondArray, TimestampNanosecondArray, TimestampSecondArray,
};
use datafusion::arrow::datatypes::{DataType, TimeUnit};

use crate::logical::Freq;

const NANOS_PER_DAY: i64 = 86_400_000_000_000;

/// How raw `i64` time values are to be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TimeKind {
    /// Plain integers.
    Integer(DataType),
    /// Days since the epoch.
    Date32,
    /// Milliseconds since the epoch.
    Date64,
    /// Timestamps of a unit, with an optional zone (arithmetic is done in UTC).
    Timestamp(TimeUnit, Option<Arc<str>>),
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
            DataType::Int32 | DataType::Int64 => TimeKind::Integer(data_type.clone()),
            DataType::Date32 => TimeKind::Date32,
            DataType::Date64 => TimeKind::Date64,
            DataType::Timestamp(unit, tz) => TimeKind::Timestamp(*unit, tz.clone()),
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

    /// Builds an array of this kind from raw values.
    pub(crate) fn to_array(&self, values: Vec<i64>) -> ArrayRef {
        match self {
            TimeKind::Integer(DataType::Int32) => Arc::new(Int32Array::from_iter_values(
                values.into_iter().map(|v| v as i32),
            )),
            TimeKind::Integer(_) => Arc::new(Int64Array::from(values)),
            TimeKind::Date32 => Arc::new(Date32Array::from_iter_values(
                values.into_iter().map(|v| v as i32),
            )),
            TimeKind::Date64 => Arc::new(Date64Array::from(values)),
            TimeKind::Timestamp(unit, tz) => match unit {
                TimeUnit::Second => {
                    Arc::new(TimestampSecondArray::from(values).with_timezone_opt(tz.clone()))
                }
                TimeUnit::Millisecond => {
                    Arc::new(TimestampMillisecondArray::from(values).with_timezone_opt(tz.clone()))
                }
                TimeUnit::Microsecond => {
                    Arc::new(TimestampMicrosecondArray::from(values).with_timezone_opt(tz.clone()))
                }
                TimeUnit::Nanosecond => {
                    Arc::new(TimestampNanosecondArray::from(values).with_timezone_opt(tz.clone()))
                }
            },
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

    /// `last + k * step`, or `None` on overflow or when the step does not fit the type.
    pub(crate) fn advance(&self, last: i64, step: Step, k: i64) -> Option<i64> {
        match (self, step) {
            (_, Step::Raw(diff)) => last.checked_add(diff.checked_mul(k)?),
            (TimeKind::Integer(_), Step::Freq(Freq::Step(step))) => {
                last.checked_add(step.checked_mul(k)?)
            }
            (TimeKind::Integer(_), Step::Freq(Freq::Calendar { .. })) => None,
            (_, Step::Freq(Freq::Step(_))) => None,
            (
                _,
                Step::Freq(Freq::Calendar {
                    months,
                    days,
                    nanos,
                }),
            ) => {
                let mut value = self.to_datetime(last)?;
                if months != 0 {
                    value = add_months(value, i64::from(months).checked_mul(k)?)?;
                }
                let extra = TimeDelta::days(i64::from(days).checked_mul(k)?)
                    .checked_add(&TimeDelta::nanoseconds(nanos.checked_mul(k)?))?;
                value = value.checked_add_signed(extra)?;
                self.raw_from_datetime(value)
            }
        }
    }

    /// Infers the step of a series from its (strictly increasing) raw values: whole
    /// calendar months when every pair is that many months apart, else a constant raw
    /// difference. `None` when the spacing is irregular or there are fewer than two values.
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
        values
            .windows(2)
            .all(|w| w[1] - w[0] == diff)
            .then_some(Step::Raw(diff))
    }

    fn month_step(&self, values: &[i64]) -> Option<i32> {
        let first = self.to_datetime(values[0])?;
        let second = self.to_datetime(values[1])?;
        let months =
            (second.year() - first.year()) * 12 + second.month() as i32 - first.month() as i32;
        if months <= 0 {
            return None;
        }
        let mut previous = first;
        for &raw in &values[1..] {
            let current = self.to_datetime(raw)?;
            if add_months(previous, i64::from(months))? != current {
                return None;
            }
            previous = current;
        }
        Some(months)
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

/// Whether `freq` can step a time column of `data_type` (sub-day steps need timestamps).
pub(crate) fn freq_fits(freq: &Freq, data_type: &DataType) -> bool {
    match (freq, data_type) {
        (Freq::Step(_), DataType::Int32 | DataType::Int64) => true,
        (Freq::Calendar { nanos, .. }, DataType::Date32) => nanos % NANOS_PER_DAY == 0,
        (Freq::Calendar { nanos, .. }, DataType::Date64) => nanos % 1_000_000 == 0,
        (Freq::Calendar { .. }, DataType::Timestamp(_, _)) => true,
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
    fn timestamps_step_in_their_unit() {
        let kind = TimeKind::Timestamp(TimeUnit::Second, None);
        let step = Step::Freq(Freq::nanos(900_000_000_000));
        assert_eq!(kind.advance(0, step, 2), Some(1800));
        let monthly = TimeKind::Timestamp(TimeUnit::Millisecond, Some("UTC".into()));
        let jan31 = date(2024, 1, 31) * 86_400_000;
        assert_eq!(
            monthly.advance(jan31, Step::Freq(Freq::months(1)), 1),
            Some(date(2024, 2, 29) * 86_400_000)
        );
    }
}
