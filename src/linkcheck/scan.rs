//! Finding the URLs in HTML: every `href`, `src` and `srcset` value of its tags, with
//! character references decoded, at their byte offsets. Used on the built pages and on the
//! raw HTML written in Markdown.

use std::borrow::Cow;
use std::ops::Range;

use memchr::{memchr, memmem, memrchr2};
use percent_encoding::percent_decode_str;

/// A URL in an attribute of an HTML text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HtmlUrl<'a> {
    /// `href`, `src` or `srcset`, as written.
    pub attribute: &'a str,
    /// The URL with character references decoded (one candidate of a `srcset`).
    pub url: Cow<'a, str>,
    /// The byte offset of the URL in the text.
    pub offset: usize,
}

/// Where markup is not: comments, and the content of scripts and styles (a `<` in a
/// script is no tag).
fn opaque_ranges(bytes: &[u8]) -> Vec<Range<usize>> {
    let mut ranges = Vec::new();
    for start in memmem::find_iter(bytes, "<!--") {
        let end = memmem::find(&bytes[start..], b"-->").map_or(bytes.len(), |e| start + e + 3);
        ranges.push(start..end);
    }
    for (open, close) in [(&b"<script"[..], &b"</script"[..]), (b"<style", b"</style")] {
        for tag in memmem::find_iter(bytes, open) {
            // The content starts after the opening tag (whose own `src` counts).
            let start = memchr(b'>', &bytes[tag..]).map_or(bytes.len(), |e| tag + e + 1);
            let end = memmem::find(&bytes[start..], close).map_or(bytes.len(), |e| start + e);
            ranges.push(start..end);
        }
    }
    ranges.sort_by_key(|r| r.start);
    ranges
}

/// Every `href`, `src` and `srcset` URL in the tags of `html` (quoted with `"` or `'`, or
/// unquoted), outside comments, scripts and styles.
///
/// Built for speed on 10,000-page sites: rather than walking every tag, it jumps from `=` to
/// `=` (memchr) and looks at the name before it; a name of ours counts when a tag is open
/// there (the nearest `<` or `>` before it is a tag's `<`). Rare forms are missed or misread:
/// a `>` inside an earlier attribute's value of the same tag, or ` href=` written inside
/// another attribute's quoted value.
pub fn html_urls(html: &str) -> Vec<HtmlUrl<'_>> {
    let bytes = html.as_bytes();
    let len = bytes.len();
    let opaque = opaque_ranges(bytes);
    let mut opaque = opaque.iter().peekable();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = memchr(b'=', &bytes[from..]) {
        let equals = from + at;
        from = equals + 1;
        let mut name_end = equals;
        while name_end > 0 && bytes[name_end - 1].is_ascii_whitespace() {
            name_end -= 1;
        }
        let letters = bytes[..name_end]
            .iter()
            .rev()
            .take(7)
            .take_while(|b| b.is_ascii_alphabetic())
            .count();
        let name_start = name_end - letters;
        let name = &html[name_start..name_end];
        let ours = ["href", "src", "srcset"]
            .iter()
            .any(|n| name.eq_ignore_ascii_case(n));
        if !ours || name_start == 0 || !bytes[name_start - 1].is_ascii_whitespace() {
            continue;
        }
        let in_tag = memrchr2(b'<', b'>', &bytes[..name_start]).is_some_and(|lt| {
            bytes[lt] == b'<' && bytes.get(lt + 1).is_some_and(u8::is_ascii_alphabetic)
        });
        while opaque.peek().is_some_and(|r| r.end <= equals) {
            opaque.next();
        }
        if !in_tag || opaque.peek().is_some_and(|r| r.start <= equals) {
            continue;
        }
        let mut k = equals + 1;
        while k < len && bytes[k].is_ascii_whitespace() {
            k += 1;
        }
        let (value_start, value_end) = match bytes.get(k) {
            Some(&quote @ (b'"' | b'\'')) => {
                let end = memchr(quote, &bytes[k + 1..]).map_or(len, |e| k + 1 + e);
                (k + 1, end)
            }
            _ => {
                let end = bytes[k..]
                    .iter()
                    .position(|&b| b == b'>' || b.is_ascii_whitespace())
                    .map_or(len, |e| k + e);
                (k, end)
            }
        };
        from = value_end.max(from);
        let value = &html[value_start..value_end];
        if name.len() == 6 {
            let mut at = 0;
            for candidate in value.split(',') {
                let trimmed = candidate.trim_start();
                let url = trimmed.split_ascii_whitespace().next().unwrap_or("");
                if !url.is_empty() {
                    found.push(HtmlUrl {
                        attribute: name,
                        url: decode_references(url),
                        offset: value_start + at + (candidate.len() - trimmed.len()),
                    });
                }
                at += candidate.len() + 1;
            }
        } else {
            found.push(HtmlUrl {
                attribute: name,
                url: decode_references(value.trim()),
                offset: value_start + (value.len() - value.trim_start().len()),
            });
        }
    }
    found
}

/// `text` with the character references a URL holds decoded (`&amp;`, `&#39;`, `&#x2F;` …).
pub fn decode_references(text: &str) -> Cow<'_, str> {
    if !text.contains('&') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = rest.find(';').filter(|&end| end <= 10).and_then(|end| {
            let c = crate::markdown::decode_entity(&rest[1..end])?;
            Some((c, end + 1))
        });
        match decoded {
            Some((c, used)) => {
                out.push(c);
                rest = &rest[used..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The form a written URL and the same URL in the output are compared in: percent-decoded.
pub fn url_key(url: &str) -> String {
    percent_decode_str(url).decode_utf8_lossy().into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_found_in_tags_only() {
        let html = "<a href=\"/a/\">x</a> <IMG SRC='b.png' alt=x><img src=c.png>\
            <img srcset=\"d.png 1x, e.png 2x\"> src=\"text.png\" &lt;a href=\"code\"&gt;\
            <!-- <a href=\"comment\"> --><script>if (a<b) { x = '<a href=\"js\">'; }</script>\
            <a href=\"x?a=1&amp;b=2\" data-src=\"no\"><a class=x HREF = \"/sp/\">";
        let found: Vec<(&str, String)> = html_urls(html)
            .into_iter()
            .map(|u| (u.attribute, u.url.into_owned()))
            .collect();
        assert_eq!(
            found,
            [
                ("href", "/a/".to_string()),
                ("SRC", "b.png".into()),
                ("src", "c.png".into()),
                ("srcset", "d.png".into()),
                ("srcset", "e.png".into()),
                ("href", "x?a=1&b=2".into()),
                ("HREF", "/sp/".into()),
            ]
        );
        let offsets: Vec<usize> = html_urls(html).iter().map(|u| u.offset).collect();
        assert_eq!(&html[offsets[4]..offsets[4] + 5], "e.png");
    }
}
