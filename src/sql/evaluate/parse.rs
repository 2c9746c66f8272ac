//! Reads the `metrics => '...'` text: a comma-separated list of metric names, each with
//! optional keyword parameters, as a Python user would write `partial(mase, seasonality=12)`.
//!
//! ```text
//! metrics := metric ("," metric)* [","]
//! metric  := NAME ["(" [param ("," param)* [","]] ")"]
//! param   := NAME "=" value
//! value   := ["-" | "+"] NUMBER | STRING | NAME | "[" [value ("," value)* [","]] "]"
//! ```
//!
//! Strings are single- or double-quoted. The parser knows no metric: names and parameters
//! are checked by [`super::metrics`].

/// One metric as written: `mase(seasonality=12)` or a bare `mae`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Call {
    pub(crate) name: String,
    pub(crate) params: Vec<(String, Value)>,
}

/// A parameter value as written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// A number, with the text it was written as (for messages).
    Number(f64, String),
    /// A quoted string or a bare word.
    Str(String),
    /// `[a, b]`.
    List(Vec<Value>),
}

impl std::fmt::Display for Value {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Value::Number(_, text) => f.write_str(text),
            Value::Str(s) => write!(f, "'{s}'"),
            Value::List(items) => {
                let items: Vec<String> = items.iter().map(ToString::to_string).collect();
                write!(f, "[{}]", items.join(", "))
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Name(String),
    Number(f64, String),
    Str(String),
    Punct(char),
    End,
}

impl std::fmt::Display for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Token::Name(s) | Token::Number(_, s) => write!(f, "'{s}'"),
            Token::Str(s) => write!(f, "the string '{s}'"),
            Token::Punct(c) => write!(f, "'{c}'"),
            Token::End => f.write_str("the end of the text"),
        }
    }
}

/// Parses the text into its metric calls (at least one).
pub(crate) fn parse_metrics(text: &str) -> Result<Vec<Call>, String> {
    let mut parser = Parser {
        tokens: tokenize(text)?,
        next: 0,
    };
    if parser.peek() == &Token::End {
        return Err("no metric given".into());
    }
    let mut calls = Vec::new();
    loop {
        calls.push(parser.call()?);
        match parser.bump() {
            Token::End => return Ok(calls),
            Token::Punct(',') if parser.peek() == &Token::End => return Ok(calls),
            Token::Punct(',') => {}
            other => return Err(format!("expected ',' between metrics, found {other}")),
        }
    }
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if "()[],=".contains(c) {
            tokens.push(Token::Punct(c));
            i += 1;
        } else if c.is_ascii_alphabetic() || c == '_' {
            let end = scan(&chars, i, |c| c.is_ascii_alphanumeric() || c == '_');
            tokens.push(Token::Name(chars[i..end].iter().collect()));
            i = end;
        } else if c.is_ascii_digit() || c == '.' || c == '-' || c == '+' {
            let end = scan(&chars, i + 1, |c| {
                c.is_ascii_alphanumeric() || c == '.' || c == '_'
            });
            // An exponent sign belongs to the number: `1e-3`.
            let mut end = end;
            while end < chars.len()
                && matches!(chars[end], '-' | '+')
                && matches!(chars[end - 1], 'e' | 'E')
            {
                end = scan(&chars, end + 1, |c| c.is_ascii_digit());
            }
            let written: String = chars[i..end].iter().collect();
            let value = written
                .replace('_', "")
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| format!("invalid number '{written}'"))?;
            tokens.push(Token::Number(value, written));
            i = end;
        } else if c == '\'' || c == '"' {
            let close = chars[i + 1..]
                .iter()
                .position(|&d| d == c)
                .ok_or_else(|| format!("unterminated string at character {}", i + 1))?;
            tokens.push(Token::Str(chars[i + 1..i + 1 + close].iter().collect()));
            i += close + 2;
        } else {
            return Err(format!("unexpected '{c}' at character {}", i + 1));
        }
    }
    tokens.push(Token::End);
    Ok(tokens)
}

fn scan(chars: &[char], start: usize, accept: impl Fn(char) -> bool) -> usize {
    chars[start.min(chars.len())..]
        .iter()
        .position(|&c| !accept(c))
        .map_or(chars.len(), |len| start + len)
}

struct Parser {
    tokens: Vec<Token>,
    next: usize,
}

impl Parser {
    fn peek(&self) -> &Token {
        &self.tokens[self.next]
    }

    fn bump(&mut self) -> Token {
        let token = self.tokens[self.next].clone();
        if token != Token::End {
            self.next += 1;
        }
        token
    }

    fn call(&mut self) -> Result<Call, String> {
        let name = match self.bump() {
            Token::Name(name) => name,
            other => return Err(format!("expected a metric name, found {other}")),
        };
        let mut params = Vec::new();
        if self.peek() != &Token::Punct('(') {
            return Ok(Call { name, params });
        }
        self.bump();
        loop {
            match self.bump() {
                Token::Punct(')') => break,
                Token::Name(param) => {
                    if self.bump() != Token::Punct('=') {
                        return Err(format!(
                            "{name}: parameters are given by name, e.g. {name}({param}=...)"
                        ));
                    }
                    params.push((param, self.value(&name)?));
                }
                Token::Number(_, text) | Token::Str(text) => {
                    return Err(format!(
                        "{name}: parameters are given by name, e.g. mase(seasonality=12); got the value '{text}' without a name"
                    ));
                }
                other => return Err(format!("{name}: expected a parameter, found {other}")),
            }
            match self.bump() {
                Token::Punct(',') => {}
                Token::Punct(')') => break,
                other => {
                    return Err(format!(
                        "{name}: expected ',' or ')' after a parameter, found {other}"
                    ));
                }
            }
        }
        Ok(Call { name, params })
    }

    fn value(&mut self, metric: &str) -> Result<Value, String> {
        match self.bump() {
            Token::Number(value, text) => Ok(Value::Number(value, text)),
            Token::Str(s) | Token::Name(s) => Ok(Value::Str(s)),
            Token::Punct('[') => {
                let mut items = Vec::new();
                loop {
                    if self.peek() == &Token::Punct(']') {
                        self.bump();
                        return Ok(Value::List(items));
                    }
                    items.push(self.value(metric)?);
                    match self.bump() {
                        Token::Punct(',') => {}
                        Token::Punct(']') => return Ok(Value::List(items)),
                        other => {
                            return Err(format!(
                                "{metric}: expected ',' or ']' in a list, found {other}"
                            ));
                        }
                    }
                }
            }
            other => Err(format!("{metric}: expected a value, found {other}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_names_parameters_and_lists() {
        let calls = parse_metrics(
            "mae, mase(seasonality=12), rmae(baseline='Naive'), coverage(level=[80, 95.5]), linex(a=-0.5),",
        )
        .unwrap();
        assert_eq!(calls.len(), 5);
        assert_eq!(calls[0].name, "mae");
        assert!(calls[0].params.is_empty());
        assert_eq!(
            calls[1].params,
            vec![("seasonality".into(), Value::Number(12.0, "12".into()))]
        );
        assert_eq!(calls[2].params[0].1, Value::Str("Naive".into()));
        assert_eq!(
            calls[3].params[0].1.to_string(),
            "[80, 95.5]",
            "lists keep their text"
        );
        assert_eq!(calls[4].params[0].1, Value::Number(-0.5, "-0.5".into()));
    }

    #[test]
    fn exponents_and_bare_words() {
        let calls = parse_metrics("linex(a=1e-3), rmae(baseline=Naive)").unwrap();
        assert_eq!(calls[0].params[0].1, Value::Number(1e-3, "1e-3".into()));
        assert_eq!(calls[1].params[0].1, Value::Str("Naive".into()));
    }

    #[test]
    fn errors_say_what_was_expected() {
        assert_eq!(parse_metrics("  ").unwrap_err(), "no metric given");
        assert!(
            parse_metrics("mase(12)")
                .unwrap_err()
                .contains("given by name")
        );
        assert!(
            parse_metrics("mae mse")
                .unwrap_err()
                .contains("between metrics")
        );
        assert!(
            parse_metrics("mase(seasonality=")
                .unwrap_err()
                .contains("expected a value")
        );
        assert!(
            parse_metrics("rmae(baseline='x)")
                .unwrap_err()
                .contains("unterminated")
        );
        assert!(
            parse_metrics("mae; mse")
                .unwrap_err()
                .contains("unexpected ';'")
        );
        assert!(
            parse_metrics("linex(a=1x)")
                .unwrap_err()
                .contains("invalid number")
        );
    }
}
