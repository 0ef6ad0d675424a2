//! Splitting a page into its YAML front matter and Markdown body, and parsing the front matter
//! with line numbers counted in the whole file.

use std::fmt;
use std::path::Path;

use serde::{Deserialize, Deserializer};

use crate::error::{Diagnostic, yaml_diagnostic};

/// The keys a page may set between its `---` lines.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub weight: Option<i64>,
    #[serde(default)]
    pub draft: bool,
    #[serde(default)]
    pub template: Option<String>,
    #[serde(default)]
    pub updated: Option<Date>,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub tags: Vec<String>,
}

/// A calendar date written `YYYY-MM-DD`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub chrono::NaiveDate);

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        chrono::NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map(Date)
            .map_err(|_| {
                serde::de::Error::custom(format!("`{text}` is not a date; write it as YYYY-MM-DD"))
            })
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

/// A page's text split at its front matter.
#[derive(Debug)]
pub struct Split<'a> {
    pub yaml: &'a str,
    /// Line of the file on which the YAML starts (1-based).
    pub yaml_line: usize,
    pub body: &'a str,
    /// Line of the file on which the body starts (1-based).
    pub body_line: usize,
}

const EXAMPLE: &str = "start the file with:\n  ---\n  title: My page\n  ---";

/// Finds the `---` fences. The opening fence must be the first line of the file.
pub fn split<'a>(path: &Path, text: &'a str) -> Result<Split<'a>, Diagnostic> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err(Diagnostic::error(
            path,
            1,
            1,
            "missing front matter: a page must start with a `---` line",
        )
        .with_hint(EXAMPLE));
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    for (i, line) in lines.enumerate() {
        if line.trim_end() == "---" {
            return Ok(Split {
                yaml: &text[yaml_start..offset],
                yaml_line: 2,
                body: &text[offset + line.len()..],
                body_line: i + 3,
            });
        }
        offset += line.len();
    }
    Err(
        Diagnostic::error(path, 1, 1, "the front matter opened here is never closed")
            .with_hint("end it with a line holding only `---`"),
    )
}

/// Parses the front matter YAML of `split`, reporting errors at their line in the file.
pub fn parse(path: &Path, split: &Split) -> Result<FrontMatter, Diagnostic> {
    if split.yaml.trim().is_empty() {
        return Err(Diagnostic::error(
            path,
            1,
            1,
            "the front matter is empty: `title` is required",
        )
        .with_hint(EXAMPLE));
    }
    let key_line = |key: &str| {
        split
            .yaml
            .lines()
            .position(|l| l.starts_with(&format!("{key}:")))
            .map(|i| i + split.yaml_line)
    };
    let front: FrontMatter = serde_yaml::from_str(split.yaml).map_err(|e| {
        let mut diagnostic = yaml_diagnostic(path, split.yaml, split.yaml_line, &e);
        // serde_yaml places errors raised by a value's own Deserialize at the mapping start.
        if diagnostic.message.contains("YYYY-MM-DD")
            && let Some(line) = key_line("updated")
        {
            (diagnostic.line, diagnostic.col) = (line, 1);
        }
        diagnostic
    })?;
    if front.title.trim().is_empty() {
        return Err(Diagnostic::error(
            path,
            key_line("title").unwrap_or(0),
            1,
            "`title` is empty",
        ));
    }
    Ok(front)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<FrontMatter, Diagnostic> {
        let path = Path::new("a.md");
        parse(path, &split(path, text)?)
    }

    #[test]
    fn splits_and_counts_body_line() {
        let s = split(Path::new("a.md"), "---\ntitle: A\nweight: 2\n---\nbody\n").unwrap();
        assert_eq!(s.yaml, "title: A\nweight: 2\n");
        assert_eq!(s.body, "body\n");
        assert_eq!(s.body_line, 5);
    }

    #[test]
    fn error_line_is_counted_in_the_file() {
        let e = parse_text("---\ntitle: A\nweight: heavy\n---\n").unwrap_err();
        assert_eq!((e.line, e.col), (3, 9));
        assert!(e.message.contains("weight"), "{}", e.message);
    }

    #[test]
    fn unknown_key_gets_a_suggestion() {
        let e = parse_text("---\ntitle: A\ndescripton: x\n---\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.hint.unwrap().starts_with("did you mean `description`?"));
    }

    #[test]
    fn dates_must_be_iso() {
        let e = parse_text("---\ntitle: A\nupdated: 25/11/2026\n---\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("YYYY-MM-DD"));
        let ok = parse_text("---\ntitle: A\nupdated: 2026-11-25\n---\n").unwrap();
        assert_eq!(ok.updated.unwrap().to_string(), "2026-11-25");
    }

    #[test]
    fn unclosed_and_missing_front_matter() {
        assert!(
            parse_text("---\ntitle: A\n")
                .unwrap_err()
                .message
                .contains("never closed")
        );
        assert!(
            parse_text("# Hi\n")
                .unwrap_err()
                .message
                .contains("missing front matter")
        );
        assert!(
            parse_text("---\n---\n")
                .unwrap_err()
                .message
                .contains("title")
        );
    }
}
