//! Fuzz-style properties over everything a user writes: front matter and Markdown, `site.yaml`,
//! `providers.yaml`, `holidays.yaml`, `wizard.yaml`, and the paths a browser asks the preview
//! for. Whatever the input, walletdesk answers with diagnostics or a site — never a panic, never
//! without end, never an output out of all proportion to the input — and the binary exits with 0
//! or 1 only.
//!
//! Seeded and with a fixed number of cases, so a run is reproducible and fits CI's budget;
//! `PROPTEST_CASES` raises the number for a longer hunt.

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};

use walletdesk::content::load::{ContentFile, SiteSources, SourceFile};
use walletdesk::pipeline::{self, Options};
use walletdesk::render::RenderCache;

/// The cases per property, unless `PROPTEST_CASES` says otherwise.
fn config(cases: u32) -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(cases);
    Config {
        cases,
        rng_seed: RngSeed::Fixed(20261203),
        failure_persistence: None,
        ..Config::default()
    }
}

/// Runs `f`; fails on a panic and when it takes longer than `limit` (far above what any of
/// these small inputs needs, so a failure means work that grows without bound).
fn bounded<T>(what: &str, limit: Duration, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let result = catch_unwind(AssertUnwindSafe(f));
    let elapsed = started.elapsed();
    match result {
        Ok(value) => {
            assert!(elapsed < limit, "{what} took {elapsed:?}");
            value
        }
        Err(_) => panic!("{what} panicked"),
    }
}

/// Pieces of text that have a meaning somewhere: YAML, Markdown, Tera, HTML, paths, Unicode
/// that is easy to get wrong.
const ATOMS: &[&str] = &[
    "{",
    "}",
    "{#",
    "#",
    "## ",
    "\n",
    "\0",
    "\u{202e}",
    "中文",
    "支付寶",
    "`",
    "```",
    "[",
    "](",
    "@/",
    "../",
    "<",
    ">",
    "&",
    "*",
    "**",
    "_",
    "|",
    "---",
    ":",
    ": ",
    "- ",
    "\t",
    "\r\n",
    "\u{feff}",
    "é",
    "🙂",
    "%",
    "%2e",
    "\\",
    "\"",
    "'",
    "{{",
    "}}",
    "{%",
    "%}",
    "$",
    "!",
    "=",
    "[^a]",
    "> [!NOTE]",
    "<img src=\"x.png\">",
    "<a href=\"/y.html\">",
    "0",
    "-1",
    "99999999999999999999",
    "2026-02-30",
    "null",
    "~",
    "&a",
    "*a",
    "!!binary",
    "? ",
    "...",
];

fn atom() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(ATOMS).prop_map(str::to_string),
        2 => "[a-z]{1,8}",
        1 => any::<char>().prop_map(|c| c.to_string()),
    ]
}

fn text(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(atom(), 0..max).prop_map(|atoms| atoms.concat())
}

/// A YAML value for a front-matter key: mostly plausible, sometimes not at all.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        text(6).prop_map(|t| format!("{t:?}")),
        text(4),
        (-5i64..100).prop_map(|n| n.to_string()),
        proptest::collection::vec(text(3), 0..4).prop_map(|items| format!("{items:?}")),
        Just("2026-11-25".to_string()),
        Just("[".to_string()),
        Just("{a: 1}".to_string()),
    ]
}

fn front_matter() -> impl Strategy<Value = String> {
    let key = proptest::sample::select(vec![
        "title",
        "title",
        "description",
        "weight",
        "draft",
        "template",
        "updated",
        "aliases",
        "tags",
        "titel",
    ]);
    let lines = proptest::collection::vec((key, value()), 0..6);
    let valid = (
        text(4),
        proptest::option::of(-3i64..50),
        proptest::option::of(text(3)),
    )
        .prop_map(|(title, weight, alias)| {
            let mut yaml = format!("---\ntitle: {:?}\n", format!("T {title}"));
            if let Some(weight) = weight {
                yaml.push_str(&format!("weight: {weight}\n"));
            }
            if let Some(alias) = alias {
                yaml.push_str(&format!("aliases: [{:?}]\n", format!("/old/{alias}/")));
            }
            yaml + "---\n"
        });
    let fuzzy = (lines, 0..10u8).prop_map(|(lines, shape)| {
        let yaml: String = lines
            .into_iter()
            .map(|(k, v)| format!("{k}: {v}\n"))
            .collect();
        match shape {
            0 => yaml,                                // no front matter at all
            1 => format!("---\n{yaml}"),              // never closed
            2 => format!("\u{feff}---\n{yaml}---\n"), // with a byte-order mark
            _ => format!("---\ntitle: Page\n{yaml}---\n"),
        }
    });
    prop_oneof![valid, fuzzy]
}

/// A line of Markdown: headings (with and without attribute blocks), links of every kind,
/// code blocks (data blocks too), tables, footnotes, alerts, raw HTML.
fn markdown_line() -> impl Strategy<Value = String> {
    let dest = proptest::sample::select(vec![
        "@/_index.md",
        "@/a.md",
        "@/a.md#part",
        "@/missing.md",
        "a.md",
        "../a.md",
        "/abs/",
        "https://example.org/",
        "#part",
        "img/x.png",
        "x.html",
        "mailto:a@b.c",
    ]);
    let lang = proptest::sample::select(vec!["", "rust", "fees", "provider", "mermaid", "yaml"]);
    prop_oneof![
        (1..7usize, text(5), proptest::option::of(text(3))).prop_map(|(level, title, attrs)| {
            let attrs = attrs.map(|a| format!(" {{{a}}}")).unwrap_or_default();
            format!("{} {title}{attrs}", "#".repeat(level))
        }),
        (text(3), dest.clone()).prop_map(|(t, d)| format!("[{t}]({d})")),
        (lang, text(6)).prop_map(|(l, body)| format!("```{l}\n{body}\n```")),
        text(4).prop_map(|t| format!("| a | {t} |\n|---|---|\n| 1 | 2 |")),
        text(3).prop_map(|t| format!("Text[^n].\n\n[^n]: {t}")),
        text(4).prop_map(|t| format!("> [!WARNING]\n> {t}")),
        (text(2), dest).prop_map(|(t, d)| format!("<p><img src=\"{d}\" alt=\"{t}\"></p>")),
        text(10),
    ]
}

fn markdown() -> impl Strategy<Value = String> {
    proptest::collection::vec(markdown_line(), 0..12).prop_map(|lines| lines.join("\n\n"))
}

const SITE: &str = "title: T\nbase_url: https://example.com/docs/\nlanguages:\n  - code: zh\n    name: 中文\n  - code: en\n    name: English\n";

fn source(path: &str, text: String) -> SourceFile {
    SourceFile {
        path: PathBuf::from(path),
        text,
    }
}

fn page(lang: &str, key: &str, text: String) -> ContentFile {
    ContentFile {
        lang_dir: lang.to_string(),
        key: key.to_string(),
        file: source(&format!("content/{lang}/{key}"), text),
    }
}

/// A small site in memory with `pages` (key, text) beside the two home pages.
fn site(config: &str, pages: Vec<(String, String)>) -> SiteSources {
    let mut content = vec![
        page("zh", "_index.md", "---\ntitle: 首页\n---\n".into()),
        page("en", "_index.md", "---\ntitle: Home\n---\n".into()),
    ];
    for (i, (key, text)) in pages.into_iter().enumerate() {
        content.push(page(["zh", "en"][i % 2], &key, text));
    }
    SiteSources {
        root: PathBuf::from("/nonexistent-site"),
        config: Some(source("site.yaml", config.to_string())),
        content,
        ..SiteSources::default()
    }
}

fn compile(sources: &SiteSources) -> usize {
    let options = Options {
        root: sources.root.clone(),
        ..Options::default()
    };
    match pipeline::compile_sources(&options, sources, &mut RenderCache::default()) {
        Ok(compiled) => compiled.files.iter().map(|f| f.bytes.len()).sum(),
        Err(problems) => {
            assert!(
                problems.iter().any(|p| p.is_error()),
                "a failed build says why"
            );
            0
        }
    }
}

/// The output of a site holding only the two home pages: what every site has anyway.
fn baseline() -> usize {
    static BASELINE: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *BASELINE.get_or_init(|| compile(&site(SITE, Vec::new())))
}

proptest! {
    #![proptest_config(config(48))]

    /// Pages of any front matter and Markdown build or fail with diagnostics, in bounded
    /// time, with output in proportion to what was written.
    #[test]
    fn pages_build_or_fail_with_diagnostics(
        pages in proptest::collection::vec(
            (proptest::sample::select(vec!["a.md", "guide/_index.md", "guide/b.md", "x y.md", "中文.md"]),
             front_matter(), markdown()),
            1..5,
        )
    ) {
        let input: usize = pages.iter().map(|(_, f, m)| f.len() + m.len()).sum();
        let pages: Vec<(String, String)> = pages
            .into_iter()
            .map(|(key, front, body)| (key.to_string(), format!("{front}\n{body}\n")))
            .collect();
        let sources = site(SITE, pages);
        let bytes = bounded("compiling the pages", Duration::from_secs(20), || compile(&sources));
        prop_assert!(bytes <= baseline() * 6 + input * 200 + 200_000, "{bytes} bytes from {input}");
    }

    /// Repeated headings, long code and deep nesting stay linear.
    #[test]
    fn large_repetitive_pages_stay_bounded(
        repeat in 200..2_000usize,
        line in markdown_line(),
    ) {
        let body = format!("{line}\n\n").repeat(repeat);
        let sources = site(SITE, vec![("big.md".to_string(), format!("---\ntitle: Big\n---\n{body}"))]);
        bounded("a large page", Duration::from_secs(60), || compile(&sources));
    }

    /// Any site.yaml: a config or located errors.
    #[test]
    fn site_yaml_parses_or_fails_with_diagnostics(edits in edits(), extra in text(8)) {
        let text = format!("{}{extra}", mutate(SITE, &edits));
        bounded("site.yaml", Duration::from_secs(5), || {
            if let Err(problems) = walletdesk::config::parse(Path::new("site.yaml"), &text, None) {
                assert!(!problems.is_empty());
            }
        });
    }

    /// The bundled providers.yaml, damaged anywhere: parsed or explained.
    #[test]
    fn providers_yaml_parses_or_fails_with_diagnostics(edits in edits()) {
        let text = mutate(&bundled("content/data/providers.yaml"), &edits);
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        bounded("providers.yaml", Duration::from_secs(10), || {
            if let Err(problems) = walletdesk::data::parse(Path::new("providers.yaml"), &text, &["zh", "en"], today) {
                assert!(problems.iter().any(|p| p.is_error()));
            }
        });
    }

    /// The bundled holidays.yaml, damaged anywhere: calendars or located errors.
    #[test]
    fn holidays_yaml_parses_or_fails_with_diagnostics(edits in edits()) {
        let text = mutate(&bundled("content/data/holidays.yaml"), &edits);
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        bounded("holidays.yaml", Duration::from_secs(10), || {
            if let Err(problems) = walletdesk::calendar::parse(Path::new("holidays.yaml"), &text, &["zh", "en"], today) {
                assert!(problems.iter().any(|p| p.is_error()));
            }
        });
    }

    /// The bundled wizard.yaml, damaged anywhere: checked or explained (the satisfiability
    /// search over answers stays bounded too).
    #[test]
    fn wizard_yaml_parses_or_fails_with_diagnostics(edits in edits()) {
        let text = mutate(&bundled("content/wizard.yaml"), &edits);
        let providers = ["alipay", "wechat-pay", "paypal", "stripe", "square"];
        bounded("wizard.yaml", Duration::from_secs(20), || {
            if let Err(problems) = walletdesk::wizard::definition::parse(Path::new("wizard.yaml"), &text, &["zh", "en"], &providers) {
                assert!(problems.iter().any(|p| p.is_error()));
            }
        });
    }

    /// Whatever path a browser asks for, the preview answers with a file of the build or
    /// nothing: never a panic, never a path outside the site.
    #[test]
    fn request_paths_never_leave_the_site(path in text(10), prefix in proptest::sample::select(vec!["/", "//", "/guide/", "", "/%2e%2e/", "/a/..%2f"])) {
        let files: walletdesk::preview::Files = ["index.html", "guide/index.html", "css/site.css", ".well-known/a"]
            .into_iter()
            .map(|p| (p.to_string(), Arc::from(p.as_bytes())))
            .collect::<HashMap<_, _>>();
        let target = format!("{prefix}{path}");
        let found = bounded("lookup", Duration::from_secs(1), || {
            walletdesk::serve::lookup(&files, &target).map(|(key, _)| key.to_string())
        });
        if let Some(key) = found {
            prop_assert!(files.contains_key(&key));
            prop_assert!(!key.split('/').any(|s| s == ".."), "{target} → {key}");
        }
    }
}

proptest! {
    #![proptest_config(config(6))]

    /// The binary on generated sites: exit code 0 or 1, never a panic message.
    #[test]
    fn the_binary_exits_with_0_or_1(
        pages in proptest::collection::vec((front_matter(), markdown()), 1..4),
        yaml_edits in edits(),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(root.join("site.yaml"), mutate(SITE, &yaml_edits)).unwrap();
        for (lang, home) in [("zh", "首页"), ("en", "Home")] {
            std::fs::create_dir_all(root.join("content").join(lang)).unwrap();
            std::fs::write(root.join(format!("content/{lang}/_index.md")), format!("---\ntitle: {home}\n---\n")).unwrap();
        }
        for (i, (front, body)) in pages.iter().enumerate() {
            let path = root.join(format!("content/{}/p{i}.md", ["zh", "en"][i % 2]));
            std::fs::write(path, format!("{front}\n{body}\n")).unwrap();
        }
        for command in ["check", "build"] {
            let output = std::process::Command::new(env!("CARGO_BIN_EXE_walletdesk"))
                .args(["--root", root.to_str().unwrap(), command])
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            prop_assert!(matches!(output.status.code(), Some(0 | 1)), "{command}: {:?}\n{stderr}", output.status);
            prop_assert!(!stderr.contains("panicked"), "{stderr}");
        }
    }
}

fn bundled(rel: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

/// One damage to a text: what an editor's slip or a bad merge does.
#[derive(Debug, Clone)]
enum Edit {
    DeleteLine(usize),
    DuplicateLine(usize),
    /// Replaces the value after the first `: ` of a line.
    ReplaceValue(usize, String),
    Insert(usize, String),
    Truncate(usize),
    /// Changes the indentation of a line.
    Indent(usize, usize),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let edit = prop_oneof![
        any::<usize>().prop_map(Edit::DeleteLine),
        any::<usize>().prop_map(Edit::DuplicateLine),
        (any::<usize>(), value()).prop_map(|(i, v)| Edit::ReplaceValue(i, v)),
        (any::<usize>(), atom()).prop_map(|(i, a)| Edit::Insert(i, a)),
        any::<usize>().prop_map(Edit::Truncate),
        (any::<usize>(), 0..8usize).prop_map(|(i, n)| Edit::Indent(i, n)),
    ];
    proptest::collection::vec(edit, 1..4)
}

fn mutate(text: &str, edits: &[Edit]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for edit in edits {
        if lines.is_empty() {
            break;
        }
        let at = |i: usize| i % lines.len();
        match edit {
            Edit::DeleteLine(i) => {
                let i = at(*i);
                lines.remove(i);
            }
            Edit::DuplicateLine(i) => {
                let i = at(*i);
                let line = lines[i].clone();
                lines.insert(i, line);
            }
            Edit::ReplaceValue(i, value) => {
                let i = at(*i);
                if let Some((key, _)) = lines[i].split_once(": ") {
                    lines[i] = format!("{key}: {value}");
                }
            }
            Edit::Insert(i, atom) => {
                let i = at(*i);
                let line = &lines[i];
                let cut = line
                    .char_indices()
                    .map(|(c, _)| c)
                    .nth(i % (line.chars().count() + 1))
                    .unwrap_or(line.len());
                lines[i] = format!("{}{atom}{}", &line[..cut], &line[cut..]);
            }
            Edit::Truncate(i) => {
                let i = at(*i);
                lines.truncate(i.max(1));
            }
            Edit::Indent(i, n) => {
                let i = at(*i);
                lines[i] = format!("{}{}", " ".repeat(*n), lines[i].trim_start());
            }
        }
    }
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// Heading ids stay linear: 20,000 equal headings took 389 s in a debug build when each repeat
/// searched its suffix from 1 again; linear, they take well under a second. The bound is two
/// orders of magnitude above that, so only quadratic work can miss it.
#[test]
fn twenty_thousand_equal_headings_are_numbered_in_linear_time() {
    let body = "## a\n".repeat(20_000);
    let ids = bounded("20,000 equal headings", Duration::from_secs(60), || {
        walletdesk::markdown::headings(&body).list
    });
    assert_eq!(ids.len(), 20_000);
    assert_eq!(ids[19_999].id, "a-19999");
}
