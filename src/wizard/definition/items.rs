//! The checks of the plan items: texts, phase and RACI roles (each role one part), the items
//! they wait for, durations, no circle of dependencies, and — once the whole definition is
//! free of mistakes — that some answers bring each item into a plan.

use std::collections::HashMap;

use super::checks::{Checker, Names};
use super::satisfiable::satisfiable;
use super::{Definition, Item, MAX_DAYS};
use crate::wizard::schema;

impl Checker<'_> {
    /// The plan items: texts, phase and roles, dependencies, durations and conditions.
    pub(super) fn items(&mut self, raw: &schema::Wizard, names: &Names) -> Vec<Item> {
        let known = Known {
            phases: raw.phases.iter().map(|p| p.id.as_str()).collect(),
            roles: raw.roles.iter().map(|r| r.id.as_str()).collect(),
            items: raw.items.iter().map(|i| i.id.as_str()).collect(),
            default_accountable: raw.accountable.as_deref(),
        };
        raw.items
            .iter()
            .map(|item| self.item(item, &known, names))
            .collect()
    }

    fn item(&mut self, item: &schema::Item, known: &Known, names: &Names) -> Item {
        let line = self.at.id("id", &item.id, 1);
        let what = format!("item `{}`", item.id);
        self.text(line, &what, &item.title);
        self.text(
            line,
            &format!("the evidence of `{}`", item.id),
            &item.evidence,
        );
        let accountable = item
            .accountable
            .as_deref()
            .or(known.default_accountable)
            .unwrap_or(&item.owner);
        self.item_references(line, &what, item, accountable, known);
        self.item_parts(line, &what, item, accountable, &known.roles);
        self.item_dependencies(line, &what, item, &known.items);
        let days_if = item
            .days_if
            .iter()
            .map(|d| (self.condition(line, &d.when, names), d.days))
            .collect();
        self.item_durations(line, &what, item);
        let when = self.condition_or_always(line, item.when.as_deref(), names);
        Item {
            id: item.id.clone(),
            phase: item.phase.clone(),
            title: item.title.clone(),
            owner: item.owner.clone(),
            accountable: accountable.to_string(),
            consulted: item.consulted.clone(),
            informed: item.informed.clone(),
            days: item.days,
            days_if,
            after: item.after.clone(),
            doc: item.doc.clone(),
            evidence: item.evidence.clone(),
            gate: item.gate,
            checklist: item.checklist,
            when,
        }
    }

    /// The item's phase and every role it names exist.
    fn item_references(
        &mut self,
        line: usize,
        what: &str,
        item: &schema::Item,
        accountable: &str,
        known: &Known,
    ) {
        let mut references = vec![
            ("phase", item.phase.as_str(), &known.phases, "phase"),
            ("owner", item.owner.as_str(), &known.roles, "role"),
            ("accountable", accountable, &known.roles, "role"),
        ];
        let listed = item.consulted.iter().chain(&item.informed);
        references.extend(listed.map(|r| ("", r.as_str(), &known.roles, "role")));
        for (key, value, ids, kind) in references {
            if ids.contains(&value) {
                continue;
            }
            let needle = if key.is_empty() {
                value.to_string()
            } else {
                format!("{key}: {value}")
            };
            let (at, col) = match (key, known.default_accountable) {
                // The wizard's default `accountable:` is written once, at the top.
                ("accountable", Some(default))
                    if item.accountable.is_none() && default == value =>
                {
                    self.at.text(&needle, 1)
                }
                _ => self.at.text(&needle, line),
            };
            let hint = crate::error::nearest(value, ids.iter().copied())
                .map(|n| format!("did you mean `{n}`?"))
                .unwrap_or_else(|| format!("the {kind}s: {}", ids.join(", ")));
            self.error(at, col, format!("{what} has an unknown {kind} `{value}`"))
                .hint = Some(hint);
        }
    }

    /// Each role has one part in an item: responsible and accountable may be the same role,
    /// but a role consulted or informed is neither, nor both, nor listed twice.
    fn item_parts(
        &mut self,
        line: usize,
        what: &str,
        item: &schema::Item,
        accountable: &str,
        roles: &[&str],
    ) {
        let mut parts: Vec<&str> = vec![&item.owner, accountable];
        let listed = (item.consulted.iter().map(|r| ("consulted:", r)))
            .chain(item.informed.iter().map(|r| ("informed:", r)));
        for (key, role) in listed {
            if parts.contains(&role.as_str()) && roles.contains(&role.as_str()) {
                let (key_line, _) = self.at.text(key, line);
                let (at, col) = self.at.text(role, key_line);
                self.error(
                    at,
                    col,
                    format!("{what}: role `{role}` has two parts in it"),
                )
                .hint = Some(
                    "a role is responsible (owner) or accountable, or consulted, or informed"
                        .into(),
                );
            }
            parts.push(role);
        }
    }

    /// Every item the item waits for exists.
    fn item_dependencies(&mut self, line: usize, what: &str, item: &schema::Item, ids: &[&str]) {
        for dependency in &item.after {
            if !ids.contains(&dependency.as_str()) {
                let (at, col) = self.at.text(dependency, line);
                let hint = crate::error::nearest(dependency, ids.iter().copied())
                    .map(|n| format!("did you mean `{n}`?"));
                self.error(
                    at,
                    col,
                    format!("{what} waits for `{dependency}`, which is no item"),
                )
                .hint = hint;
            }
        }
    }

    /// Each duration is a range of business days, fewest first, of at most [`MAX_DAYS`]:
    /// reported at its `days:`.
    fn item_durations(&mut self, line: usize, what: &str, item: &schema::Item) {
        let mut ranges = vec![(self.at.text("days:", line), item.days)];
        for entry in &item.days_if {
            let when_line = self.at.text(&entry.when, line).0;
            ranges.push((self.at.text("days:", when_line), entry.days));
        }
        for ((at, col), [low, high]) in ranges {
            if low > high {
                self.error(
                    at,
                    col,
                    format!(
                        "{what}: a duration's first number (fewest days) is larger than its second"
                    ),
                );
            } else if high > MAX_DAYS {
                self.error(
                    at,
                    col,
                    format!(
                        "{what}: a duration of {high} business days is longer than an item may take ({MAX_DAYS}, about a year)"
                    ),
                )
                .hint = Some("split the work into items that wait for each other".into());
            }
        }
    }

    /// No circle of `after` dependencies.
    pub(super) fn no_dependency_cycle(&mut self, items: &[Item]) {
        if let Some(cycle) = dependency_cycle(items) {
            let line = self.at.id("id", &cycle[0], 1);
            self.error(
                line,
                1,
                format!(
                    "the items wait for each other in a circle: {}",
                    cycle.join(" → ")
                ),
            )
            .hint = Some("remove one of these `after` entries".into());
        }
    }

    /// Every item can be in some plan: some answers make its condition hold.
    pub(super) fn items_can_be_in_a_plan(&mut self, definition: &Definition) {
        for item in &definition.items {
            if !satisfiable(definition, &item.when) {
                let line = self.at.id("id", &item.id, 1);
                let (line, col) = self.at.item_when(line);
                self.error(
                    line,
                    col,
                    format!(
                        "item `{}` can never be in a plan: no answers make its condition hold",
                        item.id
                    ),
                )
                .hint = Some("check the condition's `and`s and options".into());
            }
        }
    }
}

/// The ids an item may name.
struct Known<'a> {
    phases: Vec<&'a str>,
    roles: Vec<&'a str>,
    items: Vec<&'a str>,
    /// The wizard's `accountable` role.
    default_accountable: Option<&'a str>,
}

/// A circle of `after` dependencies, as ids from its first item back to it.
fn dependency_cycle(items: &[Item]) -> Option<Vec<String>> {
    let index: HashMap<&str, usize> = items
        .iter()
        .enumerate()
        .map(|(i, it)| (it.id.as_str(), i))
        .collect();
    // 0 unvisited, 1 on the current path, 2 done.
    let mut state = vec![0u8; items.len()];
    let mut path: Vec<usize> = Vec::new();
    fn visit(
        i: usize,
        items: &[Item],
        index: &HashMap<&str, usize>,
        state: &mut [u8],
        path: &mut Vec<usize>,
    ) -> Option<Vec<String>> {
        state[i] = 1;
        path.push(i);
        for dependency in &items[i].after {
            let Some(&j) = index.get(dependency.as_str()) else {
                continue;
            };
            if state[j] == 1 {
                let start = path.iter().position(|&p| p == j).expect("on the path");
                let mut cycle: Vec<String> =
                    path[start..].iter().map(|&p| items[p].id.clone()).collect();
                cycle.push(items[j].id.clone());
                return Some(cycle);
            }
            if state[j] == 0
                && let Some(cycle) = visit(j, items, index, state, path)
            {
                return Some(cycle);
            }
        }
        path.pop();
        state[i] = 2;
        None
    }
    (0..items.len()).find_map(|i| {
        if state[i] == 0 {
            visit(i, items, &index, &mut state, &mut path)
        } else {
            None
        }
    })
}
