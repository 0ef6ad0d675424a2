//! The user's stories, end to end: a fixture site from tests/fixtures/<case>/ copied into a
//! temporary folder, the `walletdesk` binary run on it, and the exact output or files checked.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufRead, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use tempfile::TempDir;
use walkdir::WalkDir;

/// A fixture site copied into a fresh temporary folder.
struct Site {
    dir: TempDir,
}

impl Site {
    fn new(fixture: &str) -> Site {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(fixture),
            dir.path(),
        );
        Site { dir }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.root().join(rel)
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.path(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.path(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    /// Runs `walletdesk --root <site> ARGS`.
    fn run(&self, args: &[&str]) -> Run {
        let mut all = vec!["--root", self.root().to_str().unwrap()];
        all.extend(args);
        walletdesk(&all, self.root())
    }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    /// Asserts that standard error holds `text`.
    #[track_caller]
    fn expect_stderr(&self, text: &str) {
        assert!(
            self.stderr.contains(text),
            "wanted {text:?} in:\n{}",
            self.stderr
        );
    }

    /// Asserts that standard error starts with `text`.
    #[track_caller]
    fn expect_stderr_start(&self, text: &str) {
        assert!(
            self.stderr.starts_with(text),
            "wanted {text:?} first in:\n{}",
            self.stderr
        );
    }

    /// Asserts that the run exited with `code`.
    #[track_caller]
    fn exits(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "stdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    fn success(self) -> Run {
        self.exits(0)
    }

    #[track_caller]
    fn failure(self) -> Run {
        self.exits(1)
    }
}

fn walletdesk(args: &[&str], cwd: &Path) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_walletdesk"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap();
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in WalkDir::new(from).into_iter().map(Result::unwrap) {
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file below `dir` with its bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            (
                e.path().strip_prefix(dir).unwrap().to_path_buf(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

/// The values of every `href="…"` and `src="…"` in `html`.
fn urls(html: &str) -> Vec<String> {
    let mut found = Vec::new();
    for attribute in ["href=\"", "src=\""] {
        let mut rest = html;
        while let Some(i) = rest.find(attribute) {
            rest = &rest[i + attribute.len()..];
            let end = rest.find('"').unwrap();
            found.push(rest[..end].to_string());
            rest = &rest[end..];
        }
    }
    found
}

#[test]
fn builds_both_languages_with_navigation_toc_switcher_alerts_and_code() {
    let site = Site::new("basic");
    let run = site.run(&["build"]).success();
    assert!(
        run.stdout.starts_with("built 13 pages (zh 7, en 6), "),
        "{}",
        run.stdout
    );

    let page = site.read("public/guide/register/index.html");
    assert!(page.contains("<html lang=\"zh-CN\">"));
    assert!(page.contains(
        "<link rel=\"alternate\" hreflang=\"en\" href=\"https://example.com/en/guide/register/\">"
    ));
    assert!(
        page.contains("<a href=\"/en/guide/register/\" hreflang=\"en\" lang=\"en\">English</a>"),
        "language switcher"
    );
    assert!(
        page.contains("<a href=\"/guide/register/\" aria-current=\"page\">注册商户账号</a>"),
        "current page marked in the navigation"
    );
    assert!(
        page.contains("<li><a href=\"/guide/\">设置指南</a></li>"),
        "breadcrumbs"
    );
    assert!(
        page.contains("<li><a href=\"#documents\">所需材料</a>"),
        "table of contents"
    );
    assert!(
        page.contains("<h2 id=\"选择服务商\">选择服务商"),
        "Chinese heading ids"
    );
    assert!(page.contains(
        "<div class=\"admonition warning\" role=\"note\"><p class=\"admonition-title\">警告</p>"
    ));
    assert!(page.contains(
        "<pre class=\"code hl-code\" tabindex=\"0\" data-lang=\"rust\"><code><span class=\"hl-source hl-rust\">"
    ));
    assert!(
        page.contains("<a href=\"/guide/keys/\">钥匙</a>"),
        "relative .md link resolved"
    );
    assert!(
        page.contains(
            "<a class=\"external\" rel=\"external\" href=\"https://pay.weixin.qq.com/\">"
        )
    );
    assert!(
        page.contains("<a class=\"next\" rel=\"next\" href=\"/guide/keys/\">"),
        "previous/next"
    );
    assert!(
        page.contains("<time datetime=\"2026-11-25\">2026-11-25</time>"),
        "last updated"
    );
    assert!(page.contains("<div class=\"table-wrap\" tabindex=\"0\"><table>"));
    assert!(
        page.contains("<input type=\"checkbox\" disabled checked aria-label=\"已完成\">"),
        "task list"
    );

    let english = site.read("public/en/guide/register/index.html");
    assert!(
        english.contains("<a href=\"/en/guide/keys/#rotation\">keys</a>"),
        "@/ link with anchor, in the same language"
    );

    // A page without translation: the switcher goes to the other language's home page.
    let only_zh = site.read("public/only-zh/index.html");
    assert!(only_zh.contains("<a href=\"/en/\" hreflang=\"en\" lang=\"en\">English</a>"));

    assert!(site.read("public/old/register/index.html").contains(
        "<meta http-equiv=\"refresh\" content=\"0; url=https://example.com/guide/register/\">"
    ));
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains("<xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://example.com/en/guide/keys/\"/>"));
    assert!(
        site.read("public/robots.txt")
            .contains("Sitemap: https://example.com/sitemap.xml")
    );
    assert!(site.read("public/404.html").contains("找不到页面"));
    assert!(site.read("public/en/404.html").contains("Page not found"));
    assert!(
        page.contains(&format!(
            "/css/site.css?v={}",
            &xxhash(&site.read("public/css/site.css"))[..10]
        )),
        "assets are fingerprinted"
    );
    assert!(
        site.read("public/extra.css").contains("color: red"),
        "the site's static files are copied"
    );
    assert!(
        !site.path("public/guide/draft/index.html").exists(),
        "drafts are left out"
    );
}

fn xxhash(text: &str) -> String {
    format!("{:016x}", xxhash_rust::xxh3::xxh3_64(text.as_bytes()))
}

#[test]
fn drafts_are_built_with_the_flag() {
    let site = Site::new("basic");
    site.run(&["build", "--drafts"]).success();
    assert!(site.read("public/guide/draft/index.html").contains("草稿"));
}

#[test]
fn bad_front_matter_is_reported_at_its_line_in_the_file() {
    let site = Site::new("broken");
    let run = site.run(&["build"]).failure();
    run.expect_stderr("content/zh/bad-yaml.md:4:7: did not find expected ',' or ']' (while parsing a flow sequence that starts on line 3)\n");
}

#[test]
fn unknown_front_matter_key_suggests_the_nearest() {
    let site = Site::new("broken");
    let run = site.run(&["build"]).failure();
    run.expect_stderr("content/zh/unknown-key.md:3:1: unknown key `descripton`\n  hint: did you mean `description`? valid keys: title, description, weight, draft, template, updated, aliases, tags\n");
}

#[test]
fn broken_links_and_anchors_are_errors_with_file_and_line() {
    let site = Site::new("broken");
    let run = site.run(&["build"]).failure();
    run.expect_stderr("content/en/links.md:9:5: link to a missing page `@/guide/nowhere.md`\n  hint: there is no file content/en/guide/nowhere.md\n");
    run.expect_stderr(
        "content/en/links.md:11:5: no heading with id `pricing` in content/en/_index.md\n",
    );
}

#[test]
fn every_bad_file_is_reported_in_one_run() {
    let site = Site::new("broken");
    let run = site.run(&["build"]).failure();
    let located: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("content/"))
        .collect();
    assert_eq!(located.len(), 4, "{}", run.stderr);
    assert!(
        run.stderr
            .ends_with("error: 4 problems found; nothing was written\n")
    );
    assert!(!site.path("public").exists());
}

#[test]
fn anchor_typo_gets_a_suggestion() {
    let site = Site::new("basic");
    site.write(
        "content/en/guide/keys.md",
        "---\ntitle: Keys\n---\n\n## Rotation {#rotation}\n\nSee [docs](register.md#documnets).\n",
    );
    let run = site.run(&["build"]).failure();
    run.expect_stderr("content/en/guide/keys.md:7:5: no heading with id `documnets` in content/en/guide/register.md\n  hint: did you mean `#documents`?\n");
}

/// A page that writes dead URLs in every way Markdown can: a link to an `.html` page, an
/// image, raw HTML `<img src>` and `<a href>`, a `srcset`.
const DEAD_URLS_PAGE: &str = "---\ntitle: Keys\n---\n\n## Rotation {#rotation}\n\nSee [the old page](register.html) and ![diagram](img/missing.png).\n\n<img src=\"img/raw.png\" alt=\"raw\"> <a href=\"../nowhere/\">raw link</a>\n\n<picture><source srcset=\"img/small.png 1x, img/big.png 2x\"><img src=\"img/raw.png\" alt=\"\"></picture>\n";

#[test]
fn dead_urls_written_in_markdown_are_errors_at_their_line() {
    let site = Site::new("basic");
    site.run(&["build"]).success();
    let before = snapshot(&site.path("public"));
    site.write("content/en/guide/keys.md", DEAD_URLS_PAGE);
    let run = site.run(&["build"]).failure();
    assert_eq!(
        run.stderr,
        "content/en/guide/keys.md:7:5: dead URL `register.html`: nothing in the site at /en/guide/keys/register.html\n  \
         hint: pages are served at folder URLs; link the Markdown file: @/guide/register.md\n\
         content/en/guide/keys.md:7:39: dead URL `img/missing.png`: nothing in the site at /en/guide/keys/img/missing.png\n  \
         hint: a file at this URL comes from static/en/guide/keys/img/missing.png\n\
         content/en/guide/keys.md:9:11: dead URL `img/raw.png`: nothing in the site at /en/guide/keys/img/raw.png\n  \
         hint: a file at this URL comes from static/en/guide/keys/img/raw.png\n\
         content/en/guide/keys.md:9:44: dead URL `../nowhere/`: nothing in the site at /en/guide/nowhere/\n  \
         hint: a file at this URL comes from static/en/guide/nowhere/\n\
         content/en/guide/keys.md:11:26: dead URL `img/small.png`: nothing in the site at /en/guide/keys/img/small.png\n  \
         hint: a file at this URL comes from static/en/guide/keys/img/small.png\n\
         content/en/guide/keys.md:11:44: dead URL `img/big.png`: nothing in the site at /en/guide/keys/img/big.png\n  \
         hint: a file at this URL comes from static/en/guide/keys/img/big.png\n\
         content/en/guide/keys.md:11:70: dead URL `img/raw.png`: nothing in the site at /en/guide/keys/img/raw.png\n  \
         hint: a file at this URL comes from static/en/guide/keys/img/raw.png\n\
         error: 7 problems found; nothing was written\n"
    );
    assert_eq!(
        snapshot(&site.path("public")),
        before,
        "the output is untouched"
    );
    site.run(&["check"]).failure();

    for file in [
        "register.html",
        "img/missing.png",
        "img/raw.png",
        "img/small.png",
        "img/big.png",
    ] {
        site.write(&format!("static/en/guide/keys/{file}"), "x");
    }
    site.write("static/en/guide/nowhere/index.html", "<p>here</p>");
    site.run(&["build"]).success();
    site.run(&["check"]).success();
}

#[test]
fn urls_outside_the_base_path_are_dead() {
    let site = Site::new("basic");
    site.write("static/img/logo.png", "png");
    site.write(
        "content/en/guide/keys.md",
        "---\ntitle: Keys\n---\n\n## Rotation {#rotation}\n\n![logo](/img/logo.png) <img src=\"/docs/img/logo.png\" alt=\"\">\n<a href=\"https://example.com/docs/en/guide/\">own</a> <a href=\"https://example.com/blog/\">blog</a>\n",
    );
    let docs = ["build", "--base-url", "https://example.com/docs/"];
    let run = site.run(&docs).failure();
    assert_eq!(
        run.stderr,
        "content/en/guide/keys.md:7:1: URL `/img/logo.png` is outside the site's base path /docs/\n  \
         hint: link a page by its Markdown file (`@/guide/register.md`) and give other files a path relative to the page\n\
         content/en/guide/keys.md:8:63: URL `https://example.com/blog/` is outside the site's base path /docs/\n  \
         hint: link a page by its Markdown file (`@/guide/register.md`) and give other files a path relative to the page\n\
         error: 2 problems found; nothing was written\n"
    );
    site.write(
        "content/en/guide/keys.md",
        "---\ntitle: Keys\n---\n\n## Rotation {#rotation}\n\n![logo](../../../img/logo.png) <img src=\"/docs/img/logo.png\" alt=\"\">\n<a href=\"https://example.com/docs/en/guide/\">own</a>\n",
    );
    site.run(&docs).success();
    site.run(&["build"]).failure();
}

#[test]
fn dead_urls_in_templates_are_reported_once_at_the_template_line() {
    let site = Site::new("basic");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{{ page.content | safe }}\n<a href=\"{{ site.base_path }}old-index.html\">old</a>\n{% endblock main %}\n",
    );
    let run = site.run(&["check"]).failure();
    assert_eq!(
        run.stderr,
        "<built-in>/templates/faq.html: dead URL `/old-index.html`: nothing in the site at /old-index.html\n  \
         hint: in the page /en/faq/ and 1 other page\n\
         templates/page.html: dead URL `/old-index.html`: nothing in the site at /old-index.html\n  \
         hint: in the page /en/fees/ and 6 other pages\n\
         error: 2 problems found; nothing was written\n"
    );
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{{ page.content | safe }}\n<a href=\"/old-index.html\">old</a>\n{% endblock main %}\n",
    );
    let run = site.run(&["check"]).failure();
    run.expect_stderr_start("templates/page.html:4:10: dead URL `/old-index.html`: nothing in the site at /old-index.html\n");
}

#[test]
fn an_author_heading_id_keeps_its_place_and_a_repeated_one_is_an_error() {
    let site = Site::new("basic");
    site.write(
        "content/en/guide/keys.md",
        "---\ntitle: Keys\n---\n\n## Fees {per month}\n\n## Fees\n\n## Fees {#fees}\n\nSee [fees](#fees).\n\n## Rotation {#rotation}\n",
    );
    site.run(&["build"]).success();
    let page = site.read("public/en/guide/keys/index.html");
    assert!(
        page.contains("<h2 id=\"fees-per-month\">Fees {per month} <a"),
        "braces stay text"
    );
    assert!(page.contains("<h2 id=\"fees-1\">Fees <a"));
    assert!(
        page.contains("<h2 id=\"fees\">Fees <a"),
        "the author's id is kept"
    );

    site.write(
        "content/en/guide/keys.md",
        "---\ntitle: Keys\n---\n\n## Rotation {#rotation}\n\nText.\n\n## Old keys {#rotation}\n",
    );
    let run = site.run(&["build"]).failure();
    run.expect_stderr("content/en/guide/keys.md:9:13: heading id `rotation` is already used on this page\n  hint: line 5 has it first; give this heading another id, so links to #rotation land on one heading\n");
}

#[test]
fn a_broken_page_is_reported_once_and_nothing_that_follows_from_it() {
    let site = Site::new("basic");
    let register = site.read("content/zh/guide/register.md");
    site.write(
        "content/zh/guide/register.md",
        &register.replacen("weight: 20", "weight: heavy", 1),
    );
    let run = site.run(&["check"]).failure();
    assert_eq!(
        run.stderr,
        "content/zh/guide/register.md:4:9: weight: invalid type: string \"heavy\", expected i64\nerror: 1 problem found; nothing was written\n"
    );
}

#[test]
fn front_matter_mistakes_are_reported_at_their_own_line() {
    let site = Site::new("basic");
    site.write(
        "content/zh/twice.md",
        "---\ntitle: A\ndescription: x\ntitle: B\n---\nbody\n",
    );
    site.write(
        "content/zh/nul.md",
        "---\ntitle: N\naliases:\n  - /fine/\n  - \"/bad\\0x/\"\n---\nbody\n",
    );
    let run = site.run(&["build"]).failure();
    assert_eq!(
        run.stderr,
        "content/zh/nul.md:5:1: alias `/bad\\0x/` is not a path inside the site\n  hint: write the old URL path, e.g. /guide/old-name/\n\
         content/zh/twice.md:4:1: `title` is set twice\n  hint: it is first set on line 2; keep one\n\
         error: 2 problems found; nothing was written\n"
    );
    site.write(
        "site.yaml",
        "title: T\nbase_url: https://example.com/\nlanguages:\n  - code: zh\n    name: 中文\n    name: Chinese\n",
    );
    site.run(&["build"]).failure().expect_stderr_start(
        "site.yaml:6:5: languages[0]: `name` is set twice\n  hint: it is first set on line 5; keep one\n",
    );
}

#[test]
fn output_into_the_site_folder_itself_names_it() {
    let site = Site::new("basic");
    let root = site.root().to_str().unwrap();
    let run = site.run(&["build", "--output", root]).failure();
    assert_eq!(
        run.stderr,
        format!(
            "{root}: refusing to build into {root}: it holds the site itself\n  hint: choose an output folder inside the site, e.g. --output public\nerror: 1 problem found; nothing was written\n"
        )
    );
    let run = walletdesk(&["build", "--output", "."], site.root()).failure();
    run.expect_stderr_start(".: refusing to build into .: it holds the site itself\n");
}

#[test]
fn an_unclosed_tag_and_a_circle_of_extends_are_named_at_their_line() {
    let site = Site::new("basic");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{% for heading in page.toc %}\n<p>{{ heading.title }}</p>\n{% endblock main %}\n",
    );
    let run = site.run(&["build"]).failure();
    assert_eq!(
        run.stderr,
        "templates/page.html:3:1: this `{% for %}` is never closed\n  hint: close it with `{% endfor %}` before the `{% endblock %}` on line 5\nerror: 1 problem found; nothing was written\n"
    );
    fs::remove_file(site.path("templates/page.html")).unwrap();
    site.write("templates/a.html", "{% extends \"b.html\" %}\n");
    site.write(
        "templates/b.html",
        "{# the other half #}\n{% extends \"a.html\" %}\n",
    );
    let run = site.run(&["build"]).failure();
    assert_eq!(
        run.stderr,
        "templates/a.html:1:1: `extends` goes round in a circle: a.html → b.html → a.html\n  hint: a template can only extend one that does not, in the end, extend it\nerror: 1 problem found; nothing was written\n"
    );
}

#[test]
fn template_errors_name_the_template_file_and_line() {
    let site = Site::new("broken-template");
    let run = site.run(&["build"]).failure();
    assert!(
        run.stderr
            .starts_with("templates/page.html:3:13: Field `titel` is not defined."),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("  hint: while rendering content/en/guide/keys.md and 4 other pages\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_template_that_runs_away_is_an_error_naming_it() {
    let site = Site::new("basic");
    site.run(&["build"]).success();
    let before = snapshot(&site.path("public"));
    site.write(
        "templates/page.html",
        &format!(
            "{{% extends \"base.html\" %}}{{% block main %}}{{% for i in range(end=100000) %}}{{% for j in range(end=100000) %}}{}{{% endfor %}}{{% endfor %}}{{% endblock main %}}",
            "<p>A line that repeats.</p>".repeat(200)
        ),
    );
    let run = site.run(&["build"]).failure();
    // faq.html extends page.html: its pages count, but it is not named.
    assert_eq!(
        run.stderr,
        "templates/page.html: a page made with this template grew past 64 MiB: does a loop run away?\n  hint: while rendering content/en/fees.md and 8 other pages\nerror: 1 problem found; nothing was written\n"
    );
    assert_eq!(snapshot(&site.path("public")), before);
}

#[test]
fn template_syntax_errors_name_the_template_file_and_line() {
    let site = Site::new("basic");
    site.write(
        "templates/section.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{{ page.title | }}\n{% endblock main %}\n",
    );
    let run = site.run(&["build"]).failure();
    let first = run.stderr.lines().next().unwrap();
    assert!(
        first.starts_with("templates/section.html:3:"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_failed_build_leaves_the_previous_output_intact() {
    let site = Site::new("basic");
    site.run(&["build"]).success();
    let before = snapshot(&site.path("public"));
    site.write("content/zh/guide/keys.md", "---\ntitle: [unclosed\n---\n");
    site.run(&["build"]).failure();
    assert_eq!(snapshot(&site.path("public")), before);
    assert_eq!(build_leftovers(&site), Vec::<String>::new());
}

/// The basic site with `count` more English pages, `content/en/many/p000.md` on.
fn site_with_many_pages(count: usize) -> Site {
    let site = Site::new("basic");
    for n in 0..count {
        site.write(
            &format!("content/en/many/p{n:03}.md"),
            &format!("---\ntitle: Page {n}\nweight: {n}\n---\n\nText {n}.\n"),
        );
    }
    site
}

/// The folders a build keeps beside the site's output (staging, retired, lock).
fn build_leftovers(site: &Site) -> Vec<String> {
    fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("walletdesk"))
        .collect()
}

#[test]
fn a_build_that_fails_writing_half_way_leaves_the_previous_output_intact() {
    // Pages are written into the staging folder as they are rendered. A limit on file size
    // (with its signal ignored, so that the write fails rather than the process) makes the
    // one large page fail to write while the small ones around it are written.
    let site = site_with_many_pages(200);
    site.write(
        "content/en/many/zz-large.md",
        &format!(
            "---\ntitle: Large\nweight: 999\n---\n\n{}",
            "A long paragraph of text. ".repeat(8_000)
        ),
    );
    site.run(&["build"]).success();
    let before = snapshot(&site.path("public"));
    site.write(
        "content/en/many/p000.md",
        "---\ntitle: Page 0, changed\nweight: 0\n---\n\nNew text.\n",
    );
    let limited = Command::new("/bin/sh")
        .args([
            "-c",
            "trap '' XFSZ; ulimit -f 200; exec \"$0\" build",
            env!("CARGO_BIN_EXE_walletdesk"),
        ])
        .current_dir(site.root())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&limited.stderr);
    assert_eq!(limited.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with("public: cannot write the site: File too large"),
        "{stderr}"
    );
    assert!(
        stderr.contains("the previous output, if any, is unchanged"),
        "{stderr}"
    );
    assert_eq!(snapshot(&site.path("public")), before);
    assert_eq!(build_leftovers(&site), Vec::<String>::new());
    // Without the limit, the same site builds and replaces the output.
    site.run(&["build"]).success();
    assert!(
        site.read("public/en/many/p000/index.html")
            .contains("New text.")
    );
    assert_eq!(build_leftovers(&site), Vec::<String>::new());
}

#[test]
fn a_build_failing_on_a_dead_link_after_its_pages_were_written_leaves_no_trace() {
    // The link of the last page is checked as it is written, after the others were.
    let site = site_with_many_pages(200);
    site.run(&["build"]).success();
    let before = snapshot(&site.path("public"));
    site.write(
        "content/en/many/p199.md",
        "---\ntitle: Page 199\nweight: 199\n---\n\nSee [the list](/en/nowhere/).\n",
    );
    let run = site.run(&["build"]).failure();
    assert!(
        run.stderr.starts_with(
            "content/en/many/p199.md:6:5: dead URL `/en/nowhere/`: nothing in the site at /en/nowhere/"
        ),
        "{}",
        run.stderr
    );
    assert_eq!(snapshot(&site.path("public")), before);
    assert_eq!(build_leftovers(&site), Vec::<String>::new());
}

#[test]
fn a_successful_rebuild_replaces_the_output() {
    let site = Site::new("basic");
    site.run(&["build"]).success();
    site.write("public/stale.html", "old");
    site.run(&["build"]).success();
    assert!(!site.path("public/stale.html").exists());
    assert!(site.path("public/.walletdesk-output").exists());
}

#[test]
fn a_foreign_non_empty_output_folder_is_refused() {
    let site = Site::new("basic");
    site.write("public/notes.txt", "mine");
    let run = site.run(&["build"]).failure();
    assert_eq!(
        run.stderr,
        "public: refusing to build into public: the folder is not empty and walletdesk did not create it\n  hint: choose an empty or new folder, or pass --force to replace its contents\nerror: 1 problem found; nothing was written\n"
    );
    assert_eq!(site.read("public/notes.txt"), "mine");
    site.run(&["build", "--force"]).success();
    assert!(site.path("public/index.html").exists());
}

#[test]
fn output_overlapping_the_sources_is_refused() {
    let site = Site::new("basic");
    let before = snapshot(site.root());
    for output in [".", "content", "content/zh/out", "static", ".."] {
        let target = site.path(output);
        let run = site
            .run(&["build", "--output", target.to_str().unwrap()])
            .failure();
        assert!(
            run.stderr.contains("refusing to build into"),
            "{output}: {}",
            run.stderr
        );
    }
    assert_eq!(snapshot(site.root()), before);
}

/// `page`'s text with `line` added as the first line of its front matter.
fn with_front_matter_line(text: &str, line: &str) -> String {
    let rest = text.strip_prefix("---\n").unwrap();
    format!("---\n{line}\n{rest}")
}

#[test]
fn two_sources_for_one_output_path_are_an_error_naming_both() {
    let site = wizard_site();
    site.run(&["build"]).success();
    let before = snapshot(&site.path("public"));
    let keys = site.read("content/zh/guide/keys.md");
    let hint = "  hint: one output path has one source: rename or remove one of them\nerror: 1 problem found; nothing was written\n";
    for (alias, other) in [
        ("/index.html", "index.html, the page content/zh/_index.md"),
        (
            "/guide/index.html",
            "guide/index.html, the page content/zh/guide/_index.md",
        ),
        ("/404.html", "404.html, the zh 404 page"),
        ("/search/", "search/index.html, the zh search page"),
        ("/en/wizard/", "en/wizard/index.html, the en wizard page"),
        ("/sitemap.xml", "sitemap.xml, the sitemap"),
    ] {
        site.write(
            "content/zh/guide/keys.md",
            &with_front_matter_line(&keys, &format!("aliases: [\"{alias}\"]")),
        );
        let run = site.run(&["build"]).failure();
        assert_eq!(
            run.stderr,
            format!(
                "content/zh/guide/keys.md:2:1: alias `{alias}` would overwrite {other}\n{hint}"
            )
        );
        assert_eq!(snapshot(&site.path("public")), before, "{alias}");
    }
    site.write("content/zh/guide/keys.md", &keys);
    for (file, other) in [
        ("index.html", "the page content/zh/_index.md"),
        (
            "guide/register/index.html",
            "the page content/zh/guide/register.md",
        ),
        ("sitemap.xml", "the sitemap"),
        ("404.html", "the zh 404 page"),
    ] {
        site.write(&format!("static/{file}"), "mine");
        let run = site.run(&["build"]).failure();
        assert_eq!(
            run.stderr,
            format!("static/{file}: this file would overwrite {file}, {other}\n{hint}")
        );
        assert_eq!(snapshot(&site.path("public")), before, "{file}");
        fs::remove_file(site.path(&format!("static/{file}"))).unwrap();
    }
    // An alias onto a static file: reported at the alias.
    site.write("static/old/index.html", "mine");
    site.write(
        "content/zh/guide/keys.md",
        &with_front_matter_line(&keys, "aliases: [/old/]"),
    );
    site.run(&["build"]).failure().expect_stderr(
        "content/zh/guide/keys.md:2:1: alias `/old/` would overwrite old/index.html, the file static/old/index.html\n",
    );
}

#[test]
fn symbolic_links_out_of_the_site_are_errors_and_links_inside_work() {
    use std::os::unix::fs::symlink;
    let site = Site::new("basic");
    let outside = tempfile::tempdir().unwrap();
    fs::write(
        outside.path().join("secret.md"),
        "---\ntitle: Secret\n---\nsecret\n",
    )
    .unwrap();
    symlink("/proc/self/environ", site.path("static/env.txt")).unwrap();
    symlink("/etc/passwd", site.path("static/passwd.txt")).unwrap();
    symlink(
        outside.path().join("secret.md"),
        site.path("content/zh/secret.md"),
    )
    .unwrap();
    symlink(outside.path(), site.path("static/elsewhere")).unwrap();
    // Inside the site: a file and a folder.
    symlink("extra.css", site.path("static/same.css")).unwrap();
    symlink("../static/css", site.path("static/styles")).unwrap();
    let run = site.run(&["build"]).failure();
    let outside_path = outside.path().canonicalize().unwrap();
    for (link, target) in [
        ("content/zh/secret.md", outside_path.join("secret.md")),
        ("static/elsewhere", outside_path.clone()),
        ("static/env.txt", PathBuf::from("/proc/self/environ")),
        ("static/passwd.txt", PathBuf::from("/etc/passwd")),
    ] {
        run.expect_stderr(&format!(
            "{link}: a symbolic link to {}, outside the site folder\n  hint: copy what it points to into the site, or remove the link\n",
            target.display()
        ));
    }
    run.expect_stderr("error: 4 problems found; nothing was written\n");
    assert!(!site.path("public").exists());
    for link in [
        "static/env.txt",
        "static/passwd.txt",
        "content/zh/secret.md",
        "static/elsewhere",
    ] {
        fs::remove_file(site.path(link)).unwrap();
    }
    site.run(&["build"]).success();
    assert_eq!(site.read("public/same.css"), site.read("static/extra.css"));
    assert_eq!(
        site.read("public/styles/site.css"),
        site.read("static/css/site.css")
    );
}

#[test]
fn loops_dangling_links_and_unreadable_folders_are_errors() {
    use std::os::unix::fs::{PermissionsExt, symlink};
    let site = Site::new("basic");
    symlink("..", site.path("content/zh/guide/again")).unwrap();
    symlink("nothing-here.png", site.path("static/gone.png")).unwrap();
    let run = site.run(&["build"]).failure();
    assert_eq!(
        run.stderr,
        "content/zh/guide/again: a symbolic link loop: it leads back to content/zh\n  hint: remove the link\n\
         static/gone.png: a symbolic link to nothing-here.png, which does not exist\n  hint: remove the link, or create what it points to\n\
         error: 2 problems found; nothing was written\n"
    );
    fs::remove_file(site.path("content/zh/guide/again")).unwrap();
    fs::remove_file(site.path("static/gone.png")).unwrap();

    // A folder that cannot be read. As root every folder can be read: run as nobody then.
    let root_user = Command::new("id").arg("-u").output().unwrap().stdout == b"0\n";
    for entry in WalkDir::new(site.root()) {
        let entry = entry.unwrap();
        let mode = if entry.file_type().is_dir() {
            0o777
        } else {
            0o644
        };
        fs::set_permissions(entry.path(), fs::Permissions::from_mode(mode)).unwrap();
    }
    fs::set_permissions(
        site.path("content/zh/guide"),
        fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    let root = site.root().to_str().unwrap();
    let binary = env!("CARGO_BIN_EXE_walletdesk");
    let mut command = if root_user {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", binary]);
        c
    } else {
        Command::new(binary)
    };
    let output = command.args(["--root", root, "build"]).output().unwrap();
    fs::set_permissions(
        site.path("content/zh/guide"),
        fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.starts_with(
            "content/zh/guide: cannot read this folder: Permission denied (os error 13)\n"
        ),
        "{stderr}"
    );
    assert!(!site.path("public").exists());
}

#[test]
fn force_never_deletes_a_version_control_or_home_folder() {
    let site = Site::new("basic");
    let out = tempfile::tempdir().unwrap();
    for (folder, kept, why) in [
        (
            "repo",
            ".git/HEAD",
            "it holds a version-control folder (.git)",
        ),
        ("hg", ".hg/store", "it holds a version-control folder (.hg)"),
        (
            "home",
            ".ssh/id_ed25519",
            "it looks like a home folder (it holds .ssh)",
        ),
    ] {
        let dir = out.path().join(folder);
        fs::create_dir_all(dir.join(kept).parent().unwrap()).unwrap();
        fs::write(dir.join(kept), "precious").unwrap();
        fs::write(dir.join("notes.txt"), "mine").unwrap();
        let target = dir.to_str().unwrap();
        let run = site
            .run(&["build", "--output", target, "--force"])
            .failure();
        assert_eq!(
            run.stderr,
            format!(
                "{target}: refusing to replace {target}, even with --force: {why}\n  hint: build into a folder of its own, e.g. --output {target}/public\nerror: 1 problem found; nothing was written\n"
            )
        );
        assert_eq!(fs::read_to_string(dir.join(kept)).unwrap(), "precious");
        assert_eq!(fs::read_to_string(dir.join("notes.txt")).unwrap(), "mine");
    }
    // $HOME itself, and a folder above it.
    let home = out.path().join("people/ann");
    fs::create_dir_all(&home).unwrap();
    fs::write(home.join(".profile"), "mine").unwrap();
    for target in [home.clone(), out.path().join("people")] {
        let output = Command::new(env!("CARGO_BIN_EXE_walletdesk"))
            .args([
                "--root",
                site.root().to_str().unwrap(),
                "build",
                "--force",
                "--output",
                target.to_str().unwrap(),
            ])
            .env("HOME", &home)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{stderr}");
        let why = if target == home {
            "it is your home folder"
        } else {
            "it holds your home folder"
        };
        assert!(
            stderr.contains(&format!("even with --force: {why}\n")),
            "{stderr}"
        );
        assert_eq!(fs::read_to_string(home.join(".profile")).unwrap(), "mine");
    }
}

#[test]
fn leftovers_of_a_killed_build_are_removed_by_the_next() {
    let site = Site::new("basic");
    site.run(&["build"]).success();
    for leftover in [
        ".public.walletdesk-old-Ab12Cd/site/index.html",
        ".public.walletdesk-new-Xy98Zw/index.html",
    ] {
        site.write(leftover, "stale");
    }
    site.write(".public.notes/keep.txt", "mine");
    site.run(&["build"]).success();
    let names: Vec<String> = fs::read_dir(site.root())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".public"))
        .collect();
    let mut names = names;
    names.sort();
    assert_eq!(names, [".public.notes"], "and the lock is gone");
}

#[test]
fn readers_never_see_the_output_missing_during_a_rebuild() {
    let site = Site::new("basic");
    site.run(&["build"]).success();
    let index = site.path("public/index.html");
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watcher = {
        let stop = std::sync::Arc::clone(&stop);
        std::thread::spawn(move || {
            let (mut reads, mut missing) = (0, 0);
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                reads += 1;
                if fs::metadata(&index).is_err() {
                    missing += 1;
                }
            }
            (reads, missing)
        })
    };
    for _ in 0..25 {
        site.run(&["build"]).success();
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (reads, missing) = watcher.join().unwrap();
    assert!(reads > 1000, "only {reads} reads");
    assert_eq!(
        missing, 0,
        "public/index.html was missing in {missing} of {reads} reads"
    );
}

#[test]
fn builds_into_one_output_take_turns() {
    let site = Site::new("basic");
    site.run(&["build"]).success();
    // Another build holds the lock: this one says so and waits.
    let lock_path = site.path(".public.walletdesk-lock");
    let lock = fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&lock_path)
        .unwrap();
    lock.lock().unwrap();
    fs::write(&lock_path, "walletdesk build, pid 4242\n").unwrap();
    let mut waiting = Command::new(env!("CARGO_BIN_EXE_walletdesk"))
        .args(["--root", site.root().to_str().unwrap(), "build"])
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(waiting.stderr.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(
        line,
        "public is being written by another walletdesk build, pid 4242; waiting for it to finish\n"
    );
    lock.unlock().unwrap();
    assert!(waiting.wait().unwrap().success());
    // Many builds at once all succeed, one after another.
    let builds: Vec<_> = (0..6)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_walletdesk"))
                .args(["--root", site.root().to_str().unwrap(), "--quiet", "build"])
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut build in builds {
        assert!(build.wait().unwrap().success());
    }
    assert!(site.path("public/index.html").exists());
}

#[test]
fn well_known_files_are_published_and_other_hidden_files_on_request() {
    let site = Site::new("basic");
    site.write(
        "static/.well-known/apple-developer-merchantid-domain-association",
        "7B22",
    );
    site.write("static/.htaccess", "Options -Indexes\n");
    let run = site.run(&["build"]).success();
    assert_eq!(
        site.read("public/.well-known/apple-developer-merchantid-domain-association"),
        "7B22"
    );
    assert!(!site.path("public/.htaccess").exists());
    run.expect_stderr("static/.htaccess: warning: hidden file not published\n  hint: to publish it, list it in site.yaml: publish_hidden: [.htaccess]\n");
    let config = site.read("site.yaml");
    site.write(
        "site.yaml",
        &format!("{config}publish_hidden: [.htaccess]\n"),
    );
    let run = site.run(&["build"]).success();
    assert_eq!(site.read("public/.htaccess"), "Options -Indexes\n");
    assert!(!run.stderr.contains(".htaccess"), "{}", run.stderr);
}

#[test]
fn a_sub_path_base_url_keeps_every_link_under_the_sub_path() {
    let site = Site::new("basic");
    site.run(&["build", "--base-url", "https://example.com/docs/"])
        .success();
    let mut checked = 0;
    for (path, bytes) in snapshot(&site.path("public")) {
        if path.extension().is_some_and(|e| e == "html") {
            for url in urls(&String::from_utf8(bytes).unwrap()) {
                let ok = url.starts_with("/docs/")
                    || url.starts_with("https://example.com/docs/")
                    || url.starts_with('#')
                    || (url.starts_with("https://") && !url.starts_with("https://example.com"));
                assert!(ok, "{}: {url}", path.display());
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "only {checked} URLs seen");
    let sitemap = site.read("public/sitemap.xml");
    assert!(sitemap.contains("<loc>https://example.com/docs/en/guide/</loc>"));
    assert!(
        site.read("public/robots.txt")
            .contains("Sitemap: https://example.com/docs/sitemap.xml")
    );
}

#[test]
fn check_reports_missing_translations_and_writes_nothing() {
    let site = Site::new("basic");
    let run = site.run(&["check"]).success();
    run.expect_stderr("content/zh/only-zh.md: warning: no en translation\n  hint: create content/en/only-zh.md; until then the language switcher leads to the en home page\n");
    assert!(run.stdout.starts_with("checked 13 pages (zh 7, en 6)"));
    assert!(!site.path("public").exists());
    let broken = Site::new("broken");
    broken.run(&["check"]).failure();
}

#[test]
fn check_reports_orphan_pages() {
    let site = Site::new("basic");
    site.write(
        "content/en/loose/page.md",
        "---\ntitle: Loose\n---\n\nNo section.\n",
    );
    let run = site.run(&["check"]).success();
    run.expect_stderr("content/en/loose/page.md: warning: orphan page: its folder has no _index.md, so it is not in the navigation\n  hint: add loose/_index.md\n");
}

#[test]
fn site_yaml_unknown_key_suggests_the_nearest() {
    let site = Site::new("basic");
    site.write(
        "site.yaml",
        "title: T\nbase_url: https://example.com/\nlanguage:\n  - code: zh\n    name: 中文\n",
    );
    let run = site.run(&["build"]).failure();
    run.expect_stderr_start(
        "site.yaml:3:1: unknown key `language`\n  hint: did you mean `languages`?",
    );
}

#[test]
fn a_folder_without_site_yaml_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let run = walletdesk(&["build"], dir.path()).failure();
    run.expect_stderr_start("site.yaml: no site.yaml here: this is not a walletdesk site\n  hint: pass --root DIR, or create a site with `walletdesk init DIR`");
}

#[test]
fn init_writes_a_starter_site_that_builds() {
    let dir = tempfile::tempdir().unwrap();
    walletdesk(&["init", "mysite"], dir.path()).success();
    let root = dir.path().join("mysite");
    let run = walletdesk(&["--root", root.to_str().unwrap(), "check"], dir.path()).success();
    assert_eq!(run.stderr, "", "the starter site has no warnings");
    walletdesk(&["--root", root.to_str().unwrap(), "build"], dir.path()).success();
    let page = fs::read_to_string(root.join("public/en/docs/getting-started/index.html")).unwrap();
    assert!(page.contains("class=\"admonition tip\""));
    // init never writes into a folder that has something in it.
    let run = walletdesk(&["init", "mysite"], dir.path()).failure();
    run.expect_stderr("is not empty");
}

#[test]
fn the_bundled_site_builds_in_both_languages() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let output = out.path().join("site");
    let run = walletdesk(
        &[
            "--root",
            repo.to_str().unwrap(),
            "build",
            "--output",
            output.to_str().unwrap(),
        ],
        repo,
    )
    .success();
    assert!(run.stdout.contains("(zh "), "{}", run.stdout);
    let home = fs::read_to_string(output.join("index.html")).unwrap();
    assert!(home.contains("<html lang=\"zh-CN\">"));
    assert!(
        fs::read_to_string(output.join("en/index.html"))
            .unwrap()
            .contains("<html lang=\"en\">")
    );
    walletdesk(&["--root", repo.to_str().unwrap(), "check"], repo).success();
    // The FAQ in both languages: at least 20 questions, as FAQPage data.
    for faq in ["faq/index.html", "en/faq/index.html"] {
        let page = fs::read_to_string(output.join(faq)).unwrap();
        let open = "<script type=\"application/ld+json\">";
        let start = page.find(open).unwrap() + open.len();
        let end = start + page[start..].find("</script>").unwrap();
        let data: serde_json::Value = serde_json::from_str(&page[start..end]).unwrap();
        assert!(data["mainEntity"].as_array().unwrap().len() >= 20, "{faq}");
    }
}

/// The search index folder of `lang` in a built site, with every file unzipped.
fn search_index(public: &Path, lang: &str) -> (String, BTreeMap<String, Vec<u8>>) {
    let folder = fs::read_dir(public.join("search"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .find(|name| name.starts_with(&format!("{lang}-")))
        .unwrap_or_else(|| panic!("no search index for {lang}"));
    let root = public.join("search").join(&folder);
    let files = snapshot(&root)
        .into_iter()
        .map(|(path, bytes)| {
            let mut text = Vec::new();
            flate2::read::GzDecoder::new(bytes.as_slice())
                .read_to_end(&mut text)
                .unwrap();
            (path.to_string_lossy().replace('\\', "/"), text)
        })
        .collect();
    (folder, files)
}

/// The page titles of an index's page files.
fn indexed_titles(files: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    files
        .iter()
        .filter(|(name, _)| name.starts_with("p/"))
        .map(|(_, json)| {
            let page: serde_json::Value = serde_json::from_slice(json).unwrap();
            page["t"].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn build_writes_a_search_index_per_language_that_every_page_points_to() {
    let site = Site::new("basic");
    site.run(&["build"]).success();
    let public = site.path("public");
    for (lang, prefix, faq) in [("zh", "", "常见问题"), ("en", "en/", "FAQ")] {
        let (folder, files) = search_index(&public, lang);
        let meta: serde_json::Value = serde_json::from_slice(&files["meta.bin"]).unwrap();
        let pages = meta["pages"].as_array().unwrap();
        let sections: u64 = pages.iter().map(|n| n.as_u64().unwrap()).sum();
        assert_eq!(meta["n"].as_u64(), Some(sections));
        assert!(indexed_titles(&files).contains(&faq.to_string()));
        // The index is self-consistent: every shard and page file the meta counts exists.
        let shards = meta["shards"].as_u64().unwrap();
        for shard in 0..shards {
            assert!(
                files.contains_key(&format!("t/{shard}.bin")),
                "t/{shard}.bin"
            );
        }
        for page in 0..pages.len() {
            assert!(files.contains_key(&format!("p/{page}.bin")), "p/{page}.bin");
        }
        // Every page, the search page included, links to its language's index.
        let meta_url = format!("/search/{folder}/meta.bin");
        for page in [
            "index.html",
            "faq/index.html",
            "search/index.html",
            "404.html",
        ] {
            let html = site.read(&format!("public/{prefix}{page}"));
            assert!(html.contains(&meta_url), "{prefix}{page} lacks {meta_url}");
        }
    }
}

#[test]
fn the_search_index_changes_name_only_when_its_content_changes() {
    let site = Site::new("basic");
    site.run(&["build"]).success();
    let (first, first_files) = search_index(&site.path("public"), "en");
    site.run(&["build"]).success();
    let (again, again_files) = search_index(&site.path("public"), "en");
    assert_eq!(first, again);
    assert_eq!(first_files, again_files);
    let faq = site
        .read("content/en/faq.md")
        .replace("title: FAQ", "title: Questions");
    site.write("content/en/faq.md", &faq);
    site.run(&["build"]).success();
    let (changed, files) = search_index(&site.path("public"), "en");
    assert_ne!(first, changed);
    assert!(indexed_titles(&files).contains(&"Questions".to_string()));
    assert_eq!(
        search_index(&site.path("public"), "zh").0,
        search_index(&site.path("public"), "zh").0
    );
}

#[test]
fn search_can_be_switched_off_and_pages_left_out() {
    let site = Site::new("basic");
    let config = site.read("site.yaml");
    site.write(
        "site.yaml",
        &format!("{config}search:\n  exclude: [faq.md, 'guide/**']\n"),
    );
    site.run(&["build"]).success();
    let (_, files) = search_index(&site.path("public"), "en");
    let titles = indexed_titles(&files);
    assert!(!titles.contains(&"FAQ".to_string()), "{titles:?}");
    assert!(!titles.iter().any(|t| t.contains("Keys")), "{titles:?}");
    assert!(!titles.is_empty());

    site.write("site.yaml", &format!("{config}search:\n  enabled: false\n"));
    site.run(&["build"]).success();
    assert!(!site.path("public/search").exists());
    assert!(!site.path("public/en/search").exists());
    assert!(!site.read("public/index.html").contains("data-index"));

    site.write(
        "site.yaml",
        &format!("{config}search:\n  exclude: ['faq[.md']\n"),
    );
    let run = site.run(&["build"]).failure();
    run.expect_stderr_start(
        "site.yaml:12:14: search exclude pattern `faq[.md`: unclosed character class",
    );
}

/// A small wizard for the basic fixture: the questions with the roles the engine reads and a
/// choice, two providers, three items.
const WIZARD: &str = r#"version: 1
roles:
  - { id: owner, zh: 店主, en: Owner }
  - { id: developer, zh: 开发人员, en: Developer }
phases:
  - { id: choose, zh: 选择服务商, en: Choose }
  - { id: integrate, zh: 对接, en: Integrate }
questions:
  - id: merchant_name
    type: text
    role: merchant_name
    label: { zh: 商户名称, en: Merchant name }
  - id: team
    type: choice
    label: { zh: 技术团队, en: Technical team }
    options:
      - { id: none, zh: 没有, en: None }
      - { id: in_house, zh: 自有团队, en: In house }
  - id: monthly_transactions
    type: number
    role: monthly_transactions
    label: { zh: 每月笔数, en: Transactions a month }
    min: 0
  - id: average_ticket
    type: number
    role: average_ticket
    label: { zh: 平均客单价, en: Average ticket }
    min: 0
  - id: launch_date
    type: date
    role: launch_date
    required: false
    label: { zh: 目标上线日期, en: Target launch date }
derived:
  - { id: builds, when: "team == 'in_house'" }
providers:
  - provider: alipay
    rules:
      - { when: "true", score: 2, reason: { zh: 内地顾客常用, en: Mainland customers use it } }
  - provider: stripe
    rules:
      - { when: "builds", score: 1, reason: { zh: 接口清楚, en: A clear API } }
      - { when: "not builds", score: -2, reason: { zh: 需要开发, en: Needs a developer } }
items:
  - id: pick
    phase: choose
    title: { zh: 选定服务商, en: Pick the providers }
    owner: owner
    days: [1, 2]
    doc: "@/guide/register.md#documents"
    evidence: { zh: 书面决定, en: A written decision }
    gate: true
  - id: keys
    phase: integrate
    title: { zh: 保管密钥, en: Keep the keys safe }
    owner: developer
    days: [2, 3]
    after: [pick]
    doc: "@/guide/keys.md#rotation"
    evidence: { zh: 密钥在保管库里, en: Keys in a vault }
    checklist: security
    when: "builds"
  - id: launch
    phase: integrate
    title: { zh: 上线, en: Go live }
    owner: owner
    days: [1, 1]
    days_if:
      - { when: "monthly_transactions > 10000", days: [2, 3] }
    after: [keys]
    doc: "@/guide/register.md#documents"
    evidence: { zh: 第一笔真实交易, en: The first real payment }
    gate: true
risks:
  - id: key-leak
    when: "builds"
    title: { zh: 密钥泄露, en: A leaked key }
    mitigation: { zh: 立即轮换, en: Rotate at once }
    doc: "@/guide/keys.md#rotation"
"#;

/// `walletdesk plan` on `site` for the answers `yaml` (starting Monday 2026-11-23), with more
/// arguments: its standard output.
fn plan_for(site: &Site, yaml: &str, args: &[&str]) -> String {
    site.write("answers.yaml", yaml);
    let answers = site.path("answers.yaml");
    let mut all = vec![
        "plan",
        "--answers",
        answers.to_str().unwrap(),
        "--start",
        "2026-11-23",
    ];
    all.extend(args);
    site.run(&all).success().stdout
}

fn wizard_site() -> Site {
    let site = Site::new("basic");
    site.write("content/wizard.yaml", WIZARD);
    site
}

#[test]
fn a_site_with_a_wizard_gets_the_wizard_page_in_each_language() {
    let site = wizard_site();
    site.run(&["build"]).success();
    let data = fs::read_dir(site.path("public/wizard"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .find(|name| name.ends_with(".json"))
        .expect("the compiled wizard");
    let compiled: serde_json::Value =
        serde_json::from_str(&site.read(&format!("public/wizard/{data}"))).unwrap();
    assert!(compiled["words"]["zh"]["title"].is_string());
    assert!(compiled["links"]["en"].as_object().unwrap().len() > 1);
    for (prefix, other, step) in [("", "en/", "第 {n} 题"), ("en/", "", "Question {n} of")] {
        let page = site.read(&format!("public/{prefix}wizard/index.html"));
        assert!(page.contains(&format!("data-data=\"/wizard/{data}\"")));
        assert!(page.contains("data-script=\"/js/wizard.js?v="));
        assert!(page.contains("data-export=\"/js/wizard-export.js?v="));
        assert!(page.contains(step), "{prefix}: the interface strings");
        // The language switcher leads to the other language's wizard.
        assert!(page.contains(&format!("href=\"/{other}wizard/\"")));
        // Every page links to the wizard of its language.
        let home = site.read(&format!("public/{prefix}index.html"));
        assert!(home.contains(&format!("class=\"wizard-link\" href=\"/{prefix}wizard/\"")));
    }
    // Search finds the wizard page in each language.
    for (lang, title) in [("zh", "上线计划向导"), ("en", "Rollout plan wizard")] {
        let (_, files) = search_index(&site.path("public"), lang);
        assert!(
            indexed_titles(&files).contains(&title.to_string()),
            "{lang}"
        );
    }
    // Without content/wizard.yaml: no wizard page, no link to one.
    let plain = Site::new("basic");
    plain.run(&["build"]).success();
    assert!(!plain.path("public/wizard").exists());
    assert!(!plain.read("public/index.html").contains("wizard-link"));
}

#[test]
fn plan_writes_a_markdown_checklist_and_json() {
    let site = wizard_site();
    site.write(
        "answers.yaml",
        "merchant_name: \"<script>alert(1)</script> *Tea*\"\nteam: in_house\nmonthly_transactions: 20000\naverage_ticket: 25\nlaunch_date: 2026-12-01\n",
    );
    let answers = site.path("answers.yaml");
    let answers = answers.to_str().unwrap();
    let md = site
        .run(&[
            "plan",
            "--answers",
            answers,
            "--lang",
            "en",
            "--start",
            "2026-11-23",
        ])
        .success()
        .stdout;
    assert!(
        md.starts_with("# Rollout plan: \\<script\\>alert\\(1\\)\\</script\\> \\*Tea\\*\n"),
        "{md}"
    );
    assert!(md.contains("- [ ] **Keep the keys safe** — Developer, 2–3 business days, due 2026-11-27 · after: Pick the providers · [→](https://example.com/en/guide/keys/#rotation)"), "{md}");
    assert!(
        md.contains("| Alipay | 2 points | Mainland customers use it |"),
        "{md}"
    );
    assert!(
        md.contains("\nPick the providers → Keep the keys safe → Go live\n"),
        "{md}"
    );

    let json = site
        .run(&[
            "plan",
            "--answers",
            answers,
            "--format",
            "json",
            "--start",
            "2026-11-23",
        ])
        .success()
        .stdout;
    let plan: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(plan["lang"], "zh");
    assert_eq!(plan["providers"][0]["id"], "alipay");
    assert_eq!(plan["providers"][1]["score"], 1);
    // 2 + 3 + 3 working days from Monday 2026-11-23: the eighth is Wednesday 2026-12-02,
    // after the target (a plan's due dates are the last day of work, not the day after).
    assert_eq!(plan["schedule"]["days"], serde_json::json!([5, 8]));
    assert_eq!(plan["schedule"]["latest_finish"], "2026-12-02");
    assert_eq!(plan["schedule"]["launch"], "2026-12-02");
    assert_eq!(plan["schedule"]["meets_target"], false);
    assert_eq!(plan["security_checklist"], serde_json::json!(["keys"]));
    assert_eq!(plan["risks"][0]["id"], "key-leak");
}

#[test]
fn a_plan_without_a_developer_leaves_the_developer_items_out() {
    let site = wizard_site();
    site.write("answers.json", r#"{"merchant_name": "Milk tea", "team": "none", "monthly_transactions": 3000, "average_ticket": 18}"#);
    let answers = site.path("answers.json");
    let json = site
        .run(&[
            "plan",
            "--answers",
            answers.to_str().unwrap(),
            "--format",
            "json",
            "--start",
            "2026-11-23",
        ])
        .success()
        .stdout;
    let plan: serde_json::Value = serde_json::from_str(&json).unwrap();
    let items: Vec<&str> = plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(items, ["pick", "launch"]);
    // `launch` waited for the left-out `keys`, so it waits for what `keys` waited for.
    assert_eq!(plan["items"][1]["after"], serde_json::json!(["pick"]));
    assert_eq!(plan["providers"][1]["recommended"], false);
    assert_eq!(plan["risks"], serde_json::json!([]));
    // 3,000 payments of 18 at Alipay's 0.6 %: 324.00 a month.
    assert_eq!(plan["providers"][0]["fees"][0]["percent_part"], 324.0);
}

#[test]
fn bad_answers_name_the_question_and_the_valid_options() {
    let site = wizard_site();
    site.write(
        "answers.yaml",
        "merchant_name: Tea\nteam: nobody\nmonthly_transactions: -5\n",
    );
    let answers = site.path("answers.yaml");
    let run = site
        .run(&["plan", "--answers", answers.to_str().unwrap()])
        .failure();
    let path = answers.display();
    run.expect_stderr(&format!(
        "{path}:2:1: `team` has no option \"nobody\"; the options: none, in_house"
    ));
    run.expect_stderr(&format!(
        "{path}:3:1: `monthly_transactions` must be a number of at least 0, not -5"
    ));
    assert!(
        run.stderr
            .contains(&format!("{path}: `average_ticket` needs an answer\n")),
        "{}",
        run.stderr
    );
}

#[test]
fn answers_files_that_do_not_fit_are_explained_in_bounded_time() {
    let site = wizard_site();
    let answers = site.path("answers.yaml");
    let path = answers.display().to_string();
    let plan = |bytes: &[u8]| {
        fs::write(&answers, bytes).unwrap();
        site.run(&["plan", "--answers", answers.to_str().unwrap()])
    };
    let good = "merchant_name: Tea\nteam: none\nmonthly_transactions: 100\naverage_ticket: 20\n";
    // A byte-order mark (as Windows editors write) is fine.
    plan(format!("\u{feff}{good}").as_bytes()).success();
    for (bytes, expected) in [
        (
            "merchant_name: \"   \"\nteam: none\nmonthly_transactions: 100\naverage_ticket: 20\n"
                .as_bytes()
                .to_vec(),
            format!("{path}:1:1: `merchant_name` needs an answer\n"),
        ),
        (
            format!("{good}team: in_house\n").into_bytes(),
            format!(
                "{path}:5:1: `team` is answered twice\n  hint: the first answer is on line 2; keep one\n"
            ),
        ),
        (
            good.replace("100", ".nan").into_bytes(),
            format!(
                "{path}:3:1: `monthly_transactions` must be a number you can count with, not .nan\n"
            ),
        ),
        (
            format!("{good}launch_date: 2027-3-1\n").into_bytes(),
            format!("{path}:5:1: `launch_date` must be a date like 2027-03-01, not \"2027-3-1\"\n"),
        ),
        (
            [&[0xFF, 0xFE][..], "m".as_bytes()].concat(),
            format!(
                "{path}:1:1: the file is UTF-16\n  hint: save it as UTF-8 (in most editors: Save As… → Encoding: UTF-8)\n"
            ),
        ),
        (
            b"merchant_name: \xc9\xcf\xba\xa3\n".to_vec(),
            format!(
                "{path}:1:16: not valid UTF-8\n  hint: save the file as UTF-8; GBK, Big5 and other encodings are not read\n"
            ),
        ),
        (
            format!("merchant_name: {}\n", "[".repeat(100_000)).into_bytes(),
            format!(
                "{path}:1:32: nested more than 16 levels deep\n  hint: an answer is text, a number, a date or a list of options\n"
            ),
        ),
    ] {
        let run = plan(&bytes).failure();
        assert!(
            run.stderr.starts_with(&expected),
            "wanted {expected:?} first in:\n{}",
            run.stderr
        );
    }
    // 20,000 unknown questions: all counted, a hundred shown, at once.
    let unknown: String = (0..20_000).map(|i| format!("k{i}: v\n")).collect();
    let started = std::time::Instant::now();
    let run = plan(format!("{good}{unknown}").as_bytes()).failure();
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "took {:?}",
        started.elapsed()
    );
    assert!(run.stderr.ends_with("… and 19900 more not shown (the first 100 are above)\nerror: 20000 problems found; nothing was written\n"), "{}", &run.stderr[run.stderr.len() - 300..]);
    assert_eq!(run.stderr.lines().count(), 102);
    let big = "# padding\n".repeat(120_000);
    plan(big.as_bytes()).failure().expect_stderr_start(&format!(
        "{path}: the answers file is 1200000 bytes; an answers file holds at most 1024 KiB\n"
    ));
}

#[test]
fn plans_are_written_through_the_output_guard() {
    let site = wizard_site();
    site.write(
        "answers.yaml",
        "merchant_name: Tea\nteam: none\nmonthly_transactions: 100\naverage_ticket: 20\n",
    );
    site.write("merchants.csv", "merchant_name,team,monthly_transactions,average_ticket\nTea,none,100,20\n上海街角奶茶铺,none,50,18\n");
    let answers = site.path("answers.yaml");
    let answers = answers.to_str().unwrap();
    let csv = site.path("merchants.csv");
    let csv = csv.to_str().unwrap();
    let before = snapshot(&site.path("content"));
    let run = site
        .run(&["plan", "--answers", answers, "--out", "content/en/plan.md"])
        .failure();
    run.expect_stderr_start(
        "content/en/plan.md: refusing to write content/en/plan.md: it is in the site's content\n",
    );
    let run = site
        .run(&["plan", "--batch", csv, "--out-dir", "content/en"])
        .failure();
    run.expect_stderr_start("content/en: refusing to build into content/en: it would overlap");
    assert_eq!(
        snapshot(&site.path("content")),
        before,
        "the site is untouched"
    );
    // A folder of someone else's files is not replaced.
    site.write("mine/notes.txt", "keep");
    site.run(&["plan", "--batch", csv, "--out-dir", "mine"]).failure().expect_stderr_start(
        "mine: refusing to build into mine: the folder is not empty and walletdesk did not create it\n",
    );
    assert_eq!(site.read("mine/notes.txt"), "keep");
    // A plans folder is written whole, and replaced whole the next time.
    site.run(&["plan", "--batch", csv, "--out-dir", "plans"])
        .success();
    assert!(site.path("plans/001-tea.md").is_file());
    assert!(site.path("plans/.walletdesk-output").is_file());
    site.write("plans/stale.md", "old");
    site.run(&["plan", "--batch", csv, "--out-dir", "plans"])
        .success();
    assert!(!site.path("plans/stale.md").exists());
    site.run(&["plan", "--answers", answers, "--out", "plan.md"])
        .success();
    assert!(site.read("plan.md").starts_with("# "));
}

#[test]
fn wizard_mistakes_fail_the_build_at_their_line() {
    let site = wizard_site();
    let risk = "when: \"builds\"\n    title: { zh: 密钥泄露";
    site.write(
        "content/wizard.yaml",
        &WIZARD.replace(risk, &risk.replace("builds", "buidls")),
    );
    let run = site.run(&["build"]).failure();
    run.expect_stderr_start("content/wizard.yaml:76:12: unknown question or value `buidls`\n  hint: did you mean `builds`?");
    // Links are checked against the pages and their headings, in every language.
    site.write(
        "content/wizard.yaml",
        &WIZARD.replacen("@/guide/keys.md#rotation", "@/guide/keys.md#rotate", 1),
    );
    let run = site.run(&["build"]).failure();
    run.expect_stderr("content/wizard.yaml:59:11: `@/guide/keys.md#rotate`: no heading with id `rotate` in content/zh/guide/keys.md\n  hint: did you mean `#rotation`?");
    // Fee channels: a known way of paying, and a condition like any other.
    let channels = "derived:\n  - { id: builds, when: \"team == 'in_house'\" }\n";
    site.write(
        "content/wizard.yaml",
        &WIZARD.replace(
            channels,
            &format!("{channels}fee_channels:\n  online: \"bulids\"\n"),
        ),
    );
    let run = site.run(&["build"]).failure();
    run.expect_stderr_start("content/wizard.yaml:37:12: unknown question or value `bulids`\n  hint: did you mean `builds`?");
    site.write(
        "content/wizard.yaml",
        &WIZARD.replace(
            channels,
            &format!("{channels}fee_channels:\n  by_post: \"builds\"\n"),
        ),
    );
    let run = site.run(&["build"]).failure();
    run.expect_stderr_start("content/wizard.yaml:37:3: fee_channels: unknown variant `by_post`, expected `in_person` or `online`");
    // Who does what: known roles, one part each.
    let pick = "title: { zh: 选定服务商, en: Pick the providers }\n    owner: owner\n";
    site.write(
        "content/wizard.yaml",
        &WIZARD.replace(pick, &format!("{pick}    consulted: [developr]\n")),
    );
    let run = site.run(&["build"]).failure();
    run.expect_stderr_start("content/wizard.yaml:49:17: item `pick` has an unknown role `developr`\n  hint: did you mean `developer`?");
    site.write(
        "content/wizard.yaml",
        &WIZARD.replace(pick, &format!("{pick}    informed: [owner]\n")),
    );
    let run = site.run(&["build"]).failure();
    run.expect_stderr_start("content/wizard.yaml:49:16: item `pick`: role `owner` has two parts in it\n  hint: a role is responsible");
    // What the engine reads: a question with each role it needs, of the right type.
    site.write(
        "content/wizard.yaml",
        &WIZARD.replace("    role: average_ticket\n", "    role: average_tikcet\n"),
    );
    let run = site.run(&["build"]).failure();
    run.expect_stderr("content/wizard.yaml:8:1: no question has the role `average_ticket`, which the engine reads\n  hint: add `role: average_ticket` to the number question that asks for it\ncontent/wizard.yaml:26:5: question `average_ticket` has an unknown role `average_tikcet`\n  hint: did you mean `average_ticket`?\n");
}

/// Asserts that `text` holds every one of `lines`.
#[track_caller]
fn expect_lines(text: &str, lines: &[&str]) {
    for line in lines {
        assert!(text.contains(line), "{line}\n{text}");
    }
}

#[test]
fn plans_state_what_they_assume_and_chart_the_monthly_fees() {
    // A Hong Kong retailer: Hong Kong's calendar, Hong Kong prices in HKD, three providers
    // sharing the payments, half of them from abroad; the wallets by quote, off the chart.
    let md = bundled_export("retailer-hong-kong.yaml", "md", "en");
    expect_lines(
        &md,
        &[
            "- Go live: 2026-12-29 – 2027-01-26\n",
            "- 2027-02-15: even with the longest durations, go-live comes before the target date\n",
            "- Durations count working days in Hong Kong: Monday to Friday, without the public holidays of the official list",
            "- Fees are estimated at the prices for Hong Kong accounts, in HKD: 4000 payments a month, HKD 1,000,000.00 in all.\n",
            "- The 3 recommended providers are assumed to share your payments evenly, 33% each;",
            "- 50% of the volume is assumed paid from abroad: cross-border and currency conversion fees are counted on that part only.\n",
            "by quote (as of 2026-12-03)",
            "international cards: 0.5%, about HKD 833.33 a month (as of 2026-12-03)",
        ],
    );
    assert!(!md.contains("public holidays are not taken out"), "{md}");
    let html = bundled_export("retailer-hong-kong.yaml", "html", "en");
    assert!(
        html.contains("None of the recommended providers has a monthly estimate (priced by quote, or no published price for your payments here): nothing to compare."),
        "{html}"
    );
    // The Shanghai milk-tea shop: mainland prices, no payment from abroad; 2027's mainland
    // holidays are not in holidays.yaml yet, and the plan says so rather than assume them.
    let md = bundled_export("milk-tea-shanghai.yaml", "md", "zh");
    expect_lines(
        &md,
        &[
            "- 工期按中国内地的工作日计算：周一至周五，扣除官方公布的公众假期；",
            "- 2027 年的假期安排尚未收录，这些年份按周一至周五计算；官方公布后请核对日期。\n",
            "- 费用按中国内地账户的价目估算，金额单位为 CNY：每月 6000 笔，共 CNY 108,000.00。\n",
            "- 估算假定没有境外付款，不计跨境费和货币转换费。\n",
            "| 支付宝 | 4 分 |",
            "当面付等常见费率（以签约费率为准）：0.6%，每月约 CNY 324.00（数据日期 2026-12-03，估计值）",
            "**合计每月约 CNY 324.00**",
            "| Stripe | 无法开户 |",
        ],
    );
    // Its chart: a bar for each wallet, equal.
    let html = bundled_export("milk-tea-shanghai.yaml", "html", "zh");
    assert!(html.contains("<h3>每月费用估算（CNY）</h3>"), "{html}");
    for wallet in ["支付宝", "微信支付"] {
        assert!(
            html.contains(&format!("{wallet}：CNY 324.00</text><rect class=\"fee\"")),
            "{html}"
        );
    }
    assert_eq!(html.matches("width=\"100.0%\"").count(), 2, "{html}");
    // The calendar's launch event is on the day the launch phase ends, not after hypercare.
    let plan = bundled_plan("milk-tea-shanghai.yaml");
    let launch = plan["schedule"]["launch"]
        .as_str()
        .unwrap()
        .replace('-', "");
    assert_ne!(
        plan["schedule"]["launch"],
        plan["schedule"]["latest_finish"]
    );
    let ics = bundled_export("milk-tea-shanghai.yaml", "ics", "zh");
    let event = ics
        .split("BEGIN:VEVENT")
        .find(|e| e.contains("-launch@"))
        .unwrap();
    assert!(
        event.contains(&format!("DTSTART;VALUE=DATE:{launch}\r\n")),
        "{event}"
    );
    assert!(
        event.contains("SUMMARY:正式上线：上海街角奶茶铺"),
        "{event}"
    );
}

fn bundled_plan(merchant: &str) -> serde_json::Value {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let answers = repo.join("tests/fixtures/merchants").join(merchant);
    let run = walletdesk(
        &[
            "--root",
            repo.to_str().unwrap(),
            "plan",
            "--answers",
            answers.to_str().unwrap(),
            "--format",
            "json",
            "--start",
            "2026-11-30",
        ],
        repo,
    )
    .success();
    serde_json::from_str(&run.stdout).unwrap()
}

fn ids(list: &serde_json::Value) -> Vec<&str> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|x| x["id"].as_str().unwrap())
        .collect()
}

#[test]
fn a_start_date_out_of_range_is_refused_not_a_panic() {
    let site = wizard_site();
    site.write("answers.yaml", "merchant_name: Tea\nteam: none\n");
    let answers = site.path("answers.yaml");
    let run = site
        .run(&[
            "plan",
            "--answers",
            answers.to_str().unwrap(),
            "--start=+262142-12-20",
        ])
        .exits(2);
    run.expect_stderr("`+262142-12-20` is not a date from 1900 to 9999 written YYYY-MM-DD");
}

#[test]
fn who_prepared_the_plan_goes_on_its_cover_escaped() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    let answers = dir.path().join("answers.yaml");
    let milk_tea =
        fs::read_to_string(repo.join("tests/fixtures/merchants/milk-tea-shanghai.yaml")).unwrap();
    fs::write(
        &answers,
        format!("{milk_tea}\nprepared_by: \"李*顾问* <b>\"\n"),
    )
    .unwrap();
    let plan = |format: &str| {
        let args = [
            "--root",
            repo.to_str().unwrap(),
            "plan",
            "--answers",
            answers.to_str().unwrap(),
        ];
        let mut args = args.to_vec();
        args.extend(["--format", format, "--start", "2026-11-30"]);
        walletdesk(&args, repo).success().stdout
    };
    let md = plan("md");
    assert!(
        md.contains("开始 2026-11-30 · 制定人 李\\*顾问\\* \\<b\\>\n"),
        "{md}"
    );
    let html = plan("html");
    assert!(html.contains(" · 制定人 李*顾问* &lt;b&gt;</p>"), "{html}");
}

/// The bundled site's plan for one of tests/fixtures/merchants/ in `format` and `lang`.
fn bundled_export(merchant: &str, format: &str, lang: &str) -> String {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let answers = repo.join("tests/fixtures/merchants").join(merchant);
    let args = [
        "--root",
        repo.to_str().unwrap(),
        "plan",
        "--answers",
        answers.to_str().unwrap(),
        "--format",
        format,
        "--lang",
        lang,
        "--start",
        "2026-11-30",
    ];
    walletdesk(&args, repo).success().stdout
}

#[test]
fn dependencies_and_the_critical_path_are_printed_by_title_never_by_id() {
    let plan = bundled_plan("milk-tea-shanghai.yaml");
    let items = plan["items"].as_array().unwrap();
    let title = |id: &serde_json::Value| {
        items.iter().find(|i| i["id"] == *id).unwrap()["title"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let ids = ids(&plan["items"]);
    // The JSON is data: its `after` lists ids.
    assert!(
        items
            .iter()
            .any(|i| !i["after"].as_array().unwrap().is_empty())
    );
    let md = bundled_export("milk-tea-shanghai.yaml", "md", "zh");
    let html = bundled_export("milk-tea-shanghai.yaml", "html", "zh");
    let csv = bundled_export("milk-tea-shanghai.yaml", "csv", "zh");
    for item in items {
        let after: Vec<String> = item["after"]
            .as_array()
            .unwrap()
            .iter()
            .map(title)
            .collect();
        if after.is_empty() {
            continue;
        }
        let line = md
            .lines()
            .find(|l| l.starts_with(&format!("- [ ] **{}**", item["title"].as_str().unwrap())))
            .unwrap();
        let shown = line
            .split(" · ")
            .find_map(|part| part.strip_prefix("前置任务："))
            .unwrap_or_else(|| panic!("{line}"));
        assert_eq!(shown, after.join("；"), "{line}");
        assert!(
            html.contains(&format!("前置任务：{}", html_text(&after.join("；")))),
            "{}: {html}",
            item["id"]
        );
    }
    // No id in any text a merchant reads (the guide links' anchors aside).
    for (format, text) in [("md", &md), ("html", &html)] {
        let text = without_urls(text);
        let words: Vec<&str> = text
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .collect();
        for id in &ids {
            assert!(!words.contains(id), "{format}: `{id}` printed");
        }
    }
    let mut reader = csv::Reader::from_reader(csv.trim_start_matches('\u{feff}').as_bytes());
    let after = reader.headers().unwrap().iter().position(|h| h == "after");
    for (row, item) in reader.records().zip(items) {
        let titles: Vec<String> = item["after"]
            .as_array()
            .unwrap()
            .iter()
            .map(title)
            .collect();
        assert_eq!(&row.unwrap()[after.unwrap()], titles.join("；"));
    }
    let path: Vec<String> = plan["critical_path"]
        .as_array()
        .unwrap()
        .iter()
        .map(title)
        .collect();
    assert!(md.contains(&format!("\n{}\n", path.join(" → "))), "{md}");
    assert!(html.contains(&html_text(&path.join(" → "))), "{html}");
}

/// `text` without its URLs (from `http` to the next `)`, `"` or white space).
fn without_urls(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(at) = rest.find("http") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let end = rest
            .find(|c: char| c == ')' || c == '"' || c.is_whitespace())
            .unwrap_or(rest.len());
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Text as Tera's autoescape writes it.
fn html_text(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// Half-width `, : ; ( )` next to a Chinese character (one space between allowed), with
/// some text around each.
fn half_width_next_to_chinese(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let han = |c: Option<&char>| c.is_some_and(|c| ('\u{3400}'..='\u{9fff}').contains(c));
    let near = |at: usize, step: isize| {
        let mut i = at as isize + step;
        if chars.get(i as usize) == Some(&' ') {
            i += step;
        }
        if i < 0 { None } else { chars.get(i as usize) }
    };
    (0..chars.len())
        .filter(|&i| [',', ':', ';', '(', ')'].contains(&chars[i]))
        .filter(|&i| han(near(i, -1)) || han(near(i, 1)))
        .map(|i| {
            chars[i.saturating_sub(12)..(i + 12).min(chars.len())]
                .iter()
                .collect()
        })
        .collect()
}

/// The text a reader sees in an export: Markdown without its links' targets, HTML without
/// tags and the style sheet, CSV's cells, iCalendar's values unfolded and unescaped.
fn readable(format: &str, text: &str) -> String {
    let mut out = String::new();
    match format {
        "md" => {
            for (i, part) in text.split("](").enumerate() {
                // Each part after the first starts with a link's target, up to `)`.
                out.push_str(if i == 0 {
                    part
                } else {
                    part.split_once(')').map_or("", |(_, rest)| rest)
                });
            }
        }
        "html" => {
            let body = &text[text.find("</style>").unwrap()..];
            let mut in_tag = false;
            for c in body.chars() {
                match c {
                    '<' => in_tag = true,
                    '>' => {
                        in_tag = false;
                        out.push('\n');
                    }
                    c if !in_tag => out.push(c),
                    _ => {}
                }
            }
            out = out
                .replace("&amp;", "&")
                .replace("&quot;", "\"")
                .replace("&#39;", "'");
        }
        "csv" => {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
            for row in reader.records() {
                for cell in row.unwrap().iter() {
                    out.push_str(cell);
                    out.push('\n');
                }
            }
        }
        _ => {
            for line in text.replace("\r\n ", "").lines() {
                let value = line.split_once(':').map_or("", |(_, v)| v);
                out.push_str(
                    &value
                        .replace("\\,", ",")
                        .replace("\\;", ";")
                        .replace("\\n", "\n"),
                );
                out.push('\n');
            }
        }
    }
    out
}

#[test]
fn chinese_plans_use_full_width_punctuation_and_say_what_durations_and_scores_mean() {
    let merchants = [
        "custom-app.yaml",
        "milk-tea-shanghai.yaml",
        "online-shop-hangzhou.yaml",
        "retailer-hong-kong.yaml",
    ];
    for merchant in merchants {
        for format in ["md", "html", "csv", "ics"] {
            let text = bundled_export(merchant, format, "zh");
            assert_eq!(
                half_width_next_to_chinese(&readable(format, &text)),
                Vec::<String>::new(),
                "{merchant} {format}"
            );
            assert!(!text.contains("1–1 "), "{merchant} {format}");
        }
    }
    let plan = bundled_plan("milk-tea-shanghai.yaml");
    let md = bundled_export("milk-tea-shanghai.yaml", "md", "zh");
    let html = bundled_export("milk-tea-shanghai.yaml", "html", "zh");
    let recommended: Vec<&str> = plan["providers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["recommended"] == true)
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert!(recommended.len() > 1);
    assert!(
        md.contains(&format!("\n- 推荐的服务商：{}\n", recommended.join("、"))),
        "{md}"
    );
    let days = &plan["schedule"]["days"];
    assert!(
        md.contains(&format!(
            "\n- 工期：{}–{} 个工作日（{} – {}）\n",
            days[0],
            days[1],
            plan["schedule"]["earliest_finish"].as_str().unwrap(),
            plan["schedule"]["latest_finish"].as_str().unwrap()
        )),
        "{md}"
    );
    // A task of one business day says so once.
    let items = plan["items"].as_array().unwrap();
    let one_day = items
        .iter()
        .find(|i| i["days"] == serde_json::json!([1, 1]))
        .unwrap();
    let title = one_day["title"].as_str().unwrap();
    let owner = one_day["owner_name"].as_str().unwrap();
    assert!(
        md.contains(&format!("**{title}** — {owner}，1 个工作日，截止 ")),
        "{md}"
    );
    assert!(
        html.contains(&format!("{title}</a> — {owner}，1 个工作日，截止 ")),
        "{html}"
    );
    // The score is explained, and has its unit.
    let first = &plan["providers"][0];
    let (name, score) = (first["name"].as_str().unwrap(), &first["score"]);
    assert!(md.contains("\n匹配度是服务商各条理由的分数之和，越高越合适；高于 0 分的才推荐。\n\n| 服务商 | 匹配度 | 理由 |"), "{md}");
    assert!(md.contains(&format!("\n| {name} | {score} 分 | ")), "{md}");
    assert!(
        html.contains(&format!("<tr><td>{name}</td><td>{score} 分</td>")),
        "{html}"
    );

    // English: one business day, and two or more.
    let md = bundled_export("milk-tea-shanghai.yaml", "md", "en");
    let plan: serde_json::Value =
        serde_json::from_str(&bundled_export("milk-tea-shanghai.yaml", "json", "en")).unwrap();
    let items = plan["items"].as_array().unwrap();
    let one_day = items
        .iter()
        .find(|i| i["days"] == serde_json::json!([1, 1]))
        .unwrap();
    assert!(
        md.contains(&format!(
            "**{}** — {}, 1 business day, due ",
            one_day["title"].as_str().unwrap(),
            one_day["owner_name"].as_str().unwrap()
        )),
        "{md}"
    );
    assert!(
        !md.contains("1 business days") && !md.contains("1–1 "),
        "{md}"
    );
    assert!(
        md.contains("| Fit | Why |") && md.contains(" points | "),
        "{md}"
    );
}

/// The labels of the fees a plan estimates for `provider`.
fn fee_labels<'a>(plan: &'a serde_json::Value, provider: &str) -> Vec<&'a str> {
    let provider = plan["providers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == provider)
        .unwrap();
    provider["fees"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["label"].as_str().unwrap())
        .collect()
}

#[test]
fn the_reference_merchants_get_plans_that_fit_them() {
    // A Shanghai milk-tea shop, young local customers, no developers: both wallets through a
    // POS or QR solution, no integration of its own.
    let plan = bundled_plan("milk-tea-shanghai.yaml");
    let mut top = ids(&plan["providers"])[..2].to_vec();
    top.sort();
    assert_eq!(top, ["alipay", "wechat-pay"]);
    let items = ids(&plan["items"]);
    for wanted in [
        "choose-vendor",
        "set-up-vendor-solution",
        "vendor-notifications",
        "cashier-training",
        "pilot-one-till",
    ] {
        assert!(items.contains(&wanted), "{wanted}: {items:?}");
    }
    for unwanted in [
        "integrate-backend",
        "wechat-apiv3-credentials",
        "alipay-app",
        "key-vault",
    ] {
        assert!(!items.contains(&unwanted), "{unwanted}: {items:?}");
    }
    assert_eq!(plan["schedule"]["meets_target"], true);
    assert!(!ids(&plan["risks"]).contains(&"launch-date-tight"));
    // A small shop: only the roles it has (the owner stands in for a consultant, finance and a
    // store manager), no written rollback drill, and a short hypercare.
    let roles: Vec<&str> = ids(&plan["roles"]);
    assert_eq!(roles, ["owner", "cashiers"]);
    assert!(!items.contains(&"rollback-plan"));
    let hypercare = plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "hypercare-watch")
        .unwrap();
    assert_eq!(hypercare["days"], serde_json::json!([3, 5]));
    // Mainland prices, the volume shared by the two wallets it needs: 6,000 payments of 18 a
    // month, half each at 0.6 %.
    assert_eq!(plan["prices"]["account"], "cn");
    assert_eq!(plan["prices"]["currency"], "CNY");
    for wallet in ["alipay", "wechat-pay"] {
        let provider = plan["providers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == wallet)
            .unwrap();
        assert_eq!(provider["share"], 0.5);
        assert_eq!(provider["monthly"], 324.0, "{wallet}");
    }
    // Stripe cannot take a mainland business, and mainland accounts have no Stripe prices.
    assert!(fee_labels(&plan, "stripe").is_empty());
    // The schedule skips the mainland's public holidays (2026 is in holidays.yaml): New Year's
    // Day, 2027-01-01, is not a working day — and 2027 is not covered yet, which the plan says.
    assert_eq!(plan["schedule"]["calendar"], "cn");

    // A Hangzhou online shop selling overseas: PayPal, cross-border work. Stripe does not open
    // accounts for businesses registered in mainland China, and its buyers abroad do not pay
    // with mainland wallets: neither is recommended, whatever else fits.
    let plan = bundled_plan("online-shop-hangzhou.yaml");
    let providers = ids(&plan["providers"]);
    assert_eq!(providers[0], "paypal");
    let recommended: Vec<&str> = plan["providers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["recommended"] == true)
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(recommended, ["paypal"]);
    let stripe = &plan["providers"][providers.iter().position(|p| *p == "stripe").unwrap()];
    assert_eq!(stripe["eligible"], false);
    assert_eq!(stripe["recommended"], false);
    assert!(
        stripe["reasons"]
            .to_string()
            .contains("在中国内地注册的企业不能")
    );
    let items = ids(&plan["items"]);
    for wanted in [
        "plan-currency",
        "open-card-account",
        "pci-scope",
        "pilot-online",
    ] {
        assert!(items.contains(&wanted), "{wanted}: {items:?}");
    }
    assert!(ids(&plan["risks"]).contains(&"cross-border-settlement"));
    // What a mainland PayPal account pays for payments from abroad, all of its volume, and
    // settling to a Chinese bank: 800 payments of 60 at 4.4 % + ¥2.2, and 1 % of the volume.
    assert_eq!(plan["prices"]["cross_border_share"], 1.0);
    let labels = fee_labels(&plan, "paypal");
    assert!(
        labels.contains(&"收取境外买家的商业付款（标准费率）"),
        "{labels:?}"
    );
    assert!(
        !labels.contains(&"PayPal Checkout"),
        "no US prices: {labels:?}"
    );
    let paypal = &plan["providers"][0];
    assert_eq!(paypal["monthly"], 2112.0 + 1760.0 + 480.0);

    // A Hong Kong retailer serving tourists from the mainland: Alipay+ and WeChat Pay
    // cross-border through a local acquirer.
    let plan = bundled_plan("retailer-hong-kong.yaml");
    let mut top = ids(&plan["providers"])[..2].to_vec();
    top.sort();
    assert_eq!(top, ["alipay", "wechat-pay"]);
    assert!(
        plan["providers"][0]["reasons"]
            .to_string()
            .contains("Alipay+")
            || plan["providers"][1]["reasons"]
                .to_string()
                .contains("Alipay+")
    );
    assert!(ids(&plan["items"]).contains(&"sign-cross-border-acquirer"));
    assert!(
        !ids(&plan["items"]).contains(&"wechat-pay-review"),
        "no mainland merchant account"
    );
    // Hong Kong prices: the wallets by an acquirer's quote, not the mainland's 0.6 %.
    assert_eq!(plan["prices"]["account"], "hk");
    for wallet in ["alipay", "wechat-pay"] {
        let provider = plan["providers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == wallet)
            .unwrap();
        assert!(
            provider["fees"]
                .as_array()
                .unwrap()
                .iter()
                .all(|f| f["quote"] == true)
        );
        assert_eq!(provider["monthly"], serde_json::Value::Null);
    }
    // Hong Kong's holidays: the Lunar New Year of 2027 is in holidays.yaml.
    assert_eq!(plan["schedule"]["calendar"], "hk");
    assert_eq!(plan["schedule"]["uncovered_years"], serde_json::json!([]));

    // A custom app with an in-house team: WeChat Pay APIv3 and Alipay integration, and the
    // risk that WeChat Pay has no sandbox; its target date is too early and the plan says so.
    // Both wallets score alike for an app (each has an app payment product).
    let plan = bundled_plan("custom-app.yaml");
    let mut top = ids(&plan["providers"])[..2].to_vec();
    top.sort();
    assert_eq!(top, ["alipay", "wechat-pay"]);
    assert_eq!(plan["providers"][0]["score"], plan["providers"][1]["score"]);
    let items = ids(&plan["items"]);
    for wanted in [
        "wechat-apiv3-credentials",
        "app-filing",
        "wechat-app-appid",
        "alipay-app",
        "integrate-backend",
        "notification-checks",
        "key-vault",
    ] {
        assert!(items.contains(&wanted), "{wanted}: {items:?}");
    }
    // Nobody named as preparing it: no "prepared by" on the cover.
    assert_eq!(plan["prepared_by"], serde_json::Value::Null);
    // Who does what: the in-house developer builds, the owner answers for it, the consultant
    // is asked.
    let backend = plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "integrate-backend")
        .unwrap();
    for (part, role) in [
        ("owner", "\"developer\""),
        ("accountable", "\"owner\""),
        ("consulted", "[\"consultant\"]"),
    ] {
        assert_eq!(backend[part].to_string(), role, "{part}");
    }
    assert!(ids(&plan["risks"]).contains(&"no-wechat-sandbox"));
    assert_eq!(plan["schedule"]["meets_target"], false);
    assert!(ids(&plan["risks"]).contains(&"launch-date-tight"));
    assert_eq!(plan["critical_path"][0], "compare-fees");
    assert!(plan["security_checklist"].as_array().unwrap().len() >= 4);
}

/// The reference merchant `merchant`'s plan from `start`, with answers changed by `edit`.
fn plan_from(merchant: &str, start: &str, edit: &dyn Fn(&str) -> String) -> serde_json::Value {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = fs::read_to_string(repo.join("tests/fixtures/merchants").join(merchant)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let answers = dir.path().join("answers.yaml");
    fs::write(&answers, edit(&text)).unwrap();
    let run = walletdesk(
        &[
            "--root",
            repo.to_str().unwrap(),
            "plan",
            "--answers",
            answers.to_str().unwrap(),
            "--format",
            "json",
            "--start",
            start,
        ],
        repo,
    )
    .success();
    serde_json::from_str(&run.stdout).unwrap()
}

/// Days off and working weekend days of `region` in holidays.yaml, read independently.
fn holidays(region: &str) -> (Vec<chrono::NaiveDate>, Vec<chrono::NaiveDate>) {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = fs::read_to_string(repo.join("content/data/holidays.yaml")).unwrap();
    let data: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
    let date = |v: &serde_yaml::Value| {
        chrono::NaiveDate::parse_from_str(v.as_str().unwrap(), "%Y-%m-%d").unwrap()
    };
    let (mut off, mut work) = (Vec::new(), Vec::new());
    for (_, year) in data["regions"][region]["years"].as_mapping().unwrap() {
        for day in year["days_off"].as_sequence().unwrap() {
            if let Some(from) = day.get("from") {
                let mut d = date(from);
                while d <= date(&day["to"]) {
                    off.push(d);
                    d = d.succ_opt().unwrap();
                }
            } else {
                off.push(date(&day["date"]));
            }
        }
        for day in year["working_days"].as_sequence().into_iter().flatten() {
            work.push(date(&day["date"]));
        }
    }
    (off, work)
}

#[test]
fn schedules_skip_the_regions_public_holidays_and_count_its_working_weekends() {
    use chrono::Datelike;
    let parse = |v: &serde_json::Value| {
        chrono::NaiveDate::parse_from_str(v.as_str().unwrap(), "%Y-%m-%d").unwrap()
    };
    // A Shanghai shop starting before the Spring Festival of 2026, and a Hong Kong shop whose
    // pilot would fall on the Lunar New Year of 2027.
    for (merchant, start, region) in [
        ("milk-tea-shanghai.yaml", "2026-01-26", "cn"),
        ("retailer-hong-kong.yaml", "2026-12-21", "hk"),
    ] {
        let plan = plan_from(merchant, start, &|text| {
            text.replace("launch_date: 2027-03-01", "launch_date: 2027-06-01")
        });
        assert_eq!(plan["schedule"]["calendar"], region);
        let (off, work) = holidays(region);
        let worked = |d: chrono::NaiveDate| {
            work.contains(&d) || (!off.contains(&d) && d.weekday().number_from_monday() <= 5)
        };
        // Every item starts and is due on a working day, and takes as many working days as
        // its longest estimate between the two.
        for item in plan["items"].as_array().unwrap() {
            let (from, due) = (parse(&item["start_date"]), parse(&item["due_date"]));
            assert!(
                worked(from) && worked(due),
                "{}: {from} – {due}",
                item["id"]
            );
            let mut counted = 0;
            let mut d = from;
            while d <= due {
                counted += u32::from(worked(d));
                d = d.succ_opt().unwrap();
            }
            let days = item["days"][1].as_u64().unwrap() as u32;
            assert_eq!(counted, days.max(1), "{}: {from} – {due}", item["id"]);
        }
        assert_eq!(
            plan["schedule"]["uncovered_years"],
            serde_json::json!([]),
            "{merchant}"
        );
    }
    // The pilot of the Hong Kong shop goes around the Lunar New Year holidays of 2027.
    let plan = plan_from("retailer-hong-kong.yaml", "2026-12-21", &|t| t.to_string());
    let pilot = plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "pilot-one-till")
        .unwrap();
    let (from, due) = (parse(&pilot["start_date"]), parse(&pilot["due_date"]));
    let new_year = chrono::NaiveDate::from_ymd_opt(2027, 2, 8).unwrap();
    assert!(
        from <= new_year && new_year <= due,
        "the pilot spans the holidays: {from} – {due}"
    );
    // A year holidays.yaml does not list is said, not assumed.
    let plan = plan_from("milk-tea-shanghai.yaml", "2026-11-30", &|t| t.to_string());
    assert_eq!(
        plan["schedule"]["uncovered_years"],
        serde_json::json!([2027])
    );
}

#[test]
fn counts_are_whole_numbers_within_bounds() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text =
        fs::read_to_string(repo.join("tests/fixtures/merchants/milk-tea-shanghai.yaml")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let answers = dir.path().join("answers.yaml");
    for (from, to, message) in [
        (
            "monthly_transactions: 6000",
            "monthly_transactions: 6000.5",
            "`monthly_transactions` must be a whole number of at least 0 and at most 100000000, not 6000.5",
        ),
        (
            "monthly_transactions: 6000",
            "monthly_transactions: 1e12",
            "`monthly_transactions` must be a whole number of at least 0 and at most 100000000, not 1000000000000.0",
        ),
        (
            "tills: 2",
            "tills: 2.5",
            "`tills` must be a whole number of at least 1 and at most 10000, not 2.5",
        ),
    ] {
        fs::write(&answers, text.replace(from, to)).unwrap();
        let run = walletdesk(
            &[
                "--root",
                repo.to_str().unwrap(),
                "plan",
                "--answers",
                answers.to_str().unwrap(),
            ],
            repo,
        )
        .failure();
        let line = text.lines().position(|l| l == from).unwrap() + 1;
        run.expect_stderr(&format!("{}:{line}:1: {message}\n", answers.display()));
    }
}

#[test]
fn the_target_date_is_about_the_launch_not_the_end_of_hypercare() {
    // Launch due before the target, hypercare after it: the target is met, and no "too close"
    // risk is raised.
    let plan = plan_from("milk-tea-shanghai.yaml", "2026-11-30", &|t| t.to_string());
    let schedule = &plan["schedule"];
    let target = schedule["target"].as_str().unwrap();
    let launch = schedule["launch"].as_str().unwrap();
    let finish = schedule["latest_finish"].as_str().unwrap();
    assert!(launch < finish, "hypercare comes after the launch");
    let on_launch = plan_from("milk-tea-shanghai.yaml", "2026-11-30", &|t| {
        t.replace(
            &format!("launch_date: {target}"),
            &format!("launch_date: {launch}"),
        )
    });
    assert_eq!(on_launch["schedule"]["meets_target"], true);
    assert!(!ids(&on_launch["risks"]).contains(&"launch-date-tight"));
    // The launch phase's last item is due on the launch day.
    let full_launch = on_launch["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == "full-launch")
        .unwrap();
    assert_eq!(full_launch["due_date"], launch);
}

#[test]
fn plan_batch_writes_one_plan_per_row_and_points_at_bad_cells() {
    let site = wizard_site();
    site.write(
        "merchants.csv",
        "merchant_name,team,monthly_transactions,average_ticket\r\n\"Tea, \"\"Best\"\"\",none,100,10\r\nByte Shop,in_house,5000,80\r\n",
    );
    let csv = site.path("merchants.csv");
    let out = site.path("plans");
    site.run(&[
        "plan",
        "--batch",
        csv.to_str().unwrap(),
        "--out-dir",
        out.to_str().unwrap(),
        "--start",
        "2026-11-23",
    ])
    .success();
    let mut names: Vec<String> = fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [".walletdesk-output", "001-tea-best.md", "002-byte-shop.md"],
        "the plans and the marker of a folder walletdesk writes"
    );
    assert!(
        site.read("plans/001-tea-best.md")
            .starts_with("# 上线计划：Tea, \"Best\"\n")
    );

    site.write("merchants.csv", "merchant_name,team,tils\r\nTea,none,2\r\n");
    let run = site
        .run(&[
            "plan",
            "--batch",
            csv.to_str().unwrap(),
            "--out-dir",
            out.to_str().unwrap(),
        ])
        .failure();
    assert!(
        run.stderr
            .contains("merchants.csv:1:3: column `tils` is no question"),
        "{}",
        run.stderr
    );
    site.write(
        "merchants.csv",
        "merchant_name,team,monthly_transactions,average_ticket\r\nTea,nobody,1,1\r\n\"Two\nlines\",none,1,1\n\nCoffee,nobody,1,1\n",
    );
    let run = site
        .run(&[
            "plan",
            "--batch",
            csv.to_str().unwrap(),
            "--out-dir",
            out.to_str().unwrap(),
        ])
        .failure();
    run.expect_stderr(
        "merchants.csv:2:2: `team` has no option \"nobody\"; the options: none, in_house",
    );
    // Lines are counted through a quoted line break and a blank line.
    run.expect_stderr(
        "merchants.csv:6:2: `team` has no option \"nobody\"; the options: none, in_house",
    );
}

#[test]
fn plan_csv_opens_in_a_spreadsheet_parser_and_defuses_formulas() {
    let site = wizard_site();
    let csv = plan_for(
        &site,
        "merchant_name: \"=HYPERLINK(\\\"http://x\\\",\\\"y\\\"), \\\"quoted\\\"\\nnext line\"\nteam: in_house\nmonthly_transactions: 10\naverage_ticket: 5\n",
        &["--format", "csv", "--lang", "en"],
    );
    assert!(csv.contains("\r\n"));
    // A UTF-8 byte-order mark first, so that Excel reads the file as UTF-8 (not as the
    // system's code page, which turns Chinese into mojibake); parsers skip it.
    let csv = csv
        .strip_prefix('\u{feff}')
        .expect("the CSV starts with a byte-order mark");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    assert_eq!(&headers[0], "merchant");
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(
        &rows[0][0],
        "'=HYPERLINK(\"http://x\",\"y\"), \"quoted\"\nnext line"
    );
    let col = |name: &str| headers.iter().position(|h| h == name).unwrap();
    assert_eq!(&rows[1][col("task")], "Keep the keys safe");
    assert_eq!(&rows[1][col("owner")], "Developer");
    assert_eq!(&rows[1][col("after")], "Pick the providers");
    assert_eq!(&rows[1][col("accountable")], "Developer");
    // Two or three days from Wednesday: due on Friday, not the Monday after.
    assert_eq!(&rows[1][col("due")], "2026-11-27");
    assert_eq!(
        &rows[1][col("guide")],
        "https://example.com/en/guide/keys/#rotation"
    );
}

#[test]
fn plan_ics_parses_with_events_and_to_dos() {
    let site = wizard_site();
    let ics = plan_for(
        &site,
        "merchant_name: \"Tea; Coffee, \\\\ and\\nmore\"\nteam: in_house\nmonthly_transactions: 10\naverage_ticket: 5\n",
        &["--format", "ics", "--lang", "en"],
    );
    assert!(
        ics.lines().all(|l| l.len() <= 76),
        "lines are folded at 75 octets"
    );
    assert!(
        ics.contains("X-WR-CALNAME:Rollout plan Tea\\; Coffee\\, \\\\ and\\nmore\r\n"),
        "{ics}"
    );
    let calendar: icalendar::Calendar = ics.parse().unwrap();
    let mut events = 0;
    let mut todos = Vec::new();
    for component in &calendar.components {
        match component {
            icalendar::CalendarComponent::Event(_) => events += 1,
            icalendar::CalendarComponent::Todo(todo) => {
                use icalendar::Component;
                todos.push((
                    todo.get_summary().unwrap().to_string(),
                    todo.property_value("DUE").unwrap().to_string(),
                ));
            }
            _ => {}
        }
    }
    // Two phases with items, and the launch.
    assert_eq!(events, 3);
    assert_eq!(
        todos,
        [
            ("Pick the providers".to_string(), "20261124".to_string()),
            ("Keep the keys safe".to_string(), "20261127".to_string()),
            ("Go live".to_string(), "20261130".to_string()),
        ]
    );
}

/// The UIDs of an iCalendar text, in order.
fn uids(ics: &str) -> Vec<&str> {
    ics.lines().filter_map(|l| l.strip_prefix("UID:")).collect()
}

#[test]
fn each_merchant_has_its_own_calendar_uids_and_file_names_in_its_own_letters() {
    let site = wizard_site();
    let answers = |name: &str| {
        format!(
            "merchant_name: {name}\nteam: in_house\nmonthly_transactions: 10\naverage_ticket: 5\n"
        )
    };
    let tea = plan_for(&site, &answers("上海街角奶茶铺"), &["--format", "ics"]);
    let coffee = plan_for(&site, &answers("北京胡同咖啡馆"), &["--format", "ics"]);
    // Within one calendar every entry has its own UID (the test wizard has an item `launch`,
    // as the launch milestone is called), of the documented shape.
    let mut distinct = uids(&tea);
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), uids(&tea).len(), "{tea}");
    assert!(
        uids(&tea).iter().all(|uid| {
            let rest = uid.strip_prefix("20261123-merchant-").unwrap_or("");
            rest.len() > 9
                && rest[..8].bytes().all(|b| b.is_ascii_hexdigit())
                && rest.ends_with("@walletdesk")
        }),
        "{tea}"
    );
    // Another merchant whose name has no ASCII letters either: none of the same UIDs, so a
    // consultant's second client does not replace the first in their calendar.
    assert!(
        uids(&coffee).iter().all(|uid| !uids(&tea).contains(uid)),
        "{coffee}"
    );
    // The same merchant and start again: the same UIDs, so importing it again updates.
    let again = plan_for(&site, &answers("上海街角奶茶铺"), &["--format", "ics"]);
    assert_eq!(uids(&again), uids(&tea));

    site.write(
        "merchants.csv",
        "merchant_name,team,monthly_transactions,average_ticket\r\n上海街角奶茶铺,none,100,10\r\n北京胡同咖啡馆,none,100,10\r\n\"a/b\\\\c:d*e?f<g>|. \",none,100,10\r\n",
    );
    let csv = site.path("merchants.csv");
    site.run(&[
        "plan",
        "--batch",
        csv.to_str().unwrap(),
        "--out-dir",
        "plans",
        "--format",
        "ics",
    ])
    .success();
    let mut names: Vec<String> = fs::read_dir(site.path("plans"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| !name.starts_with('.'))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "001-上海街角奶茶铺.ics",
            "002-北京胡同咖啡馆.ics",
            "003-a-b-c-d-e-f-g.ics"
        ]
    );
}

#[test]
fn plan_html_is_one_printable_page_with_a_timeline_and_escaped_text() {
    let site = wizard_site();
    let html = plan_for(
        &site,
        "merchant_name: \"<script>alert('x')</script> & \\\"Tea\\\"\"\nteam: in_house\nmonthly_transactions: 10\naverage_ticket: 5\n",
        &["--format", "html", "--lang", "en"],
    );
    assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(!html.contains("<script"), "the merchant's text is escaped");
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Tea&quot;"));
    assert!(html.contains("<svg viewBox=") && html.matches("<rect class=\"bar").count() == 3);
    assert!(html.contains("@media print"));
    // Self-contained: no stylesheet, script or image fetched.
    assert!(!html.contains("<link") && !html.contains("src="));
}

#[test]
fn a_site_may_write_its_own_plan_page_and_hears_of_its_mistakes_at_their_line() {
    let site = wizard_site();
    site.write(
        "templates/plan.html",
        "<h1>{{ plan.merchant }}</h1>\n<p>{{ w.providers }}{{ colon }}{{ recommended | join(sep=\", \") }}</p>\n",
    );
    let answers =
        "merchant_name: \"<b>Tea</b>\"\nteam: none\nmonthly_transactions: 10\naverage_ticket: 5\n";
    let html = plan_for(&site, answers, &["--format", "html", "--lang", "en"]);
    assert_eq!(
        html,
        "<h1>&lt;b&gt;Tea&lt;/b&gt;</h1>\n<p>Recommended providers: Alipay</p>\n"
    );
    site.write(
        "templates/plan.html",
        "<h1>{{ plan.merchant }}</h1>\n<p>{{ plan.schedule.finish.day }}</p>\n",
    );
    site.write("answers.yaml", answers);
    let path = site.path("answers.yaml");
    let run = site
        .run(&[
            "plan",
            "--answers",
            path.to_str().unwrap(),
            "--format",
            "html",
        ])
        .failure();
    run.expect_stderr_start("templates/plan.html:2:21: Field `finish` is not defined. Available fields: calendar, calendar_name, days, earliest_finish, earliest_launch, latest_finish, launch, meets_target, start, target, uncovered_years\n");
}

#[test]
fn plan_without_answers_asks_the_questions_and_asks_again_after_a_wrong_answer() {
    let site = wizard_site();
    let mut child = Command::new(env!("CARGO_BIN_EXE_walletdesk"))
        .args([
            "--root",
            site.root().to_str().unwrap(),
            "plan",
            "--format",
            "json",
            "--lang",
            "en",
            "--start",
            "2026-11-23",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Name; team: 3 is no option, then 2 (in house); transactions: -1 is below 0, then 100;
    // ticket; the launch date may be skipped.
    child
        .stdin
        .take()
        .unwrap()
        .write_all("Tea\n3\n2\n-1\n100\n20\n\n".as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    assert!(
        stderr.contains("Technical team\n  1) None\n  2) In house\n> "),
        "{stderr}"
    );
    // A wrong entry is explained before the question is asked again.
    assert!(
        stderr.contains("> Please enter a number from 1 to 2.\n> "),
        "{stderr}"
    );
    assert!(
        stderr.contains("> Please enter a number of at least 0.\n> "),
        "{stderr}"
    );
    let plan: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(plan["merchant"], "Tea");
    assert_eq!(plan["answers"]["team"], "in_house");
    assert_eq!(plan["answers"]["monthly_transactions"], 100.0);
    assert_eq!(plan["schedule"]["target"], serde_json::Value::Null);
}

#[test]
fn help_and_version() {
    let dir = tempfile::tempdir().unwrap();
    let help = walletdesk(&["--help"], dir.path()).success();
    for command in ["build", "check", "init"] {
        assert!(help.stdout.contains(command), "{}", help.stdout);
    }
    let version = walletdesk(&["--version"], dir.path()).success();
    assert_eq!(
        version.stdout,
        format!("walletdesk {}\n", env!("CARGO_PKG_VERSION"))
    );
}

/// A loopback port nothing listens on.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Starts `walletdesk --root <site> serve --port <port> ARGS` with piped stdout and stderr.
fn spawn_serve(site: &Site, port: u16, args: &[&str]) -> std::process::Child {
    let port = port.to_string();
    let mut all = vec![
        "--root",
        site.root().to_str().unwrap(),
        "serve",
        "--port",
        &port,
    ];
    all.extend(args);
    Command::new(env!("CARGO_BIN_EXE_walletdesk"))
        .args(all)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap()
}

/// A `walletdesk serve` process on a free loopback port, stopped when dropped.
struct Server {
    child: std::process::Child,
    port: u16,
}

impl Server {
    fn start(site: &Site) -> Server {
        // A port free a moment ago may be taken by another test's server before this one
        // binds it (and a connection would then reach that server): wait for this server's own
        // "serving" line, which comes after it is listening, and try another port otherwise.
        for _ in 0..5 {
            let port = free_port();
            let mut child = spawn_serve(site, port, &[]);
            let (tx, rx) = std::sync::mpsc::channel();
            for pipe in [
                child
                    .stdout
                    .take()
                    .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
                child
                    .stderr
                    .take()
                    .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
            ]
            .into_iter()
            .flatten()
            {
                // Read every line, so the pipes never fill up.
                let tx = tx.clone();
                std::thread::spawn(move || {
                    for line in std::io::BufRead::lines(std::io::BufReader::new(pipe)) {
                        let _ = tx.send(line.unwrap_or_default());
                    }
                });
            }
            drop(tx); // a server that exits (its port taken) closes the channel
            let listening = loop {
                match rx.recv_timeout(Duration::from_secs(10)) {
                    Ok(line) if line.starts_with("serving ") => break true,
                    Ok(_) => continue,
                    Err(_) => break false,
                }
            };
            if listening {
                return Server { child, port };
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("serve did not start");
    }

    /// Sends a raw HTTP/1.0 request and returns (status, body).
    fn get(&self, method: &str, target: &str) -> (u16, String) {
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        write!(
            stream,
            "{method} {target} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let status = response
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let body = response
            .split_once("\r\n\r\n")
            .map_or("", |(_, b)| b)
            .to_string();
        (status, body)
    }

    /// Opens the live-reload event stream, as a page does.
    fn events(&self) -> Events {
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        write!(
            stream,
            "GET /__walletdesk/events HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
        )
        .unwrap();
        let mut events = Events {
            reader: std::io::BufReader::new(stream),
        };
        assert!(
            events.next().contains("\"kind\":\"ok\""),
            "the stream starts with the current state"
        );
        events
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Events {
    reader: std::io::BufReader<std::net::TcpStream>,
}

impl Events {
    /// The data of the next event (waits up to 20 s; keep-alive comments do not count).
    fn next(&mut self) -> String {
        let started = std::time::Instant::now();
        let mut line = String::new();
        loop {
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "no event within 20 s"
            );
            line.clear();
            let read = self
                .reader
                .read_line(&mut line)
                .expect("an event within 20 s");
            assert!(read > 0, "the event stream closed");
            if let Some(data) = line.strip_prefix("data: ") {
                return data.trim_end().to_string();
            }
        }
    }
}

#[test]
fn serve_previews_the_site_without_touching_public() {
    let site = Site::new("basic");
    let server = Server::start(&site);
    let (status, body) = server.get("GET", "/en/guide/register/");
    assert_eq!(status, 200);
    assert!(
        body.contains(&format!(
            "<link rel=\"canonical\" href=\"http://127.0.0.1:{}/en/guide/register/\">",
            server.port
        )),
        "{body}"
    );
    assert!(
        body.contains("<script src=\"/__walletdesk/livereload.js\" defer></script></head>"),
        "the live-reload script is added"
    );
    assert!(
        body.contains("href=\"/css/site.css\""),
        "no content hash on assets in the preview"
    );
    assert_eq!(server.get("GET", "/guide").0, 200);
    let (status, body) = server.get("GET", "/no/such/page/");
    assert_eq!(status, 404);
    assert!(body.contains("找不到页面"), "the site's own 404 page");
    assert_eq!(server.get("POST", "/").0, 405);
    let (status, script) = server.get("GET", "/__walletdesk/livereload.js");
    assert_eq!(status, 200);
    assert!(script.contains("EventSource"));
    assert!(!site.path("public").exists());
}

#[test]
fn serve_reloads_an_edited_page() {
    let site = Site::new("basic");
    let server = Server::start(&site);
    let mut events = server.events();
    let page = site
        .read("content/en/guide/keys.md")
        .replace("Rotate keys regularly.", "Rotate keys every quarter.");
    site.write("content/en/guide/keys.md", &page);
    assert_eq!(
        events.next(),
        r#"{"kind":"pages","paths":["/en/guide/keys/"]}"#
    );
    assert!(
        server
            .get("GET", "/en/guide/keys/")
            .1
            .contains("Rotate keys every quarter.")
    );

    // A new title changes the navigation of other pages too.
    site.write(
        "content/en/guide/keys.md",
        &page.replace("title: Keys", "title: Key management"),
    );
    let update = events.next();
    assert!(update.contains("\"/en/guide/register/\""), "{update}");
    assert!(
        server
            .get("GET", "/en/guide/register/")
            .1
            .contains(">Key management</a>")
    );

    // A stylesheet change reloads only the styles.
    site.write("static/extra.css", "body { color: blue; }\n");
    assert_eq!(events.next(), r#"{"kind":"styles"}"#);
    assert_eq!(server.get("GET", "/extra.css").1, "body { color: blue; }\n");
}

#[test]
fn serve_recovers_when_the_site_folder_is_deleted_and_made_again() {
    let site = Site::new("basic");
    let server = Server::start(&site);
    let mut events = server.events();
    fs::remove_dir_all(site.root()).unwrap();
    let update = events.next();
    assert!(update.contains("no site.yaml here"), "{update}");
    // Made again, with a change, as a checkout or an unpacked archive does.
    fs::create_dir(site.root()).unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic"),
        site.root(),
    );
    let keys = site.read("content/en/guide/keys.md");
    site.write(
        "content/en/guide/keys.md",
        &keys.replace("Rotate keys regularly.", "Rotate keys after every audit."),
    );
    // Events come as the files appear; the preview settles on the complete site.
    let started = std::time::Instant::now();
    loop {
        let (status, body) = server.get("GET", "/en/guide/keys/");
        if status == 200 && body.contains("Rotate keys after every audit.") {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the preview did not pick up the new site folder: {status}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(server.get("GET", "/").0, 200);
}

#[test]
fn serve_applies_a_fix_saved_while_a_template_runs_away() {
    let site = Site::new("basic");
    let server = Server::start(&site);
    let mut events = server.events();
    // A loop that writes a little now and then, for many minutes: left alone, it would stop
    // only at the 30 s bound of each of the 9 pages, long after the wait below gives up.
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block main %}{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% if j == 0 %}.{% endif %}{% endfor %}{% endfor %}{% endblock main %}",
    );
    std::thread::sleep(Duration::from_millis(500));
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block main %}<p class=\"fixed\">fixed</p>{{ page.content | safe }}{% endblock main %}",
    );
    let started = std::time::Instant::now();
    loop {
        let update = events.next();
        if update.contains("\"kind\":\"pages\"") {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "{update}");
    }
    assert!(
        server
            .get("GET", "/en/guide/keys/")
            .1
            .contains("<p class=\"fixed\">fixed</p>")
    );
}

#[test]
fn serve_shows_errors_over_the_last_good_build_until_fixed() {
    let site = Site::new("basic");
    let server = Server::start(&site);
    let mut events = server.events();
    let good = site.read("content/en/guide/register.md");
    site.write(
        "content/en/guide/register.md",
        &good.replace("weight: 20", "weight: [20"),
    );
    let update = events.next();
    assert!(
        update.contains(r#""errors":["content/en/guide/register.md:4:9: weight: invalid type: sequence, expected i64"]"#),
        "{update}"
    );
    assert!(update.contains(r#""kind":"errors""#));
    let (status, body) = server.get("GET", "/en/guide/register/");
    assert_eq!(status, 200, "the last good build is still served");
    assert!(body.contains("Register a merchant account"));

    // A broken link in another page: both problems are shown.
    let keys = site.read("content/en/guide/keys.md");
    site.write(
        "content/en/guide/keys.md",
        &format!("{keys}\nSee [nowhere](@/nowhere.md).\n"),
    );
    let update = events.next();
    assert!(
        update.contains("content/en/guide/keys.md:11:5: link to a missing page `@/nowhere.md`"),
        "{update}"
    );
    assert!(
        update.contains("content/en/guide/register.md:4:9:"),
        "{update}"
    );

    site.write("content/en/guide/keys.md", &keys);
    assert!(events.next().contains("register.md"), "still broken");
    site.write("content/en/guide/register.md", &good);
    let update = events.next();
    // The fixed site is the last good one again: nothing to reload, the overlay goes away.
    assert_eq!(update, r#"{"kind":"ok"}"#, "fixing clears the errors");
}

#[test]
fn serve_never_returns_a_file_outside_the_build() {
    let site = Site::new("basic");
    let server = Server::start(&site);
    let attempts = [
        "/../site.yaml",
        "/../../../../etc/passwd",
        "/%2e%2e/site.yaml",
        "/%2E%2E/%2E%2E/etc/passwd",
        "/guide/%2f..%2f..%2fsite.yaml",
        "/guide/..%5c..%5csite.yaml",
        "/..\\site.yaml",
        "//etc/passwd",
        "/content/zh/_index.md",
        "/.walletdesk-output",
        "/%00",
        "/guide/%c0%ae%c0%ae/site.yaml",
        "/static/../site.yaml",
        "/..%2f..%2fetc%2fpasswd",
    ];
    for target in attempts {
        let (status, body) = server.get("GET", target);
        assert_eq!(status, 404, "{target}");
        assert!(
            !body.contains("base_url") && !body.contains("root:"),
            "{target} leaked a file"
        );
    }
}

#[test]
fn serve_stays_up_under_load_while_rebuilding() {
    let site = Site::new("basic");
    let server = Server::start(&site);
    let mut events = server.events();
    let port = server.port;
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let clients: Vec<_> = (0..50)
        .map(|n| {
            let stop = std::sync::Arc::clone(&stop);
            std::thread::spawn(move || {
                let targets = [
                    "/",
                    "/guide/register/",
                    "/en/guide/keys/",
                    "/css/site.css",
                    "/missing/",
                ];
                let (mut ok, mut failed) = (0u32, 0u32);
                let mut i = n;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let target = targets[i % targets.len()];
                    i += 1;
                    let result = (|| -> std::io::Result<bool> {
                        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port))?;
                        stream.set_read_timeout(Some(Duration::from_secs(5)))?;
                        write!(stream, "GET {target} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")?;
                        let mut response = Vec::new();
                        stream.read_to_end(&mut response)?;
                        let expected: &[u8] = if target == "/missing/" {
                            b" 404 "
                        } else {
                            b" 200 "
                        };
                        Ok(response.starts_with(b"HTTP/1.")
                            && response.get(8..13) == Some(expected))
                    })();
                    match result {
                        Ok(true) => ok += 1,
                        _ => failed += 1,
                    }
                }
                (ok, failed)
            })
        })
        .collect();
    let started = std::time::Instant::now();
    std::thread::sleep(Duration::from_secs(3));
    for n in 0..2 {
        let keys = site.read("content/zh/guide/keys.md");
        site.write("content/zh/guide/keys.md", &format!("{keys}\n更新 {n}。\n"));
        assert!(events.next().contains("/guide/keys/"));
        std::thread::sleep(Duration::from_secs(3));
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (mut ok, mut failed) = (0, 0);
    for client in clients {
        let (o, f) = client.join().unwrap();
        ok += o;
        failed += f;
    }
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "load: 50 clients, {ok} requests in {seconds:.1} s ({:.0} requests/s), {failed} errors",
        ok as f64 / seconds
    );
    assert_eq!(failed, 0);
    assert!(ok > 1000, "only {ok} requests answered");
}

#[test]
fn serve_on_a_taken_port_says_so_and_suggests_another() {
    let site = Site::new("basic");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let run = site.run(&["serve", "--port", &port.to_string()]).failure();
    assert!(
        run.stderr
            .starts_with(&format!("127.0.0.1:{port}: cannot listen: ")),
        "{}",
        run.stderr
    );
    run.expect_stderr(&format!(
        "  hint: is another server using port {port}? try --port {}\n",
        port + 1
    ));
}

/// One response read off a connection: its head (status line and headers) and its body.
struct Reply {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Reply {
    /// The value of the header `name` (any case), if the response has it.
    fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().skip(1).find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.eq_ignore_ascii_case(name).then(|| value.trim())
        })
    }
}

/// Reads one response: its head, then as many body bytes as its Content-Length says (none
/// when it answers a HEAD request).
fn read_reply(reader: &mut impl BufRead, head_request: bool) -> Reply {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        let read = reader.read_line(&mut line).expect("a response within 20 s");
        assert!(
            read > 0,
            "the connection closed in the middle of a response: {head:?}"
        );
        if line == "\r\n" {
            break;
        }
        head.push_str(&line);
    }
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut reply = Reply {
        status,
        head,
        body: Vec::new(),
    };
    let length: usize = reply
        .header("Content-Length")
        .unwrap_or_else(|| panic!("no Content-Length in {:?}", reply.head))
        .parse()
        .unwrap();
    if !head_request {
        reply.body = vec![0; length];
        reader.read_exact(&mut reply.body).unwrap();
    }
    reply
}

/// A figure of /proc/<pid>/status in kB (`VmRSS`, …).
fn proc_status_kb(pid: u32, field: &str) -> u64 {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|value| value.trim().trim_end_matches(" kB").parse().ok())
        .unwrap_or_else(|| panic!("no {field} in /proc/{pid}/status"))
}

/// How many threads the process `pid` has.
fn threads(pid: u32) -> usize {
    fs::read_dir(format!("/proc/{pid}/task")).unwrap().count()
}

/// The live-reload stream as a page that remembers its last event id sees it.
struct EventStream {
    reader: std::io::BufReader<std::net::TcpStream>,
}

impl EventStream {
    /// Opens the stream, sending `Last-Event-ID` as a reconnecting browser does.
    fn open(server: &Server, last_id: Option<&str>) -> EventStream {
        let mut stream = server.connect();
        let last = last_id.map_or(String::new(), |id| format!("Last-Event-ID: {id}\r\n"));
        write!(
            stream,
            "GET /__walletdesk/events HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n{last}\r\n",
            server.port
        )
        .unwrap();
        EventStream {
            reader: std::io::BufReader::new(stream),
        }
    }

    /// The next event's id (if it has one) and data; comments do not count.
    fn next(&mut self) -> (Option<String>, String) {
        let mut id = None;
        loop {
            let mut line = String::new();
            let read = self
                .reader
                .read_line(&mut line)
                .expect("an event within 20 s");
            assert!(read > 0, "the event stream closed");
            if let Some(value) = line.strip_prefix("id: ") {
                id = Some(value.trim_end().to_string());
            } else if let Some(data) = line.strip_prefix("data: ") {
                return (id, data.trim_end().to_string());
            }
        }
    }
}

impl Server {
    /// A raw connection whose reads give up after 20 s.
    fn connect(&self) -> std::net::TcpStream {
        let stream = std::net::TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        stream
    }

    /// Sends `request` as it is and reads until the server closes the connection: the bytes
    /// read, and whether the server closed it (rather than the read giving up).
    fn raw(&self, request: &[u8]) -> (String, bool) {
        let mut stream = self.connect();
        let _ = stream.write_all(request);
        let mut response = Vec::new();
        let closed = stream.read_to_end(&mut response).is_ok();
        (String::from_utf8_lossy(&response).into_owned(), closed)
    }
}

#[test]
fn serve_answers_a_never_ending_header_with_431_and_stays_small() {
    let site = Site::new("basic");
    let server = Server::start(&site);
    assert_eq!(server.get("GET", "/").0, 200);
    let pid = server.child.id();
    let before = proc_status_kb(pid, "VmRSS");
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let done = std::sync::Arc::clone(&done);
        std::thread::spawn(move || {
            let mut peak = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                peak = peak.max(proc_status_kb(pid, "VmRSS"));
                std::thread::sleep(Duration::from_millis(10));
            }
            peak
        })
    };
    // Four connections, each sending a header line of up to 50 MB that never ends.
    let attackers: Vec<_> = (0..4)
        .map(|_| {
            let mut stream = server.connect();
            std::thread::spawn(move || {
                let mut reader = stream.try_clone().unwrap();
                let reading = std::thread::spawn(move || {
                    let mut response = Vec::new();
                    let _ = reader.read_to_end(&mut response);
                    response
                });
                stream
                    .set_write_timeout(Some(Duration::from_secs(20)))
                    .unwrap();
                let chunk = [b'a'; 64 * 1024];
                let _ = stream.write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Filler: ");
                for _ in 0..800 {
                    if stream.write_all(&chunk).is_err() {
                        break;
                    }
                }
                String::from_utf8_lossy(&reading.join().unwrap()).into_owned()
            })
        })
        .collect();
    for attacker in attackers {
        let response = attacker.join().unwrap();
        assert!(
            response.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"),
            "{:?}",
            &response[..response.len().min(300)]
        );
    }
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let peak = sampler.join().unwrap();
    assert!(
        peak < before + 50 * 1024,
        "the server grew from {before} kB to {peak} kB"
    );
    assert_eq!(server.get("GET", "/").0, 200, "still serving");
}

#[test]
fn serve_answers_a_long_request_line_with_414() {
    let site = Site::new("basic");
    let server = Server::start(&site);
    let request = format!(
        "GET /{} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        "a".repeat(20_000)
    );
    let (response, closed) = server.raw(request.as_bytes());
    assert!(
        response.starts_with("HTTP/1.1 414 URI Too Long\r\n"),
        "{response}"
    );
    assert!(closed, "the connection is closed");
}

#[test]
fn serve_answers_malformed_requests_with_400_and_closes() {
    let site = Site::new("basic");
    let server = Server::start(&site);
    for request in [
        "GARBAGE\r\n\r\n",
        "GET / HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad\x01Name: x\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nno colon\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: localhost\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: x\r\n\r\n",
    ] {
        let (response, closed) = server.raw(request.as_bytes());
        assert!(
            response.starts_with("HTTP/1.1 400 Bad Request\r\n"),
            "{request:?}: {response}"
        );
        assert!(closed, "{request:?}: the connection is closed");
    }
    assert_eq!(server.get("GET", "/").0, 200, "still serving");
}

#[test]
fn serve_holds_a_bounded_number_of_connections_and_threads() {
    let site = Site::new("basic");
    let server = Server::start(&site);
    let pid = server.child.id();
    let idle = threads(pid);
    // Connections that never send a request: the server gives each at most one thread, up to
    // its limit of 128, and turns the others away at once.
    let mut open = Vec::new();
    let mut peak = idle;
    for n in 0..400 {
        open.push(server.connect());
        if n % 10 == 0 {
            peak = peak.max(threads(pid));
        }
    }
    for _ in 0..10 {
        peak = peak.max(threads(pid));
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(
        peak <= idle + 128 + 8,
        "{peak} threads for 400 connections ({idle} when idle)"
    );
    let turned_away: Vec<String> = open
        .iter_mut()
        .rev()
        .take(50)
        .map(|stream| {
            let mut response = Vec::new();
            let _ = stream.read_to_end(&mut response);
            String::from_utf8_lossy(&response).into_owned()
        })
        .filter(|response| response.starts_with("HTTP/1.1 503 Service Unavailable\r\n"))
        .collect();
    assert!(!turned_away.is_empty(), "no connection was turned away");
    assert!(turned_away[0].contains("\r\nRetry-After: 1\r\n"));
    drop(open);
    // Their places free up as the server sees them close.
    let mut status = 0;
    for _ in 0..40 {
        status = server.get("GET", "/").0;
        if status == 200 {
            break;
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    assert_eq!(status, 200);
}

#[test]
fn serve_closes_connections_that_stay_silent() {
    let site = Site::new("basic");
    let server = Server::start(&site);
    let read_until_closed = |mut stream: std::net::TcpStream| {
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .unwrap();
        let mut rest = Vec::new();
        stream.read_to_end(&mut rest).map(|_| rest)
    };
    // One connection never sends a request, one never finishes its head, one goes quiet
    // after a kept-alive request: the server closes all three (it gives a head 10 s and an
    // idle connection 5 s; the test only waits for the close).
    let silent = server.connect();
    let mut unfinished = server.connect();
    unfinished
        .write_all(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
        .unwrap();
    let mut idle = server.connect();
    idle.write_all(b"GET /css/site.css HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        .unwrap();
    let mut reader = std::io::BufReader::new(idle.try_clone().unwrap());
    assert_eq!(read_reply(&mut reader, false).status, 200);
    drop(reader);
    let waits: Vec<_> = [silent, unfinished, idle]
        .into_iter()
        .map(|stream| std::thread::spawn(move || read_until_closed(stream)))
        .collect();
    for (wait, name) in waits.into_iter().zip(["silent", "unfinished", "idle"]) {
        let rest = wait
            .join()
            .unwrap()
            .unwrap_or_else(|e| panic!("{name}: not closed within 60 s: {e}"));
        assert_eq!(String::from_utf8_lossy(&rest), "", "{name}");
    }
}

#[test]
fn serve_keeps_connections_alive_and_answers_pipelined_requests_in_order() {
    let site = Site::new("basic");
    let server = Server::start(&site);
    let mut writer = server.connect();
    let mut reader = std::io::BufReader::new(writer.try_clone().unwrap());
    // As `ab -k` does: HTTP/1.0 asking for keep-alive, one request after the other.
    let mut css_length = 0;
    for target in ["/", "/css/site.css"] {
        write!(
            writer,
            "GET {target} HTTP/1.0\r\nConnection: Keep-Alive\r\nHost: 127.0.0.1:{}\r\n\r\n",
            server.port
        )
        .unwrap();
        let reply = read_reply(&mut reader, false);
        assert_eq!(reply.status, 200, "{target}");
        assert_eq!(reply.header("Connection"), Some("keep-alive"), "{target}");
        assert_eq!(reply.header("Cache-Control"), Some("no-store"), "{target}");
        css_length = reply.body.len();
    }
    // HTTP/1.1 stays open by default; three requests in one write are answered in order, HEAD
    // with the length of the body it does not send, and `Connection: close` closes.
    writer
        .write_all(
            b"GET /en/guide/keys/ HTTP/1.1\r\nHost: localhost\r\n\r\n\
              HEAD /css/site.css HTTP/1.1\r\nHost: localhost\r\n\r\n\
              GET /missing/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
        )
        .unwrap();
    let keys = read_reply(&mut reader, false);
    assert_eq!(keys.status, 200);
    assert!(String::from_utf8_lossy(&keys.body).contains("Rotate keys regularly."));
    assert_eq!(keys.header("Connection"), None);
    let head = read_reply(&mut reader, true);
    assert_eq!(head.status, 200);
    assert_eq!(
        head.header("Content-Length"),
        Some(&*css_length.to_string())
    );
    assert_eq!(head.header("Content-Type"), Some("text/css; charset=utf-8"));
    let missing = read_reply(&mut reader, false);
    assert_eq!(missing.status, 404);
    assert_eq!(missing.header("Connection"), Some("close"));
    let mut rest = Vec::new();
    assert_eq!(reader.read_to_end(&mut rest).unwrap(), 0, "closed after");
}

#[test]
fn serve_answers_other_methods_with_405_and_reads_no_body() {
    let site = Site::new("basic");
    let server = Server::start(&site);
    let (response, closed) =
        server.raw(b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\n\r\nhello");
    assert!(
        response.starts_with("HTTP/1.1 405 Method Not Allowed\r\n"),
        "{response}"
    );
    assert!(response.contains("\r\nAllow: GET, HEAD\r\n"), "{response}");
    assert!(closed, "the body is not read: the connection is closed");
}

#[test]
fn serve_answers_only_host_names_that_cannot_be_rebound() {
    let site = Site::new("basic");
    let server = Server::start(&site);
    let port = server.port;
    let ask = |host_line: &str, target: &str| {
        let request = format!("GET {target} HTTP/1.1\r\n{host_line}Connection: close\r\n\r\n");
        server.raw(request.as_bytes()).0
    };
    // A DNS-rebinding page reaches the server under its own domain name: refused.
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        format!("localhost.evil.example:{port}"),
        format!("127.0.0.1.nip.io:{port}"),
    ] {
        for target in ["/", "/__walletdesk/events", "/__walletdesk/livereload.js"] {
            let response = ask(&format!("Host: {host}\r\n"), target);
            assert!(
                response.starts_with("HTTP/1.1 403 Forbidden\r\n"),
                "{host} {target}: {response}"
            );
            assert!(
                response.ends_with(&format!(
                    "\r\n\r\nwalletdesk serve answers only localhost and IP addresses, not {host}\n"
                )),
                "{response}"
            );
        }
    }
    for host in [
        format!("localhost:{port}"),
        format!("LocalHost:{port}"),
        "localhost".to_string(),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
    ] {
        let response = ask(&format!("Host: {host}\r\n"), "/");
        assert!(
            response.starts_with("HTTP/1.1 200 OK\r\n"),
            "{host}: {response}"
        );
    }
    let response = ask("", "/");
    assert!(
        response.starts_with("HTTP/1.1 400 Bad Request\r\n"),
        "HTTP/1.1 needs a Host: {response}"
    );
    let (response, _) = server.raw(b"GET / HTTP/1.0\r\n\r\n");
    assert!(
        response.starts_with("HTTP/1.1 200 OK\r\n"),
        "HTTP/1.0 may leave it out: {response}"
    );
}

#[test]
fn serve_gives_a_page_that_fell_behind_a_full_reload() {
    let site = Site::new("basic");
    let server = Server::start(&site);
    let mut events = EventStream::open(&server, None);
    let (id, state) = events.next();
    assert_eq!(state, r#"{"kind":"ok"}"#);
    assert!(id.is_some(), "every event has an id");
    let keys_changed = r#"{"kind":"pages","paths":["/en/guide/keys/"]}"#;
    let keys = site.read("content/en/guide/keys.md");
    let mut last = 0;
    for n in 1..=3 {
        site.write("content/en/guide/keys.md", &format!("{keys}\nEdit {n}.\n"));
        // This edit's update (a half-written file could come as errors first).
        last = loop {
            let (id, update) = events.next();
            if update == keys_changed {
                break id.expect("an id").parse::<u64>().expect("a number");
            }
        };
    }
    // A page whose stream broke reconnects with the last id it saw (browsers send it).
    let reconnect = |seen: u64| EventStream::open(&server, Some(&seen.to_string())).next().1;
    assert_eq!(reconnect(last - 1), keys_changed, "one behind: that update");
    assert_eq!(
        reconnect(last - 2),
        r#"{"kind":"pages","paths":null}"#,
        "further behind: a full reload, never nothing"
    );
    assert_eq!(reconnect(last), r#"{"kind":"ok"}"#, "up to date: the state");
    let register = site.read("content/en/guide/register.md");
    site.write(
        "content/en/guide/register.md",
        &register.replace("weight: 20", "weight: [20"),
    );
    let errors = loop {
        let (_, update) = events.next();
        if update.contains("register.md:4:9:") {
            break update;
        }
    };
    assert_eq!(
        reconnect(last - 1),
        errors,
        "behind while the site is broken: the errors"
    );
}

#[test]
fn serve_stops_cleanly_on_ctrl_c_and_leaves_nothing_behind() {
    let site = Site::new("basic");
    let before = snapshot(site.root());
    let port = free_port();
    let mut child = spawn_serve(&site, port, &[]);
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    while !line.starts_with("serving ") {
        line.clear();
        assert!(
            stdout.read_line(&mut line).unwrap() > 0,
            "serve ended before serving"
        );
    }
    assert_eq!(
        line,
        format!("serving http://127.0.0.1:{port}/ — watching for changes (Ctrl-C stops)\n")
    );
    let status = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert_eq!(child.wait().unwrap().code(), Some(0));
    let mut rest = String::new();
    stdout.read_to_string(&mut rest).unwrap();
    assert_eq!(rest, "\nstopped: nothing was written to disk\n");
    assert_eq!(snapshot(site.root()), before);
}

#[test]
fn every_fee_shown_comes_from_providers_yaml() {
    let site = Site::new("basic");
    site.run(&["build"]).success();
    let page = site.read("public/en/fees/index.html");
    assert!(
        page.contains("<td>US domestic cards</td><td class=\"amount\">2.9% + US$0.30</td>"),
        "{page}"
    );
    assert!(page.contains("(as of 2026-09-20)"));
    assert!(
        page.contains("<dt>Sandbox</dt><dd>a full test mode <span class=\"source\"><a class=\"external\" rel=\"external\" href=\"https://docs.stripe.com/testing\">"),
        "the provider's fact box: {page}"
    );
    assert!(
        site.read("public/fees/index.html")
            .contains("<td class=\"amount\">0.6%（估算，请向服务商确认）</td>")
    );

    // Change one figure in the data: the page changes with it.
    let data = site
        .read("content/data/providers.yaml")
        .replace("percent: 2.9", "percent: 3.1");
    site.write("content/data/providers.yaml", &data);
    site.run(&["build"]).success();
    let page = site.read("public/en/fees/index.html");
    assert!(page.contains("<td class=\"amount\">3.1% + US$0.30</td>"));
    assert!(!page.contains("2.9%"));
}

#[test]
fn a_source_is_a_web_page_or_a_document_described_in_every_language() {
    let site = Site::new("basic");
    let data = site.read("content/data/providers.yaml");
    let named = "source: {zh: 转述支付宝文档的第三方资料, en: secondary source quoting Alipay documentation}";
    assert!(data.contains(named));
    // Each language's page names the document in its own language.
    site.run(&["build"]).success();
    assert!(
        site.read("public/fees/index.html")
            .contains("转述支付宝文档的第三方资料")
    );
    assert!(
        site.read("public/en/fees/index.html")
            .contains("secondary source quoting Alipay documentation")
    );
    // A bare description reads as one language only: refused, with the way to write it.
    site.write(
        "content/data/providers.yaml",
        &data.replace(named, "source: a blog post about Alipay"),
    );
    let run = site.run(&["build"]).failure();
    run.expect_stderr("content/data/providers.yaml:34:1: provider `alipay`: source `a blog post about Alipay` is not a web address\n  hint: give the page (https://…), or describe the document in every language: source: {zh: …, en: …}\n");
    // A description missing a language is refused like any other text.
    site.write(
        "content/data/providers.yaml",
        &data.replace(named, "source: {zh: 转述支付宝文档的第三方资料}"),
    );
    site.run(&["build"])
        .failure()
        .expect_stderr("provider `alipay`: a `source` has no `en` text");
}

#[test]
fn a_fee_without_a_source_and_an_unknown_provider_are_errors() {
    let site = Site::new("basic");
    let data = site.read("content/data/providers.yaml").replacen(
        "source: https://stripe.com/pricing",
        "source: \"\"",
        1,
    );
    site.write("content/data/providers.yaml", &data);
    site.write(
        "content/en/fees.md",
        &site
            .read("content/en/fees.md")
            .replace("provider: stripe", "provider: strip"),
    );
    let run = site.run(&["build"]).failure();
    run.expect_stderr("content/data/providers.yaml:18:1: provider `stripe`: fee `US domestic cards` has no source\n  hint: every fee needs");
    run.expect_stderr("content/en/fees.md:9:1: the fees block cannot be shown: content/data/providers.yaml is missing or has errors\n");
}

#[test]
fn holidays_yaml_is_checked_with_the_site() {
    let site = Site::new("basic");
    let holidays = "\
regions:
  cn:
    name: {zh: 中国内地, en: mainland China}
    years:
      2026:
        source: https://www.gov.cn/zhengce/content/202511/content_7047090.htm
        as_of: 2026-12-03
        days_off:
          - {from: 2026-02-15, to: 2026-02-23, days: 9, name: {zh: 春节, en: Spring Festival}}
        working_days:
          - {date: 2026-02-13, name: {zh: 春节调休上班, en: Spring Festival make-up working day}}
";
    site.write("content/data/holidays.yaml", holidays);
    let run = site.run(&["check"]).failure();
    run.expect_stderr("content/data/holidays.yaml:11:20: `cn` 2026: 2026-02-13 is a Friday, a working day anyway\n  hint: working_days lists the Saturdays and Sundays worked instead (调休上班)\n");
    site.write(
        "content/data/holidays.yaml",
        &holidays.replace("2026-02-13", "2026-02-14"),
    );
    site.run(&["check"]).success();
}

#[test]
fn a_fees_block_naming_an_unknown_provider_suggests_the_nearest() {
    let site = Site::new("basic");
    site.write(
        "content/en/fees.md",
        &site
            .read("content/en/fees.md")
            .replace("provider: stripe", "provider: strip"),
    );
    let run = site.run(&["build"]).failure();
    run.expect_stderr("content/en/fees.md:9:1: fees block: unknown provider `strip` (not in content/data/providers.yaml)\n  hint: did you mean `stripe`?\n");
}

#[test]
fn the_faq_page_lists_every_question_as_faqpage_json_ld() {
    let site = Site::new("basic");
    site.run(&["build"]).success();
    for path in ["public/faq/index.html", "public/en/faq/index.html"] {
        let page = site.read(path);
        let start = page
            .find("<script type=\"application/ld+json\">")
            .expect("JSON-LD")
            + "<script type=\"application/ld+json\">".len();
        let end = start + page[start..].find("</script>").unwrap();
        let data: serde_json::Value = serde_json::from_str(&page[start..end]).expect("valid JSON");
        assert_eq!(data["@type"], "FAQPage");
        let questions: Vec<&str> = data["mainEntity"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| q["name"].as_str().unwrap())
            .collect();
        // Every level-2 heading of the article is a question, in order.
        let article = &page[page.find("<article>").unwrap()..page.find("</article>").unwrap()];
        let headings: Vec<String> = article
            .split("<h2 id=\"")
            .skip(1)
            .map(|h| {
                let text = &h[h.find('>').unwrap() + 1..h.find(" <a class=\"anchor\"").unwrap()];
                text.replace("<code>", "")
                    .replace("</code>", "")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
            })
            .collect();
        assert_eq!(questions, headings, "{path}");
        assert_eq!(questions.len(), 3);
        assert!(
            data["mainEntity"][0]["acceptedAnswer"]["text"]
                .as_str()
                .unwrap()
                .len()
                > 10
        );
        assert!(
            !page[start..end].contains("<script>"),
            "a `<` in the data cannot close the script element"
        );
    }
}

#[test]
fn serve_on_every_interface_warns() {
    let site = Site::new("basic");
    let mut child = spawn_serve(&site, free_port(), &["--bind", "0.0.0.0"]);
    let mut stderr = std::io::BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    stderr.read_line(&mut line).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(
        line,
        "warning: serving on every network interface (0.0.0.0): anyone on your network can read this preview\n"
    );
}

#[test]
fn check_warns_about_figures_read_over_a_year_ago() {
    let site = Site::new("basic");
    let run = site.run(&["check"]).success();
    run.expect_stderr("content/data/providers.yaml:35:1: warning: provider `alipay`: `most industries` was read on 2024-11, more than 12 months ago\n  hint: check the source again, then update the figure and its as_of date\n");
    let build = site.run(&["build"]).success();
    assert!(
        !build.stderr.contains("providers.yaml"),
        "build leaves the audit to check: {}",
        build.stderr
    );
}

/// The keys page of the basic fixture with a diagram after its text.
fn keys_with_diagram(diagram: &str) -> String {
    format!(
        "---\ntitle: Keys\ndescription: Managing keys.\nweight: 30\n---\n\n## Rotation {{#rotation}}\n\nRotate keys regularly. Back to [registering](register.md).\n\n```mermaid\n{diagram}```\n"
    )
}

#[test]
fn a_mermaid_block_becomes_an_svg_at_build_time_and_a_broken_one_fails_at_its_line() {
    let site = Site::new("basic");
    let good = "flowchart LR\n  accTitle: Rotating a key\n  accDescr: A new key is deployed before the old one is revoked.\n  A[New key] --> B[Deploy]\n  B --> C[Revoke the old key]\n";
    site.write("content/en/guide/keys.md", &keys_with_diagram(good));
    let run = site.run(&["build"]).success();
    assert!(!run.stderr.contains("warning"), "{}", run.stderr);
    let page = site.read("public/en/guide/keys/index.html");
    assert!(
        page.contains("<figure class=\"diagram\"><svg id=\"diagram-1\""),
        "{page}"
    );
    assert!(page.contains("<title id=\"diagram-1-title\">Rotating a key</title>"));
    assert!(page.contains(">Deploy</tspan>"), "labels are text");
    assert!(page.contains("/css/diagram.css?v="), "the theme styles it");
    // Nothing a strict Content-Security-Policy would refuse, and no script for it.
    let figure = &page[page.find("<figure class=\"diagram\">").unwrap()..];
    let figure = &figure[..figure.find("</figure>").unwrap()];
    for refused in [
        "<style",
        " style=",
        "<script",
        "<foreignObject",
        "javascript:",
    ] {
        assert!(!figure.contains(refused), "{refused} in {figure}");
    }
    let before = snapshot(&site.path("public"));

    // An unclosed label: the error is where the label starts, in the Markdown file.
    let broken = good.replace("C[Revoke the old key]", "C[Revoke the old key");
    site.write("content/en/guide/keys.md", &keys_with_diagram(&broken));
    let run = site.run(&["build"]).failure();
    run.expect_stderr_start("content/en/guide/keys.md:16:10: this diagram does not parse: (flowchart-v2): Unterminated node label (missing `]`)\n");
    assert_eq!(
        snapshot(&site.path("public")),
        before,
        "the last good output is intact"
    );

    // Its own colours and an unsupported kind are refused at their line.
    let coloured = format!("{good}  classDef hot fill:#f00\n");
    site.write("content/en/guide/keys.md", &keys_with_diagram(&coloured));
    site.run(&["check"]).failure().expect_stderr_start(
        "content/en/guide/keys.md:17:3: `classDef` is not supported in a diagram\n  hint: colours come from the site's theme, so a diagram follows light and dark mode\n",
    );
    site.write(
        "content/en/guide/keys.md",
        &keys_with_diagram("pie\n  \"a\": 1\n"),
    );
    site.run(&["check"]).failure().expect_stderr_start(
        "content/en/guide/keys.md:12:1: `pie` diagrams are not supported\n  hint: walletdesk draws: flowchart, graph, sequenceDiagram, timeline\n",
    );

    // A diagram without a text alternative is drawn, with a warning at its fence.
    let untitled = "sequenceDiagram\n  Shop->>Provider: new key\n";
    site.write("content/en/guide/keys.md", &keys_with_diagram(untitled));
    let run = site.run(&["build"]).success();
    run.expect_stderr("content/en/guide/keys.md:11:1: warning: this diagram has no text alternative for readers who cannot see it\n  hint: add `accTitle: …` (and `accDescr: …`) saying what the diagram shows\n");
}

/// The site navigation of a built page: the `<nav class="site-nav">` element.
fn site_nav(html: &str) -> &str {
    let start = html
        .find("<nav class=\"site-nav\"")
        .expect("a site navigation");
    let end = start + html[start..].find("</nav>").expect("its end");
    &html[start..end]
}

#[test]
fn a_site_template_that_reads_the_whole_navigation_tree_gets_it() {
    // The theme's own templates do not read `nav`, so pages are not given it; a site's
    // template that does must still see every section and page.
    let site = Site::new("basic");
    site.write(
        "templates/page.html",
        "{% extends \"base.html\" %}{% block main %}<ul id=\"tree\">{% for item in nav %}<li>{{ item.title }}:{% for child in item.children %} {{ child.title }}{% endfor %}</li>{% endfor %}</ul>{{ page.content | safe }}{% endblock main %}",
    );
    site.run(&["build"]).success();
    let html = site.read("public/en/guide/keys/index.html");
    let tree = &html[html.find("<ul id=\"tree\">").expect("the tree is rendered")..];
    let tree = &tree[..tree.find("</ul>").unwrap()];
    assert!(
        tree.contains("<li>Setup guide: Register a merchant account Keys</li><li>Fees:</li>"),
        "{tree}"
    );
}

#[test]
fn a_large_section_shows_a_bounded_block_of_its_pages_and_its_section_page_lists_them_all() {
    let site = Site::new("basic");
    site.write(
        "content/en/big/_index.md",
        "---\ntitle: Big section\nweight: 90\n---\n\nMany pages.\n",
    );
    for n in 0..600 {
        site.write(
            &format!("content/en/big/p{n:03}.md"),
            &format!("---\ntitle: Page {n}\nweight: {n}\n---\n\nText {n}.\n"),
        );
    }
    // Not a terminal: no progress bar, only the summary line, however long the build.
    let run = site.run(&["build"]).success();
    assert!(run.stdout.starts_with("built "), "{}", run.stdout);
    assert_eq!(run.stdout.lines().count(), 1, "{}", run.stdout);
    assert_eq!(run.stderr, "");
    let mut sizes = Vec::new();
    for n in 0..600 {
        let html = site.read(&format!("public/en/big/p{n:03}/index.html"));
        let nav = site_nav(&html);
        let listed: Vec<String> = urls(nav)
            .into_iter()
            .filter(|u| u.starts_with("/en/big/p"))
            .collect();
        // The block of 25 holding the page, the page itself marked as current.
        assert_eq!(listed.len(), 25.min(600 - n / 25 * 25), "page {n}");
        assert!(
            nav.contains(&format!("href=\"/en/big/p{n:03}/\" aria-current=\"page\"")),
            "page {n}: {nav}"
        );
        let first = n / 25 * 25;
        assert_eq!(listed[0], format!("/en/big/p{first:03}/"), "page {n}");
        // Then the way to every other page: the section page.
        let more = nav.find("<li class=\"more\">").map(|at| &nav[at + 17..]);
        assert!(
            more.is_some_and(|rest| rest
                .trim_start()
                .starts_with("<a href=\"/en/big/\">All 600 pages</a>")),
            "page {n}: {nav}"
        );
        sizes.push(nav.len());
    }
    // Bounded: no page's navigation is more than a few kilobytes, however many pages.
    assert!(
        sizes.iter().all(|&size| size < 4_000),
        "{:?}",
        sizes.iter().max()
    );
    // The section page opens the section at its first block and lists every page in its body.
    let section = site.read("public/en/big/index.html");
    let listed = urls(&section)
        .into_iter()
        .filter(|u| u.starts_with("/en/big/p"))
        .collect::<std::collections::BTreeSet<_>>();
    assert_eq!(listed.len(), 600);
    assert!(site_nav(&section).contains("href=\"/en/big/p000/\""));
    // A small section still lists all its pages in every page's navigation.
    let guide = site.read("public/en/guide/keys/index.html");
    assert!(site_nav(&guide).contains("href=\"/en/guide/register/\""));
    assert!(!site_nav(&guide).contains("class=\"more\""));
}
