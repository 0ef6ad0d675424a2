//! The checks of wizard.yaml, one section at a time: unique ids, texts in every language,
//! questions and their options, derived values, fee channels, provider rules, items (phase and
//! RACI roles, dependencies, durations) and risks, each turned into its checked form. Every
//! problem is collected with its line and column in the file ([`Locator`] finds them in the
//! text, since serde_yaml gives positions only for its own errors).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use super::satisfiable::satisfiable;
use super::{
    Definition, Item, MAX_DAYS, ProviderRules, Question, QuestionRole, Risk, Rule, TARGET_MISSED,
};
use crate::error::Diagnostic;
use crate::wizard::condition::{self, Condition, Kind};
use crate::wizard::schema::{self, QuestionType, Text};

/// What conditions may read: question and derived value names with their kinds.
pub(super) type Names = BTreeMap<String, Kind>;

/// Finds the lines of ids and conditions in the file's text.
pub(super) struct Locator<'a> {
    lines: Vec<&'a str>,
}

impl<'a> Locator<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Locator {
            lines: text.lines().collect(),
        }
    }

    /// The line of `id: <id>` (or `provider: <id>`) at or after line `from`.
    pub(super) fn id(&self, key: &str, id: &str, from: usize) -> usize {
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
    pub(super) fn text(&self, needle: &str, from: usize) -> (usize, usize) {
        self.lines
            .iter()
            .enumerate()
            .skip(from.saturating_sub(1))
            .find_map(|(i, l)| Some((i + 1, l.find(needle)? + 1)))
            .unwrap_or((from.max(1), 1))
    }

    /// Line and column of an item's `when:`, the item starting on `item_line` (the item's
    /// line when it has none).
    fn item_when(&self, item_line: usize) -> (usize, usize) {
        let line = self
            .lines
            .iter()
            .enumerate()
            .skip(item_line)
            .take_while(|(_, l)| !l.trim_start().starts_with("- id:"))
            .find(|(_, l)| l.trim_start().starts_with("when:"))
            .map_or(item_line, |(i, _)| i + 1);
        let col = self
            .lines
            .get(line - 1)
            .and_then(|l| l.find("when:"))
            .map_or(1, |c| c + 1);
        (line, col)
    }
}

/// The problems found so far, and where to look for positions.
pub(super) struct Checker<'a> {
    path: &'a Path,
    at: Locator<'a>,
    languages: &'a [&'a str],
    problems: Vec<Diagnostic>,
}

impl<'a> Checker<'a> {
    pub(super) fn new(path: &'a Path, text: &'a str, languages: &'a [&'a str]) -> Self {
        Checker {
            path,
            at: Locator::new(text),
            languages,
            problems: Vec::new(),
        }
    }

    pub(super) fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }

    /// The definition, or every problem found in it.
    pub(super) fn finish(self, definition: Definition) -> Result<Definition, Vec<Diagnostic>> {
        if self.problems.is_empty() {
            Ok(definition)
        } else {
            Err(self.problems)
        }
    }

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
    fn condition(&mut self, line: usize, text: &str, names: &Names) -> Condition {
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

    /// An optional condition: `Always` when there is none.
    fn condition_or_always(&mut self, line: usize, text: Option<&str>, names: &Names) -> Condition {
        match text {
            Some(text) => self.condition(line, text, names),
            None => Condition::Always,
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

    /// Roles, phases, questions and derived values (one namespace: conditions read both),
    /// items and risks each have ids of their own.
    pub(super) fn ids_are_unique(&mut self, raw: &schema::Wizard) {
        self.unique("id", "a role", raw.roles.iter().map(|r| r.id.as_str()));
        self.unique("id", "a phase", raw.phases.iter().map(|p| p.id.as_str()));
        let names = raw.questions.iter().map(|q| q.id.as_str());
        self.unique(
            "id",
            "a question or derived value",
            names.chain(raw.derived.iter().map(|d| d.id.as_str())),
        );
        self.unique("id", "an item", raw.items.iter().map(|i| i.id.as_str()));
        self.unique("id", "a risk", raw.risks.iter().map(|r| r.id.as_str()));
    }

    /// Every role and phase is named in every language.
    pub(super) fn names_have_texts(&mut self, raw: &schema::Wizard) {
        for named in raw.roles.iter().chain(&raw.phases) {
            let line = self.at.id("id", &named.id, 1);
            self.text(line, &format!("`{}`", named.id), &named.name);
        }
    }

    /// The questions, each added to `names` after its own `show_if` is read: a question shows
    /// depending on the answers before it only.
    pub(super) fn questions(
        &mut self,
        questions: &[schema::Question],
        names: &mut Names,
    ) -> Vec<Question> {
        let mut checked = Vec::new();
        for question in questions {
            let line = self.at.id("id", &question.id, 1);
            self.question_texts(line, question);
            self.question_options(line, question);
            let show_if = self.condition_or_always(line, question.show_if.as_deref(), names);
            let role = self.question_role(line, question);
            names.insert(question.id.clone(), kind_of(question));
            checked.push(Question {
                id: question.id.clone(),
                kind: question.kind,
                label: question.label.clone(),
                help: question.help.clone(),
                options: question.options.clone(),
                show_if,
                required: question.required,
                min: question.min,
                max: question.max,
                role,
            });
        }
        checked
    }

    /// A question's `role:`: one the engine knows, on a question of the type it reads.
    fn question_role(&mut self, line: usize, question: &schema::Question) -> Option<QuestionRole> {
        let written = question.role.as_deref()?;
        let (at, col) = self.at.text("role:", line);
        let Some(role) = QuestionRole::ALL.into_iter().find(|r| r.name() == written) else {
            let names = QuestionRole::ALL.map(QuestionRole::name);
            let hint = crate::error::nearest(written, names)
                .map(|n| format!("did you mean `{n}`?"))
                .unwrap_or_else(|| format!("the roles: {}", names.join(", ")));
            self.error(
                at,
                col,
                format!("question `{}` has an unknown role `{written}`", question.id),
            )
            .hint = Some(hint);
            return None;
        };
        if question.kind != role.kind() {
            self.error(
                at,
                col,
                format!(
                    "question `{}` is a {} question: the role `{written}` needs a {} question",
                    question.id,
                    kind_name(question.kind),
                    kind_name(role.kind())
                ),
            );
            return None;
        }
        Some(role)
    }

    /// Each role on one question at most, and the roles every wizard needs on one.
    pub(super) fn roles_once_each(&mut self, questions: &[Question]) {
        for role in QuestionRole::ALL {
            let with: Vec<&Question> = questions.iter().filter(|q| q.role == Some(role)).collect();
            match with[..] {
                [] if role.needed() => {
                    let line = self.at.text("questions:", 1).0;
                    self.error(
                        line,
                        1,
                        format!(
                            "no question has the role `{}`, which the engine reads",
                            role.name()
                        ),
                    )
                    .hint = Some(format!(
                        "add `role: {}` to the {} question that asks for it",
                        role.name(),
                        kind_name(role.kind())
                    ));
                }
                [first, second, ..] => {
                    let first_line = self.at.text("role:", self.at.id("id", &first.id, 1)).0;
                    let (at, col) = self.at.text("role:", self.at.id("id", &second.id, 1));
                    self.error(
                        at,
                        col,
                        format!(
                            "the role `{}` is on two questions, `{}` and `{}`",
                            role.name(),
                            first.id,
                            second.id
                        ),
                    )
                    .hint = Some(format!(
                        "the first is on line {first_line}; the engine reads one question for each role"
                    ));
                }
                _ => {}
            }
        }
    }

    fn question_texts(&mut self, line: usize, question: &schema::Question) {
        self.text(
            line,
            &format!("question `{}`", question.id),
            &question.label,
        );
        if let Some(help) = &question.help {
            self.text(line, &format!("the help of `{}`", question.id), help);
        }
    }

    /// A choice has two options or more, named in every language; other questions none.
    fn question_options(&mut self, line: usize, question: &schema::Question) {
        let has_options = matches!(question.kind, QuestionType::Choice | QuestionType::Multi);
        if has_options && question.options.len() < 2 {
            self.error(
                line,
                1,
                format!("question `{}` needs at least two options", question.id),
            );
        } else if !has_options && !question.options.is_empty() {
            self.error(
                line,
                1,
                format!(
                    "question `{}` is not a choice: it takes no options",
                    question.id
                ),
            );
        }
        for option in &question.options {
            self.text(
                line,
                &format!("option `{}` of `{}`", option.id, question.id),
                &option.name,
            );
        }
    }

    /// The derived yes/no values, each reading the questions and the values above it.
    pub(super) fn derived(
        &mut self,
        derived: &[schema::Derived],
        names: &mut Names,
    ) -> Vec<(String, Condition)> {
        let mut checked = Vec::new();
        for value in derived {
            let line = self.at.id("id", &value.id, 1);
            let when = self.condition(line, &value.when, names);
            names.insert(value.id.clone(), Kind::Bool);
            checked.push((value.id.clone(), when));
        }
        checked
    }

    pub(super) fn fee_channels(
        &mut self,
        channels: &BTreeMap<crate::data::Channel, String>,
        names: &Names,
    ) -> BTreeMap<crate::data::Channel, Condition> {
        let mut checked = BTreeMap::new();
        for (channel, when) in channels {
            let line = self.at.text("fee_channels:", 1).0;
            checked.insert(*channel, self.condition(line, when, names));
        }
        checked
    }

    /// Scoring rules of providers that providers.yaml has, each with a reason in every
    /// language.
    pub(super) fn provider_rules(
        &mut self,
        entries: &[schema::ProviderRules],
        names: &Names,
        providers: &[&str],
    ) -> Vec<ProviderRules> {
        let mut checked = Vec::new();
        for entry in entries {
            let line = self.at.id("provider", &entry.provider, 1);
            if !providers.contains(&entry.provider.as_str()) {
                let hint = crate::error::nearest(&entry.provider, providers.iter().copied())
                    .map(|n| format!("did you mean `{n}`?"))
                    .unwrap_or_else(|| format!("providers.yaml has: {}", providers.join(", ")));
                self.error(
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
                    let rule_line = self.at.text(&rule.when, line).0;
                    self.text(
                        rule_line,
                        &format!("a rule of `{}`", entry.provider),
                        &rule.reason,
                    );
                    Rule {
                        when: self.condition(line, &rule.when, names),
                        score: rule.score,
                        reason: rule.reason.clone(),
                    }
                })
                .collect();
            checked.push(ProviderRules {
                provider: entry.provider.clone(),
                rules,
            });
        }
        checked
    }

    /// The plan items: texts, phase and roles, dependencies, durations and conditions.
    pub(super) fn items(&mut self, raw: &schema::Wizard, names: &Names) -> Vec<Item> {
        let known = Known {
            phases: raw.phases.iter().map(|p| p.id.as_str()).collect(),
            roles: raw.roles.iter().map(|r| r.id.as_str()).collect(),
            items: raw.items.iter().map(|i| i.id.as_str()).collect(),
            default_accountable: raw.accountable.as_deref(),
        };
        raw.items
            .iter()
            .map(|item| self.item(item, &known, names))
            .collect()
    }

    fn item(&mut self, item: &schema::Item, known: &Known, names: &Names) -> Item {
        let line = self.at.id("id", &item.id, 1);
        let what = format!("item `{}`", item.id);
        self.text(line, &what, &item.title);
        self.text(
            line,
            &format!("the evidence of `{}`", item.id),
            &item.evidence,
        );
        let accountable = item
            .accountable
            .as_deref()
            .or(known.default_accountable)
            .unwrap_or(&item.owner);
        self.item_references(line, &what, item, accountable, known);
        self.item_parts(line, &what, item, accountable, &known.roles);
        self.item_dependencies(line, &what, item, &known.items);
        let days_if = item
            .days_if
            .iter()
            .map(|d| (self.condition(line, &d.when, names), d.days))
            .collect();
        self.item_durations(line, &what, item);
        let when = self.condition_or_always(line, item.when.as_deref(), names);
        Item {
            id: item.id.clone(),
            phase: item.phase.clone(),
            title: item.title.clone(),
            owner: item.owner.clone(),
            accountable: accountable.to_string(),
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
        }
    }

    /// The item's phase and every role it names exist.
    fn item_references(
        &mut self,
        line: usize,
        what: &str,
        item: &schema::Item,
        accountable: &str,
        known: &Known,
    ) {
        let mut references = vec![
            ("phase", item.phase.as_str(), &known.phases, "phase"),
            ("owner", item.owner.as_str(), &known.roles, "role"),
            ("accountable", accountable, &known.roles, "role"),
        ];
        let listed = item.consulted.iter().chain(&item.informed);
        references.extend(listed.map(|r| ("", r.as_str(), &known.roles, "role")));
        for (key, value, ids, kind) in references {
            if ids.contains(&value) {
                continue;
            }
            let needle = if key.is_empty() {
                value.to_string()
            } else {
                format!("{key}: {value}")
            };
            let (at, col) = match (key, known.default_accountable) {
                // The wizard's default `accountable:` is written once, at the top.
                ("accountable", Some(default))
                    if item.accountable.is_none() && default == value =>
                {
                    self.at.text(&needle, 1)
                }
                _ => self.at.text(&needle, line),
            };
            let hint = crate::error::nearest(value, ids.iter().copied())
                .map(|n| format!("did you mean `{n}`?"))
                .unwrap_or_else(|| format!("the {kind}s: {}", ids.join(", ")));
            self.error(at, col, format!("{what} has an unknown {kind} `{value}`"))
                .hint = Some(hint);
        }
    }

    /// Each role has one part in an item: responsible and accountable may be the same role,
    /// but a role consulted or informed is neither, nor both, nor listed twice.
    fn item_parts(
        &mut self,
        line: usize,
        what: &str,
        item: &schema::Item,
        accountable: &str,
        roles: &[&str],
    ) {
        let mut parts: Vec<&str> = vec![&item.owner, accountable];
        let listed = (item.consulted.iter().map(|r| ("consulted:", r)))
            .chain(item.informed.iter().map(|r| ("informed:", r)));
        for (key, role) in listed {
            if parts.contains(&role.as_str()) && roles.contains(&role.as_str()) {
                let (key_line, _) = self.at.text(key, line);
                let (at, col) = self.at.text(role, key_line);
                self.error(
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
    }

    /// Every item the item waits for exists.
    fn item_dependencies(&mut self, line: usize, what: &str, item: &schema::Item, ids: &[&str]) {
        for dependency in &item.after {
            if !ids.contains(&dependency.as_str()) {
                let (at, col) = self.at.text(dependency, line);
                let hint = crate::error::nearest(dependency, ids.iter().copied())
                    .map(|n| format!("did you mean `{n}`?"));
                self.error(
                    at,
                    col,
                    format!("{what} waits for `{dependency}`, which is no item"),
                )
                .hint = hint;
            }
        }
    }

    /// Each duration is a range of business days, fewest first, of at most [`MAX_DAYS`]:
    /// reported at its `days:`.
    fn item_durations(&mut self, line: usize, what: &str, item: &schema::Item) {
        let mut ranges = vec![(self.at.text("days:", line), item.days)];
        for entry in &item.days_if {
            let when_line = self.at.text(&entry.when, line).0;
            ranges.push((self.at.text("days:", when_line), entry.days));
        }
        for ((at, col), [low, high]) in ranges {
            if low > high {
                self.error(
                    at,
                    col,
                    format!(
                        "{what}: a duration's first number (fewest days) is larger than its second"
                    ),
                );
            } else if high > MAX_DAYS {
                self.error(
                    at,
                    col,
                    format!(
                        "{what}: a duration of {high} business days is longer than an item may take ({MAX_DAYS}, about a year)"
                    ),
                )
                .hint = Some("split the work into items that wait for each other".into());
            }
        }
    }

    /// No circle of `after` dependencies.
    pub(super) fn no_dependency_cycle(&mut self, items: &[Item]) {
        if let Some(cycle) = dependency_cycle(items) {
            let line = self.at.id("id", &cycle[0], 1);
            self.error(
                line,
                1,
                format!(
                    "the items wait for each other in a circle: {}",
                    cycle.join(" → ")
                ),
            )
            .hint = Some("remove one of these `after` entries".into());
        }
    }

    /// The risks, whose conditions may also read what the schedule found.
    pub(super) fn risks(&mut self, risks: &[schema::Risk], names: &Names) -> Vec<Risk> {
        let mut risk_names = names.clone();
        risk_names.insert(TARGET_MISSED.to_string(), Kind::Bool);
        let mut checked = Vec::new();
        for risk in risks {
            let line = self.at.id("id", &risk.id, 1);
            self.text(line, &format!("risk `{}`", risk.id), &risk.title);
            self.text(
                line,
                &format!("the mitigation of `{}`", risk.id),
                &risk.mitigation,
            );
            checked.push(Risk {
                id: risk.id.clone(),
                when: self.condition(line, &risk.when, &risk_names),
                title: risk.title.clone(),
                mitigation: risk.mitigation.clone(),
                doc: risk.doc.clone(),
            });
        }
        checked
    }

    /// Every item can be in some plan: some answers make its condition hold.
    pub(super) fn items_can_be_in_a_plan(&mut self, definition: &Definition) {
        for item in &definition.items {
            if !satisfiable(definition, &item.when) {
                let line = self.at.id("id", &item.id, 1);
                let (line, col) = self.at.item_when(line);
                self.error(
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
}

/// The ids an item may name.
struct Known<'a> {
    phases: Vec<&'a str>,
    roles: Vec<&'a str>,
    items: Vec<&'a str>,
    /// The wizard's `accountable` role.
    default_accountable: Option<&'a str>,
}

/// A type of question, as a message names it: `number`, `multiple choice`.
fn kind_name(kind: QuestionType) -> &'static str {
    match kind {
        QuestionType::Choice => "choice",
        QuestionType::Multi => "multiple choice",
        QuestionType::Number => "number",
        QuestionType::Text => "text",
        QuestionType::Date => "date",
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
