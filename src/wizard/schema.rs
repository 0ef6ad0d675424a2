//! The shape of `content/wizard.yaml`, as written (serde, unknown keys refused). `definition`
//! checks it and turns it into the definition the engine runs.
//!
//! ```yaml
//! version: 1
//! roles:                       # who does what (RACI)
//!   - { id: owner, zh: 店主, en: Owner }
//! accountable: owner           # accountable for every item that names no other (default: its owner)
//! stand_ins:                   # roles a merchant may not have, and who does their part then
//!   - { role: finance, by: owner, when: "small_business" }
//! phases:
//!   - { id: choose, zh: 选择服务商, en: Choose providers }
//! launch_phase: go_live        # the phase whose end is the launch (what the target date is about)
//! questions:
//!   - id: counter
//!     type: choice             # choice | multi | number | text | date
//!     label: { zh: …, en: … }
//!     help: { zh: …, en: … }   # optional
//!     options:                 # choice and multi
//!       - { id: till, zh: 实体门店收银台, en: A physical till }
//!     show_if: "…"             # optional condition on earlier questions
//!     role: merchant_name      # optional: what the engine reads this answer for (see below)
//!     required: true           # default true
//!     min: 0                   # number: optional bounds
//!     whole: true              # number: whole numbers only
//! # Roles: merchant_name (text), monthly_transactions and average_ticket (numbers, for fee
//! # estimates), launch_date (date, the target) — each on exactly one question — and
//! # prepared_by (text), on one question at most.
//! regions:                     # where the merchant is: price lists and public holidays
//!   question: registered_in
//!   options: { mainland: cn, hong_kong: hk }   # codes of providers.yaml accounts and holidays.yaml
//!   example_prices: us         # the price list shown, as an example, for other regions
//! cross_border_share:          # share of the volume paid from abroad (first that holds; none: 0)
//!   - { when: "not local_customers", share: 1 }
//! derived:                     # yes/no values for conditions
//!   - { id: cross_border, when: "registered_in != 'mainland' or customers has 'overseas'" }
//! fee_channels:                # when a plan counts fees of one way of paying (providers.yaml `channel`)
//!   in_person: "in_store"
//!   online: "sells_online"
//! providers:                   # scoring, by provider id of providers.yaml
//!   - provider: alipay
//!     rules:
//!       - { when: "customers has 'mainland'", score: 3, reason: { zh: …, en: … } }
//! items:
//!   - id: open-wechat-pay
//!     phase: register
//!     title: { zh: …, en: … }
//!     owner: owner             # a role id: responsible, does the work
//!     accountable: owner       # optional: answers for it (default: the wizard's `accountable`)
//!     consulted: [consultant]  # optional: asked before
//!     informed: [finance]      # optional: told after
//!     days: [3, 7]             # business days, low and high
//!     days_if:                 # optional: the first whose condition holds replaces `days`
//!       - { when: "…", days: [1, 3] }
//!     after: [pick-providers]  # items this one waits for
//!     doc: "@/guide/register.md#wechat-pay"
//!     evidence: { zh: …, en: … }
//!     gate: true               # must be done to go live
//!     checklist: security      # optional: security | data (shown in that checklist)
//!     when: "…"                # optional: the item is in the plan only when this holds
//! risks:
//!   - id: no-wechat-sandbox
//!     when: "…"
//!     title: { zh: …, en: … }
//!     mitigation: { zh: …, en: … }
//!     doc: "@/guide/test.md#wechat-pay"
//! ```

use serde::{Deserialize, Serialize};

/// Text in every language of the site, by language code.
pub type Text = std::collections::BTreeMap<String, String>;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Wizard {
    pub version: u32,
    pub roles: Vec<Named>,
    #[serde(default)]
    pub accountable: Option<String>,
    /// Roles a merchant may not have, and who does their part then.
    #[serde(default)]
    pub stand_ins: Vec<StandIn>,
    pub phases: Vec<Named>,
    /// The phase whose end is the launch: the target date is met when it ends by then
    /// (default: the last phase).
    #[serde(default)]
    pub launch_phase: Option<String>,
    pub questions: Vec<Question>,
    /// Where the merchant is: its price lists and public holidays.
    #[serde(default)]
    pub regions: Option<Regions>,
    /// The share of the volume paid from abroad, for fees on cross-border payments: the
    /// first whose condition holds (none: 0).
    #[serde(default)]
    pub cross_border_share: Vec<Share>,
    #[serde(default)]
    pub derived: Vec<Derived>,
    #[serde(default)]
    pub fee_channels: std::collections::BTreeMap<crate::data::Channel, String>,
    #[serde(default)]
    pub providers: Vec<ProviderRules>,
    pub items: Vec<Item>,
    #[serde(default)]
    pub risks: Vec<Risk>,
}

/// A role a merchant may not have: `by` does its part when `when` holds.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StandIn {
    pub role: String,
    pub by: String,
    pub when: String,
}

/// The question whose answer says where the merchant is, and the region code of each of its
/// options: a price list of providers.yaml (`accounts`) and a calendar of holidays.yaml.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Regions {
    pub question: String,
    pub options: std::collections::BTreeMap<String, String>,
    /// The price list shown, as an example, for a region that has none.
    pub example_prices: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Share {
    pub when: String,
    pub share: f64,
}

/// Something with an id and a name in each language (`{ id: owner, zh: 店主, en: Owner }`).
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Named {
    pub id: String,
    #[serde(flatten)]
    pub name: Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionType {
    Choice,
    Multi,
    Number,
    Text,
    Date,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: QuestionType,
    pub label: Text,
    #[serde(default)]
    pub help: Option<Text>,
    #[serde(default)]
    pub options: Vec<Named>,
    #[serde(default)]
    pub show_if: Option<String>,
    #[serde(default = "yes")]
    pub required: bool,
    #[serde(default)]
    pub min: Option<f64>,
    #[serde(default)]
    pub max: Option<f64>,
    /// A number: whole numbers only (payments, tills).
    #[serde(default)]
    pub whole: bool,
    /// What the engine reads the answer for (`definition::QuestionRole`), as written.
    #[serde(default)]
    pub role: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Derived {
    pub id: String,
    pub when: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderRules {
    pub provider: String,
    pub rules: Vec<Rule>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub when: String,
    pub score: i32,
    pub reason: Text,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DaysIf {
    pub when: String,
    pub days: [u32; 2],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Checklist {
    Security,
    Data,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub id: String,
    pub phase: String,
    pub title: Text,
    pub owner: String,
    #[serde(default)]
    pub accountable: Option<String>,
    #[serde(default)]
    pub consulted: Vec<String>,
    #[serde(default)]
    pub informed: Vec<String>,
    pub days: [u32; 2],
    #[serde(default)]
    pub days_if: Vec<DaysIf>,
    #[serde(default)]
    pub after: Vec<String>,
    pub doc: String,
    pub evidence: Text,
    #[serde(default)]
    pub gate: bool,
    #[serde(default)]
    pub checklist: Option<Checklist>,
    #[serde(default)]
    pub when: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Risk {
    pub id: String,
    pub when: String,
    pub title: Text,
    pub mitigation: Text,
    pub doc: String,
}
