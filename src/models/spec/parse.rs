//! Reads a list of constructor calls in Python syntax into an untyped tree.
//!
//! Grammar (whitespace allowed between any two tokens):
//!
//! ```text
//! specs := call ("," call)* [","]
//! call  := NAME ["(" [arg ("," arg)* [","]] ")"]
//! arg   := NAME "=" value | value
//! value := ["-" | "+"] NUMBER | STRING | True | False | None | NAME | call
//!        | "(" ")" | "(" value ")" | "(" value "," [value ("," value)* [","]] ")"
//!        | "[" [value ("," value)* [","]] "]"
//!        | "{" [STRING ":" value ("," STRING ":" value)* [","]] "}"
//! ```
//!
//! Strings are single- or double-quoted; `\\`, `\'` and `\"` are escapes, any other
//! backslash is kept as written. A bare `NAME` value is a string (`model=ZZZ`).

use std::fmt;

use super::error::SpecError;
use super::value::write_quoted;

/// Deeper nesting than this is rejected rather than risking the stack.
const MAX_DEPTH: usize = 32;

/// A constructor call such as `SeasonalNaive(season_length=7)` (or a bare `Naive`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Call {
    pub(crate) name: String,
    pub(crate) args: Vec<Arg>,
}

/// One argument of a call, keyword or positional.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Arg {
    pub(crate) name: Option<String>,
    pub(crate) value: Expr,
}

/// An argument value before it is checked against the model's parameters.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    Int(i64),
    Float(f64),
    Str(String),
    /// A bare word such as `ZZZ`; a string for every purpose except error messages.
    Word(String),
    Bool(bool),
    None,
    Tuple(Vec<Expr>),
    List(Vec<Expr>),
    /// A dict literal with string keys, e.g. `{'robust': True}`.
    Dict(Vec<(String, Expr)>),
    Call(Call),
}

/// Python-like rendering, used to quote the offending value in error messages.
impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Int(v) => write!(f, "{v}"),
            Self::Float(v) => write!(f, "{v:?}"),
            Self::Str(v) => write_quoted(f, v),
            Self::Word(v) => f.write_str(v),
            Self::Bool(true) => f.write_str("True"),
            Self::Bool(false) => f.write_str("False"),
            Self::None => f.write_str("None"),
            Self::Tuple(items) => {
                write!(f, "(")?;
                write_list(f, items)?;
                if items.len() == 1 {
                    f.write_str(",")?;
                }
                f.write_str(")")
            }
            Self::List(items) => {
                f.write_str("[")?;
                write_list(f, items)?;
                f.write_str("]")
            }
            Self::Dict(entries) => {
                f.write_str("{")?;
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write_quoted(f, key)?;
                    write!(f, ": {value}")?;
                }
                f.write_str("}")
            }
            Self::Call(call) => write!(f, "{call}"),
        }
    }
}

impl fmt::Display for Call {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}(", self.name)?;
        for (i, arg) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            if let Some(name) = &arg.name {
                write!(f, "{name}=")?;
            }
            write!(f, "{}", arg.value)?;
        }
        f.write_str(")")
    }
}

fn write_list(f: &mut fmt::Formatter<'_>, items: &[Expr]) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{item}")?;
    }
    Ok(())
}

/// Parses the whole text into its calls (at least one).
pub(crate) fn parse_calls(text: &str) -> Result<Vec<Call>, SpecError> {
    let tokens = tokenize(text)?;
    let mut parser = Parser { tokens, next: 0 };
    if parser.peek().kind == Kind::End {
        return Err(SpecError::new(
            "no model given: expected constructor calls such as \
             'Naive(), SeasonalNaive(season_length=7)'",
        ));
    }
    let mut calls = Vec::new();
    loop {
        calls.push(parser.call(0)?);
        match parser.bump().kind {
            Kind::End => return Ok(calls),
            Kind::Comma if parser.peek().kind == Kind::End => return Ok(calls),
            Kind::Comma => {}
            _ => return Err(parser.unexpected_previous("',' between models")),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Name(String),
    Int(i64),
    Float(f64),
    Str(String),
    Open,
    Close,
    OpenBracket,
    CloseBracket,
    OpenBrace,
    CloseBrace,
    Colon,
    Comma,
    Equals,
    Minus,
    Plus,
    End,
}

#[derive(Debug, Clone)]
struct Token {
    kind: Kind,
    /// 1-based character position in the text, for error messages.
    at: usize,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Name(name) => write!(f, "'{name}'"),
            Self::Int(v) => write!(f, "'{v}'"),
            Self::Float(v) => write!(f, "'{v:?}'"),
            Self::Str(v) => write!(f, "the string {}", Expr::Str(v.clone())),
            Self::Open => f.write_str("'('"),
            Self::Close => f.write_str("')'"),
            Self::OpenBracket => f.write_str("'['"),
            Self::CloseBracket => f.write_str("']'"),
            Self::OpenBrace => f.write_str("'{'"),
            Self::CloseBrace => f.write_str("'}'"),
            Self::Colon => f.write_str("':'"),
            Self::Comma => f.write_str("','"),
            Self::Equals => f.write_str("'='"),
            Self::Minus => f.write_str("'-'"),
            Self::Plus => f.write_str("'+'"),
            Self::End => f.write_str("the end of the text"),
        }
    }
}

fn tokenize(text: &str) -> Result<Vec<Token>, SpecError> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let at = i + 1;
        let single = match c {
            '(' => Some(Kind::Open),
            ')' => Some(Kind::Close),
            '[' => Some(Kind::OpenBracket),
            ']' => Some(Kind::CloseBracket),
            '{' => Some(Kind::OpenBrace),
            '}' => Some(Kind::CloseBrace),
            ':' => Some(Kind::Colon),
            ',' => Some(Kind::Comma),
            '=' => Some(Kind::Equals),
            '-' => Some(Kind::Minus),
            '+' => Some(Kind::Plus),
            _ => None,
        };
        if let Some(kind) = single {
            tokens.push(Token { kind, at });
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_alphabetic() || c == '_' {
            let end = scan(&chars, i, |c| c.is_ascii_alphanumeric() || c == '_');
            let name = chars[i..end].iter().collect();
            tokens.push(Token {
                kind: Kind::Name(name),
                at,
            });
            i = end;
        } else if c.is_ascii_digit() || c == '.' {
            let (kind, end) = number(&chars, i)?;
            tokens.push(Token { kind, at });
            i = end;
        } else if c == '\'' || c == '"' {
            let (text, end) = string(&chars, i)?;
            tokens.push(Token {
                kind: Kind::Str(text),
                at,
            });
            i = end;
        } else {
            return Err(SpecError::new(format!(
                "syntax error at character {at}: unexpected '{c}'"
            )));
        }
    }
    tokens.push(Token {
        kind: Kind::End,
        at: chars.len() + 1,
    });
    Ok(tokens)
}

/// Index just past the run of characters from `start` satisfying `accept`.
fn scan(chars: &[char], start: usize, accept: impl Fn(char) -> bool) -> usize {
    chars[start..]
        .iter()
        .position(|&c| !accept(c))
        .map_or(chars.len(), |len| start + len)
}

/// A numeric literal: digits, `_` separators, a decimal point and an exponent with sign.
fn number(chars: &[char], start: usize) -> Result<(Kind, usize), SpecError> {
    let mut end = start;
    while end < chars.len() {
        let c = chars[end];
        let exponent_sign =
            (c == '-' || c == '+') && end > start && matches!(chars[end - 1], 'e' | 'E');
        if c.is_ascii_digit() || matches!(c, '.' | '_' | 'e' | 'E') || exponent_sign {
            end += 1;
        } else {
            break;
        }
    }
    let written: String = chars[start..end].iter().collect();
    let digits = written.replace('_', "");
    let invalid = || {
        SpecError::new(format!(
            "syntax error at character {}: invalid number '{written}'",
            start + 1
        ))
    };
    let is_float = digits.contains(['.', 'e', 'E']);
    let kind = if is_float {
        Kind::Float(digits.parse::<f64>().map_err(|_| invalid())?)
    } else {
        Kind::Int(digits.parse::<i64>().map_err(|_| {
            SpecError::new(format!(
                "syntax error at character {}: integer '{written}' is too large",
                start + 1
            ))
        })?)
    };
    // Python rejects `1__0` and `_1`-style separators; we only refuse a trailing `_`.
    if written.ends_with('_') {
        return Err(invalid());
    }
    Ok((kind, end))
}

/// A quoted string starting at `start`; returns its text and the index after the quote.
fn string(chars: &[char], start: usize) -> Result<(String, usize), SpecError> {
    let quote = chars[start];
    let mut text = String::new();
    let mut i = start + 1;
    while i < chars.len() {
        match chars[i] {
            c if c == quote => return Ok((text, i + 1)),
            '\\' if i + 1 < chars.len() && matches!(chars[i + 1], '\\' | '\'' | '"') => {
                text.push(chars[i + 1]);
                i += 2;
            }
            c => {
                text.push(c);
                i += 1;
            }
        }
    }
    Err(SpecError::new(format!(
        "syntax error at character {}: unterminated string",
        start + 1
    )))
}

struct Parser {
    tokens: Vec<Token>,
    next: usize,
}

impl Parser {
    fn peek(&self) -> &Token {
        // `tokenize` always ends with `End`, and `bump` never moves past it.
        &self.tokens[self.next.min(self.tokens.len() - 1)]
    }

    fn peek_second(&self) -> &Kind {
        &self.tokens[(self.next + 1).min(self.tokens.len() - 1)].kind
    }

    fn bump(&mut self) -> Token {
        let token = self.peek().clone();
        if token.kind != Kind::End {
            self.next += 1;
        }
        token
    }

    fn previous(&self) -> &Token {
        &self.tokens[self.next.saturating_sub(1)]
    }

    fn unexpected(&self, token: &Token, wanted: &str) -> SpecError {
        SpecError::new(format!(
            "syntax error at character {}: expected {wanted}, found {}",
            token.at, token.kind
        ))
    }

    fn unexpected_previous(&self, wanted: &str) -> SpecError {
        self.unexpected(self.previous(), wanted)
    }

    /// `NAME ["(" args ")"]`.
    fn call(&mut self, depth: usize) -> Result<Call, SpecError> {
        let token = self.bump();
        let Kind::Name(name) = token.kind else {
            return Err(self.unexpected(&token, "a model name such as Naive()"));
        };
        let mut args = Vec::new();
        if self.peek().kind == Kind::Open {
            self.bump();
            self.arguments(&name, depth, &mut args)?;
        }
        Ok(Call { name, args })
    }

    /// Arguments after `(`, through the closing `)`.
    fn arguments(
        &mut self,
        name: &str,
        depth: usize,
        args: &mut Vec<Arg>,
    ) -> Result<(), SpecError> {
        loop {
            if self.peek().kind == Kind::Close {
                self.bump();
                return Ok(());
            }
            let keyword = match (&self.peek().kind, self.peek_second()) {
                (Kind::Name(key), Kind::Equals) => Some(key.clone()),
                _ => None,
            };
            if keyword.is_some() {
                self.bump();
                self.bump();
            }
            let value = self.value(depth + 1)?;
            args.push(Arg {
                name: keyword,
                value,
            });
            match self.bump().kind {
                Kind::Comma => {}
                Kind::Close => return Ok(()),
                _ => {
                    return Err(
                        self.unexpected_previous(&format!("',' or ')' in the arguments of {name}"))
                    );
                }
            }
        }
    }

    fn value(&mut self, depth: usize) -> Result<Expr, SpecError> {
        if depth > MAX_DEPTH {
            return Err(SpecError::new(format!(
                "syntax error at character {}: values nested too deeply",
                self.peek().at
            )));
        }
        let token = self.bump();
        match token.kind {
            Kind::Int(v) => Ok(Expr::Int(v)),
            Kind::Float(v) => Ok(Expr::Float(v)),
            Kind::Minus | Kind::Plus => self.signed(token.kind == Kind::Minus),
            Kind::Str(v) => Ok(Expr::Str(v)),
            Kind::Name(name) => match name.as_str() {
                "True" => Ok(Expr::Bool(true)),
                "False" => Ok(Expr::Bool(false)),
                "None" => Ok(Expr::None),
                _ if self.peek().kind == Kind::Open => {
                    self.bump();
                    let mut args = Vec::new();
                    self.arguments(&name, depth, &mut args)?;
                    Ok(Expr::Call(Call { name, args }))
                }
                _ => Ok(Expr::Word(name)),
            },
            Kind::Open => self.parenthesized(depth),
            Kind::OpenBracket => Ok(Expr::List(self.items(depth, Kind::CloseBracket)?)),
            Kind::OpenBrace => self.dict(depth),
            _ => Err(self.unexpected(&token, "a value")),
        }
    }

    /// A number after a unary sign.
    fn signed(&mut self, negative: bool) -> Result<Expr, SpecError> {
        let token = self.bump();
        match token.kind {
            Kind::Int(v) if negative => Ok(Expr::Int(-v)),
            Kind::Float(v) if negative => Ok(Expr::Float(-v)),
            Kind::Int(v) => Ok(Expr::Int(v)),
            Kind::Float(v) => Ok(Expr::Float(v)),
            _ => Err(self.unexpected(&token, "a number after the sign")),
        }
    }

    /// After `(`: `()` is an empty tuple, `(v)` is just `v`, `(v,)` and `(v, w)` are tuples.
    fn parenthesized(&mut self, depth: usize) -> Result<Expr, SpecError> {
        if self.peek().kind == Kind::Close {
            self.bump();
            return Ok(Expr::Tuple(Vec::new()));
        }
        let first = self.value(depth + 1)?;
        let token = self.bump();
        match token.kind {
            Kind::Close => Ok(first),
            Kind::Comma => {
                let mut items = vec![first];
                items.extend(self.items(depth, Kind::Close)?);
                Ok(Expr::Tuple(items))
            }
            _ => Err(self.unexpected(&token, "',' or ')'")),
        }
    }

    /// After `{`: `'key': value` entries through the closing `}` (a trailing comma is
    /// allowed).
    fn dict(&mut self, depth: usize) -> Result<Expr, SpecError> {
        let mut entries: Vec<(String, Expr)> = Vec::new();
        loop {
            let token = self.bump();
            let key = match token.kind {
                Kind::CloseBrace => return Ok(Expr::Dict(entries)),
                Kind::Str(key) => key,
                _ => return Err(self.unexpected(&token, "a quoted key or '}'")),
            };
            let colon = self.bump();
            if colon.kind != Kind::Colon {
                return Err(self.unexpected(&colon, &format!("':' after the key '{key}'")));
            }
            if entries.iter().any(|(seen, _)| *seen == key) {
                return Err(SpecError::new(format!(
                    "syntax error at character {}: key '{key}' given more than once",
                    token.at
                )));
            }
            entries.push((key, self.value(depth + 1)?));
            let token = self.bump();
            match token.kind {
                Kind::Comma => {}
                Kind::CloseBrace => return Ok(Expr::Dict(entries)),
                _ => return Err(self.unexpected(&token, "',' or '}'")),
            }
        }
    }

    /// Comma-separated values through the `close` token (a trailing comma is allowed).
    fn items(&mut self, depth: usize, close: Kind) -> Result<Vec<Expr>, SpecError> {
        let mut items = Vec::new();
        loop {
            if self.peek().kind == close {
                self.bump();
                return Ok(items);
            }
            items.push(self.value(depth + 1)?);
            let token = self.bump();
            match token.kind {
                Kind::Comma => {}
                ref kind if *kind == close => return Ok(items),
                _ => return Err(self.unexpected(&token, &format!("',' or {close}"))),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Arg, Call, Expr, parse_calls};

    fn kw(name: &str, value: Expr) -> Arg {
        Arg {
            name: Some(name.into()),
            value,
        }
    }

    fn one(text: &str) -> Call {
        let mut calls = parse_calls(text).unwrap();
        assert_eq!(calls.len(), 1, "{text}");
        calls.remove(0)
    }

    #[test]
    fn bare_names_and_empty_parentheses() {
        let calls = parse_calls(" Naive , ZeroModel( ) ,").unwrap();
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].name, "Naive");
        assert!(calls[0].args.is_empty() && calls[1].args.is_empty());
    }

    #[test]
    fn literals() {
        let call = one(
            "M(a=1, b=-2, c=0.3, d=1e-3, e=+5., f=.5, g='x', h=\"y\", i=ZZZ, j=True, \
             k=False, l=None, m=1_000, n=2E+2)",
        );
        let want = vec![
            kw("a", Expr::Int(1)),
            kw("b", Expr::Int(-2)),
            kw("c", Expr::Float(0.3)),
            kw("d", Expr::Float(1e-3)),
            kw("e", Expr::Float(5.0)),
            kw("f", Expr::Float(0.5)),
            kw("g", Expr::Str("x".into())),
            kw("h", Expr::Str("y".into())),
            kw("i", Expr::Word("ZZZ".into())),
            kw("j", Expr::Bool(true)),
            kw("k", Expr::Bool(false)),
            kw("l", Expr::None),
            kw("m", Expr::Int(1000)),
            kw("n", Expr::Float(200.0)),
        ];
        assert_eq!(call.args, want);
    }

    #[test]
    fn tuples_lists_calls_and_positional() {
        let call = one("M( 12 , order=(0,1,1), s=[24, 168,], t=(5,), u=(5), v=(), w=[], x=C(h=2))");
        let ints = |v: &[i64]| v.iter().map(|&i| Expr::Int(i)).collect::<Vec<_>>();
        assert_eq!(
            call.args[0],
            Arg {
                name: None,
                value: Expr::Int(12)
            }
        );
        assert_eq!(call.args[1], kw("order", Expr::Tuple(ints(&[0, 1, 1]))));
        assert_eq!(call.args[2], kw("s", Expr::List(ints(&[24, 168]))));
        assert_eq!(call.args[3], kw("t", Expr::Tuple(ints(&[5]))));
        assert_eq!(call.args[4], kw("u", Expr::Int(5)));
        assert_eq!(call.args[5], kw("v", Expr::Tuple(vec![])));
        assert_eq!(call.args[6], kw("w", Expr::List(vec![])));
        let inner = Call {
            name: "C".into(),
            args: vec![kw("h", Expr::Int(2))],
        };
        assert_eq!(call.args[7], kw("x", Expr::Call(inner)));
    }

    #[test]
    fn dicts() {
        let call = one("M(a={'robust': True, \"trend\": 23,}, b={})");
        let want = Expr::Dict(vec![
            ("robust".into(), Expr::Bool(true)),
            ("trend".into(), Expr::Int(23)),
        ]);
        assert_eq!(call.args[0], kw("a", want));
        assert_eq!(call.args[1], kw("b", Expr::Dict(vec![])));
        assert_eq!(call.to_string(), "M(a={'robust': True, 'trend': 23}, b={})");
    }

    #[test]
    fn string_escapes() {
        let call = one(r#"M(a='it\'s', b="say \"hi\"", c='back\\slash', d='keep\n')"#);
        assert_eq!(call.args[0].value, Expr::Str("it's".into()));
        assert_eq!(call.args[1].value, Expr::Str("say \"hi\"".into()));
        assert_eq!(call.args[2].value, Expr::Str("back\\slash".into()));
        assert_eq!(call.args[3].value, Expr::Str("keep\\n".into()));
    }

    #[test]
    fn display_round_trips() {
        let text = "M(12, a=-0.5, b='q\\'', c=(1,), d=[True, None], e=W, f=C(x=1))";
        let call = one(text);
        assert_eq!(call.to_string(), text);
    }

    #[test]
    fn syntax_errors() {
        let cases = [
            ("", "no model given"),
            ("   ", "no model given"),
            ("Naive(", "expected a value, found the end of the text"),
            (
                "Naive() Naive()",
                "expected ',' between models, found 'Naive'",
            ),
            ("Naive(,)", "character 7: expected a value, found ','"),
            (
                "Naive(a=1 b=2)",
                "expected ',' or ')' in the arguments of Naive, found 'b'",
            ),
            ("12", "expected a model name such as Naive(), found '12'"),
            ("M(a='x)", "character 5: unterminated string"),
            ("M(a=1.2.3)", "invalid number '1.2.3'"),
            (
                "M(a=99999999999999999999)",
                "integer '99999999999999999999' is too large",
            ),
            ("M(a=#)", "unexpected '#'"),
            ("M(a=-x)", "expected a number after the sign, found 'x'"),
            ("M(a=[1 2])", "expected ',' or ']', found '2'"),
            ("M(a=(1 2))", "expected ',' or ')', found '2'"),
            ("M(a={x: 1})", "expected a quoted key or '}', found 'x'"),
            ("M(a={'x' 1})", "expected ':' after the key 'x', found '1'"),
            (
                "M(a={'x': 1 'y': 2})",
                "expected ',' or '}', found the string 'y'",
            ),
            ("M(a={'x': 1, 'x': 2})", "key 'x' given more than once"),
            (
                "Naive(),,",
                "expected a model name such as Naive(), found ','",
            ),
        ];
        for (text, want) in cases {
            let err = parse_calls(text).unwrap_err().to_string();
            assert!(err.contains(want), "{text:?}: {err}");
        }
        let deep = format!("M(a={}1{})", "[".repeat(40), "]".repeat(40));
        assert!(
            parse_calls(&deep)
                .unwrap_err()
                .to_string()
                .contains("nested too deeply")
        );
    }
}
