//! `content/wizard.yaml` → a checked [`Definition`]: every condition parsed and type-checked,
//! every reference (phase, role, provider, dependency) resolved, no dependency cycle, every text
//! in every language, and no item that no answers can ever bring into a plan. Problems carry the
//! line (and for conditions the column) in wizard.yaml. Links to pages are checked against the
//! site by [`check_links`].

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use serde::Serialize;

use super::condition::{self, Condition, Kind, Value};
use super::schema::{self, Checklist, Named, QuestionType, Text};
use crate::error::{Diagnostic, yaml_diagnostic};

pub const WIZARD_FILE: &str = "content/wizard.yaml";

/// A yes/no value risk conditions may read: the longest schedule ends after the target date.
pub const TARGET_MISSED: &str = "target_missed";

#[derive(Debug, Clone, Serialize)]
pub struct Question {
    pub id: String,
    pub kind: QuestionType,
    pub label: Text,
    pub help: Option<Text>,
    pub options: Vec<Named>,
    pub show_if: Condition,
    pub required: bool,
    pub min: Option<f64>,
    pub max: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Rule {
    pub when: Condition,
    pub score: i32,
    pub reason: Text,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProviderRules {
    pub provider: String,
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub id: String,
    pub phase: String,
    pub title: Text,
    /// Responsible: does the work.
    pub owner: String,
    /// Answers for it.
    pub accountable: String,
    /// Asked before.
    pub consulted: Vec<String>,
    /// Told after.
    pub informed: Vec<String>,
    pub days: [u32; 2],
    /// The first whose condition holds replaces `days`.
    pub days_if: Vec<(Condition, [u32; 2])>,
    pub after: Vec<String>,
    pub doc: String,
    pub evidence: Text,
    pub gate: bool,
    pub checklist: Option<Checklist>,
    pub when: Condition,
}

#[derive(Debug, Clone, Serialize)]
pub struct Risk {
    pub id: String,
    pub when: Condition,
    pub title: Text,
    pub mitigation: Text,
    pub doc: String,
}

/// The wizard, checked: what both engines (Rust and the browser's) run.
#[derive(Debug, Clone, Serialize)]
pub struct Definition {
    pub version: u32,
    pub roles: Vec<Named>,
    pub phases: Vec<Named>,
    pub questions: Vec<Question>,
    pub derived: Vec<(String, Condition)>,
    /// When a fee of one way of paying counts in a plan's estimates (none: always).
    pub fee_channels: BTreeMap<crate::data::Channel, Condition>,
    pub providers: Vec<ProviderRules>,
    pub items: Vec<Item>,
    pub risks: Vec<Risk>,
}

/// Finds the lines of ids and conditions in the file's text.
struct Locator<'a> {
    lines: Vec<&'a str>,
}

impl<'a> Locator<'a> {
    fn new(text: &'a str) -> Self {
        Locator {
            lines: text.lines().collect(),
        }
    }

    /// The line of `id: <id>` (or `provider: <id>`) at or after line `from`.
    fn id(&self, key: &str, id: &str, from: usize) -> usize {
        let wanted = [
            format!("{key}: {id}"),
            format!("{key}: \"{id}\""),
            format!("{key}: '{id}'"),
        ];
        self.lines
            .iter()
            .enumerate()
            .skip(from.saturating_sub(1))
            .find(|(_, l)| {
                let l = l
                    .trim_start()
                    .trim_start_matches("- ")
                    .trim_start_matches("{ ");
                wanted.iter().any(|w| {
                    l.starts_with(w.as_str())
                        && l[w.len()..]
                            .chars()
                            .next()
                            .is_none_or(|c| matches!(c, ',' | ' ' | '}'))
                })
            })
            .map_or(from.max(1), |(i, _)| i + 1)
    }

    /// Line and column of `needle` at or after line `from` (its first character).
    fn text(&self, needle: &str, from: usize) -> (usize, usize) {
        self.lines
            .iter()
            .enumerate()
            .skip(from.saturating_sub(1))
            .find_map(|(i, l)| Some((i + 1, l.find(needle)? + 1)))
            .unwrap_or((from.max(1), 1))
    }
}

struct Checker<'a> {
    path: &'a Path,
    at: Locator<'a>,
    languages: &'a [&'a str],
    problems: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn error(&mut self, line: usize, col: usize, message: impl Into<String>) -> &mut Diagnostic {
        self.problems
            .push(Diagnostic::error(self.path, line, col, message));
        self.problems.last_mut().expect("just pushed")
    }

    fn text(&mut self, line: usize, what: &str, text: &Text) {
        for code in self.languages {
            if text.get(*code).is_none_or(|t| t.trim().is_empty()) {
                self.error(line, 1, format!("{what} has no `{code}` text"));
            }
        }
    }

    /// Parses a condition written on or after `line`; `Never` (with a problem) when it is wrong.
    fn condition(&mut self, line: usize, text: &str, names: &BTreeMap<String, Kind>) -> Condition {
        match condition::parse(text, names) {
            Ok(condition) => condition,
            Err(problem) => {
                let (line, col) = self.at.text(text, line);
                let hint = problem.hint.clone();
                let diagnostic = self.error(line, col + problem.offset, problem.message);
                diagnostic.hint = hint;
                Condition::Never
            }
        }
    }

    fn unique<'b>(&mut self, key: &str, what: &str, ids: impl IntoIterator<Item = &'b str>) {
        let mut seen = BTreeSet::new();
        for id in ids {
            if !seen.insert(id) {
                let first = self.at.id(key, id, 1);
                let line = self.at.id(key, id, first + 1);
                self.error(line, 1, format!("{what} `{id}` is defined twice"))
                    .hint = Some(format!("the first is on line {first}"));
            }
        }
    }
}

fn kind_of(question: &schema::Question) -> Kind {
    let options = || question.options.iter().map(|o| o.id.clone()).collect();
    match question.kind {
        QuestionType::Choice => Kind::Choice(options()),
        QuestionType::Multi => Kind::Multi(options()),
        QuestionType::Number => Kind::Number,
        QuestionType::Text => Kind::Other("a text answer: not usable in conditions"),
        QuestionType::Date => Kind::Other("a date: not usable in conditions"),
    }
}

/// Parses and checks wizard.yaml. `languages`: the site's language codes (every text needs
/// each); `providers`: the provider ids of providers.yaml.
pub fn parse(
    path: &Path,
    text: &str,
    languages: &[&str],
    providers: &[&str],
) -> Result<Definition, Vec<Diagnostic>> {
    let raw: schema::Wizard =
        serde_yaml::from_str(text).map_err(|e| vec![yaml_diagnostic(path, text, 1, &e)])?;
    let mut check = Checker {
        path,
        at: Locator::new(text),
        languages,
        problems: Vec::new(),
    };
    check.unique("id", "a role", raw.roles.iter().map(|r| r.id.as_str()));
    check.unique("id", "a phase", raw.phases.iter().map(|p| p.id.as_str()));
    let names_ids = raw.questions.iter().map(|q| q.id.as_str());
    check.unique(
        "id",
        "a question or derived value",
        names_ids.chain(raw.derived.iter().map(|d| d.id.as_str())),
    );
    check.unique("id", "an item", raw.items.iter().map(|i| i.id.as_str()));
    check.unique("id", "a risk", raw.risks.iter().map(|r| r.id.as_str()));
    for named in raw.roles.iter().chain(&raw.phases) {
        let line = check.at.id("id", &named.id, 1);
        check.text(line, &format!("`{}`", named.id), &named.name);
    }

    let mut names: BTreeMap<String, Kind> = BTreeMap::new();
    let mut questions = Vec::new();
    for question in &raw.questions {
        let line = check.at.id("id", &question.id, 1);
        check.text(
            line,
            &format!("question `{}`", question.id),
            &question.label,
        );
        if let Some(help) = &question.help {
            check.text(line, &format!("the help of `{}`", question.id), help);
        }
        let has_options = matches!(question.kind, QuestionType::Choice | QuestionType::Multi);
        if has_options && question.options.len() < 2 {
            check.error(
                line,
                1,
                format!("question `{}` needs at least two options", question.id),
            );
        } else if !has_options && !question.options.is_empty() {
            check.error(
                line,
                1,
                format!(
                    "question `{}` is not a choice: it takes no options",
                    question.id
                ),
            );
        }
        for option in &question.options {
            check.text(
                line,
                &format!("option `{}` of `{}`", option.id, question.id),
                &option.name,
            );
        }
        // A question shows depending on the answers before it only.
        let show_if = match &question.show_if {
            Some(text) => check.condition(line, text, &names),
            None => Condition::Always,
        };
        names.insert(question.id.clone(), kind_of(question));
        questions.push(Question {
            id: question.id.clone(),
            kind: question.kind,
            label: question.label.clone(),
            help: question.help.clone(),
            options: question.options.clone(),
            show_if,
            required: question.required,
            min: question.min,
            max: question.max,
        });
    }
    let mut derived = Vec::new();
    for value in &raw.derived {
        let line = check.at.id("id", &value.id, 1);
        let when = check.condition(line, &value.when, &names);
        names.insert(value.id.clone(), Kind::Bool);
        derived.push((value.id.clone(), when));
    }

    let mut fee_channels = BTreeMap::new();
    for (channel, when) in &raw.fee_channels {
        let line = check.at.text("fee_channels:", 1).0;
        fee_channels.insert(*channel, check.condition(line, when, &names));
    }

    let mut provider_rules = Vec::new();
    for entry in &raw.providers {
        let line = check.at.id("provider", &entry.provider, 1);
        if !providers.contains(&entry.provider.as_str()) {
            let hint = crate::error::nearest(&entry.provider, providers.iter().copied())
                .map(|n| format!("did you mean `{n}`?"))
                .unwrap_or_else(|| format!("providers.yaml has: {}", providers.join(", ")));
            check
                .error(
                    line,
                    1,
                    format!("no provider `{}` in providers.yaml", entry.provider),
                )
                .hint = Some(hint);
        }
        let rules = entry
            .rules
            .iter()
            .map(|rule| {
                let rule_line = check.at.text(&rule.when, line).0;
                check.text(
                    rule_line,
                    &format!("a rule of `{}`", entry.provider),
                    &rule.reason,
                );
                Rule {
                    when: check.condition(line, &rule.when, &names),
                    score: rule.score,
                    reason: rule.reason.clone(),
                }
            })
            .collect();
        provider_rules.push(ProviderRules {
            provider: entry.provider.clone(),
            rules,
        });
    }

    let phase_ids: Vec<&str> = raw.phases.iter().map(|p| p.id.as_str()).collect();
    let role_ids: Vec<&str> = raw.roles.iter().map(|r| r.id.as_str()).collect();
    let item_ids: Vec<&str> = raw.items.iter().map(|i| i.id.as_str()).collect();
    let mut items = Vec::new();
    for item in &raw.items {
        let line = check.at.id("id", &item.id, 1);
        let what = format!("item `{}`", item.id);
        check.text(line, &what, &item.title);
        check.text(
            line,
            &format!("the evidence of `{}`", item.id),
            &item.evidence,
        );
        let accountable = item
            .accountable
            .as_ref()
            .or(raw.accountable.as_ref())
            .unwrap_or(&item.owner);
        let mut references = vec![
            ("phase", &item.phase, &phase_ids, "phase"),
            ("owner", &item.owner, &role_ids, "role"),
            ("accountable", accountable, &role_ids, "role"),
        ];
        references.extend(item.consulted.iter().map(|r| ("", r, &role_ids, "role")));
        references.extend(item.informed.iter().map(|r| ("", r, &role_ids, "role")));
        for (key, value, known, kind) in references {
            if !known.contains(&value.as_str()) {
                let needle = if key.is_empty() {
                    value.clone()
                } else {
                    format!("{key}: {value}")
                };
                let (at, col) = match (key, &raw.accountable) {
                    // The wizard's default `accountable:` is written once, at the top.
                    ("accountable", Some(default))
                        if item.accountable.is_none() && default == value =>
                    {
                        check.at.text(&needle, 1)
                    }
                    _ => check.at.text(&needle, line),
                };
                let hint = crate::error::nearest(value, known.iter().copied())
                    .map(|n| format!("did you mean `{n}`?"))
                    .unwrap_or_else(|| format!("the {kind}s: {}", known.join(", ")));
                check
                    .error(at, col, format!("{what} has an unknown {kind} `{value}`"))
                    .hint = Some(hint);
            }
        }
        // Each role has one part in an item: responsible and accountable may be the same
        // role, but a role consulted or informed is neither, nor both, nor listed twice.
        let mut parts: Vec<&String> = vec![&item.owner, accountable];
        let listed = (item.consulted.iter().map(|r| ("consulted:", r)))
            .chain(item.informed.iter().map(|r| ("informed:", r)));
        for (key, role) in listed {
            if parts.contains(&role) && role_ids.contains(&role.as_str()) {
                let (key_line, _) = check.at.text(key, line);
                let (at, col) = check.at.text(role, key_line);
                check
                    .error(
                        at,
                        col,
                        format!("{what}: role `{role}` has two parts in it"),
                    )
                    .hint = Some(
                    "a role is responsible (owner) or accountable, or consulted, or informed"
                        .into(),
                );
            }
            parts.push(role);
        }
        for dependency in &item.after {
            if !item_ids.contains(&dependency.as_str()) {
                let (at, col) = check.at.text(dependency, line);
                let hint = crate::error::nearest(dependency, item_ids.iter().copied())
                    .map(|n| format!("did you mean `{n}`?"));
                check
                    .error(
                        at,
                        col,
                        format!("{what} waits for `{dependency}`, which is no item"),
                    )
                    .hint = hint;
            }
        }
        let mut ranges = vec![item.days];
        let days_if = item
            .days_if
            .iter()
            .map(|d| {
                ranges.push(d.days);
                (check.condition(line, &d.when, &names), d.days)
            })
            .collect();
        if ranges.iter().any(|[low, high]| low > high) {
            check.error(
                line,
                1,
                format!(
                    "{what}: a duration's first number (fewest days) is larger than its second"
                ),
            );
        }
        let when = match &item.when {
            Some(text) => check.condition(line, text, &names),
            None => Condition::Always,
        };
        items.push(Item {
            id: item.id.clone(),
            phase: item.phase.clone(),
            title: item.title.clone(),
            owner: item.owner.clone(),
            accountable: accountable.clone(),
            consulted: item.consulted.clone(),
            informed: item.informed.clone(),
            days: item.days,
            days_if,
            after: item.after.clone(),
            doc: item.doc.clone(),
            evidence: item.evidence.clone(),
            gate: item.gate,
            checklist: item.checklist,
            when,
        });
    }
    if let Some(cycle) = dependency_cycle(&items) {
        let line = check.at.id("id", &cycle[0], 1);
        check
            .error(
                line,
                1,
                format!(
                    "the items wait for each other in a circle: {}",
                    cycle.join(" → ")
                ),
            )
            .hint = Some("remove one of these `after` entries".into());
    }
    let mut risks = Vec::new();
    // Risks may also read what the schedule found.
    let mut risk_names = names.clone();
    risk_names.insert(TARGET_MISSED.to_string(), Kind::Bool);
    for risk in &raw.risks {
        let line = check.at.id("id", &risk.id, 1);
        check.text(line, &format!("risk `{}`", risk.id), &risk.title);
        check.text(
            line,
            &format!("the mitigation of `{}`", risk.id),
            &risk.mitigation,
        );
        risks.push(Risk {
            id: risk.id.clone(),
            when: check.condition(line, &risk.when, &risk_names),
            title: risk.title.clone(),
            mitigation: risk.mitigation.clone(),
            doc: risk.doc.clone(),
        });
    }

    let definition = Definition {
        version: raw.version,
        roles: raw.roles,
        phases: raw.phases,
        questions,
        derived,
        fee_channels,
        providers: provider_rules,
        items,
        risks,
    };
    if check.problems.is_empty() {
        for item in &definition.items {
            if !satisfiable(&definition, &item.when) {
                let line = check.at.id("id", &item.id, 1);
                let (line, col) = item_when_position(&check.at, raw_when(text, line));
                check
                    .error(
                        line,
                        col,
                        format!(
                            "item `{}` can never be in a plan: no answers make its condition hold",
                            item.id
                        ),
                    )
                    .hint = Some("check the condition's `and`s and options".into());
            }
        }
    }
    if check.problems.is_empty() {
        Ok(definition)
    } else {
        Err(check.problems)
    }
}

/// The line of an item's `when:` (its position for a "never appears" problem).
fn raw_when(text: &str, item_line: usize) -> usize {
    text.lines()
        .enumerate()
        .skip(item_line)
        .take_while(|(_, l)| !l.trim_start().starts_with("- id:"))
        .find(|(_, l)| l.trim_start().starts_with("when:"))
        .map_or(item_line, |(i, _)| i + 1)
}

fn item_when_position(at: &Locator, line: usize) -> (usize, usize) {
    let col = at
        .lines
        .get(line - 1)
        .and_then(|l| l.find("when:"))
        .map_or(1, |c| c + 1);
    (line, col)
}

/// A circle of `after` dependencies, as ids from its first item back to it.
fn dependency_cycle(items: &[Item]) -> Option<Vec<String>> {
    let index: HashMap<&str, usize> = items
        .iter()
        .enumerate()
        .map(|(i, it)| (it.id.as_str(), i))
        .collect();
    // 0 unvisited, 1 on the current path, 2 done.
    let mut state = vec![0u8; items.len()];
    let mut path: Vec<usize> = Vec::new();
    fn visit(
        i: usize,
        items: &[Item],
        index: &HashMap<&str, usize>,
        state: &mut [u8],
        path: &mut Vec<usize>,
    ) -> Option<Vec<String>> {
        state[i] = 1;
        path.push(i);
        for dependency in &items[i].after {
            let Some(&j) = index.get(dependency.as_str()) else {
                continue;
            };
            if state[j] == 1 {
                let start = path.iter().position(|&p| p == j).expect("on the path");
                let mut cycle: Vec<String> =
                    path[start..].iter().map(|&p| items[p].id.clone()).collect();
                cycle.push(items[j].id.clone());
                return Some(cycle);
            }
            if state[j] == 0
                && let Some(cycle) = visit(j, items, index, state, path)
            {
                return Some(cycle);
            }
        }
        path.pop();
        state[i] = 2;
        None
    }
    (0..items.len()).find_map(|i| {
        if state[i] == 0 {
            visit(i, items, &index, &mut state, &mut path)
        } else {
            None
        }
    })
}

/// The values a question can take for the "can this ever hold" search: every option (and none,
/// for a question that may be skipped), every subset of a multiple choice's options, numbers on
/// both sides of every number the conditions compare with.
fn domain(question: &Question, constants: &[f64]) -> Vec<Option<Value>> {
    let mut values: Vec<Option<Value>> = match question.kind {
        QuestionType::Choice => question
            .options
            .iter()
            .map(|o| Some(Value::Choice(o.id.clone())))
            .collect(),
        QuestionType::Multi => {
            let n = question.options.len().min(10);
            (0..1u32 << n)
                .map(|mask| {
                    let chosen = (0..n)
                        .filter(|b| mask & (1 << b) != 0)
                        .map(|b| question.options[b].id.clone())
                        .collect();
                    Some(Value::Multi(chosen))
                })
                .collect()
        }
        QuestionType::Number => {
            let mut numbers = vec![question.min.unwrap_or(0.0)];
            for c in constants {
                numbers.extend([c - 1.0, *c, c + 1.0]);
            }
            numbers
                .into_iter()
                .map(|n| Some(Value::Number(n)))
                .collect()
        }
        QuestionType::Text | QuestionType::Date => vec![None],
    };
    if !question.required || question.show_if != Condition::Always {
        values.push(None);
    }
    values
}

fn constants(condition: &Condition, name: &str, out: &mut Vec<f64>) {
    match condition {
        Condition::Compare { name: n, value, .. } if n == name => out.push(*value),
        Condition::Not { arg } => constants(arg, name, out),
        Condition::And { args } | Condition::Or { args } => {
            args.iter().for_each(|a| constants(a, name, out))
        }
        _ => {}
    }
}

/// The values of the derived names for `answers` (in their order).
pub fn with_derived(
    definition: &Definition,
    mut values: BTreeMap<String, Value>,
) -> BTreeMap<String, Value> {
    for (name, when) in &definition.derived {
        let holds = when.eval(&values);
        values.insert(name.clone(), Value::Bool(holds));
    }
    values
}

/// Whether some answers make `condition` hold: an exhaustive search over the questions it
/// reads (directly or through derived values); `true` when that search would be too large.
fn satisfiable(definition: &Definition, condition: &Condition) -> bool {
    let derived: HashMap<&str, &Condition> = definition
        .derived
        .iter()
        .map(|(n, c)| (n.as_str(), c))
        .collect();
    let mut read: BTreeSet<String> = BTreeSet::new();
    let mut pending: Vec<String> = condition.names().into_iter().map(String::from).collect();
    while let Some(name) = pending.pop() {
        if !read.insert(name.clone()) {
            continue;
        }
        if let Some(when) = derived.get(name.as_str()) {
            pending.extend(when.names().into_iter().map(String::from));
        }
    }
    let mut all_conditions: Vec<&Condition> = vec![condition];
    all_conditions.extend(definition.derived.iter().map(|(_, c)| c));
    let questions: Vec<(&Question, Vec<Option<Value>>)> = definition
        .questions
        .iter()
        .filter(|q| read.contains(&q.id))
        .map(|q| {
            let mut numbers = Vec::new();
            for c in &all_conditions {
                constants(c, &q.id, &mut numbers);
            }
            (q, domain(q, &numbers))
        })
        .collect();
    let size = questions
        .iter()
        .try_fold(1usize, |n, (_, d)| n.checked_mul(d.len()));
    if size.is_none_or(|n| n > 200_000) {
        return true;
    }
    let mut choice = vec![0usize; questions.len()];
    loop {
        let mut values = BTreeMap::new();
        for ((question, domain), &k) in questions.iter().zip(&choice) {
            if let Some(value) = &domain[k] {
                values.insert(question.id.clone(), value.clone());
            }
        }
        if condition.eval(&with_derived(definition, values)) {
            return true;
        }
        // Next combination.
        let mut i = 0;
        loop {
            if i == choice.len() {
                return false;
            }
            choice[i] += 1;
            if choice[i] < questions[i].1.len() {
                break;
            }
            choice[i] = 0;
            i += 1;
        }
    }
}

/// Checks every `doc:` link (`@/guide/go-live.md#pilot`) against the site's pages and their
/// heading anchors, in every language.
pub fn check_links(
    path: &Path,
    text: &str,
    definition: &Definition,
    site: &crate::site::Site,
) -> Vec<Diagnostic> {
    let at = Locator::new(text);
    let mut problems = Vec::new();
    let docs = definition
        .items
        .iter()
        .map(|i| &i.doc)
        .chain(definition.risks.iter().map(|r| &r.doc));
    let mut checked = BTreeSet::new();
    for doc in docs {
        if !checked.insert(doc.as_str()) {
            continue;
        }
        let (line, col) = at.text(doc, 1);
        let Some(target) = doc.strip_prefix("@/") else {
            problems.push(
                Diagnostic::error(path, line, col, format!("`{doc}` is not a link to a page"))
                    .with_hint("write it as @/<path below content/<lang>/>.md#<anchor>, e.g. @/guide/go-live.md#pilot"),
            );
            continue;
        };
        let (key, anchor) = target.split_once('#').unwrap_or((target, ""));
        for (lang, language) in site.config.languages.iter().enumerate() {
            let Some(page) = site.find(lang, key) else {
                let hint = crate::error::nearest(key, site.keys(lang))
                    .map(|k| format!("did you mean `@/{k}`?"));
                let mut d = Diagnostic::error(
                    path,
                    line,
                    col,
                    format!("`{doc}`: no page `{key}` in {}", language.code),
                );
                d.hint = hint;
                problems.push(d);
                continue;
            };
            if anchor.is_empty() {
                continue;
            }
            if let Err(problem) = crate::links::check_anchor(site, page, anchor) {
                let mut d =
                    Diagnostic::error(path, line, col, format!("`{doc}`: {}", problem.message));
                d.hint = problem.hint;
                problems.push(d);
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    const WIZARD: &str = r#"version: 1
roles:
  - { id: owner, zh: 店主, en: Owner }
phases:
  - { id: choose, zh: 选择, en: Choose }
questions:
  - id: team
    type: choice
    label: { zh: 团队, en: Team }
    options:
      - { id: none, zh: 无, en: None }
      - { id: in_house, zh: 自有, en: In house }
  - id: customers
    type: multi
    label: { zh: 顾客, en: Customers }
    options:
      - { id: mainland, zh: 内地, en: Mainland }
      - { id: overseas, zh: 海外, en: Overseas }
  - id: monthly_transactions
    type: number
    label: { zh: 笔数, en: Transactions }
derived:
  - { id: builds, when: "team == 'in_house'" }
providers:
  - provider: alipay
    rules:
      - { when: "customers has 'mainland'", score: 3, reason: { zh: 内地顾客, en: Mainland customers } }
items:
  - id: pick
    phase: choose
    title: { zh: 选定, en: Pick }
    owner: owner
    days: [1, 2]
    doc: "@/guide/choose-provider.md#by-customer"
    evidence: { zh: 记录, en: A note }
  - id: build
    phase: choose
    title: { zh: 开发, en: Build }
    owner: owner
    days: [5, 10]
    days_if:
      - { when: "monthly_transactions > 10000", days: [8, 15] }
    after: [pick]
    doc: "@/guide/integrate.md#back-end"
    evidence: { zh: 代码, en: Code }
    when: "builds and customers has 'overseas'"
risks:
  - id: sandbox
    when: "builds"
    title: { zh: 没有沙箱, en: No sandbox }
    mitigation: { zh: 小额测试, en: Test with small amounts }
    doc: "@/guide/test.md#wechat-pay"
"#;

    fn parse_text(text: &str) -> Result<Definition, Vec<Diagnostic>> {
        parse(
            Path::new("content/wizard.yaml"),
            text,
            &["zh", "en"],
            &["alipay", "wechat-pay"],
        )
    }

    fn first_error(text: &str) -> (usize, usize, String, Option<String>) {
        let problems = parse_text(text).unwrap_err();
        let p = &problems[0];
        (p.line, p.col, p.message.clone(), p.hint.clone())
    }

    #[test]
    fn a_valid_wizard_parses_with_its_conditions() {
        let definition = parse_text(WIZARD).unwrap();
        assert_eq!(definition.items.len(), 2);
        assert_eq!(definition.items[1].days_if.len(), 1);
        let values = BTreeMap::from([
            ("team".to_string(), Value::Choice("in_house".into())),
            (
                "customers".to_string(),
                Value::Multi(vec!["overseas".into()]),
            ),
        ]);
        assert!(
            definition.items[1]
                .when
                .eval(&with_derived(&definition, values))
        );
    }

    #[test]
    fn condition_problems_point_at_line_and_column() {
        let text = WIZARD.replace(
            "when: \"builds and customers has 'overseas'\"",
            "when: \"builds and customer has 'overseas'\"",
        );
        let (line, col, message, hint) = first_error(&text);
        assert_eq!((line, col), (46, 23));
        assert_eq!(message, "unknown question or value `customer`");
        assert_eq!(hint.as_deref(), Some("did you mean `customers`?"));
        let text = WIZARD.replace("customers has 'mainland'", "customers has 'china'");
        let (line, col, message, hint) = first_error(&text);
        assert_eq!(
            (line, col, message.as_str()),
            (27, 32, "`customers` has no option 'china'")
        );
        assert_eq!(hint.as_deref(), Some("its options: 'mainland', 'overseas'"));
    }

    #[test]
    fn unknown_references_are_errors_with_hints() {
        let (line, _, message, hint) = first_error(&WIZARD.replace(
            "phase: choose\n    title: { zh: 开发",
            "phase: chose\n    title: { zh: 开发",
        ));
        assert_eq!(
            (line, message.as_str()),
            (37, "item `build` has an unknown phase `chose`")
        );
        assert_eq!(hint.as_deref(), Some("did you mean `choose`?"));
        let (_, _, message, _) = first_error(&WIZARD.replace("after: [pick]", "after: [pik]"));
        assert_eq!(message, "item `build` waits for `pik`, which is no item");
        let (line, _, message, _) =
            first_error(&WIZARD.replace("provider: alipay", "provider: alipay-hk"));
        assert_eq!(
            (line, message.as_str()),
            (25, "no provider `alipay-hk` in providers.yaml")
        );
        let (_, _, message, _) =
            first_error(&WIZARD.replace("{ zh: 选定, en: Pick }", "{ zh: 选定 }"));
        assert_eq!(message, "item `pick` has no `en` text");
    }

    #[test]
    fn only_risks_may_read_whether_the_target_is_missed() {
        let risk = WIZARD.replace(
            "    when: \"builds\"\n    title: { zh: 没有沙箱",
            "    when: \"target_missed\"\n    title: { zh: 没有沙箱",
        );
        assert!(parse_text(&risk).is_ok());
        let item = WIZARD.replace(
            "when: \"builds and customers has 'overseas'\"",
            "when: \"target_missed\"",
        );
        let (_, _, message, _) = first_error(&item);
        assert_eq!(message, "unknown question or value `target_missed`");
    }

    #[test]
    fn a_dependency_circle_is_an_error() {
        let text = WIZARD.replace(
            "    days: [1, 2]\n",
            "    days: [1, 2]\n    after: [build]\n",
        );
        let (_, _, message, _) = first_error(&text);
        assert_eq!(
            message,
            "the items wait for each other in a circle: pick → build → pick"
        );
    }

    #[test]
    fn an_item_no_answers_can_bring_is_an_error() {
        let text = WIZARD.replace(
            "when: \"builds and customers has 'overseas'\"",
            "when: \"builds and team == 'none'\"",
        );
        let (line, col, message, _) = first_error(&text);
        assert_eq!((line, col), (46, 5));
        assert_eq!(
            message,
            "item `build` can never be in a plan: no answers make its condition hold"
        );
        // Numbers: a range that exists is fine, an empty one is not.
        let text = WIZARD.replace(
            "when: \"builds and customers has 'overseas'\"",
            "when: \"monthly_transactions > 100 and monthly_transactions < 102\"",
        );
        assert!(parse_text(&text).is_ok());
        let text = WIZARD.replace(
            "when: \"builds and customers has 'overseas'\"",
            "when: \"monthly_transactions > 100 and monthly_transactions < 100\"",
        );
        assert!(parse_text(&text).is_err());
    }

    #[test]
    fn conditions_compile_to_json() {
        let definition = parse_text(WIZARD).unwrap();
        let json = serde_json::to_value(&definition).unwrap();
        assert_eq!(
            json["derived"][0],
            serde_json::json!(["builds", {"op": "is", "name": "team", "option": "in_house"}])
        );
    }
}
