//! Reading a merchant's answers file (YAML or JSON, `question: answer`): bounded in size and
//! nesting, UTF-8 only (a byte-order mark is skipped; UTF-16 and legacy encodings get a hint),
//! every question answered once, numbers finite, and where each answer is written, for messages.
//! Every step is linear in the size of the file.

use std::collections::HashMap;
use std::path::Path;

use crate::error::{Diagnostic, LineIndex, yaml_diagnostic};

use super::engine::Answers;

/// The largest answers file read: a merchant's answers take a few hundred bytes.
pub const MAX_BYTES: usize = 1 << 20;
/// The deepest nesting of `[` and `{` read: answers are a flat mapping of short lists.
const MAX_DEPTH: usize = 16;

/// A merchant's answers with the line each one is written on.
#[derive(Debug, Default)]
pub struct AnswersFile {
    pub answers: Answers,
    lines: HashMap<String, usize>,
}

impl AnswersFile {
    /// The line of the file that answers `question` (0 when it is not answered there).
    pub fn line(&self, question: &str) -> usize {
        self.lines.get(question).copied().unwrap_or(0)
    }
}

/// Reads the answers in `bytes`, the content of `path`.
pub fn read(path: &Path, bytes: &[u8]) -> Result<AnswersFile, Vec<Diagnostic>> {
    let problem = |line, col, message: String, hint: &str| {
        vec![Diagnostic::error(path, line, col, message).with_hint(hint)]
    };
    if bytes.len() > MAX_BYTES {
        return Err(problem(
            0,
            0,
            format!(
                "the answers file is {} bytes; an answers file holds at most {} KiB",
                bytes.len(),
                MAX_BYTES >> 10
            ),
            "answer each question once, `question: answer`, as in tests/fixtures/merchants/",
        ));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(problem(
            1,
            1,
            "the file is UTF-16".to_string(),
            "save it as UTF-8 (in most editors: Save As… → Encoding: UTF-8)",
        ));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let lossy = String::from_utf8_lossy(bytes);
            let (line, col) = LineIndex::new(&lossy).locate(e.valid_up_to());
            return Err(problem(
                line,
                col,
                "not valid UTF-8".to_string(),
                "save the file as UTF-8; GBK, Big5 and other encodings are not read",
            ));
        }
    };
    if let Some(offset) = too_deep(text) {
        let (line, col) = LineIndex::new(text).locate(offset);
        return Err(problem(
            line,
            col,
            format!("nested more than {MAX_DEPTH} levels deep"),
            "an answer is text, a number, a date or a list of options",
        ));
    }
    let entries: Vec<(String, serde_yaml::Value)> =
        match serde_yaml::from_str::<Option<Entries>>(text) {
            Ok(entries) => entries.map(|e| e.0).unwrap_or_default(),
            Err(e) => return Err(vec![yaml_diagnostic(path, text, 1, &e)]),
        };
    let written = key_lines(text);
    let mut file = AnswersFile::default();
    let mut problems = Vec::new();
    let mut nth: HashMap<&str, usize> = HashMap::new();
    for (key, value) in &entries {
        let seen = nth.entry(key).or_default();
        let line = written
            .get(key.as_str())
            .and_then(|lines| lines.get(*seen))
            .copied()
            .unwrap_or(0);
        *seen += 1;
        if let Some(&first) = file.lines.get(key) {
            problems.push(
                Diagnostic::error(path, line, 1, format!("`{key}` is answered twice"))
                    .with_hint(format!("the first answer is on line {first}; keep one")),
            );
            continue;
        }
        file.lines.insert(key.clone(), line);
        match json(value) {
            Some(value) => {
                file.answers.insert(key.clone(), value);
            }
            None => problems.push(Diagnostic::error(
                path,
                line,
                1,
                format!(
                    "`{key}` must be a number you can count with, not {}",
                    shown(value)
                ),
            )),
        }
    }
    if problems.is_empty() {
        Ok(file)
    } else {
        Err(problems)
    }
}

/// Where `[` and `{` nest deeper than [`MAX_DEPTH`] outside quotes: the byte offset.
fn too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    for (i, c) in text.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
            }
            (None, ']' | '}') => depth = depth.saturating_sub(1),
            (None, '\n') => {}
            _ => {}
        }
    }
    None
}

/// The lines on which each top-level key is written, in order: a YAML key at the start of a
/// line, or a quoted key anywhere a JSON object has one (pretty-printed or on one line). One
/// pass over the text.
fn key_lines(text: &str) -> HashMap<&str, Vec<usize>> {
    let mut lines: HashMap<&str, Vec<usize>> = HashMap::new();
    for (n, line) in text.lines().enumerate() {
        let indented = line.starts_with([' ', '\t']);
        let mut rest = line.trim_start_matches([' ', '\t', '{']);
        loop {
            let quoted = rest.strip_prefix(['"', '\'']);
            let (key, after) = match quoted {
                Some(quoted) => match quoted.find(['"', '\'']) {
                    Some(end) => (&quoted[..end], &quoted[end + 1..]),
                    None => break,
                },
                // Unquoted keys are YAML's, at the start of a line.
                None if !indented && !rest.starts_with(['-', '#']) => match rest.find(':') {
                    Some(end) => (rest[..end].trim_end(), &rest[end..]),
                    None => break,
                },
                None => break,
            };
            let Some(value) = after.trim_start().strip_prefix(':') else {
                break;
            };
            if !key.is_empty() {
                lines.entry(key).or_default().push(n + 1);
            }
            // A JSON object on one line: its next key.
            match next_comma(value).filter(|_| quoted.is_some()) {
                Some(at) => rest = value[at + 1..].trim_start(),
                None => break,
            }
        }
    }
    lines
}

/// The offset of the `,` that ends a JSON value (outside quotes and brackets).
fn next_comma(value: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quoted = false;
    for (i, c) in value.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '[' | '{' if !quoted => depth += 1,
            ']' | '}' if !quoted => depth = depth.saturating_sub(1),
            ',' if !quoted && depth == 0 => return Some(i),
            _ => {}
        }
    }
    None
}

/// An answer as the engine reads it; `None` for a number that is not finite (`.nan`, `.inf`).
fn json(value: &serde_yaml::Value) -> Option<serde_json::Value> {
    use serde_yaml::Value;
    Some(match value {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => serde_json::Value::from(i),
            (_, Some(u), _) => serde_json::Value::from(u),
            (_, _, Some(f)) if f.is_finite() => serde_json::Value::from(f),
            _ => return None,
        },
        Value::String(s) => serde_json::Value::String(s.clone()),
        Value::Sequence(items) => {
            serde_json::Value::Array(items.iter().map(json).collect::<Option<_>>()?)
        }
        Value::Mapping(map) => serde_json::Value::Object(
            map.iter()
                .map(|(k, v)| Some((shown(k), json(v)?)))
                .collect::<Option<_>>()?,
        ),
        Value::Tagged(tagged) => json(&tagged.value)?,
    })
}

/// A YAML value as the user wrote it, for messages.
fn shown(value: &serde_yaml::Value) -> String {
    match value {
        serde_yaml::Value::String(s) => s.clone(),
        serde_yaml::Value::Number(n) => match n.as_f64() {
            Some(f) if f.is_nan() => ".nan".to_string(),
            Some(f) if f.is_infinite() => if f > 0.0 { ".inf" } else { "-.inf" }.to_string(),
            _ => n.to_string(),
        },
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_string(),
    }
}

/// The top-level mapping in the order written, duplicates kept (serde's maps keep the last).
struct Entries(Vec<(String, serde_yaml::Value)>);

impl<'de> serde::Deserialize<'de> for Entries {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Entries;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("answers written as `question: answer`, one per line")
            }
            fn visit_map<M: serde::de::MapAccess<'de>>(
                self,
                mut map: M,
            ) -> Result<Entries, M::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry::<String, serde_yaml::Value>()? {
                    entries.push(entry);
                }
                Ok(Entries(entries))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(text: &str) -> Result<AnswersFile, Vec<String>> {
        read(Path::new("a.yaml"), text.as_bytes())
            .map_err(|problems| problems.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn answers_keep_their_lines_in_yaml_and_json() {
        let file = read_text("\u{feff}# shop\nmerchant_name: 街角\ntills: 2\n").unwrap();
        assert_eq!(file.answers["tills"], serde_json::json!(2));
        assert_eq!((file.line("merchant_name"), file.line("tills")), (2, 3));
        let file = read_text(
            "{\"merchant_name\": \"A, B\", \"tills\": [1, 2],\n \"counter\": \"till\"}\n",
        )
        .unwrap();
        assert_eq!(
            (
                file.line("merchant_name"),
                file.line("tills"),
                file.line("counter")
            ),
            (1, 1, 2)
        );
    }

    #[test]
    fn a_question_answered_twice_is_an_error_at_the_second() {
        assert_eq!(
            read_text("tills: 1\nmerchant_name: A\ntills: 2\n").unwrap_err(),
            [
                "a.yaml:3:1: `tills` is answered twice\n  hint: the first answer is on line 1; keep one"
            ]
        );
    }

    #[test]
    fn numbers_must_be_finite() {
        assert_eq!(
            read_text("monthly_transactions: .nan\n").unwrap_err(),
            ["a.yaml:1:1: `monthly_transactions` must be a number you can count with, not .nan"]
        );
    }

    #[test]
    fn size_encoding_and_nesting_are_bounded() {
        let utf16 = read(Path::new("a.yaml"), &[0xFF, 0xFE, b'a', 0]).unwrap_err();
        assert_eq!(utf16[0].message, "the file is UTF-16");
        let gbk = read(Path::new("a.yaml"), b"merchant_name: \xc9\xcf\xba\xa3\n").unwrap_err();
        assert_eq!(
            gbk[0].to_string(),
            "a.yaml:1:16: not valid UTF-8\n  hint: save the file as UTF-8; GBK, Big5 and other encodings are not read"
        );
        let deep = read_text(&format!("merchant_name: {}\n", "[".repeat(100_000))).unwrap_err();
        assert_eq!(
            deep[0].split('\n').next().unwrap(),
            "a.yaml:1:32: nested more than 16 levels deep"
        );
        let quoted = read_text("merchant_name: \"[[[[[[[[[[[[[[[[[[[[[[\"\n").unwrap();
        assert_eq!(quoted.answers["merchant_name"], "[[[[[[[[[[[[[[[[[[[[[[");
        let big = "x".repeat(MAX_BYTES + 1);
        assert!(read_text(&big).unwrap_err()[0].contains("at most 1024 KiB"));
    }
}
