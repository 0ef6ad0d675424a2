//! `content/wizard.yaml` → a checked [`Definition`]: the types both engines run and [`parse`],
//! which reads the file's sections in order through the checks of `checks` and `items` (every
//! condition parsed and type-checked, every reference resolved, each role the engine reads on
//! one question, durations bounded, no dependency cycle, every text in every language) and
//! then asks `satisfiable` whether each item can ever be in a plan. Problems carry the line
//! (and for conditions the column) in wizard.yaml, found by `locate`. Links to pages are
//! checked against the site by [`check_links`] (`links`).

mod checks;
mod items;
mod links;
mod locate;
mod satisfiable;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;

use super::condition::{Condition, Value};
use super::schema::{self, Checklist, Named, QuestionType, Text};
use crate::error::{Diagnostic, yaml_diagnostic};
use checks::Checker;

pub use links::check_links;

pub const WIZARD_FILE: &str = "content/wizard.yaml";

/// The most business days one item may take (about a year). Schedules add durations up and
/// count them off day by day from the start date (`engine::add_business_days`, and the same
/// loop in the browser): with items this long, a plan needs over 260,000 items in a row to
/// leave the dates chrono and JavaScript can hold (from a start before the year 10000, the one
/// `--start` and the page accept), and its sums stay far inside `u32`.
pub const MAX_DAYS: u32 = 250;

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
    /// Whole numbers only.
    pub whole: bool,
    /// What the engine reads the answer for; both engines find these questions by role.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<QuestionRole>,
}

/// What the engine reads an answer for (`role:` on a question of wizard.yaml): the answers it
/// uses beyond conditions, found by role rather than by a question id written in the engines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionRole {
    /// The merchant's name: the plan's title and cover, file names of a batch.
    MerchantName,
    /// Who prepared the plan, on its cover (a wizard may leave this role out).
    PreparedBy,
    /// Payments a month: the fixed part of fee estimates and, with the average, the volume.
    MonthlyTransactions,
    /// The average payment: with the payments a month, the volume that percentage fees take.
    AverageTicket,
    /// The target launch date: whether the schedule, at its longest, meets it.
    LaunchDate,
}

impl QuestionRole {
    pub const ALL: [QuestionRole; 5] = [
        QuestionRole::MerchantName,
        QuestionRole::PreparedBy,
        QuestionRole::MonthlyTransactions,
        QuestionRole::AverageTicket,
        QuestionRole::LaunchDate,
    ];

    /// The role as wizard.yaml writes it.
    pub fn name(self) -> &'static str {
        match self {
            QuestionRole::MerchantName => "merchant_name",
            QuestionRole::PreparedBy => "prepared_by",
            QuestionRole::MonthlyTransactions => "monthly_transactions",
            QuestionRole::AverageTicket => "average_ticket",
            QuestionRole::LaunchDate => "launch_date",
        }
    }

    /// The type of question the engine can read for this role.
    pub fn kind(self) -> QuestionType {
        match self {
            QuestionRole::MerchantName | QuestionRole::PreparedBy => QuestionType::Text,
            QuestionRole::MonthlyTransactions | QuestionRole::AverageTicket => QuestionType::Number,
            QuestionRole::LaunchDate => QuestionType::Date,
        }
    }

    /// Whether every wizard needs a question with this role: a plan without the merchant's
    /// name, fee estimates without the volume or a schedule without its target would be
    /// quietly wrong. Who prepared a plan is only said when there is a question for it.
    pub fn needed(self) -> bool {
        self != QuestionRole::PreparedBy
    }
}

/// A role a merchant may not have: `by` does its part when `when` holds.
#[derive(Debug, Clone, Serialize)]
pub struct StandIn {
    pub role: String,
    pub by: String,
    pub when: Condition,
}

/// Where the merchant is: the answer to `question` gives a region code (`options`), which
/// chooses the price list of providers.yaml and the calendar of holidays.yaml; a region
/// without a price list sees `example_prices`.
#[derive(Debug, Clone, Serialize)]
pub struct Regions {
    pub question: String,
    pub options: BTreeMap<String, String>,
    pub example_prices: String,
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
    pub stand_ins: Vec<StandIn>,
    pub phases: Vec<Named>,
    /// The phase whose end is the launch.
    pub launch_phase: String,
    pub questions: Vec<Question>,
    pub regions: Option<Regions>,
    pub derived: Vec<(String, Condition)>,
    /// The share of the volume paid from abroad: the first whose condition holds (none: 0).
    pub cross_border_share: Vec<(Condition, f64)>,
    /// When a fee of one way of paying counts in a plan's estimates (none: always).
    pub fee_channels: BTreeMap<crate::data::Channel, Condition>,
    pub providers: Vec<ProviderRules>,
    pub items: Vec<Item>,
    pub risks: Vec<Risk>,
}

impl Definition {
    /// The question with `role`: always there for a role every wizard needs, and never more
    /// than one (the checks see to both).
    pub fn question_with(&self, role: QuestionRole) -> Option<&Question> {
        self.questions.iter().find(|q| q.role == Some(role))
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
    let mut check = Checker::new(path, text, languages);
    check.ids_are_unique(&raw);
    check.names_have_texts(&raw);
    // What conditions may read grows section by section: a question's `show_if` reads the
    // questions before it, a derived value those and the derived values before it.
    let mut names = BTreeMap::new();
    let questions = check.questions(&raw.questions, &mut names);
    check.roles_once_each(&questions);
    let derived = check.derived(&raw.derived, &mut names);
    let stand_ins = check.stand_ins(&raw, &names);
    let launch_phase = check.launch_phase(&raw);
    let regions = check.regions(&raw, &questions);
    let cross_border_share = check.cross_border_share(&raw.cross_border_share, &names);
    let fee_channels = check.fee_channels(&raw.fee_channels, &names);
    let provider_rules = check.provider_rules(&raw.providers, &names, providers);
    let items = check.items(&raw, &names);
    check.no_dependency_cycle(&items);
    let risks = check.risks(&raw.risks, &names);
    let definition = Definition {
        version: raw.version,
        roles: raw.roles,
        stand_ins,
        phases: raw.phases,
        launch_phase,
        questions,
        regions,
        derived,
        cross_border_share,
        fee_channels,
        providers: provider_rules,
        items,
        risks,
    };
    // The search for answers runs on a definition without mistakes only.
    if check.is_clean() {
        check.items_can_be_in_a_plan(&definition);
    }
    check.finish(definition)
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
