//! Whether an item can ever be in a plan: a search over the answers its condition reads
//! (directly or through derived values). Each question contributes only the answers that
//! conditions can tell apart — the options they name, one option they do not, no answer, a
//! number in every stretch between the numbers they compare with — so every option counts, and
//! the search is exact within its bound (sound beyond it: "may hold").

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{Definition, Question, with_derived};
use crate::wizard::condition::{Condition, Value};
use crate::wizard::schema::QuestionType;

/// The most combinations of answers one search tries (a few tenths of a second).
const MAX_COMBINATIONS: usize = 200_000;

/// What conditions say about one question: the options they name and the numbers they compare
/// it with.
#[derive(Default)]
struct Mentions<'a> {
    options: BTreeSet<&'a str>,
    numbers: Vec<f64>,
}

/// Collects the mentions of every question in `condition`.
fn mentions<'a>(condition: &'a Condition, out: &mut HashMap<&'a str, Mentions<'a>>) {
    match condition {
        Condition::Is { name, option }
        | Condition::IsNot { name, option }
        | Condition::Has { name, option } => {
            out.entry(name).or_default().options.insert(option);
        }
        Condition::Compare { name, value, .. } => out.entry(name).or_default().numbers.push(*value),
        Condition::Not { arg } => mentions(arg, out),
        Condition::And { args } | Condition::Or { args } => {
            args.iter().for_each(|a| mentions(a, out))
        }
        Condition::Always | Condition::Never | Condition::Flag { .. } => {}
    }
}

/// The answers to `question` that conditions can tell apart (`None`: no answer), or `None`
/// when there are too many to try.
fn domain(question: &Question, said: Option<&Mentions>) -> Option<Vec<Option<Value>>> {
    let named = |id: &str| said.is_some_and(|m| m.options.contains(id));
    let (named_options, other_options): (Vec<&str>, Vec<&str>) = question
        .options
        .iter()
        .map(|o| o.id.as_str())
        .partition(|id| named(id));
    let mut values: Vec<Option<Value>> = match question.kind {
        // An option no condition names stands for all of them.
        QuestionType::Choice => named_options
            .iter()
            .chain(other_options.first())
            .map(|id| Some(Value::Choice(id.to_string())))
            .collect(),
        QuestionType::Multi => {
            // Every selection of the named options; the empty one stands for a selection of
            // options no condition names.
            let n = named_options.len();
            if n > MAX_COMBINATIONS.ilog2() as usize {
                return None;
            }
            let first = if other_options.is_empty() { 1 } else { 0 };
            (first..1usize << n)
                .map(|mask| {
                    let chosen = (0..n)
                        .filter(|b| mask & (1 << b) != 0)
                        .map(|b| named_options[b].to_string())
                        .collect();
                    Some(Value::Multi(chosen))
                })
                .collect()
        }
        QuestionType::Number => {
            let compared = said.map_or(&[][..], |m| &m.numbers);
            numbers(question, compared)
                .into_iter()
                .map(|n| Some(Value::Number(n)))
                .collect()
        }
        QuestionType::Text | QuestionType::Date => vec![None],
    };
    if !question.required || question.show_if != Condition::Always {
        values.push(None);
    }
    Some(values)
}

/// A number answer in every stretch that comparisons with `compared` tell apart, within the
/// question's bounds: each number compared with, one between each two of them, one below and
/// one above them all.
fn numbers(question: &Question, compared: &[f64]) -> Vec<f64> {
    let mut points: Vec<f64> = compared
        .iter()
        .copied()
        .chain(question.min)
        .chain(question.max)
        .filter(|n| n.is_finite())
        .collect();
    points.sort_by(f64::total_cmp);
    points.dedup();
    let (Some(&lowest), Some(&highest)) = (points.first(), points.last()) else {
        return vec![0.0];
    };
    let mut candidates = points.clone();
    // Halves first: the sum of two large numbers would overflow.
    candidates.extend(points.windows(2).map(|w| w[0] / 2.0 + w[1] / 2.0));
    // A step of 1 is lost at 1e17 and beyond: step by the number's own size there.
    let below = lowest - lowest.abs().max(1.0);
    let above = highest + highest.abs().max(1.0);
    candidates.push(if below.is_finite() { below } else { f64::MIN });
    candidates.push(if above.is_finite() { above } else { f64::MAX });
    let min = question.min.unwrap_or(f64::NEG_INFINITY);
    let max = question.max.unwrap_or(f64::INFINITY);
    candidates.retain(|&n| n.is_finite() && min <= n && n <= max);
    candidates
}

/// Whether some answers make `condition` hold: an exhaustive search over the questions it
/// reads (directly or through derived values). When that search would try more than
/// [`MAX_COMBINATIONS`] answers, the answer is `true` ("may hold"): a condition that can hold
/// is never reported as one that cannot, at the price of not catching an impossible condition
/// over a great many options.
pub(super) fn satisfiable(definition: &Definition, condition: &Condition) -> bool {
    let read = names_read(definition, condition);
    let mut said = HashMap::new();
    mentions(condition, &mut said);
    for (_, when) in &definition.derived {
        mentions(when, &mut said);
    }
    let mut questions: Vec<(&Question, Vec<Option<Value>>)> = Vec::new();
    for question in definition.questions.iter().filter(|q| read.contains(&q.id)) {
        let Some(domain) = domain(question, said.get(question.id.as_str())) else {
            return true;
        };
        questions.push((question, domain));
    }
    let size = questions
        .iter()
        .try_fold(1usize, |n, (_, d)| n.checked_mul(d.len()));
    if size.is_none_or(|n| n > MAX_COMBINATIONS) {
        return true;
    }
    let mut choice = vec![0usize; questions.len()];
    loop {
        let mut values = BTreeMap::new();
        for ((question, domain), &k) in questions.iter().zip(&choice) {
            if let Some(value) = &domain[k] {
                values.insert(question.id.clone(), value.clone());
            }
        }
        if condition.eval(&with_derived(definition, values)) {
            return true;
        }
        // Next combination.
        let mut i = 0;
        loop {
            if i == choice.len() {
                return false;
            }
            choice[i] += 1;
            if choice[i] < questions[i].1.len() {
                break;
            }
            choice[i] = 0;
            i += 1;
        }
    }
}

/// The names `condition` reads, directly or through the derived values it reads.
fn names_read(definition: &Definition, condition: &Condition) -> BTreeSet<String> {
    let derived: HashMap<&str, &Condition> = definition
        .derived
        .iter()
        .map(|(n, c)| (n.as_str(), c))
        .collect();
    let mut read: BTreeSet<String> = BTreeSet::new();
    let mut pending: Vec<String> = condition.names().into_iter().map(String::from).collect();
    while let Some(name) = pending.pop() {
        if !read.insert(name.clone()) {
            continue;
        }
        if let Some(when) = derived.get(name.as_str()) {
            pending.extend(when.names().into_iter().map(String::from));
        }
    }
    read
}
