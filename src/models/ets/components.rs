//! The letters of an ETS model: error, trend and season components, damping, and the
//! three-letter `model` strings (`'ZZZ'`, `'AAN'`, `'MAM'`, ...) that select them.

use std::fmt;

/// One component of an ETS form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Component {
    /// `N`: the component is absent.
    None,
    /// `A`: additive.
    Additive,
    /// `M`: multiplicative.
    Multiplicative,
}

impl Component {
    pub(crate) fn letter(self) -> char {
        match self {
            Self::None => 'N',
            Self::Additive => 'A',
            Self::Multiplicative => 'M',
        }
    }

    #[inline(always)]
    pub(crate) fn is_present(self) -> bool {
        !matches!(self, Self::None)
    }
}

/// A fully specified ETS form, e.g. `M,Ad,N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct Form {
    /// Additive or multiplicative (never `None`).
    pub(crate) error: Component,
    pub(crate) trend: Component,
    pub(crate) season: Component,
    /// Damped trend (only with a trend).
    pub(crate) damped: bool,
}

impl Form {
    /// statsforecast's `components` string: error, trend, season, then `D` (damped) or `N`.
    pub(crate) fn components(&self) -> String {
        format!(
            "{}{}{}{}",
            self.error.letter(),
            self.trend.letter(),
            self.season.letter(),
            if self.damped { 'D' } else { 'N' }
        )
    }
}

/// statsforecast's `method` text, e.g. `ETS(M,Ad,N)`.
impl fmt::Display for Form {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "ETS({},{}{},{})",
            self.error.letter(),
            self.trend.letter(),
            if self.damped { "d" } else { "" },
            self.season.letter()
        )
    }
}

/// One letter of a `model` string: a component, or `Z` (let the search choose).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Choice {
    Fixed(Component),
    Auto,
}

impl Choice {
    /// The component, `None` for `Z`.
    pub(crate) fn fixed(self) -> Option<Component> {
        match self {
            Self::Fixed(component) => Some(component),
            Self::Auto => None,
        }
    }
}

/// statsforecast's `restrict=True` combinations: additive errors with a multiplicative trend
/// or season, and `M,M,A`. `None` stands for a letter left to the search, which never makes
/// a combination forbidden by itself.
pub(crate) fn forbidden(
    error: Option<Component>,
    trend: Option<Component>,
    season: Option<Component>,
) -> bool {
    use Component::{Additive as A, Multiplicative as M};
    (error == Some(A) && (trend == Some(M) || season == Some(M)))
        || (error == Some(M) && trend == Some(M) && season == Some(A))
}

/// A parsed `model` string such as `ZZZ` or `MAM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct ModelString {
    pub(crate) error: Choice,
    pub(crate) trend: Choice,
    pub(crate) season: Choice,
}

impl ModelString {
    /// Parses three letters: error in {A, M, Z}, trend and season in {N, A, M, Z}.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let letters: Vec<char> = text.chars().collect();
        let [e, t, s] = letters[..] else {
            return Err(format!(
                "model must be three letters (error, trend, season), got '{text}'"
            ));
        };
        let choice = |c: char, allow_none: bool, what: &str| match c {
            'N' if allow_none => Ok(Choice::Fixed(Component::None)),
            'A' => Ok(Choice::Fixed(Component::Additive)),
            'M' => Ok(Choice::Fixed(Component::Multiplicative)),
            'Z' => Ok(Choice::Auto),
            _ => Err(format!(
                "invalid {what} type '{c}' in model '{text}': expected one of {}",
                if allow_none { "N, A, M, Z" } else { "A, M, Z" }
            )),
        };
        Ok(Self {
            error: choice(e, false, "error")?,
            trend: choice(t, true, "trend")?,
            season: choice(s, true, "season")?,
        })
    }
}

impl fmt::Display for ModelString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for choice in [self.error, self.trend, self.season] {
            let c = match choice {
                Choice::Fixed(component) => component.letter(),
                Choice::Auto => 'Z',
            };
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::{Choice, Component, Form, ModelString};

    #[test]
    fn parse_and_print() {
        let zzz = ModelString::parse("ZZZ").unwrap();
        assert_eq!(zzz.error, Choice::Auto);
        assert_eq!(zzz.to_string(), "ZZZ");
        let mam = ModelString::parse("MAM").unwrap();
        assert_eq!(mam.trend, Choice::Fixed(Component::Additive));
        assert_eq!(mam.season, Choice::Fixed(Component::Multiplicative));
        assert!(
            ModelString::parse("NAN")
                .unwrap_err()
                .contains("error type 'N'")
        );
        assert!(
            ModelString::parse("AXN")
                .unwrap_err()
                .contains("trend type 'X'")
        );
        assert!(
            ModelString::parse("AA")
                .unwrap_err()
                .contains("three letters")
        );
        assert!(ModelString::parse("aan").is_err());
    }

    #[test]
    fn form_texts() {
        let form = Form {
            error: Component::Multiplicative,
            trend: Component::Additive,
            season: Component::None,
            damped: true,
        };
        assert_eq!(form.components(), "MAND");
        assert_eq!(form.to_string(), "ETS(M,Ad,N)");
    }
}
