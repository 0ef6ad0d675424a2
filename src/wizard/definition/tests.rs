//! The checks of wizard.yaml on a small wizard: each mistake at its line and column.

use std::collections::BTreeMap;
use std::path::Path;

use super::*;
use crate::error::Diagnostic;
use crate::wizard::condition::Value;

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
    role: monthly_transactions
    label: { zh: 笔数, en: Transactions }
  - { id: merchant_name, type: text, role: merchant_name, label: { zh: 商户, en: Merchant } }
  - { id: average_ticket, type: number, role: average_ticket, label: { zh: 客单价, en: Ticket } }
  - { id: launch_date, type: date, role: launch_date, label: { zh: 上线日期, en: Launch } }
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
    assert_eq!((line, col), (50, 23));
    assert_eq!(message, "unknown question or value `customer`");
    assert_eq!(hint.as_deref(), Some("did you mean `customers`?"));
    let text = WIZARD.replace("customers has 'mainland'", "customers has 'china'");
    let (line, col, message, hint) = first_error(&text);
    assert_eq!(
        (line, col, message.as_str()),
        (31, 32, "`customers` has no option 'china'")
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
        (41, "item `build` has an unknown phase `chose`")
    );
    assert_eq!(hint.as_deref(), Some("did you mean `choose`?"));
    let (_, _, message, _) = first_error(&WIZARD.replace("after: [pick]", "after: [pik]"));
    assert_eq!(message, "item `build` waits for `pik`, which is no item");
    let (line, _, message, _) =
        first_error(&WIZARD.replace("provider: alipay", "provider: alipay-hk"));
    assert_eq!(
        (line, message.as_str()),
        (29, "no provider `alipay-hk` in providers.yaml")
    );
    let (_, _, message, _) = first_error(&WIZARD.replace("{ zh: 选定, en: Pick }", "{ zh: 选定 }"));
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
    assert_eq!((line, col), (50, 5));
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

#[test]
fn durations_are_at_most_a_year_and_fewest_days_first_at_their_line() {
    let (line, col, message, hint) = first_error(&WIZARD.replace("[5, 10]", "[5, 4294967295]"));
    assert_eq!(
        (line, col, message.as_str()),
        (
            44,
            5,
            "item `build`: a duration of 4294967295 business days is longer than an item may take (250, about a year)"
        )
    );
    assert_eq!(
        hint.as_deref(),
        Some("split the work into items that wait for each other")
    );
    let (line, col, message, _) = first_error(&WIZARD.replace("[8, 15]", "[8, 251]"));
    assert_eq!(
        (line, col, message.as_str()),
        (
            46,
            49,
            "item `build`: a duration of 251 business days is longer than an item may take (250, about a year)"
        )
    );
    let (line, col, message, _) = first_error(&WIZARD.replace("[8, 15]", "[15, 8]"));
    assert_eq!(
        (line, col, message.as_str()),
        (
            46,
            49,
            "item `build`: a duration's first number (fewest days) is larger than its second"
        )
    );
    assert!(parse_text(&WIZARD.replace("[8, 15]", "[250, 250]")).is_ok());
}

/// WIZARD with `customers` offering `count` options `o1`, `o2`, … and item `build` shown
/// `when`.
fn with_customers(count: usize, when: &str) -> String {
    let options: String = (1..=count)
        .map(|i| format!("      - {{ id: o{i}, zh: 选项{i}, en: Option {i} }}\n"))
        .collect();
    WIZARD
        .replace(
            "      - { id: mainland, zh: 内地, en: Mainland }\n      - { id: overseas, zh: 海外, en: Overseas }\n",
            &options,
        )
        .replace("customers has 'mainland'", "customers has 'o1'")
        .replace(
            "when: \"builds and customers has 'overseas'\"",
            &format!("when: \"{when}\""),
        )
}

#[test]
fn every_option_of_a_multiple_choice_can_bring_an_item() {
    // The eleventh option and beyond count like the first ten.
    assert!(parse_text(&with_customers(12, "customers has 'o11'")).is_ok());
    assert!(parse_text(&with_customers(12, "customers has 'o12' and builds")).is_ok());
    let (line, _, message, _) = first_error(&with_customers(
        12,
        "customers has 'o12' and not (customers has 'o12')",
    ));
    assert_eq!(
        (line, message.as_str()),
        (
            60,
            "item `build` can never be in a plan: no answers make its condition hold"
        )
    );
    // Every option named, one of them at least chosen: a required question has an answer.
    let every = (1..=3)
        .map(|i| format!("not (customers has 'o{i}')"))
        .collect::<Vec<_>>()
        .join(" and ");
    assert!(parse_text(&with_customers(3, &every)).is_err());
    assert!(parse_text(&with_customers(4, &every)).is_ok());
}

#[test]
fn a_search_too_large_to_finish_says_the_item_may_be_in_a_plan() {
    // 2^30 selections: past the bound, so the condition is taken to hold (it does, with all 30).
    let all = (1..=30)
        .map(|i| format!("customers has 'o{i}'"))
        .collect::<Vec<_>>()
        .join(" and ");
    let started = std::time::Instant::now();
    assert!(parse_text(&with_customers(30, &all)).is_ok());
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
}

#[test]
fn numbers_between_and_beyond_the_compared_ones_count_within_the_bounds() {
    let when = |condition: &str| {
        WIZARD.replace(
            "when: \"builds and customers has 'overseas'\"",
            &format!("when: \"{condition}\""),
        )
    };
    for holds in [
        "monthly_transactions > 100 and monthly_transactions < 101",
        "monthly_transactions > 100.25 and monthly_transactions < 100.5",
        "monthly_transactions < 100000000000000000000",
        "monthly_transactions > 100000000000000000000",
    ] {
        assert!(parse_text(&when(holds)).is_ok(), "{holds}");
    }
    assert!(
        parse_text(&when(
            "monthly_transactions > 100 and monthly_transactions < 100"
        ))
        .is_err()
    );
    // Below the question's `min` there is no answer.
    let bounded = when("monthly_transactions < 5").replace(
        "label: { zh: 笔数, en: Transactions }",
        "label: { zh: 笔数, en: Transactions }\n    min: 5",
    );
    assert!(parse_text(&bounded).is_err());
    assert!(parse_text(&bounded.replace("< 5", "<= 5")).is_ok());
}

#[test]
fn roles_say_what_the_engine_reads_once_each_on_the_right_type_of_question() {
    let (line, col, message, hint) =
        first_error(&WIZARD.replace("role: merchant_name,", "role: merchant,"));
    assert_eq!(
        (line, col, message.as_str()),
        (
            23,
            38,
            "question `merchant_name` has an unknown role `merchant`"
        )
    );
    assert_eq!(hint.as_deref(), Some("did you mean `merchant_name`?"));
    let (line, col, message, _) = first_error(&WIZARD.replace(
        "id: average_ticket, type: number",
        "id: average_ticket, type: text",
    ));
    assert_eq!(
        (line, col, message.as_str()),
        (
            24,
            39,
            "question `average_ticket` is a text question: the role `average_ticket` needs a number question"
        )
    );
    let (line, col, message, hint) =
        first_error(&WIZARD.replace("role: average_ticket,", "role: monthly_transactions,"));
    assert_eq!(
        (line, col, message.as_str()),
        (
            24,
            41,
            "the role `monthly_transactions` is on two questions, `monthly_transactions` and `average_ticket`"
        )
    );
    assert_eq!(
        hint.as_deref(),
        Some("the first is on line 21; the engine reads one question for each role")
    );
    let (line, col, message, hint) = first_error(&WIZARD.replace("role: launch_date, ", ""));
    assert_eq!(
        (line, col, message.as_str()),
        (
            6,
            1,
            "no question has the role `launch_date`, which the engine reads"
        )
    );
    assert_eq!(
        hint.as_deref(),
        Some("add `role: launch_date` to the date question that asks for it")
    );
}

#[test]
fn the_compiled_questions_carry_their_roles() {
    let definition = parse_text(WIZARD).unwrap();
    let json = serde_json::to_value(&definition).unwrap();
    let roles: Vec<(&str, Option<&str>)> = json["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            (
                q["id"].as_str().unwrap(),
                q.get("role").map(|r| r.as_str().unwrap()),
            )
        })
        .collect();
    assert_eq!(
        roles,
        [
            ("team", None),
            ("customers", None),
            ("monthly_transactions", Some("monthly_transactions")),
            ("merchant_name", Some("merchant_name")),
            ("average_ticket", Some("average_ticket")),
            ("launch_date", Some("launch_date")),
        ]
    );
    // Who prepared a plan is a role a wizard may leave out.
    assert!(definition.question_with(QuestionRole::PreparedBy).is_none());
}
