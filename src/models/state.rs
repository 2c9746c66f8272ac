//! Fitted models as bytes, so they can be stored as rows and read back anywhere.
//!
//! A state is `magic, format version, class name, spec fingerprint, payload, checksum`, all
//! little-endian: the same bytes on every machine. The payload is written by
//! [`FittedModel::save`] and read by [`Model::restore`] of the model built from the same
//! spec, field by field in the same order; every length is checked against the bytes left
//! before anything is allocated, and the checksum catches any changed byte, so a damaged
//! state is an error rather than a wrong number.

use std::fmt;

use super::{FittedModel, Model};

/// The version of the encoding this build writes and reads.
pub const STATE_FORMAT_VERSION: u16 = 1;

const MAGIC: [u8; 4] = *b"DFFM";

/// Why a state cannot be read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateError {
    /// The bytes are not a fitted-model state at all.
    NotAState,
    /// Written by another version of the encoding.
    Version(u16),
    /// The checksum, a length or a value does not hold: the bytes were changed.
    Corrupted(String),
    /// The state belongs to another class than the spec's.
    ClassMismatch {
        /// The class the state was fitted as.
        state: String,
        /// The class of the spec it was read with.
        spec: String,
    },
    /// The spec differs from the one the model was fitted with (another parameter value).
    SpecMismatch,
}

impl fmt::Display for StateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotAState => f.write_str("the bytes are not a fitted-model state"),
            Self::Version(version) => write!(
                f,
                "the state was written in format version {version}; this build reads version {STATE_FORMAT_VERSION}: fit the models again with this build"
            ),
            Self::Corrupted(what) => write!(f, "the state is corrupted ({what})"),
            Self::ClassMismatch { state, spec } => {
                write!(f, "the state is a fitted {state}, the spec is a {spec}")
            }
            Self::SpecMismatch => f.write_str(
                "the spec does not match the state: it differs from the spec the model was fitted with",
            ),
        }
    }
}

impl std::error::Error for StateError {}

/// Encodes a model fitted from `spec` (its canonical text) as a state.
pub fn encode_state(model: &dyn Model, spec: &str, fitted: &dyn FittedModel) -> Vec<u8> {
    let mut writer = StateWriter::default();
    writer.bytes.extend_from_slice(&MAGIC);
    writer
        .bytes
        .extend_from_slice(&STATE_FORMAT_VERSION.to_le_bytes());
    writer.str(model.class_name());
    writer.u64(fingerprint(spec));
    fitted.save(&mut writer);
    let checksum = crc32(&writer.bytes);
    writer.bytes.extend_from_slice(&checksum.to_le_bytes());
    writer.bytes
}

/// Reads back a state written by [`encode_state`] for the model built from `spec`.
pub fn decode_state(
    model: &dyn Model,
    spec: &str,
    bytes: &[u8],
) -> Result<Box<dyn FittedModel>, StateError> {
    if bytes.len() < MAGIC.len() + 2 || bytes[..MAGIC.len()] != MAGIC {
        return Err(StateError::NotAState);
    }
    let version = u16::from_le_bytes([bytes[4], bytes[5]]);
    if version != STATE_FORMAT_VERSION {
        return Err(StateError::Version(version));
    }
    let Some(body_len) = bytes.len().checked_sub(4) else {
        return Err(StateError::NotAState);
    };
    let (body, checksum) = bytes.split_at(body_len);
    if crc32(body).to_le_bytes() != checksum {
        return Err(StateError::Corrupted("checksum mismatch".into()));
    }
    let mut reader = StateReader::new(&body[MAGIC.len() + 2..]);
    let class = reader.str()?;
    if class != model.class_name() {
        return Err(StateError::ClassMismatch {
            state: class,
            spec: model.class_name().to_string(),
        });
    }
    if reader.u64()? != fingerprint(spec) {
        return Err(StateError::SpecMismatch);
    }
    let fitted = model.restore(&mut reader)?;
    reader.finish()?;
    Ok(fitted)
}

/// Appends the fields of a fitted model, little-endian.
#[derive(Debug, Default)]
pub struct StateWriter {
    bytes: Vec<u8>,
}

impl StateWriter {
    /// One byte (enum tags).
    pub fn u8(&mut self, value: u8) {
        self.bytes.push(value);
    }

    /// A flag.
    pub fn bool(&mut self, value: bool) {
        self.u8(u8::from(value));
    }

    /// An unsigned integer.
    pub fn u64(&mut self, value: u64) {
        self.bytes.extend_from_slice(&value.to_le_bytes());
    }

    /// A count or index.
    pub fn usize(&mut self, value: usize) {
        self.u64(value as u64);
    }

    /// A float, bit for bit (NaN payloads included).
    pub fn f64(&mut self, value: f64) {
        self.u64(value.to_bits());
    }

    /// A float vector with its length.
    pub fn f64s(&mut self, values: &[f64]) {
        self.usize(values.len());
        self.bytes.reserve(values.len() * 8);
        for value in values {
            self.f64(*value);
        }
    }

    /// A vector of counts with its length.
    pub fn usizes(&mut self, values: &[usize]) {
        self.usize(values.len());
        for value in values {
            self.usize(*value);
        }
    }

    /// A UTF-8 string with its length.
    pub fn str(&mut self, value: &str) {
        self.usize(value.len());
        self.bytes.extend_from_slice(value.as_bytes());
    }
}

/// Reads the fields [`StateWriter`] wrote, in the same order; every read is checked.
#[derive(Debug)]
pub struct StateReader<'a> {
    bytes: &'a [u8],
}

impl<'a> StateReader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Self { bytes }
    }

    fn take(&mut self, len: usize, what: &str) -> Result<&'a [u8], StateError> {
        if len > self.bytes.len() {
            return Err(StateError::Corrupted(format!("{what} runs past the end")));
        }
        let (head, rest) = self.bytes.split_at(len);
        self.bytes = rest;
        Ok(head)
    }

    /// One byte.
    pub fn u8(&mut self) -> Result<u8, StateError> {
        Ok(self.take(1, "a tag")?[0])
    }

    /// An enum tag, which must be below `count`.
    pub fn tag(&mut self, what: &str, count: u8) -> Result<u8, StateError> {
        let tag = self.u8()?;
        if tag < count {
            Ok(tag)
        } else {
            Err(StateError::Corrupted(format!("unknown {what} {tag}")))
        }
    }

    /// A flag.
    pub fn bool(&mut self) -> Result<bool, StateError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(StateError::Corrupted(format!("flag {other}"))),
        }
    }

    /// An unsigned integer.
    pub fn u64(&mut self) -> Result<u64, StateError> {
        let bytes = self.take(8, "an integer")?;
        Ok(u64::from_le_bytes(bytes.try_into().expect("8 bytes")))
    }

    /// A count or index; it must fit this machine's `usize`.
    pub fn usize(&mut self) -> Result<usize, StateError> {
        let value = self.u64()?;
        usize::try_from(value).map_err(|_| StateError::Corrupted(format!("count {value}")))
    }

    /// A float.
    pub fn f64(&mut self) -> Result<f64, StateError> {
        Ok(f64::from_bits(self.u64()?))
    }

    /// A length for items of `item_bytes` bytes each, checked against the bytes left.
    fn len(&mut self, item_bytes: usize, what: &str) -> Result<usize, StateError> {
        let len = self.usize()?;
        if len.saturating_mul(item_bytes) > self.bytes.len() {
            return Err(StateError::Corrupted(format!(
                "{what} of length {len} runs past the end"
            )));
        }
        Ok(len)
    }

    /// A float vector.
    pub fn f64s(&mut self) -> Result<Vec<f64>, StateError> {
        let len = self.len(8, "a vector")?;
        (0..len).map(|_| self.f64()).collect()
    }

    /// A float vector whose length satisfies `valid` (e.g. the length its form implies),
    /// else [`StateError::Corrupted`] naming `what`.
    pub fn f64s_of_length(
        &mut self,
        what: &str,
        valid: impl FnOnce(usize) -> bool,
    ) -> Result<Vec<f64>, StateError> {
        let values = self.f64s()?;
        if valid(values.len()) {
            Ok(values)
        } else {
            Err(StateError::Corrupted(format!(
                "{what} of length {}",
                values.len()
            )))
        }
    }

    /// A vector of counts.
    pub fn usizes(&mut self) -> Result<Vec<usize>, StateError> {
        let len = self.len(8, "a vector")?;
        (0..len).map(|_| self.usize()).collect()
    }

    /// A string.
    pub fn str(&mut self) -> Result<String, StateError> {
        let len = self.len(1, "a string")?;
        let bytes = self.take(len, "a string")?;
        String::from_utf8(bytes.to_vec())
            .map_err(|_| StateError::Corrupted("a string is not UTF-8".into()))
    }

    /// A value that must satisfy `valid` (e.g. a positive count), else [`StateError::Corrupted`].
    pub fn check<T: fmt::Debug>(
        value: T,
        what: &str,
        valid: impl FnOnce(&T) -> bool,
    ) -> Result<T, StateError> {
        if valid(&value) {
            Ok(value)
        } else {
            Err(StateError::Corrupted(format!("{what} = {value:?}")))
        }
    }

    /// Succeeds when every byte was read.
    fn finish(&self) -> Result<(), StateError> {
        if self.bytes.is_empty() {
            Ok(())
        } else {
            Err(StateError::Corrupted(format!(
                "{} bytes left over",
                self.bytes.len()
            )))
        }
    }
}

/// Recomputes the checksum of a state whose bytes a test changed, so the change reaches the
/// field decoders.
#[cfg(test)]
pub(crate) fn reseal(state: &mut [u8]) {
    let Some(body_len) = state.len().checked_sub(4) else {
        return;
    };
    let checksum = crc32(&state[..body_len]).to_le_bytes();
    state[body_len..].copy_from_slice(&checksum);
}

/// FNV-1a of the canonical spec: enough to tell specs apart, stable across machines.
fn fingerprint(spec: &str) -> u64 {
    spec.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// CRC-32 (IEEE 802.3, as zlib), table-driven.
fn crc32(bytes: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut crc = i as u32;
            let mut bit = 0;
            while bit < 8 {
                crc = if crc & 1 == 1 {
                    0xEDB8_8320 ^ (crc >> 1)
                } else {
                    crc >> 1
                };
                bit += 1;
            }
            table[i] = crc;
            i += 1;
        }
        table
    };
    !bytes.iter().fold(!0u32, |crc, &byte| {
        TABLE[((crc ^ u32::from(byte)) & 0xFF) as usize] ^ (crc >> 8)
    })
}

/// What a fit chose, for people: statsforecast's method string (`ETS(M,Ad,N)`,
/// `ARIMA(1,1,1)(0,0,1)[12]`, or the class name) and the fitted parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct FitInfo {
    /// The method string.
    pub method: String,
    /// Named values beside it, in a stable order.
    pub fields: Vec<(String, InfoValue)>,
}

/// One value of a [`FitInfo`].
#[derive(Debug, Clone, PartialEq)]
pub enum InfoValue {
    /// A number (NaN and infinities are written as JSON `null`).
    Number(f64),
    /// A count.
    Count(usize),
    /// Text.
    Text(String),
    /// A flag.
    Flag(bool),
    /// Named values.
    Object(Vec<(String, InfoValue)>),
    /// Values in order.
    List(Vec<InfoValue>),
}

impl FitInfo {
    /// Info with only a method string.
    pub fn method(method: impl Into<String>) -> Self {
        Self {
            method: method.into(),
            fields: Vec::new(),
        }
    }

    /// Adds a named value.
    pub fn with(mut self, name: impl Into<String>, value: InfoValue) -> Self {
        self.fields.push((name.into(), value));
        self
    }

    /// Adds a named number.
    pub fn number(self, name: impl Into<String>, value: f64) -> Self {
        self.with(name, InfoValue::Number(value))
    }

    /// Adds a named count.
    pub fn count(self, name: impl Into<String>, value: usize) -> Self {
        self.with(name, InfoValue::Count(value))
    }

    /// Adds a named text.
    pub fn text(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.with(name, InfoValue::Text(value.into()))
    }

    /// The JSON object `{"method": ..., <fields>}`.
    pub fn to_json(&self) -> String {
        let mut out = String::from("{\"method\":");
        write_json_string(&mut out, &self.method);
        for (name, value) in &self.fields {
            out.push(',');
            write_json_string(&mut out, name);
            out.push(':');
            value.write_json(&mut out);
        }
        out.push('}');
        out
    }
}

/// The info as one nested value, its method first (e.g. the trend model inside MSTL's).
impl From<FitInfo> for InfoValue {
    fn from(info: FitInfo) -> Self {
        let mut fields = Vec::with_capacity(info.fields.len() + 1);
        fields.push(("method".to_string(), Self::Text(info.method)));
        fields.extend(info.fields);
        Self::Object(fields)
    }
}

impl InfoValue {
    /// A list of numbers.
    pub fn numbers(values: &[f64]) -> Self {
        Self::List(values.iter().map(|&v| Self::Number(v)).collect())
    }

    fn write_json(&self, out: &mut String) {
        match self {
            Self::Number(v) if v.is_finite() => out.push_str(&format!("{v:?}")),
            Self::Number(_) => out.push_str("null"),
            Self::Count(v) => out.push_str(&v.to_string()),
            Self::Text(text) => write_json_string(out, text),
            Self::Flag(v) => out.push_str(if *v { "true" } else { "false" }),
            Self::Object(fields) => {
                out.push('{');
                for (i, (name, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_json_string(out, name);
                    out.push(':');
                    value.write_json(out);
                }
                out.push('}');
            }
            Self::List(values) => {
                out.push('[');
                for (i, value) in values.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    value.write_json(out);
                }
                out.push(']');
            }
        }
    }
}

fn write_json_string(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_matches_zlib() {
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(crc32(b""), 0);
    }

    #[test]
    fn fields_round_trip_and_lengths_are_checked() {
        let mut writer = StateWriter::default();
        writer.u8(3);
        writer.bool(true);
        writer.usize(7);
        writer.f64(f64::NAN);
        writer.f64s(&[1.5, -0.0]);
        writer.usizes(&[4, 5]);
        writer.str("é");
        let bytes = writer.bytes;
        let mut reader = StateReader::new(&bytes);
        assert_eq!(reader.tag("tag", 4).unwrap(), 3);
        assert!(reader.bool().unwrap());
        assert_eq!(reader.usize().unwrap(), 7);
        assert!(reader.f64().unwrap().is_nan());
        let floats = reader.f64s().unwrap();
        assert_eq!(floats[0], 1.5);
        assert!(floats[1].is_sign_negative());
        assert_eq!(reader.usizes().unwrap(), vec![4, 5]);
        assert_eq!(reader.str().unwrap(), "é");
        reader.finish().unwrap();

        // A length far beyond the bytes is refused before allocating.
        let mut huge = StateWriter::default();
        huge.u64(u64::MAX / 2);
        let mut reader = StateReader::new(&huge.bytes);
        assert!(matches!(reader.f64s(), Err(StateError::Corrupted(_))));
        let mut reader = StateReader::new(&[2]);
        assert!(matches!(reader.bool(), Err(StateError::Corrupted(_))));
        assert!(matches!(
            StateReader::new(&[9]).tag("form", 4),
            Err(StateError::Corrupted(_))
        ));
    }

    #[test]
    fn info_is_json() {
        let info = FitInfo::method("ETS(M,Ad,N)")
            .number("alpha", 0.25)
            .number("gamma", f64::NAN)
            .with("note", InfoValue::Text("a \"b\"\n".into()))
            .with(
                "coef",
                InfoValue::Object(vec![("ar1".into(), InfoValue::Number(-1e-12))]),
            )
            .count("n", 3)
            .with("season", InfoValue::numbers(&[1.5, f64::INFINITY]))
            .with(
                "trend",
                FitInfo::method("Naive").number("sigma", 2.0).into(),
            );
        assert_eq!(
            info.to_json(),
            r#"{"method":"ETS(M,Ad,N)","alpha":0.25,"gamma":null,"note":"a \"b\"\u000a","coef":{"ar1":-1e-12},"n":3,"season":[1.5,null],"trend":{"method":"Naive","sigma":2.0}}"#
        );
    }
}
