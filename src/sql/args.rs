//! Table-function arguments: positional and `name => value` arguments turned into
//! literals, with plan errors that name the function and the argument.

use datafusion::common::{DataFusionError, Result, plan_datafusion_err};
use datafusion::sql::sqlparser::ast::{
    self, Expr as SqlExpr, FunctionArg, FunctionArgExpr, UnaryOperator, Value,
};

/// A literal argument value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Literal {
    /// A number as written.
    Number(String),
    /// A quoted string.
    Str(String),
    /// `true` / `false`.
    Bool(bool),
    /// `NULL`.
    Null,
    /// `[a, b]` or `(a, b)`.
    List(Vec<Literal>),
    /// A bare identifier.
    Ident(String),
    /// `INTERVAL '1 day'`.
    Interval(String),
}

/// The arguments of one call, split into the leading positional ones and the named ones.
pub(crate) struct Args {
    function: &'static str,
    pub(crate) positional: Vec<FunctionArgExpr>,
    named: Vec<(String, SqlExpr)>,
}

impl Args {
    /// Splits `args`; a named argument given twice is an error.
    pub(crate) fn new(function: &'static str, args: Vec<FunctionArg>) -> Result<Self> {
        let mut positional = Vec::new();
        let mut named: Vec<(String, SqlExpr)> = Vec::new();
        for arg in args {
            match arg {
                FunctionArg::Unnamed(expr) => {
                    if !named.is_empty() {
                        return Err(plan_datafusion_err!(
                            "{function}: positional arguments must come before named arguments"
                        ));
                    }
                    positional.push(expr);
                }
                FunctionArg::Named { name, arg, .. } => {
                    let name = name.value.to_ascii_lowercase();
                    let FunctionArgExpr::Expr(expr) = arg else {
                        return Err(plan_datafusion_err!(
                            "{function}: argument '{name}' must be a value"
                        ));
                    };
                    if named.iter().any(|(n, _)| n == &name) {
                        return Err(plan_datafusion_err!(
                            "{function}: argument '{name}' is given more than once"
                        ));
                    }
                    named.push((name, expr));
                }
                FunctionArg::ExprNamed { .. } => {
                    return Err(plan_datafusion_err!(
                        "{function}: name arguments as `name => value`"
                    ));
                }
            }
        }
        Ok(Self {
            function,
            positional,
            named,
        })
    }

    /// Fails on any named argument not in `allowed`, listing the allowed ones.
    pub(crate) fn check_names(&self, allowed: &[&str]) -> Result<()> {
        for (name, _) in &self.named {
            if !allowed.contains(&name.as_str()) {
                return Err(plan_datafusion_err!(
                    "{}: unknown argument '{name}'; allowed arguments: {}",
                    self.function,
                    allowed.join(", ")
                ));
            }
        }
        Ok(())
    }

    /// Moves the positional arguments after the first into named slots, in order.
    pub(crate) fn name_positional(&mut self, names: &[&str], skip: usize) -> Result<()> {
        let extra: Vec<FunctionArgExpr> = self
            .positional
            .drain(skip.min(self.positional.len())..)
            .collect();
        if extra.len() > names.len() {
            return Err(plan_datafusion_err!(
                "{}: too many positional arguments; expected at most {}",
                self.function,
                names.len() + skip
            ));
        }
        for (arg, name) in extra.into_iter().zip(names) {
            let FunctionArgExpr::Expr(expr) = arg else {
                return Err(plan_datafusion_err!(
                    "{}: argument '{name}' must be a value",
                    self.function
                ));
            };
            if self.named.iter().any(|(n, _)| n == name) {
                return Err(plan_datafusion_err!(
                    "{}: argument '{name}' is given more than once",
                    self.function
                ));
            }
            self.named.push((name.to_string(), expr));
        }
        Ok(())
    }

    /// A named argument as written, for arguments that are not literals (a query).
    pub(crate) fn expr(&self, name: &str) -> Option<&SqlExpr> {
        self.named.iter().find(|(n, _)| n == name).map(|(_, e)| e)
    }

    fn literal(&self, name: &str) -> Result<Option<Literal>> {
        match self.named.iter().find(|(n, _)| n == name) {
            None => Ok(None),
            Some((_, expr)) => literal(expr)
                .map(|lit| match lit {
                    Literal::Null => None,
                    lit => Some(lit),
                })
                .map_err(|what| {
                    plan_datafusion_err!("{}: argument '{name}' must be {what}", self.function)
                }),
        }
    }

    fn error(&self, name: &str, expected: &str, got: &Literal) -> DataFusionError {
        plan_datafusion_err!(
            "{}: argument '{name}' must be {expected}, got {}",
            self.function,
            got.describe()
        )
    }

    /// A positive integer argument.
    pub(crate) fn positive_int(&self, name: &str) -> Result<Option<usize>> {
        let Some(lit) = self.literal(name)? else {
            return Ok(None);
        };
        match &lit {
            Literal::Number(text) => match text.parse::<i64>() {
                Ok(v) if v > 0 => Ok(Some(v as usize)),
                _ => Err(self.error(name, "an integer > 0", &lit)),
            },
            _ => Err(self.error(name, "an integer > 0", &lit)),
        }
    }

    /// A non-negative integer argument.
    pub(crate) fn non_negative_int(&self, name: &str) -> Result<Option<u64>> {
        let Some(lit) = self.literal(name)? else {
            return Ok(None);
        };
        match &lit {
            Literal::Number(text) => match text.parse::<u64>() {
                Ok(v) => Ok(Some(v)),
                _ => Err(self.error(name, "an integer >= 0", &lit)),
            },
            _ => Err(self.error(name, "an integer >= 0", &lit)),
        }
    }

    /// A required positive integer argument.
    pub(crate) fn required_positive_int(&self, name: &str) -> Result<usize> {
        self.positive_int(name)?.ok_or_else(|| {
            plan_datafusion_err!(
                "{}: missing required argument '{name}' (an integer > 0)",
                self.function
            )
        })
    }

    /// A boolean argument.
    pub(crate) fn bool(&self, name: &str) -> Result<Option<bool>> {
        let Some(lit) = self.literal(name)? else {
            return Ok(None);
        };
        match &lit {
            Literal::Bool(b) => Ok(Some(*b)),
            Literal::Ident(word) | Literal::Str(word) => match word.to_ascii_lowercase().as_str() {
                "true" => Ok(Some(true)),
                "false" => Ok(Some(false)),
                _ => Err(self.error(name, "true or false", &lit)),
            },
            _ => Err(self.error(name, "true or false", &lit)),
        }
    }

    /// A string argument (a quoted string or a bare identifier).
    pub(crate) fn string(&self, name: &str) -> Result<Option<String>> {
        let Some(lit) = self.literal(name)? else {
            return Ok(None);
        };
        match lit {
            Literal::Str(s) | Literal::Ident(s) | Literal::Interval(s) => Ok(Some(s)),
            Literal::Number(n) => Ok(Some(n)),
            other => Err(self.error(name, "a string", &other)),
        }
    }

    /// A list of numbers (a single number is a list of one).
    pub(crate) fn numbers(&self, name: &str) -> Result<Option<Vec<f64>>> {
        let Some(lit) = self.literal(name)? else {
            return Ok(None);
        };
        let items = match &lit {
            Literal::List(items) => items.clone(),
            Literal::Number(_) => vec![lit.clone()],
            _ => return Err(self.error(name, "a list of numbers such as [80, 95]", &lit)),
        };
        items
            .iter()
            .map(|item| match item {
                Literal::Number(text) => text
                    .parse::<f64>()
                    .map_err(|_| self.error(name, "a list of numbers such as [80, 95]", &lit)),
                _ => Err(self.error(name, "a list of numbers such as [80, 95]", &lit)),
            })
            .collect::<Result<Vec<_>>>()
            .map(Some)
    }
}

impl Literal {
    fn describe(&self) -> String {
        match self {
            Literal::Number(n) => n.clone(),
            Literal::Str(s) => format!("'{s}'"),
            Literal::Bool(b) => b.to_string(),
            Literal::Null => "NULL".into(),
            Literal::Ident(s) => s.clone(),
            Literal::Interval(s) => format!("INTERVAL '{s}'"),
            Literal::List(items) => {
                let items: Vec<String> = items.iter().map(Literal::describe).collect();
                format!("[{}]", items.join(", "))
            }
        }
    }
}

/// Converts a SQL expression to a literal; the error says what was expected.
fn literal(expr: &SqlExpr) -> std::result::Result<Literal, &'static str> {
    match expr {
        SqlExpr::Value(v) => match &v.value {
            Value::Number(n, _) => Ok(Literal::Number(n.to_string())),
            Value::SingleQuotedString(s)
            | Value::DoubleQuotedString(s)
            | Value::EscapedStringLiteral(s) => Ok(Literal::Str(s.clone())),
            Value::Boolean(b) => Ok(Literal::Bool(*b)),
            Value::Null => Ok(Literal::Null),
            _ => Err("a literal"),
        },
        SqlExpr::UnaryOp {
            op: UnaryOperator::Minus,
            expr,
        } => match literal(expr)? {
            Literal::Number(n) => Ok(Literal::Number(format!("-{n}"))),
            _ => Err("a literal"),
        },
        SqlExpr::UnaryOp {
            op: UnaryOperator::Plus,
            expr,
        } => literal(expr),
        SqlExpr::Nested(inner) => literal(inner),
        SqlExpr::Identifier(ident) => Ok(Literal::Ident(ident.value.clone())),
        SqlExpr::Array(ast::Array { elem, .. }) | SqlExpr::Tuple(elem) => elem
            .iter()
            .map(literal)
            .collect::<std::result::Result<_, _>>()
            .map(Literal::List),
        SqlExpr::Interval(interval) => {
            let mut text = match literal(&interval.value)? {
                Literal::Str(s) | Literal::Number(s) => s,
                _ => return Err("an interval such as INTERVAL '1 day'"),
            };
            if let Some(field) = &interval.leading_field {
                text = format!("{text} {field}");
            }
            Ok(Literal::Interval(text))
        }
        _ => Err("a literal"),
    }
}
