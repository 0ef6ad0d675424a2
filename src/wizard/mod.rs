//! The setup wizard: `content/wizard.yaml` (questions, derived values, provider rules, plan
//! items, risks) checked at build time, and the engine that turns answers into a rollout plan.

pub mod answers;
pub mod condition;
pub mod definition;
pub mod engine;
pub mod export;
pub mod schema;

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::Diagnostic;
use crate::pipeline::{self, Options};

/// The wizard as the browser reads it: the checked definition (conditions in their JSON form);
/// of providers.yaml, what plans use (names and the fees that estimates add up); the words of
/// the exports; and, per language, each doc link's `href` (for the page) and `url` (absolute,
/// for downloads, as `walletdesk plan` writes it).
pub fn compiled(site: &crate::site::Site) -> Option<serde_json::Value> {
    let (Some(definition), Some(providers)) = (&site.wizard, &site.providers) else {
        return None;
    };
    // What both engines read of providers.yaml: names, the accounts' currencies, who may open
    // an account (and the fact that says so), and every fee a plan lists.
    let providers_value: Vec<serde_json::Value> = providers
        .providers
        .iter()
        .map(|p| {
            let fees: Vec<serde_json::Value> = p
                .fees
                .iter()
                .filter(|f| f.kind != crate::data::FeeKind::Dispute)
                .map(|f| {
                    serde_json::json!({
                        "kind": f.kind, "channel": f.channel, "accounts": f.accounts,
                        "applies_to": f.applies_to,
                        "label": f.label, "percent": f.percent, "fixed": f.fixed,
                        "currency": f.currency, "source": f.source, "as_of": f.as_of.0,
                        "estimate": f.estimate,
                    })
                })
                .collect();
            let eligibility = p.facts.iter().find(|f| f.businesses_from.is_some()).map(
                |f| serde_json::json!({"businesses_from": f.businesses_from, "text": f.text}),
            );
            serde_json::json!({"id": p.id, "name": p.name, "eligibility": eligibility, "fees": fees})
        })
        .collect();
    // The public holidays of the regions the wizard names, as dates.
    let holidays: BTreeMap<&str, serde_json::Value> = definition
        .regions
        .iter()
        .flat_map(|r| r.options.values())
        .filter_map(|code| {
            let region = site.holidays.as_ref()?.region(code)?;
            let years: Vec<i32> = region.years().map(|(year, _)| year).collect();
            let off: Vec<String> = region
                .years()
                .flat_map(|(_, y)| y.days_off().map(|(d, _)| d.to_string()))
                .collect();
            let work: Vec<String> = region
                .years()
                .flat_map(|(_, y)| y.working_days().map(|(d, _)| d.to_string()))
                .collect();
            Some((
                code.as_str(),
                serde_json::json!({"name": region.name, "years": years, "off": off, "work": work}),
            ))
        })
        .collect();
    let docs: std::collections::BTreeSet<&str> = definition
        .items
        .iter()
        .map(|i| i.doc.as_str())
        .chain(definition.risks.iter().map(|r| r.doc.as_str()))
        .collect();
    let links: BTreeMap<&str, BTreeMap<&str, serde_json::Value>> = site
        .config
        .languages
        .iter()
        .enumerate()
        .map(|(lang, language)| {
            let links = docs
                .iter()
                .map(|&doc| {
                    let [href, url] = doc_links(site, lang, doc);
                    (doc, serde_json::json!({"href": href, "url": url}))
                })
                .collect();
            (language.code.as_str(), links)
        })
        .collect();
    Some(serde_json::json!({
        "definition": definition,
        "providers": {
            "version": providers.version,
            "accounts": providers.accounts,
            "providers": providers_value,
        },
        "holidays": holidays,
        "words": {"zh": export::words("zh"), "en": export::words("en")},
        "links": links,
    }))
}

/// `@/guide/go-live.md#pilot` → the page's root-relative href and absolute URL in language
/// `lang` (the link itself when there is no such page; the build has already said so).
fn doc_links(site: &crate::site::Site, lang: usize, doc: &str) -> [String; 2] {
    let target = doc.strip_prefix("@/").unwrap_or(doc);
    let (key, anchor) = target.split_once('#').unwrap_or((target, ""));
    let Some(page) = site.find(lang, key) else {
        return [doc.to_string(), doc.to_string()];
    };
    let path = &site.pages[page].path;
    let fragment = if anchor.is_empty() {
        String::new()
    } else {
        format!("#{anchor}")
    };
    let base = &site.config.base_url;
    [
        format!("{}{fragment}", base.href(path)),
        format!("{}{fragment}", base.absolute(path)),
    ]
}

/// What `walletdesk plan` was asked for.
pub struct PlanRequest<'a> {
    /// One merchant's answers (YAML or JSON), or with `batch` a CSV file of merchants, one per
    /// row; `None`: ask the questions on standard input.
    pub answers: Option<&'a Path>,
    pub batch: bool,
    pub lang: Option<&'a str>,
    pub start: chrono::NaiveDate,
    pub format: Format,
}

/// The formats a plan is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A Markdown checklist.
    Markdown,
    /// The plan as data (what both engines produce).
    Json,
    /// The tasks as a spreadsheet (RFC 4180).
    Csv,
    /// Milestones as events and tasks as to-dos (RFC 5545).
    Ics,
    /// One self-contained printable page with a timeline.
    Html,
}

impl Format {
    pub fn extension(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Json => "json",
            Format::Csv => "csv",
            Format::Ics => "ics",
            Format::Html => "html",
        }
    }
}

/// A site with a wizard (and the theme whose `plan.html` writes HTML plans), and the language
/// plans are written in.
struct Planner<'a> {
    site: &'a crate::site::Site,
    renderer: &'a crate::render::Renderer,
    theme: &'a crate::theme::Theme,
    definition: &'a definition::Definition,
    providers: &'a crate::data::Providers,
    lang: usize,
    code: String,
}

/// Why a plan was not written: the answers do not fit, or the site's `plan.html` failed.
enum Unwritten {
    Answers(Vec<engine::AnswerError>),
    Template(Diagnostic),
}

impl Planner<'_> {
    /// One plan as text, or why it could not be written.
    fn write(
        &self,
        answers: &engine::Answers,
        request: &PlanRequest,
    ) -> Result<(engine::Plan, String), Unwritten> {
        let plan = engine::plan(
            self.definition,
            self.providers,
            self.site.holidays.as_ref(),
            answers,
            request.start,
            &self.code,
        )
        .map_err(Unwritten::Answers)?;
        let link = |doc: &str| self.link(doc);
        let text = match request.format {
            Format::Markdown => export::markdown(&plan, &link),
            Format::Json => export::json(&plan),
            Format::Csv => export::csv(&plan, &link),
            Format::Ics => export::ics(&plan, &link),
            Format::Html => {
                let locale = self.site.config.languages[self.lang].locale();
                let page = export::html::page(&plan, &link, locale);
                let context = tera::Context::from_serialize(&page).map_err(|e| {
                    Unwritten::Template(Diagnostic::error(
                        export::html::TEMPLATE,
                        0,
                        0,
                        e.to_string(),
                    ))
                })?;
                self.renderer
                    .render_template(self.theme, export::html::TEMPLATE, &context)
                    .map_err(Unwritten::Template)?
            }
        };
        Ok((plan, text))
    }

    /// `@/guide/go-live.md#pilot` → the page's URL in the plan's language.
    fn link(&self, doc: &str) -> String {
        let [_, url] = doc_links(self.site, self.lang, doc);
        url
    }
}

/// The plans `walletdesk plan` writes: one text for one merchant; for a batch, a file name
/// (`001-harbour-gifts.md`) and text per row.
pub enum Written {
    One(String),
    Batch(Vec<(String, String)>),
}

/// Reads the site (its wizard, providers and pages) and the answers, and writes the plans.
pub fn write_plans(options: &Options, request: &PlanRequest) -> Result<Written, Vec<Diagnostic>> {
    let compiled = pipeline::compile(options)?;
    let site = &compiled.site;
    let (Some(definition), Some(providers)) = (&site.wizard, &site.providers) else {
        return Err(vec![Diagnostic::error(
            definition::WIZARD_FILE,
            0,
            0,
            "this site has no setup wizard: content/wizard.yaml and content/data/providers.yaml are needed",
        )]);
    };
    let code = request
        .lang
        .unwrap_or(&site.config.default_language().code)
        .to_string();
    let Some(lang) = site.config.language_index(&code) else {
        let codes: Vec<&str> = site
            .config
            .languages
            .iter()
            .map(|l| l.code.as_str())
            .collect();
        return Err(vec![
            Diagnostic::error("--lang", 0, 0, format!("the site has no language `{code}`"))
                .with_hint(format!("its languages: {}", codes.join(", "))),
        ]);
    };
    let planner = Planner {
        site,
        renderer: &compiled.renderer,
        theme: &compiled.theme,
        definition,
        providers,
        lang,
        code,
    };
    let Some(path) = request.answers else {
        let stdin = std::io::stdin();
        let strings = crate::i18n::strings_for(&site.config.languages[lang]);
        let answers = ask(
            definition,
            &planner.code,
            &strings,
            &mut stdin.lock(),
            &mut std::io::stderr(),
        )
        .map_err(|message| vec![Diagnostic::error("<stdin>", 0, 0, message)])?;
        return planner
            .write(&answers, request)
            .map(|(_, text)| Written::One(text))
            .map_err(|unwritten| unwritten.at(|e| Diagnostic::error("<stdin>", 0, 0, e.message)));
    };
    let bytes = std::fs::read(path).map_err(|e| {
        vec![Diagnostic::error(
            path,
            0,
            0,
            format!("cannot read the answers: {e}"),
        )]
    })?;
    if request.batch {
        let text = batch_text(path, &bytes)?;
        return batch(&planner, request, path, text).map(Written::Batch);
    }
    let file = answers::read(path, &bytes)?;
    planner
        .write(&file.answers, request)
        .map(|(_, text)| Written::One(text))
        .map_err(|unwritten| {
            unwritten.at(|e| Diagnostic::error(path, file.line(&e.question), 1, e.message))
        })
}

/// The text of a batch CSV file: UTF-8, a byte-order mark (as spreadsheets write one) skipped.
fn batch_text<'a>(path: &Path, bytes: &'a [u8]) -> Result<&'a str, Vec<Diagnostic>> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| {
        let lossy = String::from_utf8_lossy(bytes);
        let (line, col) = crate::error::LineIndex::new(&lossy).locate(e.valid_up_to());
        vec![
            Diagnostic::error(path, line, col, "not valid UTF-8").with_hint(
                "save the file as UTF-8 (in a spreadsheet: CSV UTF-8); GBK, Big5 and other encodings are not read",
            ),
        ]
    })
}

impl Unwritten {
    /// The problems to report, each answer's placed by `at`.
    fn at(self, at: impl Fn(engine::AnswerError) -> Diagnostic) -> Vec<Diagnostic> {
        match self {
            Unwritten::Answers(errors) => errors.into_iter().map(at).collect(),
            Unwritten::Template(problem) => vec![problem],
        }
    }
}

/// Asks the questions one by one (those shown for the answers so far), reading an answer per
/// line: text, a number, a date, an option's number, or for a multiple choice the options'
/// numbers separated by commas. A wrong answer is explained (in `strings`' language) and asked
/// again; an empty one skips a question that may be skipped.
pub fn ask(
    definition: &definition::Definition,
    lang: &str,
    strings: &crate::i18n::Strings,
    input: &mut dyn std::io::BufRead,
    prompt: &mut dyn std::io::Write,
) -> Result<engine::Answers, String> {
    use condition::Value;
    use schema::QuestionType;
    let local = |text: &schema::Text| {
        text.get(lang)
            .or_else(|| text.values().next())
            .cloned()
            .unwrap_or_default()
    };
    let say = |key: &str, fill: &[(&str, String)]| {
        let mut text = strings.get(key).cloned().unwrap_or_else(|| key.to_string());
        for (name, value) in fill {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    };
    let mut answers = engine::Answers::new();
    let mut values: BTreeMap<String, Value> = BTreeMap::new();
    for question in &definition.questions {
        if !question.show_if.eval(&values) {
            continue;
        }
        let _ = writeln!(prompt, "\n{}", local(&question.label));
        if let Some(help) = &question.help {
            let _ = writeln!(prompt, "  ({})", local(help));
        }
        for (i, option) in question.options.iter().enumerate() {
            let _ = writeln!(prompt, "  {}) {}", i + 1, local(&option.name));
        }
        let hint = match question.kind {
            QuestionType::Multi => "[1,2,…] ",
            QuestionType::Date => "[YYYY-MM-DD] ",
            _ => "",
        };
        let count = question.options.len().to_string();
        let wrong = match question.kind {
            QuestionType::Choice => say("wizard_pick_option", &[("n", count)]),
            QuestionType::Multi => say("wizard_pick_options", &[("n", count)]),
            QuestionType::Number => match (question.min, question.max) {
                (Some(min), Some(max)) => say(
                    "wizard_number_range",
                    &[("min", min.to_string()), ("max", max.to_string())],
                ),
                (Some(min), None) => say("wizard_number_needed", &[("min", min.to_string())]),
                _ => say("wizard_number_any", &[]),
            },
            QuestionType::Date => say("wizard_date_format", &[]),
            QuestionType::Text => say("wizard_answer_needed", &[]),
        };
        let mut first = true;
        loop {
            if !first {
                let _ = writeln!(prompt, "{wrong}");
            }
            first = false;
            let _ = write!(prompt, "> {hint}");
            let _ = prompt.flush();
            let mut line = String::new();
            if input.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
                return Err(format!("no answer to `{}`: the input ended", question.id));
            }
            let line = line.trim();
            if line.is_empty() && !question.required {
                break;
            }
            let pick = |n: &str| -> Option<&str> {
                let i: usize = n.trim().parse().ok()?;
                question
                    .options
                    .get(i.checked_sub(1)?)
                    .map(|o| o.id.as_str())
            };
            let (answer, value) = match question.kind {
                QuestionType::Choice => match pick(line) {
                    Some(id) => (serde_json::Value::from(id), Some(Value::Choice(id.into()))),
                    None => continue,
                },
                QuestionType::Multi => {
                    let ids: Option<Vec<&str>> = line
                        .split([',', '，', ' '])
                        .filter(|s| !s.is_empty())
                        .map(pick)
                        .collect();
                    match ids.filter(|ids| !ids.is_empty()) {
                        Some(ids) => (
                            serde_json::Value::from(ids.clone()),
                            Some(Value::Multi(ids.into_iter().map(String::from).collect())),
                        ),
                        None => continue,
                    }
                }
                QuestionType::Number => match line.replace([',', '_'], "").parse::<f64>() {
                    Ok(n)
                        if n.is_finite()
                            && question.min.is_none_or(|m| n >= m)
                            && question.max.is_none_or(|m| n <= m) =>
                    {
                        (serde_json::Value::from(n), Some(Value::Number(n)))
                    }
                    _ => continue,
                },
                QuestionType::Date => match engine::parse_date(line) {
                    Some(date) => (serde_json::Value::from(date.to_string()), None),
                    None => continue,
                },
                QuestionType::Text if !line.is_empty() => (serde_json::Value::from(line), None),
                QuestionType::Text => continue,
            };
            answers.insert(question.id.clone(), answer);
            if let Some(value) = value {
                values.insert(question.id.clone(), value);
            }
            break;
        }
    }
    Ok(answers)
}

/// One plan per row of a CSV file whose header names the questions. A multiple choice lists
/// its options separated by `;`; an empty cell is no answer.
fn batch(
    planner: &Planner,
    request: &PlanRequest,
    path: &Path,
    text: &str,
) -> Result<Vec<(String, String)>, Vec<Diagnostic>> {
    let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let csv_error = |e: csv::Error| {
        let line = e.position().map_or(0, |p| p.line() as usize);
        vec![Diagnostic::error(
            path,
            line,
            1,
            format!("not a CSV file as expected: {e}"),
        )]
    };
    let headers = reader.headers().map_err(csv_error)?.clone();
    let mut problems = Vec::new();
    for (column, name) in headers.iter().enumerate() {
        if !planner.definition.questions.iter().any(|q| q.id == name) {
            let known: Vec<&str> = planner
                .definition
                .questions
                .iter()
                .map(|q| q.id.as_str())
                .collect();
            problems.push(
                Diagnostic::error(
                    path,
                    1,
                    column + 1,
                    format!("column `{name}` is no question"),
                )
                .with_hint(format!("the questions: {}", known.join(", "))),
            );
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut plans = Vec::new();
    let mut record = csv::StringRecord::new();
    let bytes = text.as_bytes();
    // The line of the next record, counted on from the last one's: a batch of thousands of
    // rows is read in one pass.
    let (mut counted, mut line) = (0, 1);
    loop {
        // Where the next record starts (after the line break, which csv may not have read yet
        // after a `\r`).
        let mut start = (reader.position().byte() as usize).min(bytes.len());
        while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
            start += 1;
        }
        line += bytes[counted..start]
            .iter()
            .filter(|&&b| b == b'\n')
            .count();
        counted = start;
        if !reader.read_record(&mut record).map_err(csv_error)? {
            break;
        }
        let mut answers = engine::Answers::new();
        for (name, cell) in headers.iter().zip(record.iter()) {
            let cell = cell.trim();
            if cell.is_empty() {
                continue;
            }
            let question = planner
                .definition
                .questions
                .iter()
                .find(|q| q.id == name)
                .expect("checked above");
            let value = match question.kind {
                schema::QuestionType::Multi => serde_json::Value::from(
                    cell.split(';')
                        .map(|o| o.trim())
                        .filter(|o| !o.is_empty())
                        .collect::<Vec<_>>(),
                ),
                schema::QuestionType::Number => match cell.parse::<f64>() {
                    Ok(n) => serde_json::Value::from(n),
                    Err(_) => serde_json::Value::from(cell),
                },
                _ => serde_json::Value::from(cell),
            };
            answers.insert(name.to_string(), value);
        }
        match planner.write(&answers, request) {
            Ok((plan, text)) => plans.push((export::file_stem(&plan.merchant), text)),
            Err(Unwritten::Answers(errors)) => problems.extend(errors.into_iter().map(|e| {
                let column = headers
                    .iter()
                    .position(|h| h == e.question)
                    .map_or(1, |c| c + 1);
                Diagnostic::error(path, line, column, e.message)
            })),
            // The template fails every row alike: once is enough.
            Err(Unwritten::Template(problem)) => return Err(vec![problem]),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    // Numbered in row order, padded so that names sort in that order too.
    let width = plans.len().to_string().len().max(3);
    let ext = request.format.extension();
    Ok(plans
        .into_iter()
        .enumerate()
        .map(|(i, (stem, text))| (format!("{:0width$}-{stem}.{ext}", i + 1), text))
        .collect())
}
