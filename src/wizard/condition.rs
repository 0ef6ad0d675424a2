//! The wizard's condition language: short readable expressions such as
//! `customers has 'overseas' and team == 'none'`, parsed and type-checked against the questions
//! at build time, evaluated by the Rust engine and — compiled to JSON — by the browser's.
//!
//! ```text
//! expr    := and ('or' and)*
//! and     := not ('and' not)*
//! not     := 'not' not | compare
//! compare := operand (('==' | '!=' | '<' | '<=' | '>' | '>=' | 'has') operand)?
//! operand := name | 'text' | number | 'true' | 'false' | '(' expr ')'
//! ```
//!
//! `==`/`!=` compare a single-choice question with one of its options, `has` asks whether a
//! multiple-choice question's answer includes an option, `<`… compare a number question or
//! derived number with a number; a bare name is a derived yes/no value. An unanswered question
//! makes every comparison with it false.

use std::collections::BTreeMap;

use serde::Serialize;

/// What a name in a condition stands for.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A single-choice question with its options.
    Choice(Vec<String>),
    /// A multiple-choice question with its options.
    Multi(Vec<String>),
    Number,
    Bool,
    /// Text and date answers: not usable in conditions.
    Other(&'static str),
}

/// A checked condition, as both engines evaluate it (serialised as JSON for the browser).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Condition {
    Always,
    Never,
    Is { name: String, option: String },
    IsNot { name: String, option: String },
    Has { name: String, option: String },
    Compare { name: String, cmp: Cmp, value: f64 },
    Flag { name: String },
    Not { arg: Box<Condition> },
    And { args: Vec<Condition> },
    Or { args: Vec<Condition> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Cmp {
    #[serde(rename = "<")]
    Lt,
    #[serde(rename = "<=")]
    Le,
    #[serde(rename = ">")]
    Gt,
    #[serde(rename = ">=")]
    Ge,
    #[serde(rename = "==")]
    Eq,
    #[serde(rename = "!=")]
    Ne,
}

impl Cmp {
    pub fn holds(self, a: f64, b: f64) -> bool {
        match self {
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
            Cmp::Gt => a > b,
            Cmp::Ge => a >= b,
            Cmp::Eq => a == b,
            Cmp::Ne => a != b,
        }
    }
}

/// An answer or derived value, as conditions see it.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Choice(String),
    Multi(Vec<String>),
    Number(f64),
    Bool(bool),
}

impl Condition {
    /// Whether the condition holds for `values` (a missing name makes a comparison false).
    pub fn eval(&self, values: &BTreeMap<String, Value>) -> bool {
        match self {
            Condition::Always => true,
            Condition::Never => false,
            Condition::Is { name, option } => {
                matches!(values.get(name), Some(Value::Choice(c)) if c == option)
            }
            Condition::IsNot { name, option } => {
                matches!(values.get(name), Some(Value::Choice(c)) if c != option)
            }
            Condition::Has { name, option } => {
                matches!(values.get(name), Some(Value::Multi(list)) if list.contains(option))
            }
            Condition::Compare { name, cmp, value } => {
                matches!(values.get(name), Some(Value::Number(n)) if cmp.holds(*n, *value))
            }
            Condition::Flag { name } => matches!(values.get(name), Some(Value::Bool(true))),
            Condition::Not { arg } => !arg.eval(values),
            Condition::And { args } => args.iter().all(|c| c.eval(values)),
            Condition::Or { args } => args.iter().any(|c| c.eval(values)),
        }
    }

    /// Every name the condition reads.
    pub fn names(&self) -> Vec<&str> {
        let mut names = Vec::new();
        self.collect_names(&mut names);
        names.sort_unstable();
        names.dedup();
        names
    }

    fn collect_names<'a>(&'a self, names: &mut Vec<&'a str>) {
        match self {
            Condition::Always | Condition::Never => {}
            Condition::Is { name, .. }
            | Condition::IsNot { name, .. }
            | Condition::Has { name, .. }
            | Condition::Compare { name, .. }
            | Condition::Flag { name } => names.push(name),
            Condition::Not { arg } => arg.collect_names(names),
            Condition::And { args } | Condition::Or { args } => {
                args.iter().for_each(|c| c.collect_names(names))
            }
        }
    }
}

/// A problem in a condition: byte offset into the expression, message and hint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub offset: usize,
    pub message: String,
    pub hint: Option<String>,
}

fn problem(offset: usize, message: impl Into<String>) -> Problem {
    Problem {
        offset,
        message: message.into(),
        hint: None,
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Name(String),
    Text(String),
    Number(f64),
    Op(&'static str),
    Open,
    Close,
}

const KEYWORDS: [&str; 6] = ["and", "or", "not", "has", "true", "false"];

fn tokens(text: &str) -> Result<Vec<(usize, Token)>, Problem> {
    let mut found = Vec::new();
    let mut chars = text.char_indices().peekable();
    while let Some(&(at, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '(' || c == ')' {
            chars.next();
            found.push((at, if c == '(' { Token::Open } else { Token::Close }));
        } else if c == '\'' || c == '"' {
            chars.next();
            let start = at + 1;
            let end = loop {
                match chars.next() {
                    Some((i, q)) if q == c => break i,
                    Some(_) => {}
                    None => return Err(problem(at, "this quoted text is never closed")),
                }
            };
            found.push((at, Token::Text(text[start..end].to_string())));
        } else if c.is_ascii_digit() {
            let mut end = at;
            while let Some(&(i, d)) = chars.peek() {
                if d.is_ascii_digit() || d == '.' || d == '_' {
                    end = i + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            let number = text[at..end].replace('_', "");
            let value = number
                .parse()
                .map_err(|_| problem(at, format!("`{number}` is not a number")))?;
            found.push((at, Token::Number(value)));
        } else if c.is_alphabetic() || c == '_' {
            let mut end = at;
            while let Some(&(i, d)) = chars.peek() {
                if d.is_alphanumeric() || d == '_' {
                    end = i + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            let word = &text[at..end];
            let token = match KEYWORDS.iter().find(|k| **k == word) {
                Some(keyword) => Token::Op(keyword),
                None => Token::Name(word.to_string()),
            };
            found.push((at, token));
        } else {
            let two = text.get(at..at + 2).unwrap_or("");
            let op = ["==", "!=", "<=", ">="]
                .into_iter()
                .find(|op| *op == two)
                .or_else(|| ["<", ">"].into_iter().find(|op| text[at..].starts_with(op)));
            let Some(op) = op else {
                let mut p = problem(at, format!("unexpected `{c}`"));
                if c == '=' {
                    p.hint = Some("compare with `==`".into());
                }
                return Err(p);
            };
            for _ in 0..op.len() {
                chars.next();
            }
            found.push((at, Token::Op(op)));
        }
    }
    Ok(found)
}

struct Parser<'a> {
    tokens: Vec<(usize, Token)>,
    at: usize,
    end: usize,
    names: &'a BTreeMap<String, Kind>,
}

fn options_hint(options: &[String]) -> String {
    let quoted: Vec<String> = options.iter().map(|o| format!("'{o}'")).collect();
    format!("its options: {}", quoted.join(", "))
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at).map(|(_, t)| t)
    }

    fn offset(&self) -> usize {
        self.tokens.get(self.at).map_or(self.end, |(o, _)| *o)
    }

    fn eat(&mut self, op: &'static str) -> bool {
        let found = self.peek() == Some(&Token::Op(op));
        if found {
            self.at += 1;
        }
        found
    }

    fn or(&mut self) -> Result<Condition, Problem> {
        let mut args = vec![self.and()?];
        while self.eat("or") {
            args.push(self.and()?);
        }
        Ok(if args.len() == 1 {
            args.pop().expect("one")
        } else {
            Condition::Or { args }
        })
    }

    fn and(&mut self) -> Result<Condition, Problem> {
        let mut args = vec![self.not()?];
        while self.eat("and") {
            args.push(self.not()?);
        }
        Ok(if args.len() == 1 {
            args.pop().expect("one")
        } else {
            Condition::And { args }
        })
    }

    fn not(&mut self) -> Result<Condition, Problem> {
        if self.eat("not") {
            return Ok(Condition::Not {
                arg: Box::new(self.not()?),
            });
        }
        self.compare()
    }

    fn kind(&self, name: &str, at: usize) -> Result<&Kind, Problem> {
        self.names.get(name).ok_or_else(|| {
            let known: Vec<&str> = self.names.keys().map(String::as_str).collect();
            let mut p = problem(at, format!("unknown question or value `{name}`"));
            p.hint = crate::error::nearest(name, known.iter().copied())
                .map(|n| format!("did you mean `{n}`?"));
            p
        })
    }

    fn compare(&mut self) -> Result<Condition, Problem> {
        let at = self.offset();
        let token = self.tokens.get(self.at).map(|(_, t)| t.clone());
        self.at += 1;
        let name = match token {
            Some(Token::Open) => {
                let inner = self.or()?;
                if self.peek() != Some(&Token::Close) {
                    return Err(problem(self.offset(), "expected `)`"));
                }
                self.at += 1;
                return Ok(inner);
            }
            Some(Token::Op("true")) => return Ok(Condition::Always),
            Some(Token::Op("false")) => return Ok(Condition::Never),
            Some(Token::Name(name)) => name,
            Some(_) => {
                return Err(problem(at, "expected a question name, `not` or `(`"));
            }
            None => return Err(problem(at, "the condition ends too soon")),
        };
        let kind = self.kind(&name, at)?.clone();
        let op_at = self.offset();
        let op = match self.peek() {
            Some(Token::Op(op)) if !matches!(*op, "and" | "or" | "not" | "true" | "false") => *op,
            _ => {
                return match kind {
                    Kind::Bool => Ok(Condition::Flag { name }),
                    _ => Err(problem(
                        at,
                        format!("`{name}` is not a yes/no value: compare it with something"),
                    )),
                };
            }
        };
        self.at += 1;
        let value_at = self.offset();
        let value = self.tokens.get(self.at).map(|(_, t)| t.clone());
        self.at += 1;
        match (&kind, op, value) {
            (Kind::Choice(options), "==" | "!=", Some(Token::Text(option))) => {
                if !options.contains(&option) {
                    let mut p = problem(value_at, format!("`{name}` has no option '{option}'"));
                    p.hint = Some(options_hint(options));
                    return Err(p);
                }
                Ok(if op == "==" {
                    Condition::Is { name, option }
                } else {
                    Condition::IsNot { name, option }
                })
            }
            (Kind::Multi(options), "has", Some(Token::Text(option))) => {
                if !options.contains(&option) {
                    let mut p = problem(value_at, format!("`{name}` has no option '{option}'"));
                    p.hint = Some(options_hint(options));
                    return Err(p);
                }
                Ok(Condition::Has { name, option })
            }
            (Kind::Number, _, Some(Token::Number(value))) if op != "has" => {
                let cmp = match op {
                    "<" => Cmp::Lt,
                    "<=" => Cmp::Le,
                    ">" => Cmp::Gt,
                    ">=" => Cmp::Ge,
                    "==" => Cmp::Eq,
                    _ => Cmp::Ne,
                };
                Ok(Condition::Compare { name, cmp, value })
            }
            (kind, _, value) => {
                let expected = match kind {
                    Kind::Choice(_) => "a single choice: use `== 'option'` or `!= 'option'`",
                    Kind::Multi(_) => "a multiple choice: use `has 'option'`",
                    Kind::Number => "a number: compare it with a number (`<`, `>=`, …)",
                    Kind::Bool => "a yes/no value: use it alone, or `not` it",
                    Kind::Other(what) => what,
                };
                let at = if value.is_none() { value_at } else { op_at };
                let mut p = problem(at, format!("`{name}` cannot be compared this way"));
                p.hint = Some(format!("`{name}` is {expected}"));
                if let (Kind::Choice(options) | Kind::Multi(options), Some(Token::Text(_))) =
                    (kind, &value)
                {
                    p.hint = Some(format!("`{name}` is {expected}; {}", options_hint(options)));
                }
                Err(p)
            }
        }
    }
}

/// Parses and checks `text` against the `names` a condition may read.
pub fn parse(text: &str, names: &BTreeMap<String, Kind>) -> Result<Condition, Problem> {
    let mut parser = Parser {
        tokens: tokens(text)?,
        at: 0,
        end: text.len(),
        names,
    };
    let condition = parser.or()?;
    if parser.at < parser.tokens.len() {
        let mut p = problem(parser.offset(), "unexpected text after the condition");
        p.hint = Some("join conditions with `and` or `or`".into());
        return Err(p);
    }
    Ok(condition)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> BTreeMap<String, Kind> {
        let options = |list: &[&str]| list.iter().map(|s| s.to_string()).collect();
        BTreeMap::from([
            (
                "team".to_string(),
                Kind::Choice(options(&["none", "outsourced", "in_house"])),
            ),
            (
                "customers".to_string(),
                Kind::Multi(options(&["mainland", "local", "tourists", "overseas"])),
            ),
            ("monthly_transactions".to_string(), Kind::Number),
            ("cross_border".to_string(), Kind::Bool),
            (
                "merchant".to_string(),
                Kind::Other("text: not usable in conditions"),
            ),
        ])
    }

    fn values() -> BTreeMap<String, Value> {
        BTreeMap::from([
            ("team".into(), Value::Choice("none".into())),
            ("customers".into(), Value::Multi(vec!["overseas".into()])),
            ("monthly_transactions".into(), Value::Number(1200.0)),
            ("cross_border".into(), Value::Bool(true)),
        ])
    }

    #[test]
    fn parses_and_evaluates() {
        let cases = [
            ("customers has 'overseas' and team == 'none'", true),
            ("customers has 'mainland' or team != 'none'", false),
            (
                "not (team == 'in_house') and monthly_transactions >= 1_000",
                true,
            ),
            ("cross_border and monthly_transactions < 1000", false),
            ("true", true),
            ("not cross_border or false", false),
        ];
        for (text, expected) in cases {
            let condition = parse(text, &names()).unwrap();
            assert_eq!(condition.eval(&values()), expected, "{text}");
        }
        // An unanswered question makes comparisons false, and `!=` too.
        let condition = parse("team != 'none'", &names()).unwrap();
        assert!(!condition.eval(&BTreeMap::new()));
    }

    #[test]
    fn and_binds_tighter_than_or() {
        let condition = parse("cross_border or team == 'in_house' and false", &names()).unwrap();
        assert!(condition.eval(&values()));
        assert_eq!(condition.names(), ["cross_border", "team"]);
    }

    #[test]
    fn problems_point_at_the_place_and_suggest() {
        let error = |text: &str| parse(text, &names()).unwrap_err();
        let p = error("customers has 'overseas' and tema == 'none'");
        assert_eq!(
            (p.offset, p.message.as_str()),
            (29, "unknown question or value `tema`")
        );
        assert_eq!(p.hint.as_deref(), Some("did you mean `team`?"));
        let p = error("team == 'nobody'");
        assert_eq!(
            (p.offset, p.message.as_str()),
            (8, "`team` has no option 'nobody'")
        );
        assert_eq!(
            p.hint.as_deref(),
            Some("its options: 'none', 'outsourced', 'in_house'")
        );
        let p = error("customers == 'overseas'");
        assert_eq!(p.message, "`customers` cannot be compared this way");
        assert!(p.hint.unwrap().contains("use `has 'option'`"));
        let p = error("monthly_transactions > 'many'");
        assert!(p.hint.unwrap().contains("compare it with a number"));
        assert_eq!(
            error("merchant == 'x'").hint.unwrap(),
            "`merchant` is text: not usable in conditions"
        );
        assert_eq!(
            error("team = 'none'").hint.as_deref(),
            Some("compare with `==`")
        );
        assert_eq!(error("(cross_border").message, "expected `)`");
        assert_eq!(
            error("team == 'none").message,
            "this quoted text is never closed"
        );
        assert_eq!(
            error("cross_border team").message,
            "unexpected text after the condition"
        );
        assert_eq!(
            error("team").message,
            "`team` is not a yes/no value: compare it with something"
        );
    }

    #[test]
    fn compiles_to_json_for_the_browser() {
        let condition = parse("customers has 'overseas' and not cross_border", &names()).unwrap();
        assert_eq!(
            serde_json::to_string(&condition).unwrap(),
            r#"{"op":"and","args":[{"op":"has","name":"customers","option":"overseas"},{"op":"not","arg":{"op":"flag","name":"cross_border"}}]}"#
        );
    }
}
