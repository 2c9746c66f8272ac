//! pandas offset aliases (`'15min'`, `'W-MON'`, `'2MS'`, `'QE-NOV'`, `'B'`, `'WOM-1MON'`)
//! and the dates they give. A step of `n` anchored offsets from a date is the `n`-th
//! anchor strictly after it, with its time of day kept: an off-anchor date rolls onto the
//! anchor first, and that roll counts as one step, as `Timestamp + n * offset` does.

use std::fmt;

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, TimeDelta, Weekday};

/// Nanoseconds in a day (pandas' `D` tick).
pub(crate) const NANOS_PER_DAY: i64 = 86_400_000_000_000;
const MONTHS: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const WEEKDAYS: [&str; 7] = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];

/// A pandas offset: `n` times an anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Offset {
    /// Anchors per step (the alias' multiplier, 2 in `2MS`); 1 for ticks, whose
    /// duration already holds it.
    pub n: i32,
    /// Which dates are on the offset.
    pub anchor: Anchor,
}

/// The dates (or the fixed duration) an offset steps through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Anchor {
    /// A fixed duration added in absolute time (pandas' ticks: D, h, min, s, ms, us, ns).
    Tick {
        /// The duration of one step.
        nanos: i64,
    },
    /// One weekday (`W-SUN`; `W` alone is Sunday).
    Week {
        /// 0 for Monday to 6 for Sunday.
        weekday: u8,
    },
    /// Monday to Friday (`B`).
    BusinessDay,
    /// Two days of each month: the 1st and the `day`-th (`SMS`), or the `day`-th and the
    /// last (`SME`).
    SemiMonth {
        /// The day in mid-month (2 to 27, 15 by default).
        day: u8,
        /// Whether the second anchor is the month's last day.
        end: bool,
    },
    /// One day of every `period`-th month.
    Periodic {
        /// 1 (monthly), 3 (quarterly) or 12 (yearly).
        period: u8,
        /// A month (1 to 12) on the offset; the others are congruent to it modulo `period`.
        month: u8,
        /// Which day of those months.
        day: DayOfMonth,
    },
}

/// Which day of a month a periodic anchor falls on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DayOfMonth {
    /// The 1st (`MS`, `QS`, `YS`).
    First,
    /// The last day (`ME`, `QE`, `YE`).
    Last,
    /// The first Monday-to-Friday (`BMS`, `BQS`, `BYS`).
    FirstBusiness,
    /// The last Monday-to-Friday (`BME`, `BQE`, `BYE`).
    LastBusiness,
    /// The `week`-th given weekday (`WOM-1MON`).
    NthWeekday {
        /// 0 to 3.
        week: u8,
        /// 0 for Monday to 6 for Sunday.
        weekday: u8,
    },
}

impl Offset {
    /// Parses a pandas alias with an optional multiplier (`'2h'`, `'1.5h'`, `'2 MS'`,
    /// `'1D2h'`). `None` when the text is not an alias, an error when it is one that
    /// cannot be used.
    pub fn parse(text: &str) -> Option<Result<Offset, String>> {
        let text = text.trim();
        let mut rest = text;
        let mut parts = Vec::new();
        while !rest.is_empty() {
            let (number, tail) = split_where(rest, |c| !(c.is_ascii_digit() || "+-.".contains(c)));
            let (letters, tail) = split_where(tail.trim_start(), |c| !c.is_ascii_alphabetic());
            // An anchor suffix follows a dash: `W-MON`, `QS-FEB`, `WOM-1MON`, `SMS-10`.
            let (alias, tail) = match tail.strip_prefix('-') {
                Some(after) => {
                    let (suffix, tail) = split_where(after, |c| !c.is_ascii_alphanumeric());
                    (format!("{letters}-{suffix}"), tail)
                }
                None => (letters.to_string(), tail),
            };
            if letters.is_empty() {
                return None;
            }
            let anchor = match parse_alias(&alias)? {
                Ok(anchor) => anchor,
                Err(e) => return Some(Err(e)),
            };
            parts.push((number, alias, anchor));
            rest = tail.trim_start();
        }
        let result = if parts.len() == 1 {
            let (number, alias, anchor) = parts.remove(0);
            single(text, number, &alias, anchor)
        } else {
            combined_ticks(text, &parts)
        };
        Some(result)
    }

    /// Whether steps are a fixed duration (added in absolute time, also across daylight
    /// saving changes) rather than calendar dates (added in local time).
    pub fn is_tick(&self) -> bool {
        matches!(self.anchor, Anchor::Tick { .. })
    }

    /// Whether every step lands on a whole day when started from midnight.
    pub fn whole_days(&self) -> bool {
        match self.anchor {
            Anchor::Tick { nanos } => nanos % NANOS_PER_DAY == 0,
            _ => true,
        }
    }

    /// Whether every step lands on a whole millisecond when started from one.
    pub fn whole_millis(&self) -> bool {
        match self.anchor {
            Anchor::Tick { nanos } => nanos % 1_000_000 == 0,
            _ => true,
        }
    }

    /// `k` steps after `from`: the `k * n`-th anchor strictly after it, at its time of day
    /// (`from` itself for `k = 0`; `None` for negative `k` or out of range).
    pub fn advance(&self, from: NaiveDateTime, k: i64) -> Option<NaiveDateTime> {
        let steps = k.checked_mul(i64::from(self.n))?;
        if steps == 0 {
            return Some(from);
        }
        if steps < 0 {
            return None;
        }
        let time = from.time();
        let date = from.date();
        let landed = match self.anchor {
            Anchor::Tick { nanos } => {
                return from.checked_add_signed(TimeDelta::nanoseconds(nanos.checked_mul(k)?));
            }
            Anchor::Week { weekday } => {
                let ahead = (i64::from(weekday) - weekday_index(date) - 1).rem_euclid(7) + 1;
                add_days(date, ahead.checked_add((steps - 1).checked_mul(7)?)?)?
            }
            Anchor::BusinessDay => nth_business_day_after(date, steps)?,
            Anchor::SemiMonth { day, end } => {
                let first = 2 * month_index(date);
                let on = |slot: i64| semi_month_anchor(slot, day, end);
                let mut slot = first;
                while on(slot)? <= date {
                    slot += 1;
                }
                on(slot.checked_add(steps - 1)?)?
            }
            Anchor::Periodic { period, month, day } => {
                let period = i64::from(period);
                let here = month_index(date);
                let mut index = here + (i64::from(month) - 1 - here).rem_euclid(period);
                if day_of(index, day)? <= date {
                    index += period;
                }
                day_of(index.checked_add(period.checked_mul(steps - 1)?)?, day)?
            }
        };
        Some(landed.and_time(time))
    }

    /// The seasonal period this offset usually has (weekly for daily data, and so on), or 1.
    pub fn usual_season(&self) -> usize {
        if self.n != 1 {
            return 1;
        }
        match self.anchor {
            Anchor::Tick {
                nanos: NANOS_PER_DAY,
            } => 7,
            Anchor::Tick {
                nanos: 3_600_000_000_000,
            } => 24,
            Anchor::Week { .. } => 52,
            Anchor::BusinessDay => 5,
            Anchor::Periodic { period: 1, .. } => 12,
            Anchor::Periodic { period: 3, .. } => 4,
            _ => 1,
        }
    }
}

fn single(text: &str, number: &str, alias: &str, anchor: Anchor) -> Result<Offset, String> {
    if let Anchor::Tick { nanos } = anchor {
        let total = scaled(number, nanos).ok_or_else(|| not_whole(text))?;
        if total <= 0 {
            return Err(format!("freq must be positive, got '{text}'"));
        }
        return Ok(Offset {
            n: 1,
            anchor: Anchor::Tick { nanos: total },
        });
    }
    let n = if number.is_empty() {
        1
    } else {
        number.parse::<i32>().map_err(|_| {
            format!("freq '{text}': the multiplier of '{alias}' must be a whole number")
        })?
    };
    if n <= 0 {
        return Err(format!("freq must be positive, got '{text}'"));
    }
    Ok(Offset { n, anchor })
}

fn combined_ticks(text: &str, parts: &[(&str, String, Anchor)]) -> Result<Offset, String> {
    let mut total: i64 = 0;
    for (number, _, anchor) in parts {
        let Anchor::Tick { nanos } = anchor else {
            return Err(format!(
                "freq '{text}': only fixed durations (D, h, min, s, ms, us, ns) can be combined"
            ));
        };
        let part = scaled(number, *nanos).ok_or_else(|| not_whole(text))?;
        total = total
            .checked_add(part)
            .ok_or_else(|| format!("freq '{text}' is too large"))?;
    }
    if total <= 0 {
        return Err(format!("freq must be positive, got '{text}'"));
    }
    Ok(Offset {
        n: 1,
        anchor: Anchor::Tick { nanos: total },
    })
}

/// Splits `text` before the first character matching `stop`.
fn split_where(text: &str, stop: impl Fn(char) -> bool) -> (&str, &str) {
    text.split_at(text.find(stop).unwrap_or(text.len()))
}

fn not_whole(text: &str) -> String {
    format!("freq '{text}' is not a whole number of nanoseconds")
}

/// `number * unit` exactly, for a decimal `number` (empty means 1).
fn scaled(number: &str, unit: i64) -> Option<i64> {
    if number.is_empty() {
        return Some(unit);
    }
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let digits: i128 = format!("{whole}{fraction}").parse().ok()?;
    let scale = 10i128.checked_pow(u32::try_from(fraction.len()).ok()?)?;
    let product = digits.checked_mul(i128::from(unit))?;
    if product % scale != 0 {
        return None;
    }
    i64::try_from(product / scale).ok()
}

/// The anchor of one alias without its multiplier, following pandas' spelling: case does
/// not matter except that `MS` is a month start and any other casing of it milliseconds.
fn parse_alias(alias: &str) -> Option<Result<Anchor, String>> {
    let (prefix, suffix) = match alias.split_once('-') {
        Some((prefix, suffix)) => (prefix, Some(suffix)),
        None => (alias, None),
    };
    let upper = prefix.to_ascii_uppercase();
    let tick = |nanos: i64| Some(Ok(Anchor::Tick { nanos }));
    if suffix.is_none() {
        match upper.as_str() {
            "D" => return tick(NANOS_PER_DAY),
            "H" => return tick(3_600_000_000_000),
            "T" | "MIN" => return tick(60_000_000_000),
            "S" => return tick(1_000_000_000),
            "MS" if prefix != "MS" => return tick(1_000_000),
            "L" => return tick(1_000_000),
            "U" | "US" => return tick(1_000),
            "N" | "NS" => return tick(1),
            "B" | "C" => return Some(Ok(Anchor::BusinessDay)),
            _ => {}
        }
    }
    let periodic = |period: u8, default_month: u8, day: DayOfMonth| {
        Some(
            month_suffix(alias, suffix, default_month).map(|month| Anchor::Periodic {
                period,
                month,
                day,
            }),
        )
    };
    let monthly = |day: DayOfMonth| {
        Some(match suffix {
            None => Ok(Anchor::Periodic {
                period: 1,
                month: 1,
                day,
            }),
            Some(_) => Err(format!("freq '{alias}': monthly offsets take no suffix")),
        })
    };
    use DayOfMonth::*;
    match upper.as_str() {
        "W" => Some(
            weekday_suffix(alias, suffix.unwrap_or("SUN")).map(|weekday| Anchor::Week { weekday }),
        ),
        "MS" => monthly(First),
        "M" | "ME" => monthly(Last),
        "BMS" | "CBMS" => monthly(FirstBusiness),
        "BM" | "BME" | "CBM" | "CBME" => monthly(LastBusiness),
        "SMS" | "SM" | "SME" => {
            let end = upper != "SMS";
            let day = match suffix {
                None => Ok(15),
                Some(text) => text
                    .parse::<u8>()
                    .ok()
                    .filter(|day| (2..=27).contains(day))
                    .ok_or_else(|| {
                        format!("freq '{alias}': the day of month must be between 2 and 27")
                    }),
            };
            Some(day.map(|day| Anchor::SemiMonth { day, end }))
        }
        "QS" => periodic(3, 1, First),
        "Q" | "QE" => periodic(3, 12, Last),
        "BQS" => periodic(3, 1, FirstBusiness),
        "BQ" | "BQE" => periodic(3, 12, LastBusiness),
        "YS" | "AS" => periodic(12, 1, First),
        "Y" | "A" | "YE" => periodic(12, 12, Last),
        "BYS" | "BAS" => periodic(12, 1, FirstBusiness),
        "BY" | "BA" | "BYE" => periodic(12, 12, LastBusiness),
        "WOM" => Some(week_of_month(alias, suffix)),
        "BH" | "CBH" | "RE" | "REQ" => Some(Err(format!(
            "freq '{alias}' (business hours and 52-53 week fiscal years) is not supported"
        ))),
        _ => None,
    }
}

fn month_suffix(alias: &str, suffix: Option<&str>, default: u8) -> Result<u8, String> {
    let Some(suffix) = suffix else {
        return Ok(default);
    };
    let upper = suffix.to_ascii_uppercase();
    MONTHS
        .iter()
        .position(|m| *m == upper)
        .map(|i| i as u8 + 1)
        .ok_or_else(|| format!("freq '{alias}': '{suffix}' is not a month (JAN to DEC)"))
}

fn weekday_suffix(alias: &str, suffix: &str) -> Result<u8, String> {
    let upper = suffix.to_ascii_uppercase();
    WEEKDAYS
        .iter()
        .position(|d| *d == upper)
        .map(|i| i as u8)
        .ok_or_else(|| format!("freq '{alias}': '{suffix}' is not a weekday (MON to SUN)"))
}

fn week_of_month(alias: &str, suffix: Option<&str>) -> Result<Anchor, String> {
    let help = || format!("freq '{alias}': week of month is written WOM-1MON to WOM-4SUN");
    let suffix = suffix.ok_or_else(help)?;
    let (week, weekday) = suffix.split_at_checked(1).ok_or_else(help)?;
    let week = week
        .parse::<u8>()
        .ok()
        .filter(|w| (1..=4).contains(w))
        .ok_or_else(help)?;
    let weekday = weekday_suffix(alias, weekday)?;
    Ok(Anchor::Periodic {
        period: 1,
        month: 1,
        day: DayOfMonth::NthWeekday {
            week: week - 1,
            weekday,
        },
    })
}

fn weekday_index(date: NaiveDate) -> i64 {
    i64::from(date.weekday().num_days_from_monday())
}

fn add_days(date: NaiveDate, days: i64) -> Option<NaiveDate> {
    if days >= 0 {
        date.checked_add_days(Days::new(days as u64))
    } else {
        date.checked_sub_days(Days::new(days.unsigned_abs()))
    }
}

fn is_business_day(date: NaiveDate) -> bool {
    !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The `n`-th Monday-to-Friday strictly after `date`.
fn nth_business_day_after(date: NaiveDate, n: i64) -> Option<NaiveDate> {
    // From a weekend, count from the Friday before: its next business day is the same.
    let base = match date.weekday() {
        Weekday::Sat => add_days(date, -1)?,
        Weekday::Sun => add_days(date, -2)?,
        _ => date,
    };
    let from_monday = weekday_index(base).checked_add(n)?;
    let days = (from_monday / 5).checked_mul(7)? + from_monday % 5 - weekday_index(base);
    add_days(base, days)
}

/// Months since year 0 (January of year 0 is 0).
fn month_index(date: NaiveDate) -> i64 {
    i64::from(date.year()) * 12 + i64::from(date.month0())
}

fn month_start(index: i64) -> Option<NaiveDate> {
    let year = i32::try_from(index.div_euclid(12)).ok()?;
    NaiveDate::from_ymd_opt(year, index.rem_euclid(12) as u32 + 1, 1)
}

fn month_last(index: i64) -> Option<NaiveDate> {
    month_start(index.checked_add(1)?)?.pred_opt()
}

/// The anchor day of the month with this index.
fn day_of(index: i64, day: DayOfMonth) -> Option<NaiveDate> {
    match day {
        DayOfMonth::First => month_start(index),
        DayOfMonth::Last => month_last(index),
        DayOfMonth::FirstBusiness => {
            let mut date = month_start(index)?;
            while !is_business_day(date) {
                date = date.succ_opt()?;
            }
            Some(date)
        }
        DayOfMonth::LastBusiness => {
            let mut date = month_last(index)?;
            while !is_business_day(date) {
                date = date.pred_opt()?;
            }
            Some(date)
        }
        DayOfMonth::NthWeekday { week, weekday } => {
            let first = month_start(index)?;
            let ahead = (i64::from(weekday) - weekday_index(first)).rem_euclid(7);
            add_days(first, ahead + 7 * i64::from(week))
        }
    }
}

/// The anchor in half-month slot `slot` (two per month).
fn semi_month_anchor(slot: i64, day: u8, end: bool) -> Option<NaiveDate> {
    let index = slot.div_euclid(2);
    let start = month_start(index)?;
    match (slot.rem_euclid(2), end) {
        (0, false) => Some(start),
        (0, true) | (_, false) => start.with_day(u32::from(day)),
        _ => month_last(index),
    }
}

impl fmt::Display for Offset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Anchor::Tick { nanos } = self.anchor {
            let units = [
                (NANOS_PER_DAY, "D"),
                (3_600_000_000_000, "h"),
                (60_000_000_000, "min"),
                (1_000_000_000, "s"),
                (1_000_000, "ms"),
                (1_000, "us"),
            ];
            let (count, unit) = units
                .iter()
                .find(|(size, _)| nanos % size == 0)
                .map_or((nanos, "ns"), |(size, unit)| (nanos / size, *unit));
            return write!(f, "{count}{unit}");
        }
        if self.n != 1 {
            write!(f, "{}", self.n)?;
        }
        match self.anchor {
            Anchor::Tick { .. } => Ok(()),
            Anchor::Week { weekday } => write!(f, "W-{}", WEEKDAYS[weekday as usize]),
            Anchor::BusinessDay => write!(f, "B"),
            Anchor::SemiMonth { day, end } => {
                write!(f, "{}-{day}", if end { "SME" } else { "SMS" })
            }
            Anchor::Periodic { period, month, day } => {
                let month = MONTHS[month as usize - 1];
                match (period, day) {
                    (_, DayOfMonth::NthWeekday { week, weekday }) => {
                        write!(f, "WOM-{}{}", week + 1, WEEKDAYS[weekday as usize])
                    }
                    (1, DayOfMonth::First) => write!(f, "MS"),
                    (1, DayOfMonth::Last) => write!(f, "ME"),
                    (1, DayOfMonth::FirstBusiness) => write!(f, "BMS"),
                    (1, DayOfMonth::LastBusiness) => write!(f, "BME"),
                    (3, DayOfMonth::First) => write!(f, "QS-{month}"),
                    (3, DayOfMonth::Last) => write!(f, "QE-{month}"),
                    (3, DayOfMonth::FirstBusiness) => write!(f, "BQS-{month}"),
                    (3, DayOfMonth::LastBusiness) => write!(f, "BQE-{month}"),
                    (_, DayOfMonth::First) => write!(f, "YS-{month}"),
                    (_, DayOfMonth::Last) => write!(f, "YE-{month}"),
                    (_, DayOfMonth::FirstBusiness) => write!(f, "BYS-{month}"),
                    (_, DayOfMonth::LastBusiness) => write!(f, "BYE-{month}"),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Offset {
        Offset::parse(text).expect("an alias").expect("valid")
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
    }

    #[test]
    fn parses_multipliers_suffixes_and_case() {
        assert_eq!(
            parse("15min").anchor,
            Anchor::Tick {
                nanos: 900_000_000_000
            }
        );
        assert_eq!(parse("15T"), parse("15min"));
        assert_eq!(parse("1.5h"), parse("90min"));
        assert_eq!(parse("1D2h"), parse("26h"));
        assert_eq!(parse("ms").anchor, Anchor::Tick { nanos: 1_000_000 });
        assert_eq!(parse("Ms"), parse("ms"));
        assert_eq!(parse("MS").to_string(), "MS");
        assert_eq!(parse("2 MS").to_string(), "2MS");
        assert_eq!(parse("W").to_string(), "W-SUN");
        assert_eq!(parse("w-mon").to_string(), "W-MON");
        assert_eq!(parse("Q").to_string(), "QE-DEC");
        assert_eq!(parse("BA-JUN").to_string(), "BYE-JUN");
        assert_eq!(parse("WOM-2FRI").to_string(), "WOM-2FRI");
        assert_eq!(parse("SMS-10").to_string(), "SMS-10");
        assert!(Offset::parse("fortnight").is_none());
        assert!(Offset::parse("0D").unwrap().is_err());
        assert!(Offset::parse("-1D").unwrap().is_err());
        assert!(Offset::parse("1D2MS").unwrap().is_err());
        assert!(Offset::parse("ME-JAN").unwrap().is_err());
        assert!(Offset::parse("WOM-5MON").unwrap().is_err());
        assert!(Offset::parse("BH").unwrap().is_err());
        for text in [
            "7D", "2h", "W-WED", "2BQS-MAR", "YE-JUN", "SME-20", "3B", "1500ms",
        ] {
            assert_eq!(parse(&parse(text).to_string()), parse(text), "{text}");
        }
    }

    #[test]
    fn off_anchor_dates_roll_forward_and_count_as_a_step() {
        let step = |alias: &str, from: NaiveDateTime, k: i64| parse(alias).advance(from, k);
        assert_eq!(step("M", day(1959, 12, 1), 1), Some(day(1959, 12, 31)));
        assert_eq!(step("QS", day(1959, 12, 1), 1), Some(day(1960, 1, 1)));
        assert_eq!(step("QS", day(1959, 12, 1), 2), Some(day(1960, 4, 1)));
        assert_eq!(step("2MS", day(1959, 12, 1), 2), Some(day(1960, 4, 1)));
        assert_eq!(step("W", day(2024, 1, 1), 1), Some(day(2024, 1, 7)));
        assert_eq!(step("W", day(2024, 1, 7), 1), Some(day(2024, 1, 14)));
        assert_eq!(step("B", day(2024, 1, 6), 1), Some(day(2024, 1, 8)));
        assert_eq!(step("B", day(2024, 1, 5), 6), Some(day(2024, 1, 15)));
        assert_eq!(step("BME", day(2024, 3, 31), 1), Some(day(2024, 4, 30)));
        assert_eq!(step("BQE", day(2024, 3, 31), 1), Some(day(2024, 6, 28)));
        assert_eq!(step("Q-NOV", day(2024, 2, 15), 1), Some(day(2024, 2, 29)));
        assert_eq!(step("SME", day(2024, 1, 20), 2), Some(day(2024, 2, 15)));
        assert_eq!(step("WOM-1MON", day(2024, 1, 1), 1), Some(day(2024, 2, 5)));
        let evening = day(2024, 1, 15).with_hour(22).unwrap();
        assert_eq!(
            step("ME", evening, 1),
            Some(day(2024, 1, 31).with_hour(22).unwrap())
        );
    }

    #[test]
    fn huge_steps_are_out_of_range_not_a_panic() {
        for alias in ["W", "B", "SMS", "MS", "QE", "YS", "WOM-1MON", "D"] {
            assert_eq!(
                parse(alias).advance(day(2024, 1, 1), i64::MAX),
                None,
                "{alias}"
            );
            assert_eq!(
                parse(alias).advance(day(2024, 1, 1), i64::MAX / 3),
                None,
                "{alias}"
            );
        }
    }

    use chrono::Timelike;
}
