//! The [`Checker`] that collects the problems of wizard.yaml, each with its line and column
//! in the file, and its checks of the sections before and after the items: unique ids, texts
//! in every language, questions (options, roles), derived values, fee channels, provider rules
//! and risks, each turned into its checked form. The items' checks are in `items`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::locate::Locator;
use super::{Definition, ProviderRules, Question, QuestionRole, Risk, Rule, TARGET_MISSED};
use crate::error::Diagnostic;
use crate::wizard::condition::{self, Condition, Kind};
use crate::wizard::schema::{self, QuestionType, Text};

/// What conditions may read: question and derived value names with their kinds.
pub(super) type Names = BTreeMap<String, Kind>;

/// The problems found so far, and where to look for positions.
pub(super) struct Checker<'a> {
    path: &'a Path,
    pub(super) at: Locator<'a>,
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

    pub(super) fn error(
        &mut self,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.problems
            .push(Diagnostic::error(self.path, line, col, message));
        self.problems.last_mut().expect("just pushed")
    }

    pub(super) fn text(&mut self, line: usize, what: &str, text: &Text) {
        for code in self.languages {
            if text.get(*code).is_none_or(|t| t.trim().is_empty()) {
                self.error(line, 1, format!("{what} has no `{code}` text"));
            }
        }
    }

    /// Parses a condition written on or after `line`; `Never` (with a problem) when it is wrong.
    pub(super) fn condition(&mut self, line: usize, text: &str, names: &Names) -> Condition {
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
    pub(super) fn condition_or_always(
        &mut self,
        line: usize,
        text: Option<&str>,
        names: &Names,
    ) -> Condition {
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
                whole: question.whole,
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
    /// Only a number can ask for whole numbers.
    fn question_options(&mut self, line: usize, question: &schema::Question) {
        if question.whole && question.kind != QuestionType::Number {
            let (at, col) = self.at.text("whole:", line);
            self.error(
                at,
                col,
                format!(
                    "question `{}` is not a number: `whole` is for numbers",
                    question.id
                ),
            );
        }
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

    /// The stand-ins: each for a known role, by a known role that is always there (no
    /// chains), when a condition holds.
    pub(super) fn stand_ins(&mut self, raw: &schema::Wizard, names: &Names) -> Vec<super::StandIn> {
        let roles: Vec<&str> = raw.roles.iter().map(|r| r.id.as_str()).collect();
        let standing_in: Vec<&str> = raw.stand_ins.iter().map(|s| s.role.as_str()).collect();
        let mut checked = Vec::new();
        for stand_in in &raw.stand_ins {
            let line = self.at.id("role", &stand_in.role, 1);
            for (key, role) in [("role", &stand_in.role), ("by", &stand_in.by)] {
                if !roles.contains(&role.as_str()) {
                    let hint = crate::error::nearest(role, roles.iter().copied())
                        .map(|n| format!("did you mean `{n}`?"))
                        .unwrap_or_else(|| format!("the roles: {}", roles.join(", ")));
                    self.error(line, 1, format!("stand-in `{key}: {role}` is no role"))
                        .hint = Some(hint);
                }
            }
            if stand_in.by == stand_in.role || standing_in.contains(&stand_in.by.as_str()) {
                self.error(
                    line,
                    1,
                    format!(
                        "`{}` cannot stand in for `{}`: it may be missing itself",
                        stand_in.by, stand_in.role
                    ),
                )
                .hint = Some("a stand-in is a role every merchant has, such as the owner".into());
            }
            checked.push(super::StandIn {
                role: stand_in.role.clone(),
                by: stand_in.by.clone(),
                when: self.condition(line, &stand_in.when, names),
            });
        }
        checked
    }

    /// The launch phase: a phase, the last one when the wizard names none.
    pub(super) fn launch_phase(&mut self, raw: &schema::Wizard) -> String {
        let Some(launch) = &raw.launch_phase else {
            return raw.phases.last().map(|p| p.id.clone()).unwrap_or_default();
        };
        if !raw.phases.iter().any(|p| &p.id == launch) {
            let (line, col) = self.at.text("launch_phase:", 1);
            self.error(line, col, format!("`launch_phase: {launch}` is no phase"))
                .hint = Some(format!(
                "the phases: {}",
                raw.phases
                    .iter()
                    .map(|p| p.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        launch.clone()
    }

    /// `regions:` names a choice question and region codes for its options.
    pub(super) fn regions(
        &mut self,
        raw: &schema::Wizard,
        questions: &[Question],
    ) -> Option<super::Regions> {
        let regions = raw.regions.as_ref()?;
        let (line, col) = self.at.text("regions:", 1);
        let Some(question) = questions.iter().find(|q| q.id == regions.question) else {
            self.error(
                line,
                col,
                format!(
                    "`regions` reads `{}`, which is no question",
                    regions.question
                ),
            );
            return None;
        };
        if question.kind != QuestionType::Choice {
            self.error(
                line,
                col,
                format!("`regions` reads `{}`, which is not a choice", question.id),
            );
        }
        let code = |c: &str| !c.is_empty() && c.chars().all(|c| c.is_ascii_lowercase());
        for (option, region) in &regions.options {
            if !question.options.iter().any(|o| &o.id == option) {
                self.error(
                    line,
                    col,
                    format!(
                        "`regions` names `{option}`, which is no option of `{}`",
                        question.id
                    ),
                );
            }
            if !code(region) {
                self.error(
                    line,
                    col,
                    format!("region `{region}` must be a code of lower-case letters, e.g. `cn`"),
                );
            }
        }
        if !code(&regions.example_prices) {
            self.error(
                line,
                col,
                format!(
                    "`example_prices: {}` must be a region code, e.g. `us`",
                    regions.example_prices
                ),
            );
        }
        Some(super::Regions {
            question: regions.question.clone(),
            options: regions.options.clone(),
            example_prices: regions.example_prices.clone(),
        })
    }

    /// The shares of the volume paid from abroad: between 0 and 1, each with its condition.
    pub(super) fn cross_border_share(
        &mut self,
        shares: &[schema::Share],
        names: &Names,
    ) -> Vec<(Condition, f64)> {
        let line = self.at.text("cross_border_share:", 1).0;
        shares
            .iter()
            .map(|share| {
                if !(0.0..=1.0).contains(&share.share) {
                    self.error(
                        line,
                        1,
                        format!("a share of {} is not between 0 and 1", share.share),
                    );
                }
                (self.condition(line, &share.when, names), share.share)
            })
            .collect()
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
