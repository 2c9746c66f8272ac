//! The error of a model-spec string that cannot be parsed, validated or built.

use std::fmt;

/// Why a model-spec string was rejected, as a message for the user.
///
/// The message names the model and parameter concerned and what would be accepted; the SQL
/// layer prefixes it with `forecast: models: `.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    message: String,
}

impl SpecError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// The human-readable message (same as `Display`).
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SpecError {}
