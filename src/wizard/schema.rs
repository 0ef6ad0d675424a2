//! The shape of `content/wizard.yaml`, as written (serde, unknown keys refused). `definition`
//! checks it and turns it into the definition the engine runs.
//!
//! ```yaml
//! version: 1
//! roles:                       # who does what (RACI)
//!   - { id: owner, zh: 店主, en: Owner }
//! accountable: owner           # accountable for every item that names no other (default: its owner)
//! phases:
//!   - { id: choose, zh: 选择服务商, en: Choose providers }
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
//! # Roles: merchant_name (text), monthly_transactions and average_ticket (numbers, for fee
//! # estimates), launch_date (date, the target) — each on exactly one question — and
//! # prepared_by (text), on one question at most.
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
    pub phases: Vec<Named>,
    pub questions: Vec<Question>,
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
