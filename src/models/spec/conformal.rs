//! The `prediction_intervals=ConformalIntervals(...)` parameter every model accepts, and
//! the standalone `ConformalIntervals(...)` text the SQL layer passes.

use super::error::SpecError;
use super::parse::{Call, Expr, parse_calls};
use crate::models::{ConformalIntervals, ConformalMethod};

/// statsforecast's class name.
const CLASS: &str = "ConformalIntervals";

/// Its parameters in statsforecast's positional order.
const PARAMS: [&str; 3] = ["n_windows", "h", "method"];

/// The value of a model's `prediction_intervals` parameter: `None` or a
/// `ConformalIntervals(...)` call. Errors are prefixed with `model: prediction_intervals`.
pub(crate) fn prediction_intervals(
    model: &str,
    expr: &Expr,
) -> Result<Option<ConformalIntervals>, SpecError> {
    match expr {
        Expr::None => Ok(None),
        Expr::Call(call) if call.name == CLASS => from_call(call)
            .map(Some)
            .map_err(|reason| SpecError::new(format!("{model}: prediction_intervals: {reason}"))),
        _ => Err(SpecError::new(format!(
            "{model}: prediction_intervals must be None or a call such as \
             ConformalIntervals(h=12, n_windows=2), got {expr}"
        ))),
    }
}

/// Parses `ConformalIntervals(n_windows=2, h=1, method='conformal_distribution')` (any
/// subset of the parameters, by keyword or position, as in Python) into validated settings.
pub fn parse_conformal_intervals(text: &str) -> Result<ConformalIntervals, SpecError> {
    let calls = parse_calls(text)?;
    match calls.as_slice() {
        [call] if call.name == CLASS => from_call(call).map_err(SpecError::new),
        [call] => Err(SpecError::new(format!(
            "expected ConformalIntervals(n_windows=..., h=..., method=...), got {call}"
        ))),
        _ => Err(SpecError::new(format!(
            "expected one ConformalIntervals(...) call, found {}",
            calls.len()
        ))),
    }
}

/// Reads and validates a `ConformalIntervals(...)` call; the message names the parameter.
fn from_call(call: &Call) -> Result<ConformalIntervals, String> {
    let defaults = ConformalIntervals::default();
    let (mut n_windows, mut h, mut method) =
        (defaults.n_windows(), defaults.h(), defaults.method());
    let mut seen: Vec<&str> = Vec::new();
    let mut keyword_seen = false;
    for (index, arg) in call.args.iter().enumerate() {
        let name = match &arg.name {
            Some(name) => {
                keyword_seen = true;
                name.as_str()
            }
            None if keyword_seen => {
                return Err(format!(
                    "{CLASS}: positional argument {} follows keyword arguments",
                    arg.value
                ));
            }
            None => *PARAMS.get(index).ok_or_else(|| {
                format!(
                    "{CLASS}: takes at most 3 positional arguments ({}), got {}",
                    PARAMS.join(", "),
                    call.args.len()
                )
            })?,
        };
        if seen.contains(&name) {
            return Err(format!("{CLASS}: parameter {name} given more than once"));
        }
        seen.push(name);
        let value = &arg.value;
        match name {
            "n_windows" => match value {
                Expr::Int(v) if *v >= 2 => n_windows = usize::try_from(*v).unwrap_or(usize::MAX),
                _ => {
                    return Err(format!(
                        "{CLASS}: n_windows must be an integer of at least 2 (conformal \
                         intervals need at least two windows), got {value}"
                    ));
                }
            },
            "h" => match value {
                Expr::Int(v) if *v >= 1 => h = usize::try_from(*v).unwrap_or(usize::MAX),
                _ => {
                    return Err(format!(
                        "{CLASS}: h must be a positive integer, got {value}"
                    ));
                }
            },
            "method" => {
                method = match value {
                    Expr::Str(text) | Expr::Word(text) => ConformalMethod::from_name(text),
                    _ => None,
                }
                .ok_or_else(|| {
                    format!(
                        "{CLASS}: method must be one of 'conformal_distribution', \
                         'conformal_error', got {value}"
                    )
                })?;
            }
            other => {
                return Err(format!(
                    "{CLASS}: unknown parameter '{other}'; allowed parameters: {}",
                    PARAMS.join(", ")
                ));
            }
        }
    }
    ConformalIntervals::new(n_windows, h, method).map_err(|reason| format!("{CLASS}: {reason}"))
}

#[cfg(test)]
mod tests {
    use super::parse_conformal_intervals;
    use crate::models::{ConformalIntervals, ConformalMethod};

    fn parsed(text: &str) -> ConformalIntervals {
        parse_conformal_intervals(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn error(text: &str) -> String {
        match parse_conformal_intervals(text) {
            Ok(ci) => panic!("{text} should fail, got {ci}"),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn defaults_keywords_and_positions() {
        assert_eq!(
            parsed("ConformalIntervals()"),
            ConformalIntervals::default()
        );
        assert_eq!(parsed("ConformalIntervals"), ConformalIntervals::default());
        let want = ConformalIntervals::new(2, 12, ConformalMethod::Distribution).unwrap();
        assert_eq!(parsed("ConformalIntervals(h=12, n_windows=2)"), want);
        assert_eq!(parsed("ConformalIntervals(2, 12)"), want);
        assert_eq!(
            parsed("ConformalIntervals(3, h=4, method=\"conformal_error\")"),
            ConformalIntervals::new(3, 4, ConformalMethod::Error).unwrap()
        );
        // The canonical text reads back.
        for ci in [want, parsed("ConformalIntervals(5, 1, 'conformal_error')")] {
            assert_eq!(parsed(&ci.to_string()), ci);
        }
        assert_eq!(
            want.to_string(),
            "ConformalIntervals(n_windows=2, h=12, method='conformal_distribution')"
        );
    }

    #[test]
    fn invalid_settings() {
        let cases = [
            (
                "ConformalIntervals(n_windows=1)",
                "ConformalIntervals: n_windows must be an integer of at least 2 (conformal \
                 intervals need at least two windows), got 1",
            ),
            (
                "ConformalIntervals(h=0)",
                "ConformalIntervals: h must be a positive integer, got 0",
            ),
            (
                "ConformalIntervals(h=1.5)",
                "ConformalIntervals: h must be a positive integer, got 1.5",
            ),
            (
                "ConformalIntervals(method='quantile')",
                "ConformalIntervals: method must be one of 'conformal_distribution', \
                 'conformal_error', got 'quantile'",
            ),
            (
                "ConformalIntervals(windows=3)",
                "ConformalIntervals: unknown parameter 'windows'; allowed parameters: \
                 n_windows, h, method",
            ),
            (
                "ConformalIntervals(2, 3, 'conformal_error', 4)",
                "ConformalIntervals: takes at most 3 positional arguments (n_windows, h, \
                 method), got 4",
            ),
            (
                "ConformalIntervals(h=2, h=3)",
                "ConformalIntervals: parameter h given more than once",
            ),
            (
                "ConformalIntervals(h=2, 3)",
                "ConformalIntervals: positional argument 3 follows keyword arguments",
            ),
            (
                "Conformal(h=2)",
                "expected ConformalIntervals(n_windows=..., h=..., method=...), got Conformal(h=2)",
            ),
            (
                "ConformalIntervals(), ConformalIntervals()",
                "expected one ConformalIntervals(...) call, found 2",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(error(text), want, "{text}");
        }
    }
}
