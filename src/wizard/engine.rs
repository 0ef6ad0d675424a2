//! The engine: a merchant's answers + the checked wizard definition + providers.yaml → a
//! [`Plan`]. Pure and deterministic (the start date is an input), so the browser's engine can be
//! held to produce exactly the same plan.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate, Weekday};
use serde::Serialize;

use super::condition::Value;
use super::definition::{Definition, Item, QuestionRole, with_derived};
use super::schema::{Checklist, QuestionType, Text};
use crate::calendar::Calendars;
use crate::data::{AppliesTo, FeeKind, Provider, Providers};

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

/// One fee of a provider's price list for this merchant, with what it comes to a month at the
/// provider's share of the volume (`None`: not counted — a quote, a provider not recommended).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FeeEstimate {
    pub label: String,
    pub kind: FeeKind,
    /// Which payments it is charged on: `all`, `domestic` or `cross_border`.
    pub applies_to: AppliesTo,
    /// No published rate: the provider or an acquirer quotes one.
    pub quote: bool,
    /// Another rate for the same payments as a fee before it (another industry, another
    /// product): shown, not added to the provider's monthly total.
    pub alternative: bool,
    /// The published rate: a percentage, and a fixed amount (per payment, per month or per
    /// withdrawal, as `kind` says) in `currency`.
    pub percent: Option<f64>,
    pub fixed: Option<f64>,
    /// The percentage part at the provider's share of the monthly volume, in the merchant's
    /// currency.
    pub percent_part: Option<f64>,
    /// The fixed part: per-transaction fee × the provider's transactions (or a monthly fee),
    /// in `currency`.
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
    /// Whether a business registered where the merchant is can open an account (`None`: not
    /// known; then the reasons say to check).
    pub eligible: Option<bool>,
    pub recommended: bool,
    pub reasons: Vec<String>,
    /// The share of the merchant's payments this provider's estimates assume: recommended
    /// providers share the volume evenly; others are not estimated (0).
    pub share: f64,
    pub fees: Vec<FeeEstimate>,
    /// What its fees come to a month at its share, in the price list's currency: the first
    /// rate for each kind of payment, surcharges, conversion and settlement (`None`: not
    /// recommended, priced by quote, or no published price for the merchant's payments).
    pub monthly: Option<f64>,
}

/// What a plan's fee estimates assume.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Prices {
    /// The merchant's region (`regions` of wizard.yaml), when it has a code.
    pub region: Option<String>,
    /// The price list shown (providers.yaml `accounts`): the region's, or the example one.
    pub account: String,
    /// The account's name in the plan's language.
    pub account_name: String,
    /// The account's currency: what the merchant's amounts are taken to be in.
    pub currency: String,
    /// The merchant's region has no price list of its own: these prices are an example.
    pub example: bool,
    /// The share of the volume assumed paid from abroad (cross-border fees apply to it).
    pub cross_border_share: f64,
    /// Payments a month and their volume, in the merchant's currency.
    pub transactions: f64,
    pub volume: f64,
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
    /// Working days with every item at its shortest and at its longest.
    pub days: [u32; 2],
    /// The end of the last item (hypercare included), at the shortest and the longest.
    pub earliest_finish: NaiveDate,
    pub latest_finish: NaiveDate,
    /// The end of the launch phase (`launch_phase`), at the shortest and the longest.
    pub earliest_launch: NaiveDate,
    pub launch: NaiveDate,
    pub target: Option<NaiveDate>,
    /// Whether the launch, at the longest, is on or before the target (`None`: no target).
    pub meets_target: Option<bool>,
    /// The region whose public holidays the schedule skips (`None`: Mondays to Fridays).
    pub calendar: Option<String>,
    /// That region's name, in the plan's language.
    pub calendar_name: Option<String>,
    /// Years of the schedule the holiday calendar does not cover: counted Monday to Friday.
    pub uncovered_years: Vec<i32>,
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
    pub prices: Prices,
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
                        && question.max.is_none_or(|m| n <= m)
                        && (!question.whole || n.fract() == 0.0) =>
                {
                    Some(Value::Number(n))
                }
                _ => {
                    let mut message = format!("`{}` must be a", question.id);
                    message.push_str(if question.whole {
                        " whole number"
                    } else {
                        " number"
                    });
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
        // A multiple choice is kept as a list, however it was written.
        let kept_answer = match (&value, question.kind) {
            (Some(Value::Multi(chosen)), QuestionType::Multi) => serde_json::json!(chosen),
            _ => answer.clone(),
        };
        if let Some(value) = value {
            values.insert(question.id.clone(), value);
        }
        kept.insert(question.id.clone(), kept_answer);
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

/// The working days of a schedule, counted from its first: `date(k)` is the k-th (0-based),
/// by the merchant's holiday calendar when there is one (public holidays skipped, working
/// weekends counted), else Monday to Friday. Years the calendar does not cover are counted
/// Monday to Friday and remembered. Plans stay far inside chrono's dates: items take at most
/// `definition::MAX_DAYS` each and `--start` is before 10000.
struct WorkingDays<'a> {
    calendar: Option<crate::calendar::WorkingDays<'a>>,
    dates: Vec<NaiveDate>,
    uncovered: BTreeSet<i32>,
}

impl<'a> WorkingDays<'a> {
    fn new(calendar: Option<crate::calendar::WorkingDays<'a>>, start: NaiveDate) -> Self {
        let mut days = WorkingDays {
            calendar,
            dates: Vec::new(),
            uncovered: BTreeSet::new(),
        };
        let mut first = start;
        while !days.worked(first) {
            first = first.succ_opt().expect("dates within range");
        }
        days.dates.push(first);
        days
    }

    fn worked(&mut self, date: NaiveDate) -> bool {
        let weekday = !matches!(date.weekday(), Weekday::Sat | Weekday::Sun);
        match &self.calendar {
            Some(calendar) => calendar.is_working_day(date).unwrap_or_else(|gap| {
                self.uncovered.insert(gap.year);
                weekday
            }),
            None => weekday,
        }
    }

    /// The `k`-th working day (0: the first).
    fn date(&mut self, k: u32) -> NaiveDate {
        while self.dates.len() <= k as usize {
            let mut next = *self.dates.last().expect("the first day is there");
            loop {
                next = next.succ_opt().expect("dates within range");
                if self.worked(next) {
                    break;
                }
            }
            self.dates.push(next);
        }
        self.dates[k as usize]
    }

    /// The day work of `length` days starting on day `start` is due: its last day (its first
    /// when it takes no time).
    fn due(&mut self, start: u32, length: u32) -> NaiveDate {
        self.date(start + length.saturating_sub(1))
    }
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

/// The merchant's region code (`regions` of wizard.yaml) from its answers.
fn region(definition: &Definition, values: &Values) -> Option<String> {
    let regions = definition.regions.as_ref()?;
    match values.get(&regions.question) {
        Some(Value::Choice(option)) => regions.options.get(option).cloned(),
        _ => None,
    }
}

/// The price list the estimates use, and what they assume.
fn prices(
    definition: &Definition,
    providers: &Providers,
    values: &Values,
    (transactions, volume): (f64, f64),
    lang: &str,
) -> Prices {
    let region = region(definition, values);
    let known = |code: &String| providers.accounts.contains_key(code);
    let (account, example) = match (&region, &definition.regions) {
        (Some(code), _) if known(code) => (code.clone(), false),
        (_, Some(regions)) => (regions.example_prices.clone(), true),
        (_, None) => (String::new(), false),
    };
    let cross_border_share = definition
        .cross_border_share
        .iter()
        .find(|(when, _)| when.eval(values))
        .map_or(0.0, |(_, share)| *share);
    Prices {
        account_name: providers
            .account_name(&account)
            .map(|name| text(name, lang))
            .unwrap_or_default(),
        currency: providers
            .account_currency(&account)
            .unwrap_or_default()
            .to_string(),
        region,
        account,
        example,
        cross_border_share,
        transactions,
        volume,
    }
}

/// The providers, ranked: best first among those the merchant can open an account with.
fn rank_providers(
    definition: &Definition,
    providers: &Providers,
    values: &Values,
    prices: &Prices,
    lang: &str,
) -> Vec<RankedProvider> {
    let mut ranked: Vec<RankedProvider> = definition
        .providers
        .iter()
        .filter_map(|entry| {
            let provider = providers
                .providers
                .iter()
                .find(|p| p.id == entry.provider)?;
            let holding: Vec<_> = entry.rules.iter().filter(|r| r.when.eval(values)).collect();
            let score = holding.iter().map(|r| r.score).sum();
            let mut reasons: Vec<String> = holding.iter().map(|r| text(&r.reason, lang)).collect();
            let eligible = prices
                .region
                .as_deref()
                .and_then(|region| provider.accepts_business_from(region));
            if eligible == Some(false)
                && let Some(fact) = provider.facts.iter().find(|f| f.businesses_from.is_some())
            {
                reasons.push(text(&fact.text, lang));
            }
            Some(RankedProvider {
                id: provider.id.clone(),
                name: text(&provider.name, lang),
                score,
                eligible,
                recommended: score > 0 && eligible != Some(false),
                reasons,
                share: 0.0,
                fees: Vec::new(),
                monthly: None,
            })
        })
        .collect();
    // Best first, those the merchant cannot open last; equal keep the definition's order.
    ranked.sort_by_key(|p| (p.eligible == Some(false), std::cmp::Reverse(p.score)));
    let recommended = ranked.iter().filter(|p| p.recommended).count();
    for ranked in &mut ranked {
        if ranked.recommended {
            ranked.share = 1.0 / recommended as f64;
        }
        let provider = providers
            .providers
            .iter()
            .find(|p| p.id == ranked.id)
            .expect("ranked from these providers");
        ranked.fees = estimates(definition, provider, values, prices, ranked.share, lang);
        ranked.monthly = monthly(&ranked.fees, &prices.currency);
    }
    ranked
}

/// A provider's monthly total in `currency`: every counted part of its first rates, when it
/// has a per-payment price at all and every fixed part is in that currency.
fn monthly(fees: &[FeeEstimate], currency: &str) -> Option<f64> {
    let counted: Vec<&FeeEstimate> = fees
        .iter()
        .filter(|f| !f.alternative && (f.percent_part.is_some() || f.fixed_part.is_some()))
        .collect();
    let priced = counted.iter().any(|f| f.kind == FeeKind::Transaction);
    let one_currency = counted
        .iter()
        .all(|f| f.fixed_part.is_none() || f.currency.as_deref() == Some(currency));
    (priced && one_currency).then(|| {
        round2(
            counted
                .iter()
                .map(|f| f.percent_part.unwrap_or(0.0) + f.fixed_part.unwrap_or(0.0))
                .sum(),
        )
    })
}

/// A provider's fees for the merchant's price list and ways of paying, each with what it
/// comes to a month at `share` of the volume: per-payment fees on the payments they apply to
/// (domestic or cross-border by the cross-border share), cross-border surcharges and
/// currency conversion on the payments from abroad, a percentage for settling to a bank on
/// everything, monthly fees whole. Quotes are listed; surcharges for other cases (keyed
/// cards), disputes and fees per withdrawal are not monthly costs and are left out.
fn estimates(
    definition: &Definition,
    provider: &Provider,
    values: &Values,
    prices: &Prices,
    share: f64,
    lang: &str,
) -> Vec<FeeEstimate> {
    let abroad = prices.cross_border_share;
    let mut rates_seen: Vec<(Option<crate::data::Channel>, AppliesTo)> = Vec::new();
    provider
        .fees_for(&prices.account)
        .filter(|fee| fits_channels(definition, fee, values))
        .filter_map(|fee| {
            let part = match fee.applies_to {
                AppliesTo::All => 1.0,
                AppliesTo::Domestic => 1.0 - abroad,
                AppliesTo::CrossBorder => abroad,
            };
            let (on_volume, on_payments) = match fee.kind {
                FeeKind::Transaction => (part, part),
                FeeKind::Surcharge if fee.applies_to == AppliesTo::CrossBorder => (part, part),
                FeeKind::Conversion => (abroad, 0.0),
                FeeKind::Withdrawal if fee.percent.is_some() => (1.0, 0.0),
                FeeKind::Monthly => (0.0, 0.0),
                FeeKind::Quote => (0.0, 0.0),
                _ => return None,
            };
            let counted = share > 0.0 && fee.kind != FeeKind::Quote;
            let volume = prices.volume * share * on_volume;
            let payments = prices.transactions * share * on_payments;
            let percent_part = fee
                .percent
                .filter(|_| counted)
                .map(|p| round2(volume * p / 100.0));
            let fixed_part = fee.fixed.filter(|_| counted).and_then(|f| match fee.kind {
                FeeKind::Monthly => Some(round2(f)),
                FeeKind::Transaction | FeeKind::Surcharge => Some(round2(f * payments)),
                _ => None,
            });
            // A second per-payment rate for the same payments is another case of them.
            let alternative = fee.kind == FeeKind::Transaction && {
                let key = (fee.channel, fee.applies_to);
                let seen = rates_seen.contains(&key);
                rates_seen.push(key);
                seen
            };
            Some(FeeEstimate {
                label: text(&fee.label, lang),
                kind: fee.kind,
                applies_to: fee.applies_to,
                quote: fee.kind == FeeKind::Quote,
                alternative,
                percent: fee.percent,
                fixed: fee.fixed,
                percent_part,
                fixed_part,
                currency: fee.currency.clone(),
                source: fee.source.in_language(lang).to_string(),
                as_of: fee.as_of.0.clone(),
                estimate: fee.estimate,
            })
        })
        .collect()
}

/// Each item's roles with the merchant's stand-ins in place (a role it does not have is done
/// by its stand-in), each role in one part: responsible before accountable before consulted
/// before informed.
fn with_stand_ins(definition: &Definition, values: &Values, item: &Item) -> Raci {
    let missing: HashMap<&str, &str> = definition
        .stand_ins
        .iter()
        .filter(|s| s.when.eval(values))
        .map(|s| (s.role.as_str(), s.by.as_str()))
        .collect();
    let role = |r: &String| {
        missing
            .get(r.as_str())
            .map_or(r.clone(), |by| by.to_string())
    };
    let responsible = role(&item.owner);
    let accountable = role(&item.accountable);
    let mut taken: Vec<String> = vec![responsible.clone(), accountable.clone()];
    let mut part = |roles: &[String]| -> Vec<String> {
        let mut kept = Vec::new();
        for r in roles.iter().map(role) {
            if !taken.contains(&r) {
                taken.push(r.clone());
                kept.push(r);
            }
        }
        kept
    };
    let consulted = part(&item.consulted);
    let informed = part(&item.informed);
    Raci {
        responsible,
        accountable,
        consulted,
        informed,
    }
}

/// Who does what for one item of a plan.
struct Raci {
    responsible: String,
    accountable: String,
    consulted: Vec<String>,
    informed: Vec<String>,
}

/// `after` lists reduced to the direct predecessors: an item another one in the list already
/// waits for (through the plan's items) is left out.
fn direct_predecessors(entries: &[(&Item, [u32; 2], Vec<String>)]) -> Vec<Vec<String>> {
    let position: HashMap<&str, usize> = entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.0.id.as_str(), i))
        .collect();
    // What each item waits for, directly or not.
    let mut reach: Vec<Option<BTreeSet<usize>>> = vec![None; entries.len()];
    fn reachable(
        i: usize,
        entries: &[(&Item, [u32; 2], Vec<String>)],
        position: &HashMap<&str, usize>,
        reach: &mut Vec<Option<BTreeSet<usize>>>,
    ) -> BTreeSet<usize> {
        if let Some(found) = &reach[i] {
            return found.clone();
        }
        let mut found = BTreeSet::new();
        for dependency in &entries[i].2 {
            let j = position[dependency.as_str()];
            found.insert(j);
            found.extend(reachable(j, entries, position, reach));
        }
        reach[i] = Some(found.clone());
        found
    }
    (0..entries.len())
        .map(|i| {
            let after = &entries[i].2;
            let through: BTreeSet<usize> = after
                .iter()
                .flat_map(|d| reachable(position[d.as_str()], entries, &position, &mut reach))
                .collect();
            after
                .iter()
                .filter(|d| !through.contains(&position[d.as_str()]))
                .cloned()
                .collect()
        })
        .collect()
}

/// Builds the plan for `answers` (already checked), starting on `start` (or the first
/// working day after it), in `lang`. `calendars`: the public holidays of holidays.yaml.
pub fn plan(
    definition: &Definition,
    providers: &Providers,
    calendars: Option<&Calendars>,
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
    let prices = prices(definition, providers, &values, (transactions, volume), lang);
    let ranked = rank_providers(definition, providers, &values, &prices, lang);

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
    let role_names: HashMap<&str, String> = definition
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
    let direct = direct_predecessors(&entries);

    let calendar_region = prices
        .region
        .clone()
        .filter(|code| calendars.is_some_and(|c| c.region(code).is_some()));
    let mut days = WorkingDays::new(
        calendar_region
            .as_deref()
            .and_then(|code| Some(calendars?.working_days(code))),
        start,
    );
    let start = days.date(0);
    let mut used_roles: BTreeSet<String> = BTreeSet::new();
    let mut items: Vec<PlannedItem> = Vec::with_capacity(entries.len());
    for (i, (item, length, _)) in entries.iter().enumerate() {
        let raci = with_stand_ins(definition, &values, item);
        used_roles.insert(raci.responsible.clone());
        used_roles.insert(raci.accountable.clone());
        used_roles.extend(raci.consulted.iter().cloned());
        used_roles.extend(raci.informed.iter().cloned());
        items.push(PlannedItem {
            id: item.id.clone(),
            phase: item.phase.clone(),
            title: text(&item.title, lang),
            owner_name: role_names
                .get(raci.responsible.as_str())
                .cloned()
                .unwrap_or_default(),
            owner: raci.responsible,
            accountable: raci.accountable,
            consulted: raci.consulted,
            informed: raci.informed,
            days: *length,
            after: direct[i].clone(),
            doc: item.doc.clone(),
            evidence: text(&item.evidence, lang),
            gate: item.gate,
            checklist: item.checklist,
            start_day: starts_high[i],
            end_day: ends_high[i],
            start_date: days.date(starts_high[i]),
            due_date: days.due(starts_high[i], length[1]),
            critical: critical.contains(&i),
        });
    }
    let phases: Vec<PhasePlan> = definition
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
    // The launch: when the launch phase's last item is due, at the shortest and the longest.
    let launch_days = |ends: &[u32]| {
        entries
            .iter()
            .enumerate()
            .filter(|(_, e)| e.0.phase == definition.launch_phase)
            .map(|(i, _)| ends[i])
            .max()
            .unwrap_or_else(|| ends.iter().copied().max().unwrap_or(0))
    };
    let launch = days.due(0, launch_days(&ends_high));
    let earliest_launch = days.due(0, launch_days(&ends_low));
    let target = given(QuestionRole::LaunchDate)
        .and_then(|d| d.as_str())
        .and_then(parse_date);
    let meets_target = target.map(|t| launch <= t);
    let latest_finish = days.due(0, total[1]);
    let earliest_finish = days.due(0, total[0]);
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
        // The merchant's roles: those the plan's items name, in the wizard's order.
        roles: definition
            .roles
            .iter()
            .filter(|r| used_roles.contains(&r.id))
            .map(|r| RoleName {
                id: r.id.clone(),
                name: text(&r.name, lang),
            })
            .collect(),
        prices,
        providers: ranked,
        schedule: Schedule {
            start,
            days: total,
            earliest_finish,
            latest_finish,
            earliest_launch,
            launch,
            target,
            meets_target,
            calendar_name: calendar_region
                .as_deref()
                .and_then(|code| calendars?.region(code))
                .map(|region| text(&region.name, lang)),
            calendar: calendar_region.clone(),
            uncovered_years: days.uncovered.into_iter().collect(),
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
        let plan = plan(&definition, &providers, None, &answers, monday, "en").unwrap();
        assert_eq!(plan.merchant, "Tea");
        assert_eq!(plan.prepared_by.as_deref(), Some("Li"));
        let fee = &plan.providers[0].fees[0];
        // 2% of 100 payments of 20, and 0.30 each.
        assert_eq!((fee.percent_part, fee.fixed_part), (Some(40.0), Some(30.0)));
        // Two days from Monday are done on Tuesday, the day of the target.
        let tuesday = NaiveDate::from_ymd_opt(2026, 11, 24);
        assert_eq!(Some(plan.items[0].due_date), tuesday);
        assert_eq!(plan.schedule.target, tuesday);
        assert_eq!(plan.schedule.meets_target, Some(true));
    }
}
