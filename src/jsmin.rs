//! Comments and indentation out of the theme's own scripts, so a reader's first search downloads
//! code, not its documentation (search-core.js: 10.4 KB gzipped with comments, 6.2 KB
//! without). Only that: no renaming, no joining of lines (so automatic semicolon insertion
//! reads the code as written), string, template and regular-expression literals byte for byte.
//!
//! A small lexer decides what is a comment: it follows strings, templates (with `${…}` nested
//! to any depth) and regular-expression literals (a `/` where an operand is expected). Text it
//! cannot follow to the end (an unclosed literal or comment) is returned unchanged.

/// `source` without comments, leading indentation and blank lines; `None` when the lexer cannot
/// follow it to the end.
pub fn strip(source: &str) -> Option<String> {
    lex(source, &mut Vec::new())
}

/// `strip`, also collecting the text of every string, template and regular-expression literal
/// into `literals` (a template from "`" to the end or the next `${`, each piece on its own).
fn lex<'a>(source: &'a str, literals: &mut Vec<&'a str>) -> Option<String> {
    let bytes = source.as_bytes();
    let mut out = String::with_capacity(source.len());
    // For each open `${` of a template, the brace depth at which it closes.
    let mut templates: Vec<usize> = Vec::new();
    let mut depth = 0usize;
    // Whether a `/` here starts a regular expression (no operand just before it).
    let mut regex_allowed = true;
    let mut at_line_start = true;
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b'\n' => {
                while out.ends_with(' ') {
                    out.pop();
                }
                if !at_line_start {
                    out.push('\n');
                }
                at_line_start = true;
                i += 1;
                continue;
            }
            b' ' | b'\t' | b'\r' => {
                if !at_line_start && !out.ends_with(' ') {
                    out.push(' ');
                }
                i += 1;
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let end = find(bytes, i + 2, b"*/")?;
                if !at_line_start && !out.ends_with(' ') {
                    out.push(' ');
                }
                i = end + 2;
                continue;
            }
            _ => {}
        }
        if at_line_start {
            // A line's indentation is dropped; a space left before a comment is dropped too.
            while out.ends_with(' ') {
                out.pop();
            }
            at_line_start = false;
        }
        let start = i;
        match c {
            b'"' | b'\'' => {
                i = string_end(bytes, i, c)?;
                regex_allowed = false;
            }
            b'`' => {
                i = template_end(bytes, i + 1, &mut templates, depth)?;
                regex_allowed = false;
            }
            b'/' if regex_allowed => {
                i = regex_end(bytes, i)?;
                regex_allowed = false;
            }
            b'{' => {
                depth += 1;
                i += 1;
                regex_allowed = true;
            }
            b'}' if templates.last() == Some(&depth) => {
                // The end of a template's `${…}`: the template goes on.
                templates.pop();
                i = template_end(bytes, i + 1, &mut templates, depth)?;
                regex_allowed = false;
            }
            b'}' => {
                depth = depth.checked_sub(1)?;
                i += 1;
                regex_allowed = true;
            }
            b')' | b']' => {
                i += 1;
                regex_allowed = false;
            }
            c if c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80 => {
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric()
                        || bytes[i] == b'_'
                        || bytes[i] == b'$'
                        || bytes[i] >= 0x80)
                {
                    i += 1;
                }
                // After a keyword that takes an expression, a `/` starts a regular expression.
                regex_allowed = matches!(
                    &source[start..i],
                    "return"
                        | "typeof"
                        | "case"
                        | "do"
                        | "else"
                        | "in"
                        | "of"
                        | "new"
                        | "delete"
                        | "void"
                        | "throw"
                        | "instanceof"
                        | "yield"
                        | "await"
                );
            }
            _ => {
                i += 1;
                regex_allowed = true;
            }
        }
        if matches!(c, b'"' | b'\'' | b'`')
            || (c == b'}' && source[start..i].len() > 1)
            || (c == b'/' && i - start > 1)
        {
            literals.push(&source[start..i]);
        }
        out.push_str(&source[start..i]);
    }
    if !templates.is_empty() || depth != 0 {
        return None;
    }
    while out.ends_with([' ', '\n']) {
        out.pop();
    }
    out.push('\n');
    Some(out)
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    memchr::memmem::find(&bytes[from..], needle).map(|n| from + n)
}

/// The end (one past the closing quote) of the string starting at `start`.
fn string_end(bytes: &[u8], start: usize, quote: u8) -> Option<usize> {
    let mut i = start + 1;
    loop {
        match *bytes.get(i)? {
            b'\\' => i += 2,
            b'\n' => return None,
            c if c == quote => return Some(i + 1),
            _ => i += 1,
        }
    }
}

/// Follows a template from `i` (just after "`" or a `${…}`'s "}") to its closing "`" (one
/// past it), or to a `${` (one past it, the template then waiting in `templates` for the
/// brace that closes at `depth`).
fn template_end(
    bytes: &[u8],
    mut i: usize,
    templates: &mut Vec<usize>,
    depth: usize,
) -> Option<usize> {
    loop {
        match *bytes.get(i)? {
            b'\\' => i += 2,
            b'`' => return Some(i + 1),
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                templates.push(depth);
                return Some(i + 2);
            }
            _ => i += 1,
        }
    }
}

/// The end of the regular-expression literal starting at `start` (its flags included).
fn regex_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut i = start + 1;
    let mut in_class = false;
    loop {
        match *bytes.get(i)? {
            b'\\' => i += 2,
            b'\n' => return None,
            b'[' => {
                in_class = true;
                i += 1;
            }
            b']' => {
                in_class = false;
                i += 1;
            }
            b'/' if !in_class => break,
            _ => i += 1,
        }
    }
    i += 1;
    while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
        i += 1;
    }
    Some(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_and_indentation_go_and_literals_stay() {
        let source = "// header\n/** doc\n * more */\nexport function f(a) {\n  // note\n  const r = /[/*]\\/\\/x/u; // trailing\n  return a / 2 + \"// not a comment\" + '/* nor */';\n}\n";
        assert_eq!(
            strip(source).unwrap(),
            "export function f(a) {\nconst r = /[/*]\\/\\/x/u;\nreturn a / 2 + \"// not a comment\" + '/* nor */';\n}\n"
        );
    }

    #[test]
    fn templates_keep_their_text_and_nested_code_is_followed() {
        let source = "const t = `line one\n    // kept\n  ${a ? `${b /* gone */}` : { c: 1 }.c} /* kept */`;\nx();\n";
        assert_eq!(
            strip(source).unwrap(),
            "const t = `line one\n    // kept\n  ${a ? `${b }` : { c: 1 }.c} /* kept */`;\nx();\n"
        );
    }

    #[test]
    fn a_division_is_not_a_regular_expression() {
        let source =
            "const x = (a) / 2 / b; // half\nconst y = z[1] / 3;\nif (x) return /re/g.test(y);\n";
        assert_eq!(
            strip(source).unwrap(),
            "const x = (a) / 2 / b;\nconst y = z[1] / 3;\nif (x) return /re/g.test(y);\n"
        );
    }

    #[test]
    fn what_it_cannot_follow_is_left_alone() {
        assert_eq!(strip("const s = 'open;\n"), None);
        assert_eq!(strip("/* open"), None);
        assert_eq!(strip("const t = `open ${"), None);
    }

    #[test]
    fn the_themes_scripts_lose_their_comments_and_keep_every_literal() {
        for file in [
            "search-core.js",
            "search.js",
            "stem.js",
            "site.js",
            "theme.js",
            "wizard.js",
            "wizard-engine.js",
            "wizard-export.js",
        ] {
            let path = format!("{}/static/js/{file}", env!("CARGO_MANIFEST_DIR"));
            let source = std::fs::read_to_string(&path).unwrap();
            let stripped = strip(&source).unwrap_or_else(|| panic!("{file}: not followed"));
            assert!(
                stripped.len() < source.len() * 9 / 10,
                "{file}: {} of {}",
                stripped.len(),
                source.len()
            );
            assert!(
                !stripped
                    .lines()
                    .any(|l| l.starts_with("//") || l.starts_with("/*")),
                "{file}"
            );
            // Stripping twice changes nothing more.
            assert_eq!(
                strip(&stripped).as_deref(),
                Some(stripped.as_str()),
                "{file}"
            );
        }
    }
}
