//! The setup wizard: `content/wizard.yaml` (questions, derived values, provider rules, plan
//! items, risks) checked at build time, and the engine that turns answers into a rollout plan.

pub mod condition;
pub mod definition;
pub mod engine;
pub mod export;
pub mod schema;

use std::collections::BTreeMap;
use std::path::Path;

use crate::error::Diagnostic;
use crate::pipeline::{self, Options};

/// What `walletdesk plan` was asked for.
pub struct PlanRequest<'a> {
    pub answers: &'a Path,
    pub lang: Option<&'a str>,
    pub start: chrono::NaiveDate,
    /// Markdown; otherwise JSON.
    pub markdown: bool,
}

/// The line of `key:` in an answers file (0 when it is not found).
fn key_line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| {
            let l = l.trim_start().trim_start_matches('"');
            l.starts_with(key) && l[key.len()..].trim_start_matches('"').starts_with(':')
        })
        .map_or(0, |i| i + 1)
}

/// Reads the site (its wizard, providers and pages) and the answers, and writes the plan.
pub fn write_plan(options: &Options, request: &PlanRequest) -> Result<String, Vec<Diagnostic>> {
    let compiled = pipeline::compile(options)?;
    let site = &compiled.site;
    let at = |message: String| vec![Diagnostic::error(definition::WIZARD_FILE, 0, 0, message)];
    let (Some(definition), Some(providers)) = (&site.wizard, &site.providers) else {
        return Err(at(
            "this site has no setup wizard: content/wizard.yaml and content/data/providers.yaml are needed"
                .into(),
        ));
    };
    let lang_code = request
        .lang
        .unwrap_or(&site.config.default_language().code)
        .to_string();
    let Some(lang) = site.config.language_index(&lang_code) else {
        let codes: Vec<&str> = site
            .config
            .languages
            .iter()
            .map(|l| l.code.as_str())
            .collect();
        return Err(vec![
            Diagnostic::error(
                "--lang",
                0,
                0,
                format!("the site has no language `{lang_code}`"),
            )
            .with_hint(format!("its languages: {}", codes.join(", "))),
        ]);
    };
    let path = request.answers;
    let text = std::fs::read_to_string(path).map_err(|e| {
        vec![Diagnostic::error(
            path,
            0,
            0,
            format!("cannot read the answers: {e}"),
        )]
    })?;
    let answers: engine::Answers =
        serde_yaml::from_str::<Option<BTreeMap<String, serde_json::Value>>>(&text)
            .map_err(|e| vec![crate::error::yaml_diagnostic(path, 1, &e)])?
            .unwrap_or_default();
    let plan = engine::plan(definition, providers, &answers, request.start, &lang_code).map_err(
        |errors| {
            errors
                .into_iter()
                .map(|e| Diagnostic::error(path, key_line(&text, &e.question), 1, e.message))
                .collect::<Vec<_>>()
        },
    )?;
    if !request.markdown {
        return Ok(export::json(&plan));
    }
    let link = |doc: &str| -> String {
        let target = doc.strip_prefix("@/").unwrap_or(doc);
        let (key, anchor) = target.split_once('#').unwrap_or((target, ""));
        match site.find(lang, key) {
            Some(page) => {
                let url = site.config.base_url.absolute(&site.pages[page].path);
                if anchor.is_empty() {
                    url
                } else {
                    format!("{url}#{anchor}")
                }
            }
            None => doc.to_string(),
        }
    };
    Ok(export::markdown(&plan, &link))
}
