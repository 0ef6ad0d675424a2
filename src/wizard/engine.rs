//! The engine: a merchant's answers + the checked wizard definition + providers.yaml → a
//! [`Plan`]. Pure and deterministic (the start date is an input), so the browser's engine can be
//! held to produce exactly the same plan.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Serialize;

use super::condition::Value;
use super::definition::{Definition, Item, QuestionRole, with_derived};
use super::schema::{Checklist, QuestionType, Text};
use crate::data::{FeeKind, Providers};

/// Answers as given: question id → answer (text, number, option id or list of option ids).
pub type Answers = BTreeMap<String, serde_json::Value>;

/// What conditions read: answers and derived values by name.
pub type Values = BTreeMap<String, Value>;

/// A problem with the answers: the question it is about and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerError {
    pub question: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeeEstimate {
    pub label: String,
    /// The percentage part at the merchant's monthly volume, in the merchant's currency.
    pub percent_part: Option<f64>,
    /// The fixed part: per-transaction fee × transactions (or a monthly fee), in `currency`.
    pub fixed_part: Option<f64>,
    pub currency: Option<String>,
    pub source: String,
    pub as_of: String,
    pub estimate: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankedProvider {
    pub id: String,
    pub name: String,
    pub score: i32,
    pub recommended: bool,
    pub reasons: Vec<String>,
    pub fees: Vec<FeeEstimate>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedItem {
    pub id: String,
    pub phase: String,
    pub title: String,
    /// Responsible (a role id), and its name.
    pub owner: String,
    pub owner_name: String,
    /// Accountable, consulted and informed (role ids; names in the plan's `roles`).
    pub accountable: String,
    pub consulted: Vec<String>,
    pub informed: Vec<String>,
    pub days: [u32; 2],
    pub after: Vec<String>,
    pub doc: String,
    pub evidence: String,
    pub gate: bool,
    pub checklist: Option<Checklist>,
    /// Business days from the start, with the longer durations: when it starts and ends.
    pub start_day: u32,
    pub end_day: u32,
    pub start_date: NaiveDate,
    pub due_date: NaiveDate,
    pub critical: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RoleName {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhasePlan {
    pub id: String,
    pub name: String,
    pub items: Vec<String>,
    pub end_date: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedRisk {
    pub id: String,
    pub title: String,
    pub mitigation: String,
    pub doc: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Schedule {
    pub start: NaiveDate,
    /// Business days with every item at its shortest and at its longest.
    pub days: [u32; 2],
    pub earliest_finish: NaiveDate,
    pub latest_finish: NaiveDate,
    pub target: Option<NaiveDate>,
    /// Whether the longest estimate still finishes by the target (`None`: no target).
    pub meets_target: Option<bool>,
}

/// A rollout plan for one merchant, in one language.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    pub wizard_version: u32,
    pub fee_data_version: String,
    pub lang: String,
    pub merchant: String,
    /// Who prepared the plan (the answer to the question with the role `prepared_by`), when
    /// given.
    pub prepared_by: Option<String>,
    pub answers: Answers,
    /// The roles of the wizard in the plan's language, in the wizard's order.
    pub roles: Vec<RoleName>,
    pub providers: Vec<RankedProvider>,
    pub phases: Vec<PhasePlan>,
    pub items: Vec<PlannedItem>,
    pub schedule: Schedule,
    pub critical_path: Vec<String>,
    pub security_checklist: Vec<String>,
    pub data_checklist: Vec<String>,
    pub go_no_go: Vec<String>,
    pub risks: Vec<PlannedRisk>,
}

impl Plan {
    /// The plan's item `id`, if it has one.
    pub fn item(&self, id: &str) -> Option<&PlannedItem> {
        self.items.iter().find(|i| i.id == id)
    }

    /// The plan's items named in `ids` (a phase, a checklist, the go/no-go list), in that
    /// order. The engine lists only the plan's own items; a plan read from elsewhere may not,
    /// and an id that is no item of the plan is left out.
    pub fn items_in<'a>(&'a self, ids: &'a [String]) -> impl Iterator<Item = &'a PlannedItem> {
        ids.iter().filter_map(|id| self.item(id))
    }
}

/// Ready, ready with risks, or not ready: from the items ticked done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Ready,
    ReadyWithRisks,
    NotReady,
}

fn text(text: &Text, lang: &str) -> String {
    text.get(lang)
        .or_else(|| text.values().next())
        .cloned()
        .unwrap_or_default()
}

fn options_list(question: &super::definition::Question) -> String {
    let ids: Vec<&str> = question.options.iter().map(|o| o.id.as_str()).collect();
    ids.join(", ")
}

/// Checks the answers against the questions shown for them; the condition values of the
/// answers (derived values included) and the answers as given.
pub fn check_answers(
    definition: &Definition,
    answers: &Answers,
) -> Result<(Values, Answers), Vec<AnswerError>> {
    let mut errors = Vec::new();
    let mut values = Values::new();
    let mut kept = BTreeMap::new();
    for name in answers.keys() {
        if !definition.questions.iter().any(|q| &q.id == name) {
            let known: Vec<&str> = definition.questions.iter().map(|q| q.id.as_str()).collect();
            errors.push(AnswerError {
                question: name.clone(),
                message: format!(
                    "there is no question `{name}`; the questions: {}",
                    known.join(", ")
                ),
            });
        }
    }
    for question in &definition.questions {
        let shown = question.show_if.eval(&values);
        // No answer: nothing, null, blank text or an empty list of options.
        let answer = answers.get(&question.id).filter(|a| {
            !a.is_null()
                && a.as_array().is_none_or(|list| !list.is_empty())
                && a.as_str().is_none_or(|text| !text.trim().is_empty())
        });
        let Some(answer) = answer.filter(|_| shown) else {
            if shown && question.required {
                let mut message = format!("`{}` needs an answer", question.id);
                if !question.options.is_empty() {
                    message.push_str(&format!(" (one of: {})", options_list(question)));
                }
                errors.push(AnswerError {
                    question: question.id.clone(),
                    message,
                });
            }
            continue;
        };
        let wrong = |message: String| AnswerError {
            question: question.id.clone(),
            message,
        };
        let value = match question.kind {
            QuestionType::Choice => match answer.as_str() {
                Some(option) if question.options.iter().any(|o| o.id == option) => {
                    Some(Value::Choice(option.to_string()))
                }
                _ => {
                    errors.push(wrong(format!(
                        "`{}` has no option {answer}; the options: {}",
                        question.id,
                        options_list(question)
                    )));
                    None
                }
            },
            QuestionType::Multi => {
                let list: Vec<&serde_json::Value> = match answer {
                    serde_json::Value::Array(list) => list.iter().collect(),
                    single => vec![single],
                };
                let mut chosen = Vec::new();
                for option in list {
                    match option.as_str() {
                        Some(o) if question.options.iter().any(|x| x.id == o) => {
                            chosen.push(o.to_string())
                        }
                        _ => errors.push(wrong(format!(
                            "`{}` has no option {option}; the options: {}",
                            question.id,
                            options_list(question)
                        ))),
                    }
                }
                Some(Value::Multi(chosen))
            }
            QuestionType::Number => match answer.as_f64() {
                Some(n)
                    if question.min.is_none_or(|m| n >= m)
                        && question.max.is_none_or(|m| n <= m) =>
                {
                    Some(Value::Number(n))
                }
                _ => {
                    let mut message = format!("`{}` must be a number", question.id);
                    if let Some(min) = question.min {
                        message.push_str(&format!(" of at least {min}"));
                    }
                    if let Some(max) = question.max {
                        message.push_str(&format!(" and at most {max}"));
                    }
                    errors.push(wrong(format!("{message}, not {answer}")));
                    None
                }
            },
            QuestionType::Date => {
                let date = answer.as_str().and_then(parse_date);
                if date.is_none() {
                    errors.push(wrong(format!(
                        "`{}` must be a date like 2027-03-01, not {answer}",
                        question.id
                    )));
                }
                None
            }
            QuestionType::Text => {
                if !answer.is_string() {
                    errors.push(wrong(format!(
                        "`{}` must be text, not {answer}",
                        question.id
                    )));
                }
                None
            }
        };
        if let Some(value) = value {
            values.insert(question.id.clone(), value);
        }
        kept.insert(question.id.clone(), answer.clone());
    }
    if errors.is_empty() {
        Ok((with_derived(definition, values), kept))
    } else {
        Err(errors)
    }
}

/// A date written `YYYY-MM-DD`, exactly (chrono alone also takes `2027-3-1`; the browser's
/// engine does not).
pub fn parse_date(text: &str) -> Option<NaiveDate> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit());
    shaped
        .then(|| NaiveDate::parse_from_str(text, "%Y-%m-%d").ok())
        .flatten()
}

/// `days` business days (Monday to Friday) after `start`. Plans stay far inside chrono's
/// dates: items take at most `definition::MAX_DAYS` each and `--start` is before 10000.
pub fn add_business_days(start: NaiveDate, days: u32) -> NaiveDate {
    let mut date = start;
    let mut left = days;
    while left > 0 {
        date = date.succ_opt().expect("dates within range");
        if !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    date
}

/// The first business day on or after `date`.
fn business_day(date: NaiveDate) -> NaiveDate {
    let mut date = date;
    while matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
        date = date.succ_opt().expect("dates within range");
    }
    date
}

/// An item's dependencies among the items in the plan: one left out is replaced by what it
/// waited for.
fn effective_after(
    item: &Item,
    all: &HashMap<&str, &Item>,
    included: &BTreeSet<&str>,
) -> Vec<String> {
    let mut found = Vec::new();
    let mut seen = BTreeSet::new();
    let mut pending: Vec<&str> = item.after.iter().map(String::as_str).rev().collect();
    while let Some(id) = pending.pop() {
        if !seen.insert(id) {
            continue;
        }
        if included.contains(id) {
            found.push(id.to_string());
        } else if let Some(skipped) = all.get(id) {
            pending.extend(skipped.after.iter().map(String::as_str).rev());
        }
    }
    found
}

/// Whether a fee applies to the ways this merchant takes payments (`fee_channels`).
fn fits_channels(definition: &Definition, fee: &crate::data::Fee, values: &Values) -> bool {
    fee.channel
        .and_then(|channel| definition.fee_channels.get(&channel))
        .is_none_or(|when| when.eval(values))
}

/// Builds the plan for `answers` (already checked), starting on `start`, in `lang`.
pub fn plan(
    definition: &Definition,
    providers: &Providers,
    answers: &Answers,
    start: NaiveDate,
    lang: &str,
) -> Result<Plan, Vec<AnswerError>> {
    let (values, kept) = check_answers(definition, answers)?;
    // The answers the engine reads beyond conditions, found by their role.
    let question = |role| definition.question_with(role).map(|q| q.id.as_str());
    let given = |role| question(role).and_then(|id| answers.get(id));
    let number = |role| match question(role).and_then(|id| values.get(id)) {
        Some(Value::Number(n)) => *n,
        _ => 0.0,
    };
    let transactions = number(QuestionRole::MonthlyTransactions);
    let volume = transactions * number(QuestionRole::AverageTicket);

    let mut ranked: Vec<RankedProvider> = definition
        .providers
        .iter()
        .filter_map(|entry| {
            let provider = providers
                .providers
                .iter()
                .find(|p| p.id == entry.provider)?;
            let holding: Vec<_> = entry
                .rules
                .iter()
                .filter(|r| r.when.eval(&values))
                .collect();
            let score = holding.iter().map(|r| r.score).sum();
            let fees = provider
                .fees
                .iter()
                .filter(|f| counts_in_estimates(f.kind) && fits_channels(definition, f, &values))
                .map(|fee| {
                    let per_transaction = matches!(fee.kind, FeeKind::Transaction);
                    FeeEstimate {
                        label: text(&fee.label, lang),
                        percent_part: fee.percent.map(|p| round2(volume * p / 100.0)),
                        fixed_part: fee
                            .fixed
                            .map(|f| round2(if per_transaction { f * transactions } else { f })),
                        currency: fee.currency.clone(),
                        source: fee.source.in_language(lang).to_string(),
                        as_of: fee.as_of.0.clone(),
                        estimate: fee.estimate,
                    }
                })
                .collect();
            Some(RankedProvider {
                id: provider.id.clone(),
                name: text(&provider.name, lang),
                score,
                recommended: score > 0,
                reasons: holding.iter().map(|r| text(&r.reason, lang)).collect(),
                fees,
            })
        })
        .collect();
    // Best first; equal scores keep the definition's order (a stable sort).
    ranked.sort_by_key(|p| std::cmp::Reverse(p.score));

    let included_items: Vec<&Item> = definition
        .items
        .iter()
        .filter(|i| i.when.eval(&values))
        .collect();
    let included: BTreeSet<&str> = included_items.iter().map(|i| i.id.as_str()).collect();
    let all: HashMap<&str, &Item> = definition
        .items
        .iter()
        .map(|i| (i.id.as_str(), i))
        .collect();
    let roles: HashMap<&str, String> = definition
        .roles
        .iter()
        .map(|r| (r.id.as_str(), text(&r.name, lang)))
        .collect();

    // Durations and dependencies, then a schedule in the order of the dependencies.
    let entries: Vec<(&Item, [u32; 2], Vec<String>)> = included_items
        .iter()
        .map(|item| {
            let days = item
                .days_if
                .iter()
                .find(|(when, _)| when.eval(&values))
                .map_or(item.days, |(_, days)| *days);
            (*item, days, effective_after(item, &all, &included))
        })
        .collect();
    let position: HashMap<&str, usize> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.0.id.as_str(), i))
        .collect();
    let mut order: Vec<usize> = Vec::with_capacity(entries.len());
    let mut placed = vec![false; entries.len()];
    fn place(
        i: usize,
        entries: &[(&Item, [u32; 2], Vec<String>)],
        position: &HashMap<&str, usize>,
        placed: &mut [bool],
        order: &mut Vec<usize>,
    ) {
        if placed[i] {
            return;
        }
        placed[i] = true;
        for dependency in &entries[i].2 {
            place(
                position[dependency.as_str()],
                entries,
                position,
                placed,
                order,
            );
        }
        order.push(i);
    }
    for i in 0..entries.len() {
        place(i, &entries, &position, &mut placed, &mut order);
    }
    let mut ends_low = vec![0u32; entries.len()];
    let mut ends_high = vec![0u32; entries.len()];
    let mut starts_high = vec![0u32; entries.len()];
    let mut driver: Vec<Option<usize>> = vec![None; entries.len()];
    for &i in &order {
        let (_, days, after) = &entries[i];
        let mut start_low = 0;
        let mut start_high = 0;
        for dependency in after {
            let j = position[dependency.as_str()];
            start_low = start_low.max(ends_low[j]);
            // The dependency that ends last drives the start (the first of equals).
            if driver[i].is_none() || ends_high[j] > start_high {
                start_high = ends_high[j];
                driver[i] = Some(j);
            }
        }
        ends_low[i] = start_low + days[0];
        starts_high[i] = start_high;
        ends_high[i] = start_high + days[1];
    }
    let total = [
        ends_low.iter().copied().max().unwrap_or(0),
        ends_high.iter().copied().max().unwrap_or(0),
    ];
    let mut critical = BTreeSet::new();
    let mut critical_path = Vec::new();
    let mut cursor = (0..entries.len())
        .rev()
        .max_by_key(|&i| (ends_high[i], std::cmp::Reverse(i)));
    while let Some(i) = cursor {
        critical.insert(i);
        critical_path.push(entries[i].0.id.clone());
        cursor = driver[i];
    }
    critical_path.reverse();

    let start = business_day(start);
    let items: Vec<PlannedItem> = entries
        .iter()
        .enumerate()
        .map(|(i, (item, days, after))| PlannedItem {
            id: item.id.clone(),
            phase: item.phase.clone(),
            title: text(&item.title, lang),
            owner: item.owner.clone(),
            owner_name: roles.get(item.owner.as_str()).cloned().unwrap_or_default(),
            accountable: item.accountable.clone(),
            consulted: item.consulted.clone(),
            informed: item.informed.clone(),
            days: *days,
            after: after.clone(),
            doc: item.doc.clone(),
            evidence: text(&item.evidence, lang),
            gate: item.gate,
            checklist: item.checklist,
            start_day: starts_high[i],
            end_day: ends_high[i],
            start_date: add_business_days(start, starts_high[i]),
            due_date: add_business_days(start, ends_high[i]),
            critical: critical.contains(&i),
        })
        .collect();
    let phases = definition
        .phases
        .iter()
        .map(|phase| {
            let in_phase: Vec<&PlannedItem> =
                items.iter().filter(|i| i.phase == phase.id).collect();
            PhasePlan {
                id: phase.id.clone(),
                name: text(&phase.name, lang),
                items: in_phase.iter().map(|i| i.id.clone()).collect(),
                end_date: in_phase.iter().map(|i| i.due_date).max(),
            }
        })
        .collect();
    let target = given(QuestionRole::LaunchDate)
        .and_then(|d| d.as_str())
        .and_then(parse_date);
    let latest_finish = add_business_days(start, total[1]);
    let meets_target = target.map(|t| latest_finish <= t);
    let mut values = values;
    values.insert(
        super::definition::TARGET_MISSED.to_string(),
        Value::Bool(meets_target == Some(false)),
    );
    let checklist = |kind: Checklist| -> Vec<String> {
        items
            .iter()
            .filter(|i| i.checklist == Some(kind))
            .map(|i| i.id.clone())
            .collect()
    };
    Ok(Plan {
        wizard_version: definition.version,
        fee_data_version: providers.version.clone(),
        lang: lang.to_string(),
        merchant: given(QuestionRole::MerchantName)
            .and_then(|m| m.as_str())
            .unwrap_or_default()
            .to_string(),
        prepared_by: given(QuestionRole::PreparedBy)
            .and_then(|m| m.as_str())
            .filter(|m| !m.trim().is_empty())
            .map(str::to_string),
        answers: kept,
        roles: definition
            .roles
            .iter()
            .map(|r| RoleName {
                id: r.id.clone(),
                name: text(&r.name, lang),
            })
            .collect(),
        providers: ranked,
        schedule: Schedule {
            start,
            days: total,
            earliest_finish: add_business_days(start, total[0]),
            latest_finish,
            target,
            meets_target,
        },
        security_checklist: checklist(Checklist::Security),
        data_checklist: checklist(Checklist::Data),
        go_no_go: items
            .iter()
            .filter(|i| i.gate)
            .map(|i| i.id.clone())
            .collect(),
        risks: definition
            .risks
            .iter()
            .filter(|r| r.when.eval(&values))
            .map(|r| PlannedRisk {
                id: r.id.clone(),
                title: text(&r.title, lang),
                mitigation: text(&r.mitigation, lang),
                doc: r.doc.clone(),
            })
            .collect(),
        phases,
        critical_path,
        items,
    })
}

/// The fees a monthly estimate adds up: per-transaction and monthly fees.
pub fn counts_in_estimates(kind: FeeKind) -> bool {
    matches!(kind, FeeKind::Transaction | FeeKind::Monthly)
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// The readiness verdict for the items ticked done: not ready while any go-live gate is open;
/// ready with risks when every gate is done but other items are still open; ready when
/// everything is done.
pub fn verdict(plan: &Plan, done: &BTreeSet<String>) -> Verdict {
    let open = |id: &String| !done.contains(id);
    if plan.go_no_go.iter().any(open) {
        Verdict::NotReady
    } else if plan.items.iter().map(|i| &i.id).any(open) {
        Verdict::ReadyWithRisks
    } else {
        Verdict::Ready
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// A wizard whose questions the engine reads are named unlike their roles.
    const WIZARD: &str = r#"version: 1
roles:
  - { id: owner, zh: 店主, en: Owner }
phases:
  - { id: go, zh: 上线, en: Go }
questions:
  - { id: shop, type: text, role: merchant_name, label: { zh: 店名, en: Shop } }
  - { id: lead, type: text, role: prepared_by, required: false, label: { zh: 负责人, en: Lead } }
  - { id: payments, type: number, role: monthly_transactions, label: { zh: 笔数, en: Payments } }
  - { id: ticket, type: number, role: average_ticket, label: { zh: 客单价, en: Ticket } }
  - { id: target, type: date, role: launch_date, label: { zh: 目标日期, en: Target } }
providers:
  - provider: cardco
    rules:
      - { when: "true", score: 1, reason: { zh: 都收, en: Takes all } }
items:
  - id: launch
    phase: go
    title: { zh: 上线, en: Launch }
    owner: owner
    days: [1, 2]
    doc: "@/go.md"
    evidence: { zh: 第一笔, en: A first payment }
"#;

    const PROVIDERS: &str = r#"version: 2026-11-25
providers:
  - id: cardco
    name: { zh: 卡, en: CardCo }
    region: { zh: 各地, en: anywhere }
    docs: https://example.com/
    fees:
      - kind: transaction
        label: { zh: 每笔, en: per payment }
        percent: 2.0
        fixed: 0.3
        currency: USD
        source: https://example.com/fees
        as_of: 2026-11
"#;

    #[test]
    fn the_engine_reads_the_questions_with_the_roles_whatever_their_ids() {
        let definition = crate::wizard::definition::parse(
            Path::new("wizard.yaml"),
            WIZARD,
            &["zh", "en"],
            &["cardco"],
        )
        .unwrap();
        let providers: Providers = serde_yaml::from_str(PROVIDERS).unwrap();
        let answers: Answers = serde_json::from_value(serde_json::json!({
            "shop": "Tea", "lead": "Li", "payments": 100, "ticket": 20, "target": "2026-11-24",
        }))
        .unwrap();
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let plan = plan(&definition, &providers, &answers, monday, "en").unwrap();
        assert_eq!(plan.merchant, "Tea");
        assert_eq!(plan.prepared_by.as_deref(), Some("Li"));
        let fee = &plan.providers[0].fees[0];
        // 2% of 100 payments of 20, and 0.30 each.
        assert_eq!((fee.percent_part, fee.fixed_part), (Some(40.0), Some(30.0)));
        assert_eq!(plan.schedule.target, NaiveDate::from_ymd_opt(2026, 11, 24));
        assert_eq!(plan.schedule.meets_target, Some(false));
    }
}
