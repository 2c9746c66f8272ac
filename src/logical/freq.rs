//! The spacing of a series' time column, as given by `freq => ...` or inferred.

use std::fmt;

use super::offset::{NANOS_PER_DAY, Offset};

/// How far apart consecutive timestamps are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Freq {
    /// A fixed integer step, for integer `ds` columns.
    Step(i64),
    /// A calendar interval, for date and timestamp `ds` columns. Months are added with
    /// calendar arithmetic (month ends stay month ends); days and nanoseconds are exact.
    Calendar {
        /// Whole months.
        months: i32,
        /// Whole days.
        days: i32,
        /// Remaining nanoseconds.
        nanos: i64,
    },
    /// A pandas offset alias (`'D'`, `'15min'`, `'W-MON'`, `'MS'`, `'QE-NOV'`, `'B'`),
    /// stepping as pandas does.
    Offset(Offset),
}

impl Freq {
    /// A calendar interval of `months` months.
    pub fn months(months: i32) -> Self {
        Freq::Calendar {
            months,
            days: 0,
            nanos: 0,
        }
    }

    /// A fixed calendar interval of `days` days.
    pub fn days(days: i32) -> Self {
        Freq::Calendar {
            months: 0,
            days,
            nanos: 0,
        }
    }

    /// A fixed calendar interval of `nanos` nanoseconds.
    pub fn nanos(nanos: i64) -> Self {
        Freq::Calendar {
            months: 0,
            days: 0,
            nanos,
        }
    }

    /// Parses `'1 day'`, `'15 minutes'`, `'3 months'`, `'2 weeks'`, `'1 year'`, a pandas
    /// offset alias (`D`, `15min`, `W-MON`, `2MS`, `ME`, `QS-FEB`, `YE`, `B`, `h`, ...),
    /// or an integer step (`'7'`).
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if let Ok(step) = text.parse::<i64>() {
            return if step > 0 {
                Ok(Freq::Step(step))
            } else {
                Err(format!("freq must be positive, got {step}"))
            };
        }
        if let Some(offset) = Offset::parse(text) {
            return offset.map(Freq::Offset);
        }
        let mut total = Freq::Calendar {
            months: 0,
            days: 0,
            nanos: 0,
        };
        let words: Vec<&str> = text.split_whitespace().collect();
        if words.is_empty() || !words.len().is_multiple_of(2) {
            return Err(freq_help(text));
        }
        for pair in words.chunks(2) {
            let count: i64 = pair[0].parse().map_err(|_| freq_help(text))?;
            if count <= 0 {
                return Err(format!("freq must be positive, got '{text}'"));
            }
            let unit = pair[1].to_ascii_lowercase();
            let unit = unit.trim_end_matches('s');
            let part = match unit {
                "year" => Freq::months(12 * count as i32),
                "quarter" => Freq::months(3 * count as i32),
                "month" | "mon" => Freq::months(count as i32),
                "week" => Freq::days(7 * count as i32),
                "day" => Freq::days(count as i32),
                "hour" => Freq::nanos(count * 3_600_000_000_000),
                "minute" | "min" => Freq::nanos(count * 60_000_000_000),
                "second" | "sec" => Freq::nanos(count * 1_000_000_000),
                "millisecond" => Freq::nanos(count * 1_000_000),
                "microsecond" => Freq::nanos(count * 1_000),
                "nanosecond" => Freq::nanos(count),
                _ => return Err(freq_help(text)),
            };
            total = total.plus(part);
        }
        Ok(total)
    }

    /// Whether steps from a midnight land on midnights (the frequency fits a date column).
    pub fn whole_days(&self) -> bool {
        match self {
            Freq::Step(_) => false,
            Freq::Calendar { nanos, .. } => nanos % NANOS_PER_DAY == 0,
            Freq::Offset(offset) => offset.whole_days(),
        }
    }

    /// Whether steps from a whole millisecond land on whole milliseconds.
    pub fn whole_millis(&self) -> bool {
        match self {
            Freq::Step(_) => false,
            Freq::Calendar { nanos, .. } => nanos % 1_000_000 == 0,
            Freq::Offset(offset) => offset.whole_millis(),
        }
    }

    /// The seasonal period this frequency usually has (weekly for daily data, and so on).
    pub fn usual_season(&self) -> usize {
        match *self {
            Freq::Offset(offset) => offset.usual_season(),
            Freq::Calendar {
                months,
                days,
                nanos,
            } => match (months, days, nanos) {
                (1, 0, 0) => 12,
                (3, 0, 0) => 4,
                (0, 1, 0) => 7,
                (0, 7, 0) => 52,
                (0, 0, 3_600_000_000_000) => 24,
                _ => 1,
            },
            Freq::Step(_) => 1,
        }
    }

    fn plus(self, other: Freq) -> Freq {
        match (self, other) {
            (
                Freq::Calendar {
                    months,
                    days,
                    nanos,
                },
                Freq::Calendar {
                    months: m,
                    days: d,
                    nanos: n,
                },
            ) => Freq::Calendar {
                months: months + m,
                days: days + d,
                nanos: nanos + n,
            },
            (a, _) => a,
        }
    }
}

fn freq_help(text: &str) -> String {
    format!(
        "freq '{text}' is not understood; use an interval such as '1 day', '15 minutes', \
         '1 month', '1 week', '1 quarter', '1 year', a pandas offset alias (D, 7D, B, W-MON, MS, ME, \
         SMS, QS-JAN, QE, YS, YE, WOM-1MON, h, 15min, s, ms, us, ns, with business (B..) forms) \
         or a positive integer step for integer ds"
    )
}

impl fmt::Display for Freq {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Freq::Step(step) => write!(f, "{step}"),
            Freq::Offset(offset) => write!(f, "{offset}"),
            Freq::Calendar {
                months,
                days,
                nanos,
            } => {
                let mut parts = Vec::new();
                if *months != 0 {
                    parts.push(format!("{months} months"));
                }
                if *days != 0 {
                    parts.push(format!("{days} days"));
                }
                if *nanos != 0 || parts.is_empty() {
                    parts.push(format!("{nanos} nanoseconds"));
                }
                write!(f, "{}", parts.join(" "))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_intervals_and_aliases() {
        assert_eq!(Freq::parse("1 day").unwrap(), Freq::days(1));
        assert_eq!(Freq::parse("2 weeks").unwrap(), Freq::days(14));
        assert_eq!(Freq::parse("1 month").unwrap(), Freq::months(1));
        assert_eq!(Freq::parse("1 quarter").unwrap(), Freq::months(3));
        assert_eq!(
            Freq::parse("15 minutes").unwrap(),
            Freq::nanos(900_000_000_000)
        );
        assert_eq!(Freq::parse("MS").unwrap().to_string(), "MS");
        assert_eq!(Freq::parse("2 weeks").unwrap(), Freq::days(14));
        assert_eq!(Freq::parse("7").unwrap(), Freq::Step(7));
        assert!(Freq::parse("0").is_err());
        assert!(Freq::parse("fortnight").is_err());
        assert!(Freq::parse("-1 day").is_err());
    }

    #[test]
    fn display_round_trips() {
        for text in [
            "1 month",
            "3 days",
            "15 minutes",
            "1 year",
            "7",
            "W-MON",
            "15min",
        ] {
            let freq = Freq::parse(text).unwrap();
            assert_eq!(Freq::parse(&freq.to_string()).unwrap(), freq);
        }
    }
}
