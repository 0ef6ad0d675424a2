//! Whether an item can ever be in a plan: a search over the answers its condition reads
//! (directly or through derived values).

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{Definition, Question, with_derived};
use crate::wizard::condition::{Condition, Value};
use crate::wizard::schema::QuestionType;

/// The values a question can take for the "can this ever hold" search: every option (and none,
/// for a question that may be skipped), every subset of a multiple choice's options, numbers on
/// both sides of every number the conditions compare with.
fn domain(question: &Question, constants: &[f64]) -> Vec<Option<Value>> {
    let mut values: Vec<Option<Value>> = match question.kind {
        QuestionType::Choice => question
            .options
            .iter()
            .map(|o| Some(Value::Choice(o.id.clone())))
            .collect(),
        QuestionType::Multi => {
            let n = question.options.len().min(10);
            (0..1u32 << n)
                .map(|mask| {
                    let chosen = (0..n)
                        .filter(|b| mask & (1 << b) != 0)
                        .map(|b| question.options[b].id.clone())
                        .collect();
                    Some(Value::Multi(chosen))
                })
                .collect()
        }
        QuestionType::Number => {
            let mut numbers = vec![question.min.unwrap_or(0.0)];
            for c in constants {
                numbers.extend([c - 1.0, *c, c + 1.0]);
            }
            numbers
                .into_iter()
                .map(|n| Some(Value::Number(n)))
                .collect()
        }
        QuestionType::Text | QuestionType::Date => vec![None],
    };
    if !question.required || question.show_if != Condition::Always {
        values.push(None);
    }
    values
}

fn constants(condition: &Condition, name: &str, out: &mut Vec<f64>) {
    match condition {
        Condition::Compare { name: n, value, .. } if n == name => out.push(*value),
        Condition::Not { arg } => constants(arg, name, out),
        Condition::And { args } | Condition::Or { args } => {
            args.iter().for_each(|a| constants(a, name, out))
        }
        _ => {}
    }
}

/// Whether some answers make `condition` hold: an exhaustive search over the questions it
/// reads (directly or through derived values); `true` when that search would be too large.
pub(super) fn satisfiable(definition: &Definition, condition: &Condition) -> bool {
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
    let mut all_conditions: Vec<&Condition> = vec![condition];
    all_conditions.extend(definition.derived.iter().map(|(_, c)| c));
    let questions: Vec<(&Question, Vec<Option<Value>>)> = definition
        .questions
        .iter()
        .filter(|q| read.contains(&q.id))
        .map(|q| {
            let mut numbers = Vec::new();
            for c in &all_conditions {
                constants(c, &q.id, &mut numbers);
            }
            (q, domain(q, &numbers))
        })
        .collect();
    let size = questions
        .iter()
        .try_fold(1usize, |n, (_, d)| n.checked_mul(d.len()));
    if size.is_none_or(|n| n > 200_000) {
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
