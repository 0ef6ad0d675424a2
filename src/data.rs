//! `content/data/providers.yaml`: the one source of provider facts (fees with amounts,
//! currency, source and as-of date). Pages never type a fee: a ```` ```fees ```` block renders
//! the figures from here, so every fee on the site has a source and changes in one place.
//!
//! A provider prices accounts differently by where the merchant is registered: a fee names the
//! merchant accounts it applies to (`accounts: [hk]`, codes declared under `accounts:` at the
//! top), whether it applies to every payment or only to domestic or cross-border ones
//! (`applies_to`), and a fact can say where a business may open an account at all
//! (`businesses_from`). [`Provider::fees_for`] and [`Provider::accepts_business_from`] answer
//! for one merchant.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use serde::Deserialize;

use crate::error::{Diagnostic, nearest, yaml_diagnostic};
use crate::markdown::escape;

pub const PROVIDERS_FILE: &str = "content/data/providers.yaml";

/// Text in each of the site's languages, by language code.
pub type Text = BTreeMap<String, String>;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Providers {
    /// When the figures were last reviewed as a whole.
    pub version: String,
    /// The merchant account regions that fees and facts name (`cn`, `hk`, `us`…), with their
    /// currency and names in every language.
    #[serde(default)]
    pub accounts: BTreeMap<String, Account>,
    pub providers: Vec<Provider>,
}

/// A merchant account region: its local currency (what its merchants charge and are paid
/// in, and what a plan's estimates add up in) and its name in every language.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
pub struct Account {
    pub currency: String,
    #[serde(flatten)]
    pub name: Text,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provider {
    pub id: String,
    pub name: Text,
    pub region: Text,
    /// The provider's documentation for merchants.
    pub docs: String,
    /// Settlement, sandbox, registration needs…: shown as the provider's fact box.
    #[serde(default)]
    pub facts: Vec<Fact>,
    pub fees: Vec<Fee>,
}

/// Where a figure comes from: a web page (`https://…`), or a document described in each
/// language (`{zh: …, en: …}`), e.g. a secondary source quoting the provider.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(untagged)]
pub enum Source {
    Page(String),
    Named(Text),
}

impl Source {
    /// The page's URL, or the document's description in `lang` (else in its first language).
    pub fn in_language(&self, lang: &str) -> &str {
        match self {
            Source::Page(url) => url,
            Source::Named(text) => text
                .get(lang)
                .or_else(|| text.values().next())
                .map_or("", String::as_str),
        }
    }
}

/// One fact about a provider, with where it comes from.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fact {
    pub label: Text,
    pub text: Text,
    /// Where a business must be registered to open an account: account region → whether it
    /// can (a region not listed is not known). At most one fact of a provider says it.
    #[serde(default)]
    pub businesses_from: Option<BTreeMap<String, bool>>,
    pub source: Source,
    pub as_of: AsOf,
    #[serde(default)]
    pub estimate: bool,
}

/// What a fee is charged for, which decides how it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FeeKind {
    /// Per payment: `percent` and/or `fixed`.
    Transaction,
    /// Added on top of the transaction fee in some cases: `percent` and/or `fixed`.
    Surcharge,
    /// A subscription: `fixed` per month.
    Monthly,
    /// Per dispute or chargeback: `fixed`.
    Dispute,
    /// Currency conversion: `percent`.
    Conversion,
    /// Moving the balance to a bank account, per withdrawal: `percent` and/or `fixed`.
    Withdrawal,
    /// No published rate: the provider or an acquirer quotes one. No amounts.
    Quote,
}

/// Which payments a per-payment fee applies to, seen from the merchant's account.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AppliesTo {
    /// Every payment.
    #[default]
    All,
    /// Payments from buyers in the account's own region.
    Domestic,
    /// Payments from buyers (or cards) elsewhere.
    CrossBorder,
}

/// Where a payment is taken, for fees that apply to one way of paying only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// At a till or terminal, the customer present.
    InPerson,
    /// On a website, in an app or a mini-program.
    Online,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fee {
    pub kind: FeeKind,
    pub label: Text,
    /// The way of paying the fee applies to; none: every way.
    #[serde(default)]
    pub channel: Option<Channel>,
    /// The merchant account regions whose price list this is; empty: every account.
    #[serde(default)]
    pub accounts: Vec<String>,
    /// Which payments a transaction fee or surcharge applies to.
    #[serde(default)]
    pub applies_to: AppliesTo,
    #[serde(default)]
    pub percent: Option<f64>,
    #[serde(default)]
    pub fixed: Option<f64>,
    #[serde(default)]
    pub currency: Option<String>,
    /// Where the figure comes from.
    pub source: Source,
    pub as_of: AsOf,
    /// A figure to confirm with the provider (shown as an estimate).
    #[serde(default)]
    pub estimate: bool,
}

/// When a source was read: `YYYY-MM-DD`, or `YYYY-MM` when the source gives only the month.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct AsOf(pub String);

impl<'de> Deserialize<'de> for AsOf {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        let day = chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d").is_ok();
        let month = chrono::NaiveDate::parse_from_str(&format!("{text}-01"), "%Y-%m-%d").is_ok();
        if day || month {
            Ok(AsOf(text))
        } else {
            Err(serde::de::Error::custom(format!(
                "`{text}` is not a date; write YYYY-MM-DD or YYYY-MM"
            )))
        }
    }
}

impl AsOf {
    /// The first day the date stands for (`2024-11` → 2024-11-01).
    fn date(&self) -> Option<chrono::NaiveDate> {
        chrono::NaiveDate::parse_from_str(&self.0, "%Y-%m-%d")
            .or_else(|_| chrono::NaiveDate::parse_from_str(&format!("{}-01", self.0), "%Y-%m-%d"))
            .ok()
    }

    /// Whether the source was read more than a year before `today`.
    pub fn is_stale(&self, today: chrono::NaiveDate) -> bool {
        self.date()
            .and_then(|d| d.checked_add_months(chrono::Months::new(12)))
            .is_some_and(|limit| limit < today)
    }
}

impl std::fmt::Display for AsOf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Providers {
    pub fn find(&self, id: &str) -> Option<&Provider> {
        self.providers.iter().find(|p| p.id == id)
    }

    /// The name of account region `code` in every language.
    pub fn account_name(&self, code: &str) -> Option<&Text> {
        self.accounts.get(code).map(|a| &a.name)
    }

    /// The currency of account region `code`.
    pub fn account_currency(&self, code: &str) -> Option<&str> {
        self.accounts.get(code).map(|a| a.currency.as_str())
    }
}

impl Provider {
    /// The fees a merchant with an account in region `account` pays (those for every account
    /// and those for that region).
    pub fn fees_for<'a>(&'a self, account: &'a str) -> impl Iterator<Item = &'a Fee> {
        self.fees
            .iter()
            .filter(move |f| f.applies_to_account(account))
    }

    /// Whether a business registered in `account` can open an account with this provider;
    /// `None` when the data does not say.
    pub fn accepts_business_from(&self, account: &str) -> Option<bool> {
        self.facts
            .iter()
            .find_map(|f| f.businesses_from.as_ref())
            .and_then(|regions| regions.get(account).copied())
    }
}

impl Fee {
    /// Whether this fee is on the price list of an account in region `account`.
    pub fn applies_to_account(&self, account: &str) -> bool {
        self.accounts.is_empty() || self.accounts.iter().any(|a| a == account)
    }
}

/// Parses and checks providers.yaml: every text in every language, amounts that fit the fee
/// kind, a currency with every fixed amount, a source for every figure, unique ids. Figures
/// read more than 12 months before `today` come back as warnings.
pub fn parse(
    path: &Path,
    text: &str,
    languages: &[&str],
    today: chrono::NaiveDate,
) -> Result<(Providers, Vec<Diagnostic>), Vec<Diagnostic>> {
    let providers: Providers =
        serde_yaml::from_str(text).map_err(|e| vec![yaml_diagnostic(path, text, 1, &e)])?;
    let line_of = |needle: &str| {
        text.lines()
            .position(|l| l.contains(needle))
            .map_or(0, |i| i + 1)
    };
    // The first line from line `from` on that holds `needle` (`from` when there is none).
    let line_from = |from: usize, needle: &str| {
        text.lines()
            .skip(from.saturating_sub(1))
            .position(|l| l.contains(needle))
            .map_or(from, |i| from.max(1) + i)
    };
    let mut problems = Vec::new();
    let accounts_line = line_of("accounts:");
    for (code, account) in &providers.accounts {
        let at = line_from(accounts_line, &format!("{code}:"));
        let currency = &account.currency;
        if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
            problems.push(Diagnostic::error(
                path,
                at,
                1,
                format!("account region `{code}`: currency `{currency}` is not a code like CNY"),
            ));
        }
        for lang in languages {
            if account.name.get(*lang).is_none_or(|t| t.trim().is_empty()) {
                problems.push(Diagnostic::error(
                    path,
                    at,
                    1,
                    format!("account region `{code}` has no `{lang}` name"),
                ));
            }
        }
    }
    // An account region a fee or fact names must be declared under `accounts:`.
    let unknown_account = |code: &str, at: usize, whose: String| {
        let known = providers.accounts.keys().map(String::as_str);
        let hint = match nearest(code, known) {
            Some(best) => format!(
                "did you mean `{best}`? Account regions are declared under `accounts:` at the top"
            ),
            None => "declare it under `accounts:` at the top, with its name in every language"
                .to_string(),
        };
        Diagnostic::error(
            path,
            at,
            1,
            format!("{whose}: unknown account region `{code}`"),
        )
        .with_hint(hint)
    };
    for (i, provider) in providers.providers.iter().enumerate() {
        let line = line_of(&format!("id: {}", provider.id));
        if providers.providers[..i].iter().any(|p| p.id == provider.id) {
            problems.push(Diagnostic::error(
                path,
                line,
                1,
                format!("provider `{}` is listed twice", provider.id),
            ));
        }
        let mut texts = vec![("name", &provider.name), ("region", &provider.region)];
        texts.extend(provider.fees.iter().map(|f| ("label", &f.label)));
        texts.extend(
            provider
                .facts
                .iter()
                .flat_map(|f| [("label", &f.label), ("text", &f.text)]),
        );
        let sources = provider.fees.iter().map(|f| &f.source);
        for source in sources.chain(provider.facts.iter().map(|f| &f.source)) {
            match source {
                Source::Named(text) => texts.push(("source", text)),
                Source::Page(url) if !url.trim().is_empty() && !is_web_address(url) => {
                    problems.push(
                        Diagnostic::error(path, line_of(url).max(line), 1, format!("provider `{}`: source `{url}` is not a web address", provider.id))
                            .with_hint("give the page (https://…), or describe the document in every language: source: {zh: …, en: …}"),
                    );
                }
                Source::Page(_) => {}
            }
        }
        for (field, text) in texts {
            for lang in languages {
                if !text.contains_key(*lang) {
                    problems.push(Diagnostic::error(
                        path,
                        line,
                        1,
                        format!(
                            "provider `{}`: a `{field}` has no `{lang}` text",
                            provider.id
                        ),
                    ));
                }
            }
        }
        let mut saying_where = provider
            .facts
            .iter()
            .filter(|f| f.businesses_from.is_some());
        if saying_where.nth(1).is_some() {
            problems.push(
                Diagnostic::error(
                    path,
                    line_from(line, "businesses_from:"),
                    1,
                    format!(
                        "provider `{}`: more than one fact says `businesses_from`",
                        provider.id
                    ),
                )
                .with_hint("say where businesses can open an account in one fact"),
            );
        }
        for fact in &provider.facts {
            let label = fact.label.values().next().map_or("", String::as_str);
            for code in fact.businesses_from.iter().flat_map(|b| b.keys()) {
                if !providers.accounts.contains_key(code) {
                    let at = line_from(line_from(line, label), "businesses_from:");
                    problems.push(unknown_account(
                        code,
                        at,
                        format!("provider `{}`: fact `{label}`", provider.id),
                    ));
                }
            }
        }
        for fee in &provider.fees {
            let label = fee.label.values().next().map_or("", String::as_str);
            let fee_line = line_from(line, label);
            let fits = match fee.kind {
                FeeKind::Transaction | FeeKind::Surcharge | FeeKind::Withdrawal => {
                    fee.percent.is_some() || fee.fixed.is_some()
                }
                FeeKind::Monthly | FeeKind::Dispute => fee.fixed.is_some() && fee.percent.is_none(),
                FeeKind::Conversion => fee.percent.is_some() && fee.fixed.is_none(),
                FeeKind::Quote => fee.percent.is_none() && fee.fixed.is_none(),
            };
            if !fits {
                problems.push(Diagnostic::error(path, fee_line, 1, format!("provider `{}`: fee `{label}` has amounts that do not fit its kind", provider.id))
                    .with_hint("transaction, surcharge and withdrawal fees take percent and/or fixed; monthly and dispute fees take fixed; conversion fees take percent; a quote takes none"));
            }
            for code in &fee.accounts {
                if !providers.accounts.contains_key(code) {
                    let at = line_from(fee_line, "accounts:");
                    problems.push(unknown_account(
                        code,
                        at,
                        format!("provider `{}`: fee `{label}`", provider.id),
                    ));
                }
            }
            let per_payment = matches!(fee.kind, FeeKind::Transaction | FeeKind::Surcharge);
            if fee.applies_to != AppliesTo::All && !per_payment {
                problems.push(
                    Diagnostic::error(path, line_from(fee_line, "applies_to:"), 1, format!("provider `{}`: fee `{label}`: `applies_to` is for transaction fees and surcharges", provider.id))
                        .with_hint("a conversion fee applies to the amounts converted, a withdrawal fee to each withdrawal: leave applies_to out"),
                );
            }
            if fee.fixed.is_some() && fee.currency.is_none() {
                problems.push(Diagnostic::error(
                    path,
                    fee_line,
                    1,
                    format!(
                        "provider `{}`: fee `{label}` has a fixed amount without a currency",
                        provider.id
                    ),
                ));
            }
            // A described source's texts are checked with the others, above.
            let no_page = matches!(&fee.source, Source::Page(url) if url.trim().is_empty());
            if no_page || fee.as_of.0.is_empty() {
                let source_line = text
                    .lines()
                    .skip(fee_line)
                    .position(|l| l.trim_start().starts_with("source:"))
                    .map_or(fee_line, |i| fee_line + i + 1);
                problems.push(
                    Diagnostic::error(path, source_line, 1, format!("provider `{}`: fee `{label}` has no source", provider.id))
                        .with_hint("every fee needs the page or document it comes from, and as_of: the date it was read"),
                );
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut warnings = Vec::new();
    for provider in &providers.providers {
        let dated = provider
            .fees
            .iter()
            .map(|f| (&f.label, &f.as_of))
            .chain(provider.facts.iter().map(|f| (&f.label, &f.as_of)));
        for (label, as_of) in dated {
            if as_of.is_stale(today) {
                let label = label.values().next().map_or("", String::as_str);
                let line = text
                    .lines()
                    .enumerate()
                    .skip(line_of(label).saturating_sub(1))
                    .find(|(_, l)| l.trim_start().starts_with("as_of:"))
                    .map_or(0, |(i, _)| i + 1);
                warnings.push(
                    Diagnostic::warning(
                        path,
                        line,
                        1,
                        format!(
                            "provider `{}`: `{label}` was read on {as_of}, more than 12 months ago",
                            provider.id
                        ),
                    )
                    .with_hint("check the source again, then update the figure and its as_of date"),
                );
            }
        }
    }
    Ok((providers, warnings))
}

fn money(amount: f64, currency: &str) -> String {
    let symbol = match currency {
        "USD" => "US$",
        "CNY" => "¥",
        "HKD" => "HK$",
        "EUR" => "€",
        other => return format!("{amount:.2} {other}"),
    };
    if amount.fract() == 0.0 {
        format!("{symbol}{amount:.0}")
    } else {
        format!("{symbol}{amount:.2}")
    }
}

fn percent(value: f64) -> String {
    let text = format!("{value:.2}");
    format!("{}%", text.trim_end_matches('0').trim_end_matches('.'))
}

/// How a fee reads, e.g. `2.9% + US$0.30`, `+1.5%`, `US$49 / month`, `US$35 per withdrawal`.
pub fn amount(fee: &Fee, strings: &BTreeMap<String, String>) -> String {
    let s = |key: &str| strings.get(key).cloned().unwrap_or_default();
    let fixed = fee
        .fixed
        .map(|f| money(f, fee.currency.as_deref().unwrap_or("")));
    let pct = fee.percent.map(percent);
    let mut text = match fee.kind {
        FeeKind::Transaction => [pct, fixed]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" + "),
        FeeKind::Surcharge => format!(
            "+{}",
            [pct, fixed]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" + ")
        ),
        FeeKind::Monthly => format!("{}{}", fixed.unwrap_or_default(), s("per_month")),
        FeeKind::Dispute => format!("{}{}", fixed.unwrap_or_default(), s("per_dispute")),
        FeeKind::Conversion => pct.unwrap_or_default(),
        FeeKind::Withdrawal => format!(
            "{}{}",
            [pct, fixed]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(" + "),
            s("per_withdrawal")
        ),
        FeeKind::Quote => s("by_quote"),
    };
    if fee.estimate {
        text.push_str(&s("estimate"));
    }
    text
}

/// Whether `text` is an http(s) address.
pub fn is_web_address(text: &str) -> bool {
    text.starts_with("https://") || text.starts_with("http://")
}

/// A source (linked when it is a web page) in `lang`, and the date it was read.
fn source_html(
    source: &Source,
    as_of: &AsOf,
    lang: &str,
    strings: &BTreeMap<String, String>,
) -> String {
    let as_of_label = strings.get("as_of").cloned().unwrap_or_default();
    let source = source.in_language(lang);
    let source = if is_web_address(source) {
        let shown = source
            .trim_start_matches("https://")
            .trim_start_matches("www.")
            .trim_end_matches('/');
        let mut href = String::new();
        let _ = pulldown_cmark_escape::escape_href(&mut href, source);
        let external = strings
            .get("external_link")
            .map_or(String::new(), |s| escape(s));
        format!(
            "<a class=\"external\" rel=\"external\" href=\"{href}\">{}<span class=\"visually-hidden\"> {external}</span></a>",
            escape(shown)
        )
    } else {
        escape(source)
    };
    let open = strings.get("paren_open").map_or("(", String::as_str);
    let close = strings.get("paren_close").map_or(")", String::as_str);
    format!("{source} {open}{as_of_label} {as_of}{close}")
}

/// What is wrong with a data block: the message and maybe a hint.
type BlockError = (String, Option<String>);

/// Parses the YAML of a `kind` block (`fees`, `provider`); `example` shows the right form.
fn parse_block<T: serde::de::DeserializeOwned>(
    block: &str,
    kind: &str,
    example: &str,
) -> Result<T, BlockError> {
    serde_yaml::from_str(block).map_err(|e| {
        let message = e.to_string();
        let message = message.split(" at line ").next().unwrap_or("");
        (
            format!("{kind} block: {message}"),
            Some(format!("write `{example}`")),
        )
    })
}

/// The provider `id` named in a `kind` block, or an error with the nearest id as a hint.
fn find_provider<'a>(
    providers: &'a Providers,
    id: &str,
    kind: &str,
) -> Result<&'a Provider, BlockError> {
    providers.find(id).ok_or_else(|| {
        let hint = nearest(id, providers.providers.iter().map(|p| p.id.as_str()))
            .map(|best| format!("did you mean `{best}`?"));
        (
            format!("{kind} block: unknown provider `{id}` (not in {PROVIDERS_FILE})"),
            hint,
        )
    })
}

/// The HTML of a ```` ```provider ```` block, `facts: ID`: the provider's fact box (region,
/// each fact with its source, its documentation).
pub fn facts_block(
    providers: &Providers,
    lang: &str,
    strings: &BTreeMap<String, String>,
    block: &str,
) -> Result<String, BlockError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Block {
        facts: String,
    }
    let parsed: Block = parse_block(block, "provider", "facts: alipay")?;
    let provider = find_provider(providers, &parsed.facts, "provider")?;
    let text = |t: &Text| escape(t.get(lang).map_or("", String::as_str));
    let s = |key: &str| escape(strings.get(key).map_or(key, String::as_str));
    let mut html = format!(
        "<aside class=\"provider-facts\" aria-label=\"{}\">\n<dl>\n",
        text(&provider.name)
    );
    let _ = writeln!(
        html,
        "<dt>{}</dt><dd>{}</dd>",
        s("region"),
        text(&provider.region)
    );
    for fact in &provider.facts {
        let estimate = if fact.estimate {
            s("estimate")
        } else {
            String::new()
        };
        let _ = writeln!(
            html,
            "<dt>{}</dt><dd>{}{estimate} <span class=\"source\">{}</span></dd>",
            text(&fact.label),
            text(&fact.text),
            source_html(&fact.source, &fact.as_of, lang, strings)
        );
    }
    let mut href = String::new();
    let _ = pulldown_cmark_escape::escape_href(&mut href, &provider.docs);
    let _ = write!(
        html,
        "<dt>{}</dt><dd><a class=\"external\" rel=\"external\" href=\"{href}\">{}</a></dd>\n</dl>\n</aside>\n",
        s("docs"),
        escape(
            provider
                .docs
                .trim_start_matches("https://")
                .trim_end_matches('/')
        )
    );
    Ok(html)
}

/// The HTML of a ```` ```fees ```` block: `provider: ID` for one provider's fees, or
/// `compare: [ID, …]` for a table of several. Errors name the block's problem.
pub fn fees_block(
    providers: &Providers,
    lang: &str,
    strings: &BTreeMap<String, String>,
    block: &str,
) -> Result<String, BlockError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Block {
        provider: Option<String>,
        compare: Option<Vec<String>>,
    }
    let parsed: Block = parse_block(
        block,
        "fees",
        "provider: stripe` or `compare: [alipay, stripe]",
    )?;
    let ids: Vec<String> = match (parsed.provider, parsed.compare) {
        (Some(id), None) => vec![id],
        (None, Some(ids)) if !ids.is_empty() => ids,
        _ => {
            return Err((
                "fees block needs either `provider:` or `compare:`".to_string(),
                None,
            ));
        }
    };
    let chosen = ids
        .iter()
        .map(|id| find_provider(providers, id, "fees"))
        .collect::<Result<Vec<_>, _>>()?;
    let text = |t: &Text| t.get(lang).cloned().unwrap_or_default();
    let s = |key: &str| escape(strings.get(key).map_or(key, String::as_str));
    let mut html = String::from(
        "<div class=\"table-wrap\" tabindex=\"0\"><table class=\"fees\">\n<thead><tr>",
    );
    if chosen.len() > 1 {
        let _ = write!(html, "<th>{}</th>", s("provider"));
    }
    // Which merchant accounts a fee is for, as a column once any fee shown names them.
    let by_account = chosen
        .iter()
        .any(|p| p.fees.iter().any(|f| !f.accounts.is_empty()));
    let _ = write!(html, "<th>{}</th>", s("fee_item"));
    if by_account {
        let _ = write!(html, "<th>{}</th>", s("fee_account"));
    }
    let _ = write!(
        html,
        "<th>{}</th><th>{}</th></tr></thead>\n<tbody>\n",
        s("fee_amount"),
        s("fee_source")
    );
    for provider in chosen {
        for (n, fee) in provider.fees.iter().enumerate() {
            html.push_str("<tr>");
            if ids.len() > 1 && n == 0 {
                let _ = write!(
                    html,
                    "<th scope=\"rowgroup\" rowspan=\"{}\">{} <span class=\"region\">({})</span></th>",
                    provider.fees.len(),
                    escape(&text(&provider.name)),
                    escape(&text(&provider.region))
                );
            }
            let _ = write!(html, "<td>{}</td>", escape(&text(&fee.label)));
            if by_account {
                let names: Vec<String> = fee
                    .accounts
                    .iter()
                    .map(|code| providers.account_name(code).map_or(code.clone(), text))
                    .collect();
                let accounts = if names.is_empty() {
                    s("all_accounts")
                } else {
                    escape(&names.join(" / "))
                };
                let _ = write!(html, "<td class=\"account\">{accounts}</td>");
            }
            let _ = writeln!(
                html,
                "<td class=\"amount\">{}</td><td>{}</td></tr>",
                escape(&amount(fee, strings)),
                source_html(&fee.source, &fee.as_of, lang, strings)
            );
        }
    }
    let _ = write!(
        html,
        "</tbody>\n</table></div>\n<p class=\"fees-note\">{} {}</p>\n",
        s("fees_note"),
        escape(&providers.version)
    );
    Ok(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_old_figure_is_stale() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert!(AsOf("2024-11".into()).is_stale(today));
        assert!(AsOf("2025-11-24".into()).is_stale(today));
        assert!(!AsOf("2025-11-25".into()).is_stale(today));
        assert!(!AsOf("2026-09-20".into()).is_stale(today));
    }

    #[test]
    fn amounts_read_naturally() {
        let strings: BTreeMap<String, String> = [("per_dispute", " per dispute")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let fee = |kind, percent, fixed| Fee {
            kind,
            label: Text::new(),
            channel: None,
            accounts: Vec::new(),
            applies_to: AppliesTo::All,
            percent,
            fixed,
            currency: Some("USD".into()),
            source: Source::Page("https://example.com/".into()),
            as_of: AsOf("2026-09-20".into()),
            estimate: false,
        };
        assert_eq!(
            amount(&fee(FeeKind::Transaction, Some(2.9), Some(0.3)), &strings),
            "2.9% + US$0.30"
        );
        assert_eq!(
            amount(&fee(FeeKind::Surcharge, Some(1.5), None), &strings),
            "+1.5%"
        );
        assert_eq!(
            amount(&fee(FeeKind::Dispute, None, Some(15.0)), &strings),
            "US$15 per dispute"
        );
        let strings: BTreeMap<String, String> = [
            ("per_withdrawal", " per withdrawal"),
            ("by_quote", "by quote"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(
            amount(&fee(FeeKind::Withdrawal, None, Some(35.0)), &strings),
            "US$35 per withdrawal"
        );
        assert_eq!(
            amount(&fee(FeeKind::Withdrawal, Some(1.0), None), &strings),
            "1% per withdrawal"
        );
        assert_eq!(
            amount(&fee(FeeKind::Quote, None, None), &strings),
            "by quote"
        );
    }

    fn bundled() -> Providers {
        let text = include_str!("../content/data/providers.yaml");
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        parse(Path::new(PROVIDERS_FILE), text, &["zh", "en"], today)
            .unwrap_or_else(|problems| panic!("{problems:?}"))
            .0
    }

    #[test]
    fn a_merchant_sees_the_price_list_of_its_own_account() {
        let providers = bundled();
        let paypal = providers.find("paypal").unwrap();
        let labels = |account| -> Vec<&str> {
            paypal
                .fees_for(account)
                .map(|f| f.label["en"].as_str())
                .collect()
        };
        assert_eq!(
            labels("cn"),
            [
                "commercial payments from buyers abroad (standard rate)",
                "settlement in CNY to a bank account in mainland China (standard rate, of the amount settled; 6% VAT on the fee on top)",
                "USD wire to a bank account in mainland China"
            ]
        );
        assert!(labels("us").contains(&"PayPal Checkout"));
        assert!(!labels("hk").contains(&"PayPal Checkout"));
        // A Hong Kong merchant is not quoted the mainland rate for the wallets: a quote applies.
        for id in ["alipay", "wechat-pay"] {
            let kinds: Vec<FeeKind> = providers
                .find(id)
                .unwrap()
                .fees_for("hk")
                .map(|f| f.kind)
                .collect();
            assert_eq!(kinds, [FeeKind::Quote], "{id}");
        }
        // Cross-border fees say so.
        let cross_border = paypal
            .fees_for("cn")
            .filter(|f| f.applies_to == AppliesTo::CrossBorder)
            .count();
        assert_eq!(cross_border, 1);
        assert_eq!(
            providers.account_name("hk").map(|n| n["zh"].as_str()),
            Some("香港账户")
        );
    }

    #[test]
    fn stripe_does_not_take_businesses_registered_in_mainland_china() {
        let providers = bundled();
        let stripe = providers.find("stripe").unwrap();
        assert_eq!(stripe.accepts_business_from("cn"), Some(false));
        assert_eq!(stripe.accepts_business_from("hk"), Some(true));
        assert_eq!(stripe.accepts_business_from("sg"), None);
        assert_eq!(
            providers
                .find("square")
                .unwrap()
                .accepts_business_from("cn"),
            None
        );
    }

    const ACCOUNTS: &str = "\
version: 2026-12-03
accounts:
  cn: {currency: CNY, zh: 中国内地账户, en: mainland China accounts}
  hk: {currency: HKD, zh: 香港账户, en: Hong Kong accounts}
providers:
  - id: paypal
    name: {zh: PayPal, en: PayPal}
    region: {zh: 中国内地和香港账户, en: mainland China and Hong Kong accounts}
    docs: https://developer.paypal.com/
    facts:
      - label: {zh: 开户, en: Accounts}
        text: {zh: 可以, en: yes}
        businesses_from: {cn: true, hk: true}
        source: https://example.com/accounts
        as_of: 2026-12-03
    fees:
      - kind: transaction
        label: {zh: 跨境收款, en: payments from abroad}
        accounts: [cn]
        applies_to: cross_border
        percent: 4.4
        source: https://example.com/fees
        as_of: 2026-12-03
      - kind: withdrawal
        label: {zh: 电汇提现, en: wire withdrawal}
        accounts: [cn]
        fixed: 35
        currency: USD
        source: https://example.com/fees
        as_of: 2026-12-03
";

    /// The problems of a providers.yaml, as `line:col: message` lines.
    fn problems(text: &str) -> Vec<String> {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        match parse(Path::new("p.yaml"), text, &["zh", "en"], today) {
            Ok(_) => Vec::new(),
            Err(problems) => problems
                .iter()
                .map(|p| format!("{}:{}: {}", p.line, p.col, p.message))
                .collect(),
        }
    }

    #[test]
    fn account_regions_and_where_fees_apply_are_checked() {
        assert_eq!(problems(ACCOUNTS), Vec::<String>::new());
        let cases = [
            (
                "accounts: [cn]\n        applies_to",
                "accounts: [cm]\n        applies_to",
                "19:1: provider `paypal`: fee `payments from abroad`: unknown account region `cm`",
            ),
            (
                "businesses_from: {cn: true, hk: true}",
                "businesses_from: {cn: true, us: true}",
                "13:1: provider `paypal`: fact `Accounts`: unknown account region `us`",
            ),
            (
                "  hk: {currency: HKD, zh: 香港账户, en: Hong Kong accounts}",
                "  hk: {currency: HKD, zh: 香港账户}",
                "4:1: account region `hk` has no `en` name",
            ),
            (
                "accounts: [cn]\n        fixed: 35",
                "accounts: [cn]\n        applies_to: domestic\n        fixed: 35",
                "27:1: provider `paypal`: fee `wire withdrawal`: `applies_to` is for transaction fees and surcharges",
            ),
            (
                "kind: withdrawal",
                "kind: quote",
                "25:1: provider `paypal`: fee `wire withdrawal` has amounts that do not fit its kind",
            ),
        ];
        for (from, to, expected) in cases {
            let text = ACCOUNTS.replacen(from, to, 1);
            assert_eq!(problems(&text), [expected], "{to}");
        }
        let unknown = ACCOUNTS.replacen("accounts: [cn]", "accounts: [hkg]", 1);
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let problems = parse(Path::new("p.yaml"), &unknown, &["zh", "en"], today).unwrap_err();
        assert_eq!(
            problems[0].hint.as_deref(),
            Some("did you mean `hk`? Account regions are declared under `accounts:` at the top")
        );
    }

    #[test]
    fn one_fact_says_where_businesses_can_open_an_account() {
        let twice = ACCOUNTS.replace(
            "    fees:\n",
            "      - label: {zh: 再说一次, en: again}\n        text: {zh: 可以, en: yes}\n        businesses_from: {cn: false}\n        source: https://example.com/b\n        as_of: 2026-12-03\n    fees:\n",
        );
        assert_eq!(
            problems(&twice),
            ["13:1: provider `paypal`: more than one fact says `businesses_from`"]
        );
    }
}
