//! `site.yaml` → a validated [`Config`]: the site's title, base URL and languages (the first is
//! the default). Unknown keys are errors that suggest the nearest valid key.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::error::{Diagnostic, yaml_diagnostic};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    title: String,
    #[serde(default)]
    description: String,
    base_url: String,
    languages: Vec<Language>,
    #[serde(default)]
    content_security_policy: Option<String>,
    #[serde(default)]
    search: RawSearch,
    #[serde(default)]
    publish_hidden: Vec<String>,
}

/// `search:` of site.yaml.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSearch {
    #[serde(default = "enabled")]
    enabled: bool,
    #[serde(default)]
    exclude: Vec<String>,
    #[serde(default)]
    synonyms: Vec<Vec<String>>,
}

impl Default for RawSearch {
    fn default() -> Self {
        RawSearch {
            enabled: true,
            exclude: Vec::new(),
            synonyms: Vec::new(),
        }
    }
}

fn enabled() -> bool {
    true
}

/// The search settings: on by default; `exclude` holds glob patterns of page keys (the path
/// below `content/<lang>/`, e.g. `glossary.md` or `drafts/**`) left out of the index.
#[derive(Debug, Clone)]
pub struct Search {
    pub enabled: bool,
    pub exclude: globset::GlobSet,
    /// Groups of words or phrases a reader may use for one another (`多长时间`, `多久`): a query
    /// holding one of a group also finds the pages saying another.
    pub synonyms: Vec<Vec<String>>,
}

/// One language of the site. `code` is the URL prefix and the folder under `content/`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Language {
    pub code: String,
    pub name: String,
    /// BCP 47 tag for `<html lang>` and hreflang (e.g. `zh-CN`); defaults to `code`.
    #[serde(default)]
    pub locale: Option<String>,
    /// Site title in this language; defaults to the site's `title`.
    #[serde(default)]
    pub title: Option<String>,
    /// Site description in this language; defaults to the site's `description`.
    #[serde(default)]
    pub description: Option<String>,
    /// Overrides of the theme's interface strings ("On this page", …) for this language.
    #[serde(default)]
    pub strings: BTreeMap<String, String>,
}

impl Language {
    pub fn locale(&self) -> &str {
        self.locale.as_deref().unwrap_or(&self.code)
    }
}

/// Where the site lives: `https://example.com/docs/` has origin `https://example.com` and
/// base path `/docs/`. Every URL the site writes starts with the base path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseUrl {
    pub origin: String,
    pub path: String,
}

impl BaseUrl {
    pub fn parse(text: &str) -> Result<BaseUrl, String> {
        let text = text.trim();
        let rest = text
            .strip_prefix("https://")
            .or_else(|| text.strip_prefix("http://"))
            .ok_or_else(|| format!("base_url `{text}` must start with http:// or https://"))?;
        let (host, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        if host.is_empty() {
            return Err(format!("base_url `{text}` has no host"));
        }
        if path.contains(['?', '#', ' ', '\\']) {
            return Err(format!(
                "base_url `{text}` must be a plain folder URL without query, fragment or spaces"
            ));
        }
        let path = if path.ends_with('/') {
            path.to_string()
        } else {
            format!("{path}/")
        };
        let scheme_len = text.len() - rest.len();
        Ok(BaseUrl {
            origin: format!("{}{host}", &text[..scheme_len]),
            path,
        })
    }

    /// The absolute URL of a site path (a path relative to the base, like `en/guide/`).
    pub fn absolute(&self, site_path: &str) -> String {
        format!("{}{}", self.origin, self.href(site_path))
    }

    /// The root-relative href of a site path, e.g. `/docs/en/guide/`.
    pub fn href(&self, site_path: &str) -> String {
        format!("{}{site_path}", self.path)
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub title: String,
    pub description: String,
    pub base_url: BaseUrl,
    pub languages: Vec<Language>,
    /// Emitted as a `<meta http-equiv="Content-Security-Policy">` on every page when set.
    pub content_security_policy: Option<String>,
    pub search: Search,
    /// Hidden files of `static/` to publish besides `.well-known/` (glob patterns of the path
    /// below `static/`, e.g. `.htaccess`).
    pub publish_hidden: globset::GlobSet,
}

impl Config {
    pub fn default_language(&self) -> &Language {
        &self.languages[0]
    }

    pub fn language_index(&self, code: &str) -> Option<usize> {
        self.languages.iter().position(|l| l.code == code)
    }

    /// The site path of a language's home page: `` for the default language, `en/` otherwise.
    pub fn language_prefix(&self, lang: usize) -> String {
        if lang == 0 {
            String::new()
        } else {
            format!("{}/", self.languages[lang].code)
        }
    }
}

/// Parses and validates `site.yaml`. `path` is only used in messages.
pub fn parse(
    path: &Path,
    text: &str,
    base_url_override: Option<&str>,
) -> Result<Config, Vec<Diagnostic>> {
    let raw: RawConfig =
        serde_yaml::from_str(text).map_err(|e| vec![yaml_diagnostic(path, text, 1, &e)])?;
    let mut problems = Vec::new();
    let key_line = |key: &str| {
        text.lines()
            .position(|l| l.trim_start().starts_with(&format!("{key}:")))
            .map_or(1, |i| i + 1)
    };

    let base_url_text = base_url_override.unwrap_or(&raw.base_url);
    let base_url = match BaseUrl::parse(base_url_text) {
        Ok(url) => Some(url),
        Err(message) => {
            let (line, hint) = match base_url_override {
                Some(_) => (0, "check the --base-url option"),
                None => (
                    key_line("base_url"),
                    "for example: base_url: https://example.com/docs/",
                ),
            };
            let at = if base_url_override.is_some() {
                Path::new("--base-url")
            } else {
                path
            };
            problems.push(Diagnostic::error(at, line, 1, message).with_hint(hint));
            None
        }
    };

    if raw.languages.is_empty() {
        problems.push(
            Diagnostic::error(
                path,
                key_line("languages"),
                1,
                "`languages` needs at least one language",
            )
            .with_hint("languages:\n    - code: zh\n      name: 中文"),
        );
    }
    for (i, language) in raw.languages.iter().enumerate() {
        let valid = !language.code.is_empty()
            && language
                .code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !valid {
            problems.push(
                Diagnostic::error(
                    path,
                    key_line("languages"),
                    1,
                    format!(
                        "language code `{}` must be lower-case letters, digits or `-`",
                        language.code
                    ),
                )
                .with_hint(
                    "it becomes the URL prefix and the folder name under content/, e.g. `en`",
                ),
            );
        }
        if raw.languages[..i].iter().any(|l| l.code == language.code) {
            problems.push(Diagnostic::error(
                path,
                key_line("languages"),
                1,
                format!("language `{}` is listed twice", language.code),
            ));
        }
        if language.code == "data" {
            problems.push(Diagnostic::error(
                path,
                key_line("languages"),
                1,
                "`data` cannot be a language code: content/data/ holds the site's data files",
            ));
        }
    }
    let exclude = glob_set(
        path,
        text,
        &raw.search.exclude,
        ("search exclude", key_line("search")),
        "patterns match page files below content/<lang>/, e.g. `glossary.md` or `drafts/**`",
        &mut problems,
    );
    let publish_hidden = glob_set(
        path,
        text,
        &raw.publish_hidden,
        ("publish_hidden", key_line("publish_hidden")),
        "patterns match files below static/, e.g. `.htaccess` or `.nojekyll`",
        &mut problems,
    );
    for group in &raw.search.synonyms {
        let distinct: std::collections::BTreeSet<&str> = group
            .iter()
            .map(|term| term.trim())
            .filter(|t| !t.is_empty())
            .collect();
        if distinct.len() < 2 {
            let first = group.first().map_or("", String::as_str);
            let (line, col) = text
                .lines()
                .enumerate()
                .skip(key_line("synonyms") - 1)
                .find_map(|(i, l)| Some((i + 1, l.find(first)? + 1)))
                .unwrap_or((key_line("synonyms"), 1));
            problems.push(
                Diagnostic::error(
                    path,
                    line,
                    col,
                    format!("search synonyms: a group needs two different terms, found {group:?}"),
                )
                .with_hint("for example: synonyms: [[多长时间, 多久], [商户号, 商户账号]]"),
            );
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Config {
        title: raw.title,
        description: raw.description,
        base_url: base_url.expect("checked above"),
        languages: raw.languages,
        content_security_policy: raw.content_security_policy,
        search: Search {
            enabled: raw.search.enabled,
            exclude,
            synonyms: raw.search.synonyms,
        },
        publish_hidden,
    })
}

/// The glob patterns of a `site.yaml` list (`what` and the line of its key, for messages); a
/// bad pattern is reported at its place in the file.
fn glob_set(
    path: &Path,
    text: &str,
    patterns: &[String],
    (what, key_line): (&str, usize),
    hint: &str,
    problems: &mut Vec<Diagnostic>,
) -> globset::GlobSet {
    let mut set = globset::GlobSetBuilder::new();
    for pattern in patterns {
        match globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
        {
            Ok(glob) => {
                set.add(glob);
            }
            Err(e) => {
                let (line, col) = text
                    .lines()
                    .enumerate()
                    .find_map(|(i, l)| Some((i + 1, l.find(pattern.as_str())? + 1)))
                    .unwrap_or((key_line, 1));
                problems.push(
                    Diagnostic::error(
                        path,
                        line,
                        col,
                        format!("{what} pattern `{pattern}`: {}", e.kind()),
                    )
                    .with_hint(hint),
                );
            }
        }
    }
    set.build().unwrap_or_else(|_| globset::GlobSet::empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SITE: &str = "title: T\nbase_url: https://example.com/docs\nlanguages:\n  - code: zh\n    name: 中文\n  - code: en\n    name: English\n";

    #[test]
    fn base_url_splits_origin_and_path() {
        let url = BaseUrl::parse("https://example.com/docs").unwrap();
        assert_eq!(url.origin, "https://example.com");
        assert_eq!(url.path, "/docs/");
        assert_eq!(
            url.absolute("en/guide/"),
            "https://example.com/docs/en/guide/"
        );
        assert_eq!(BaseUrl::parse("http://localhost:1111").unwrap().path, "/");
        assert!(BaseUrl::parse("example.com").is_err());
    }

    #[test]
    fn parses_languages_default_first() {
        let config = parse(Path::new("site.yaml"), SITE, None).unwrap();
        assert_eq!(config.default_language().code, "zh");
        assert_eq!(config.language_prefix(1), "en/");
        assert_eq!(config.base_url.path, "/docs/");
    }

    #[test]
    fn unknown_key_suggests_nearest() {
        let text = SITE.replace("title: T", "titel: T");
        let errors = parse(Path::new("site.yaml"), &text, None).unwrap_err();
        assert_eq!(errors[0].line, 1);
        assert_eq!(errors[0].message, "unknown key `titel`");
        assert!(
            errors[0]
                .hint
                .as_deref()
                .unwrap()
                .starts_with("did you mean `title`?")
        );
    }

    #[test]
    fn search_is_on_by_default_and_excludes_by_key() {
        let config = parse(Path::new("site.yaml"), SITE, None).unwrap();
        assert!(config.search.enabled && config.search.exclude.is_empty());
        let text =
            format!("{SITE}search:\n  enabled: false\n  exclude: [glossary.md, 'drafts/**']\n");
        let config = parse(Path::new("site.yaml"), &text, None).unwrap();
        assert!(!config.search.enabled);
        assert!(config.search.exclude.is_match("glossary.md"));
        assert!(config.search.exclude.is_match("drafts/a/b.md"));
        assert!(!config.search.exclude.is_match("guide/glossary.md"));
        let text = format!("{SITE}search:\n  synonyms:\n    - [多长时间, 多久]\n    - [商户号]\n");
        let errors = parse(Path::new("site.yaml"), &text, None).unwrap_err();
        assert_eq!((errors[0].line, errors[0].col), (11, 8), "{errors:?}");
        assert!(errors[0].message.contains("two different terms"));

        let bad = format!("{SITE}search:\n  exclude: ['a[']\n");
        let errors = parse(Path::new("site.yaml"), &bad, None).unwrap_err();
        assert_eq!((errors[0].line, errors[0].col), (9, 14));
        assert!(errors[0].message.starts_with("search exclude pattern `a[`"));
    }

    #[test]
    fn override_replaces_base_url() {
        let config = parse(Path::new("site.yaml"), SITE, Some("http://127.0.0.1:1111/")).unwrap();
        assert_eq!(config.base_url.path, "/");
    }
}
