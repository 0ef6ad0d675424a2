//! Where things are in wizard.yaml's text: serde_yaml gives positions only for its own
//! errors, so the checks find the lines of ids, conditions and keys themselves.

/// Finds the lines of ids and conditions in the file's text.
pub(super) struct Locator<'a> {
    lines: Vec<&'a str>,
}

impl<'a> Locator<'a> {
    pub(super) fn new(text: &'a str) -> Self {
        Locator {
            lines: text.lines().collect(),
        }
    }

    /// The line of `id: <id>` (or `provider: <id>`) at or after line `from`.
    pub(super) fn id(&self, key: &str, id: &str, from: usize) -> usize {
        let wanted = [
            format!("{key}: {id}"),
            format!("{key}: \"{id}\""),
            format!("{key}: '{id}'"),
        ];
        self.lines
            .iter()
            .enumerate()
            .skip(from.saturating_sub(1))
            .find(|(_, l)| {
                let l = l
                    .trim_start()
                    .trim_start_matches("- ")
                    .trim_start_matches("{ ");
                wanted.iter().any(|w| {
                    l.starts_with(w.as_str())
                        && l[w.len()..]
                            .chars()
                            .next()
                            .is_none_or(|c| matches!(c, ',' | ' ' | '}'))
                })
            })
            .map_or(from.max(1), |(i, _)| i + 1)
    }

    /// Line and column of `needle` at or after line `from` (its first character).
    pub(super) fn text(&self, needle: &str, from: usize) -> (usize, usize) {
        self.lines
            .iter()
            .enumerate()
            .skip(from.saturating_sub(1))
            .find_map(|(i, l)| Some((i + 1, l.find(needle)? + 1)))
            .unwrap_or((from.max(1), 1))
    }

    /// Line and column of an item's `when:`, the item starting on `item_line` (the item's
    /// line when it has none).
    pub(super) fn item_when(&self, item_line: usize) -> (usize, usize) {
        let line = self
            .lines
            .iter()
            .enumerate()
            .skip(item_line)
            .take_while(|(_, l)| !l.trim_start().starts_with("- id:"))
            .find(|(_, l)| l.trim_start().starts_with("when:"))
            .map_or(item_line, |(i, _)| i + 1);
        let col = self
            .lines
            .get(line - 1)
            .and_then(|l| l.find("when:"))
            .map_or(1, |c| c + 1);
        (line, col)
    }
}
