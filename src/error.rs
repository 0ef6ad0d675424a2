//! Diagnostics: every problem walletdesk reports, each with the place in the user's file it
//! comes from. Stages push into a [`Diagnostics`] list instead of stopping at the first problem,
//! so one run reports everything that is wrong.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// One problem, located in a file: `path:line:col: message`.
///
/// `line` and `col` are 1-based and counted in the whole file (not inside an embedded block such
/// as the front matter); 0 means "the file as a whole".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub path: PathBuf,
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(
        path: impl Into<PathBuf>,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Error,
            path: path.into(),
            line,
            col,
            message: message.into(),
            hint: None,
        }
    }

    pub fn warning(
        path: impl Into<PathBuf>,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(path, line, col, message)
        }
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.col.max(1))?;
        }
        let label = match self.severity {
            Severity::Error => "",
            Severity::Warning => "warning: ",
        };
        write!(f, ": {label}{}", self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// The problems found so far in one run.
#[derive(Debug, Default)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub fn extend(&mut self, more: impl IntoIterator<Item = Diagnostic>) {
        self.0.extend(more);
    }

    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }

    /// All problems, errors first, then by file and position, so output is stable whatever
    /// order the parallel stages finished in.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.0.sort_by(|a, b| {
            (a.severity, &a.path, a.line, a.col, &a.message)
                .cmp(&(b.severity, &b.path, b.line, b.col, &b.message))
        });
        self.0.dedup();
        self.0
    }
}

/// Maps byte offsets in a text to 1-based (line, column) pairs, columns counted in characters.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, starts }
    }

    pub fn locate(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        let start = self.starts[line];
        let col = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line + 1, col + 1)
    }
}

/// The path shown to the user: relative to the site root when it lies inside it (`.` for the
/// root itself).
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    match path.strip_prefix(root) {
        Ok(rel) if rel.as_os_str().is_empty() => PathBuf::from("."),
        Ok(rel) => rel.to_path_buf(),
        Err(_) => path.to_path_buf(),
    }
}

/// The key among `candidates` nearest to `unknown`, if it is near enough to be a likely typo.
pub fn nearest<'a>(
    unknown: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(unknown, c), c))
        .filter(|(score, _)| *score >= 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Turns a serde_yaml error in `yaml` into a diagnostic located in the file, where the YAML
/// text starts on `first_line` of the file. Serde's "unknown field" message gets a
/// did-you-mean hint; a key set twice is reported at its second line, not at the mapping.
pub fn yaml_diagnostic(
    path: &Path,
    yaml: &str,
    first_line: usize,
    error: &serde_yaml::Error,
) -> Diagnostic {
    let mut diagnostic = yaml_error(path, first_line, error);
    if let Some(field) = duplicate_field(&diagnostic.message) {
        let field = field.to_string();
        let from = diagnostic.line.saturating_sub(first_line);
        if let Some((first, second, col)) = repeated_key(yaml, &field, from) {
            let prefix = diagnostic
                .message
                .split("duplicate field")
                .next()
                .unwrap_or("");
            diagnostic.message = format!("{prefix}`{field}` is set twice");
            (diagnostic.line, diagnostic.col) = (second + first_line, col);
            diagnostic.hint = Some(format!(
                "it is first set on line {}; keep one",
                first + first_line
            ));
        }
    }
    diagnostic
}

/// `x` of serde's "duplicate field `x`".
fn duplicate_field(message: &str) -> Option<&str> {
    let rest = &message[message.find("duplicate field `")? + "duplicate field `".len()..];
    Some(&rest[..rest.find('`')?])
}

/// The 0-based lines (from line `from` of `yaml` on) where `key` is set first and second at the
/// same indentation, with the 1-based column of the second.
fn repeated_key(yaml: &str, key: &str, from: usize) -> Option<(usize, usize, usize)> {
    let mut first: Option<(usize, usize)> = None;
    for (i, line) in yaml.lines().enumerate().skip(from) {
        let trimmed = line.trim_start();
        let mut indent = line.len() - trimmed.len();
        let item = trimmed.strip_prefix("- ").map(str::trim_start);
        let entry = match item {
            Some(rest) => {
                indent += trimmed.len() - rest.len();
                rest
            }
            None => trimmed,
        };
        let unquoted = entry
            .strip_prefix(['"', '\''])
            .and_then(|e| e.strip_prefix(key))
            .and_then(|e| e.strip_prefix(['"', '\'']));
        let sets = entry
            .strip_prefix(key)
            .or(unquoted)
            .is_some_and(|rest| rest.trim_start().starts_with(':'));
        if !sets {
            continue;
        }
        match first {
            None => first = Some((i, indent)),
            Some((line, at)) if at == indent => return Some((line, i, indent + 1)),
            Some(_) => {}
        }
    }
    None
}

fn yaml_error(path: &Path, first_line: usize, error: &serde_yaml::Error) -> Diagnostic {
    let (line, col) = error
        .location()
        .map_or((first_line, 1), |l| (l.line() + first_line - 1, l.column()));
    let full = error.to_string();
    // serde_yaml appends " at line L column C" (and for syntax errors ", while parsing X at
    // line L column C"); report those places as lines of the file, in our own format.
    let message = match full.find(" at line ") {
        Some(i) => {
            let mut message = full[..i].to_string();
            if let Some((_, context)) = full[i..].split_once(", while ") {
                let (what, place) = context.split_once(" at line ").unwrap_or((context, ""));
                let context_line = place
                    .split_whitespace()
                    .next()
                    .and_then(|n| n.parse::<usize>().ok());
                match context_line {
                    Some(n) => message.push_str(&format!(
                        " (while {what} that starts on line {})",
                        n + first_line - 1
                    )),
                    None => message.push_str(&format!(" (while {what})")),
                }
            }
            message
        }
        None => full,
    };
    let message = clean_path_prefix(&message);
    if message.starts_with("mapping values are not allowed") {
        return Diagnostic::error(path, line, col, message)
            .with_hint("a value that contains `: ` must be quoted, e.g. title: \"Setup: step 1\"");
    }
    match unknown_field(&message) {
        Some((field, expected)) => {
            let prefix = message.split_once("unknown field").map_or("", |(p, _)| p);
            let diagnostic =
                Diagnostic::error(path, line, col, format!("{prefix}unknown key `{field}`"));
            let known = expected.join(", ");
            match nearest(field, expected.iter().copied()) {
                Some(best) => {
                    diagnostic.with_hint(format!("did you mean `{best}`? valid keys: {known}"))
                }
                None => diagnostic.with_hint(format!("valid keys: {known}")),
            }
        }
        None => Diagnostic::error(path, line, col, message),
    }
}

/// serde_yaml prefixes nested errors with the path of the value (`languages[0]: …`); keep it,
/// it tells the user where the problem is, but drop the empty-path marker `.: `.
fn clean_path_prefix(message: &str) -> String {
    message
        .strip_prefix(".: ")
        .unwrap_or(message)
        .trim()
        .to_string()
}

/// Parses serde's "unknown field `x`, expected one of `a`, `b`" into (x, [a, b]).
fn unknown_field(message: &str) -> Option<(&str, Vec<&str>)> {
    let rest = &message[message.find("unknown field `")? + "unknown field `".len()..];
    let (field, rest) = rest.split_once('`')?;
    let expected = rest.split('`').skip(1).step_by(2).collect();
    Some((field, expected))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_counts_characters() {
        let text = "ab\n中文x\n";
        let index = LineIndex::new(text);
        assert_eq!(index.locate(0), (1, 1));
        assert_eq!(index.locate(3), (2, 1));
        assert_eq!(index.locate(9), (2, 3));
    }

    #[test]
    fn unknown_field_message_is_parsed() {
        let (field, expected) =
            unknown_field("unknown field `titel`, expected one of `title`, `weight`").unwrap();
        assert_eq!(
            duplicate_field("languages[0]: duplicate field `name`"),
            Some("name")
        );
        assert_eq!(field, "titel");
        assert_eq!(expected, ["title", "weight"]);
        assert_eq!(nearest("titel", expected), Some("title"));
    }

    #[test]
    fn a_repeated_key_is_found_at_its_own_indentation() {
        let yaml = "title: A\nlanguages:\n  - code: zh\n    name: x\n    strings: {name: y}\n    name: z\ntitle: B\n";
        assert_eq!(repeated_key(yaml, "name", 2), Some((3, 5, 5)));
        assert_eq!(repeated_key(yaml, "title", 0), Some((0, 6, 1)));
        assert_eq!(repeated_key(yaml, "code", 0), None);
    }

    #[test]
    fn display_has_location_and_hint() {
        let d = Diagnostic::error("content/a.md", 3, 2, "bad").with_hint("fix it");
        assert_eq!(d.to_string(), "content/a.md:3:2: bad\n  hint: fix it");
        let w = Diagnostic::warning("site.yaml", 0, 0, "odd");
        assert_eq!(w.to_string(), "site.yaml: warning: odd");
    }
}
