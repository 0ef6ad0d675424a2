//! `content/data/holidays.yaml`: public holidays by region and year, and the weekend days
//! worked instead (mainland China's adjusted working days, 调休上班). [`parse`] checks the file
//! — every date in its year and listed once, a working day on a weekend, runs as long as the
//! official list says, a source and a reading date for every year, names in every language —
//! and yields [`Calendars`], which answer the question a schedule asks: is this date a working
//! day in this region? When the file has no list for a year, the answer is [`Uncovered`], so a
//! plan can say which years it counted Monday to Friday instead of assuming it in silence.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use crate::data::{AsOf, Source, Text, is_web_address};
use crate::error::{Diagnostic, yaml_diagnostic};

/// Where the calendars live in a site.
pub const HOLIDAYS_FILE: &str = "content/data/holidays.yaml";

/// The holiday calendars of every region in the file, checked.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Calendars {
    regions: BTreeMap<String, Region>,
}

/// One region's years.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Region {
    pub name: Text,
    years: BTreeMap<i32, Year>,
}

/// One year of a region, as its official list gives it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Year {
    /// The official list.
    pub source: Source,
    /// Where the list was read when the official page itself could not be opened.
    pub read_via: Option<Source>,
    pub as_of: AsOf,
    days_off: BTreeMap<NaiveDate, Text>,
    working_days: BTreeMap<NaiveDate, Text>,
}

/// What a date is in a region's calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Day<'a> {
    /// Monday to Friday, no holiday.
    Working,
    /// Saturday or Sunday, no adjustment.
    Weekend,
    /// A public holiday (or a day of a holiday run), named.
    DayOff(&'a Text),
    /// A Saturday or Sunday that is a working day, named.
    WorkingWeekend(&'a Text),
}

impl Day<'_> {
    /// A weekday without a holiday, or a weekend day worked instead.
    pub fn is_working(self) -> bool {
        matches!(self, Day::Working | Day::WorkingWeekend(_))
    }
}

/// The file has no holiday list for this region in this year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uncovered {
    pub region: String,
    pub year: i32,
}

impl fmt::Display for Uncovered {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{HOLIDAYS_FILE} has no public holidays for `{}` in {}",
            self.region, self.year
        )
    }
}

/// A date reckoned in working days, and the years on the way that the file does not cover
/// (counted Monday to Friday).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reckoned {
    pub date: NaiveDate,
    pub uncovered: BTreeSet<i32>,
}

impl Calendars {
    /// The calendar of region `code` (`cn`, `hk`…).
    pub fn region(&self, code: &str) -> Option<&Region> {
        self.regions.get(code)
    }

    /// Region codes with their calendars, in code order.
    pub fn regions(&self) -> impl Iterator<Item = (&str, &Region)> {
        self.regions
            .iter()
            .map(|(code, region)| (code.as_str(), region))
    }

    /// The working days of `region` (a region the file does not know covers no year).
    pub fn working_days<'a>(&'a self, region: &'a str) -> WorkingDays<'a> {
        WorkingDays {
            code: region,
            region: self.regions.get(region),
        }
    }

    /// Whether `date` is a working day in `region`, or that the file does not cover its year.
    pub fn is_working_day(&self, region: &str, date: NaiveDate) -> Result<bool, Uncovered> {
        self.working_days(region).is_working_day(date)
    }
}

impl Region {
    /// Whether the file lists this region's holidays for `year`.
    pub fn covers(&self, year: i32) -> bool {
        self.years.contains_key(&year)
    }

    /// The years the file lists, in order.
    pub fn years(&self) -> impl Iterator<Item = (i32, &Year)> {
        self.years.iter().map(|(year, list)| (*year, list))
    }
}

impl Year {
    /// Every day off, by date (each day of a run on its own).
    pub fn days_off(&self) -> impl Iterator<Item = (NaiveDate, &Text)> {
        self.days_off.iter().map(|(date, name)| (*date, name))
    }

    /// The Saturdays and Sundays that are working days.
    pub fn working_days(&self) -> impl Iterator<Item = (NaiveDate, &Text)> {
        self.working_days.iter().map(|(date, name)| (*date, name))
    }
}

/// One region's working days: what a schedule counts.
#[derive(Debug, Clone, Copy)]
pub struct WorkingDays<'a> {
    code: &'a str,
    region: Option<&'a Region>,
}

impl<'a> WorkingDays<'a> {
    /// Whether the file lists the region's holidays for `year`.
    pub fn covers(&self, year: i32) -> bool {
        self.region.is_some_and(|r| r.covers(year))
    }

    /// What `date` is, or that the file does not cover its year.
    pub fn day(&self, date: NaiveDate) -> Result<Day<'a>, Uncovered> {
        let year = self
            .region
            .and_then(|r| r.years.get(&date.year()))
            .ok_or_else(|| Uncovered {
                region: self.code.to_string(),
                year: date.year(),
            })?;
        Ok(if let Some(name) = year.days_off.get(&date) {
            Day::DayOff(name)
        } else if let Some(name) = year.working_days.get(&date) {
            Day::WorkingWeekend(name)
        } else if is_weekend(date) {
            Day::Weekend
        } else {
            Day::Working
        })
    }

    /// Whether `date` is worked, or that the file does not cover its year.
    pub fn is_working_day(&self, date: NaiveDate) -> Result<bool, Uncovered> {
        self.day(date).map(Day::is_working)
    }

    /// Whether `date` is worked: by the calendar, or Monday to Friday in a year it does not
    /// cover (that year is added to `uncovered`).
    fn worked(&self, date: NaiveDate, uncovered: &mut BTreeSet<i32>) -> bool {
        self.is_working_day(date).unwrap_or_else(|gap| {
            uncovered.insert(gap.year);
            !is_weekend(date)
        })
    }

    /// The date `days` working days after `start` (holidays skipped, working weekends
    /// counted): `start` itself is not counted.
    pub fn add(&self, start: NaiveDate, days: u32) -> Reckoned {
        let mut uncovered = BTreeSet::new();
        let mut date = start;
        let mut left = days;
        while left > 0 {
            let Some(next) = date.succ_opt() else { break };
            date = next;
            if self.worked(date, &mut uncovered) {
                left -= 1;
            }
        }
        Reckoned { date, uncovered }
    }

    /// The first working day on or after `date`.
    pub fn first_working_day(&self, date: NaiveDate) -> Reckoned {
        let mut uncovered = BTreeSet::new();
        let mut date = date;
        while !self.worked(date, &mut uncovered) {
            let Some(next) = date.succ_opt() else { break };
            date = next;
        }
        Reckoned { date, uncovered }
    }
}

/// `Friday`: chrono's `Display` writes `Fri`.
fn weekday_name(date: NaiveDate) -> &'static str {
    match date.weekday() {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

fn is_weekend(date: NaiveDate) -> bool {
    matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
}

// The file as written; checked into the types above by `parse`.

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    regions: BTreeMap<String, RawRegion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegion {
    name: Text,
    years: BTreeMap<i32, RawYear>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawYear {
    source: Source,
    #[serde(default)]
    read_via: Option<Source>,
    as_of: AsOf,
    #[serde(default)]
    days_off: Vec<RawDay>,
    #[serde(default)]
    working_days: Vec<RawDay>,
}

/// `{date: …, name: …}`, or a run `{from: …, to: …, days: N, name: …}`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDay {
    #[serde(default)]
    date: Option<String>,
    #[serde(default)]
    from: Option<String>,
    #[serde(default)]
    to: Option<String>,
    #[serde(default)]
    days: Option<i64>,
    name: Text,
}

/// Parses and checks holidays.yaml. `languages`: the site's language codes (every name needs
/// each). Warnings: a region without a list for `today`'s year, or, from October on, for the
/// next year (plans started then reach into it).
pub fn parse(
    path: &Path,
    text: &str,
    languages: &[&str],
    today: NaiveDate,
) -> Result<(Calendars, Vec<Diagnostic>), Vec<Diagnostic>> {
    let raw: RawFile =
        serde_yaml::from_str(text).map_err(|e| vec![yaml_diagnostic(path, text, 1, &e)])?;
    let mut check = Checker {
        path,
        lines: Lines(text.lines().collect()),
        languages,
        problems: Vec::new(),
    };
    let regions_line = check.lines.key(1, usize::MAX, "regions").unwrap_or(1);
    let mut calendars = Calendars::default();
    for (code, raw_region) in &raw.regions {
        let region_line = check
            .lines
            .key(regions_line + 1, usize::MAX, code)
            .unwrap_or(regions_line);
        let region_end = check.lines.block_end(region_line);
        if code.len() != 2 || !code.chars().all(|c| c.is_ascii_lowercase()) {
            check
                .error(
                    region_line,
                    format!(
                        "region `{code}`: a region code is two lower-case letters (ISO 3166-1)"
                    ),
                )
                .hint = Some("for example cn (mainland China) or hk (Hong Kong)".to_string());
        }
        check.names(
            region_line,
            &format!("region `{code}`: its name"),
            &raw_region.name,
        );
        let mut years = BTreeMap::new();
        for (&number, raw_year) in &raw_region.years {
            let year_line = check
                .lines
                .key(region_line + 1, region_end, &number.to_string())
                .unwrap_or(region_line);
            let at = Place {
                what: format!("`{code}` {number}"),
                line: year_line,
                end: check.lines.block_end(year_line),
            };
            if !(1900..=9999).contains(&number) {
                check.error(
                    year_line,
                    format!("region `{code}`: {number} is not a year from 1900 to 9999"),
                );
                continue;
            }
            years.insert(number, check.year(&at, number, raw_year));
        }
        calendars.regions.insert(
            code.clone(),
            Region {
                name: raw_region.name.clone(),
                years,
            },
        );
    }
    if !check.problems.is_empty() {
        return Err(check.problems);
    }
    let mut wanted = vec![today.year()];
    if today.month() >= 10 {
        wanted.push(today.year() + 1);
    }
    let mut warnings = Vec::new();
    for (code, region) in calendars.regions() {
        for &year in wanted.iter().filter(|&&y| !region.covers(y)) {
            let line = check
                .lines
                .key(regions_line + 1, usize::MAX, code)
                .unwrap_or(0);
            warnings.push(
                Diagnostic::warning(path, line, 1, format!("region `{code}` has no public holidays for {year}"))
                    .with_hint("add that year from its official list: until then, plans that reach into it count Monday to Friday and say so"),
            );
        }
    }
    Ok((calendars, warnings))
}

/// Where a year is in the file: its key's line and the line after its block.
struct Place {
    what: String,
    line: usize,
    end: usize,
}

struct Checker<'a> {
    path: &'a Path,
    lines: Lines<'a>,
    languages: &'a [&'a str],
    problems: Vec<Diagnostic>,
}

/// A checked entry: its dates and where it is written.
struct Entry<'a> {
    dates: Vec<NaiveDate>,
    name: &'a Text,
    /// Where its first date is written.
    at: (usize, usize),
}

impl Checker<'_> {
    fn error(&mut self, line: usize, message: impl Into<String>) -> &mut Diagnostic {
        self.error_at((line, 1), message)
    }

    fn error_at(
        &mut self,
        (line, col): (usize, usize),
        message: impl Into<String>,
    ) -> &mut Diagnostic {
        self.problems
            .push(Diagnostic::error(self.path, line, col, message));
        self.problems.last_mut().expect("just pushed")
    }

    fn names(&mut self, line: usize, what: &str, name: &Text) {
        self.names_at((line, 1), what, name);
    }

    fn names_at(&mut self, at: (usize, usize), what: &str, name: &Text) {
        for lang in self.languages {
            if name.get(*lang).is_none_or(|t| t.trim().is_empty()) {
                self.error_at(at, format!("{what} has no `{lang}` text"));
            }
        }
    }

    fn source(&mut self, at: &Place, key: &str, source: &Source) {
        match source {
            Source::Page(url) if !is_web_address(url) => {
                let line = self.lines.key(at.line + 1, at.end, key).unwrap_or(at.line);
                let message = if url.trim().is_empty() {
                    format!("{}: `{key}` is empty", at.what)
                } else {
                    format!("{}: `{key}` `{url}` is not a web address", at.what)
                };
                self.error(line, message).hint = Some(
                    "give the official list's page (https://…), or describe the document in every language: {zh: …, en: …}"
                        .to_string(),
                );
            }
            Source::Page(_) => {}
            Source::Named(text) => {
                let line = self.lines.key(at.line + 1, at.end, key).unwrap_or(at.line);
                self.names(line, &format!("{}: `{key}`", at.what), text);
            }
        }
    }

    fn year(&mut self, at: &Place, number: i32, raw: &RawYear) -> Year {
        self.source(at, "source", &raw.source);
        if let Some(via) = &raw.read_via {
            self.source(at, "read_via", via);
        }
        if raw.days_off.is_empty() {
            self.error(at.line, format!("{} lists no days off", at.what))
                .hint = Some("copy the year's days off from its official list".to_string());
        }
        let off = self.entries(at, number, "days_off", &raw.days_off);
        let worked = self.entries(at, number, "working_days", &raw.working_days);
        let days_off = self.unique(at, &off);
        let working_days = self.unique(at, &worked);
        for entry in &worked {
            for date in &entry.dates {
                if days_off.contains_key(date) {
                    self.error_at(
                        entry.at,
                        format!("{}: {date} is both a day off and a working day", at.what),
                    )
                    .hint = Some(
                        "a weekend date worked instead belongs in working_days only".to_string(),
                    );
                } else if !is_weekend(*date) {
                    self.error_at(
                        entry.at,
                        format!(
                            "{}: {date} is a {}, a working day anyway",
                            at.what,
                            weekday_name(*date)
                        ),
                    )
                    .hint = Some(
                        "working_days lists the Saturdays and Sundays worked instead (调休上班)"
                            .to_string(),
                    );
                }
            }
        }
        Year {
            source: raw.source.clone(),
            read_via: raw.read_via.clone(),
            as_of: raw.as_of.clone(),
            days_off,
            working_days,
        }
    }

    /// The entries of list `key` of a year, each with its dates (empty when it has problems).
    fn entries<'r>(
        &mut self,
        at: &Place,
        year: i32,
        key: &str,
        raw: &'r [RawDay],
    ) -> Vec<Entry<'r>> {
        let section = self.lines.key(at.line + 1, at.end, key).unwrap_or(at.line);
        let mut cursor = (section, 0);
        let mut entries = Vec::new();
        for day in raw {
            // Each entry is found by its first date, searched on from the previous one.
            let first = day.date.as_deref().or(day.from.as_deref()).unwrap_or("");
            let place = self
                .lines
                .find(cursor, at.end, first)
                .unwrap_or((cursor.0, 1));
            cursor = (place.0, place.1);
            let mut date = |text: &str| -> Option<NaiveDate> {
                let parsed = NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
                let pos = self.lines.find(place, at.end, text).unwrap_or(place);
                match parsed {
                    None => {
                        self.error_at(pos, format!("{}: `{text}` is not a date", at.what))
                            .hint = Some("write YYYY-MM-DD".to_string());
                        None
                    }
                    Some(d) if d.year() != year => {
                        self.error_at(pos, format!("{}: {d} is listed under {year}", at.what))
                            .hint =
                            Some("move it to its own year, or correct the date".to_string());
                        None
                    }
                    Some(d) => Some(d),
                }
            };
            let dates = match (&day.date, &day.from, &day.to, day.days) {
                (Some(one), None, None, None) => date(one).into_iter().collect(),
                (None, Some(from), Some(to), Some(days)) => match (date(from), date(to)) {
                    (Some(from), Some(to)) => self.run(at, place, from, to, days),
                    _ => Vec::new(),
                },
                (None, Some(_), Some(_), None) => {
                    self.error_at(
                        place,
                        format!("{}: the run from `{first}` has no `days`", at.what),
                    )
                    .hint = Some(
                        "write the number of days the official list gives, e.g. days: 9"
                            .to_string(),
                    );
                    Vec::new()
                }
                _ => {
                    self.error_at(place, format!("{}: an entry of `{key}` needs `date`, or `from`, `to` and `days`", at.what))
                        .hint = Some("one day: {date: 2026-05-01, name: …}; a run: {from: 2026-02-15, to: 2026-02-23, days: 9, name: …}".to_string());
                    Vec::new()
                }
            };
            let name_at = self.lines.find(place, at.end, "name:").unwrap_or(place);
            self.names_at(
                name_at,
                &format!("{}: the name of `{first}`", at.what),
                &day.name,
            );
            entries.push(Entry {
                dates,
                name: &day.name,
                at: place,
            });
        }
        entries
    }

    /// The dates from `from` to `to`, when they are `days` days as the list says.
    fn run(
        &mut self,
        at: &Place,
        place: (usize, usize),
        from: NaiveDate,
        to: NaiveDate,
        days: i64,
    ) -> Vec<NaiveDate> {
        let length = (to - from).num_days() + 1;
        if length < 1 {
            self.error_at(
                place,
                format!(
                    "{}: the run ends on {to}, before it starts on {from}",
                    at.what
                ),
            );
            return Vec::new();
        }
        if length != days {
            self.error_at(
                place,
                format!("{}: {from} to {to} is {length} days, not {days}", at.what),
            )
            .hint =
                Some("`days` is the length the official list states: check the dates".to_string());
            return Vec::new();
        }
        from.iter_days().take_while(|d| *d <= to).collect()
    }

    /// Dates with their names; a date given twice is a problem at its second place.
    fn unique(&mut self, at: &Place, entries: &[Entry]) -> BTreeMap<NaiveDate, Text> {
        let mut seen: BTreeMap<NaiveDate, (Text, usize)> = BTreeMap::new();
        for entry in entries {
            for date in &entry.dates {
                if let Some((_, first)) = seen.get(date) {
                    let first = *first;
                    self.error_at(entry.at, format!("{}: {date} is listed twice", at.what))
                        .hint = Some(format!("it is first listed on line {first}"));
                } else {
                    seen.insert(*date, (entry.name.clone(), entry.at.0));
                }
            }
        }
        seen.into_iter()
            .map(|(date, (name, _))| (date, name))
            .collect()
    }
}

/// The file's lines, for finding where a key or a value is written (1-based lines, columns in
/// characters).
struct Lines<'a>(Vec<&'a str>);

impl Lines<'_> {
    /// The first line from `from` to before `end` that sets `key` (`key:` after indentation or
    /// a list dash).
    fn key(&self, from: usize, end: usize, key: &str) -> Option<usize> {
        (from.max(1)..end.min(self.0.len() + 1)).find(|&n| {
            let line = self.0[n - 1].trim_start().trim_start_matches("- ");
            line.strip_prefix(key)
                .is_some_and(|rest| rest.starts_with(':'))
        })
    }

    /// The line after the block that the key on `line` opens: the next line, not blank or a
    /// comment, indented no deeper than it.
    fn block_end(&self, line: usize) -> usize {
        let indent = |l: &str| l.len() - l.trim_start().len();
        let Some(start) = self.0.get(line.wrapping_sub(1)) else {
            return self.0.len() + 1;
        };
        let own = indent(start);
        (line + 1..=self.0.len())
            .find(|&n| {
                let l = self.0[n - 1];
                let t = l.trim_start();
                !t.is_empty() && !t.starts_with('#') && indent(l) <= own
            })
            .unwrap_or(self.0.len() + 1)
    }

    /// Where `needle` is next written at or after `from` (line, character column), before line
    /// `end`.
    fn find(&self, from: (usize, usize), end: usize, needle: &str) -> Option<(usize, usize)> {
        if needle.is_empty() {
            return None;
        }
        let (line, col) = from;
        (line.max(1)..end.min(self.0.len() + 1)).find_map(|n| {
            let text = self.0[n - 1];
            let skip = if n == line { col.saturating_sub(1) } else { 0 };
            let start = text.char_indices().nth(skip).map_or(text.len(), |(i, _)| i);
            let at = text[start..].find(needle)? + start;
            Some((n, text[..at].chars().count() + 1))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn today() -> NaiveDate {
        date("2026-06-01")
    }

    fn bundled() -> Calendars {
        let text = include_str!("../content/data/holidays.yaml");
        let (calendars, _) = parse(Path::new(HOLIDAYS_FILE), text, &["zh", "en"], today())
            .unwrap_or_else(|problems| panic!("{problems:?}"));
        calendars
    }

    /// The problems of a holidays.yaml, as `line:col: message` lines.
    fn problems(text: &str) -> Vec<String> {
        match parse(Path::new("h.yaml"), text, &["zh", "en"], today()) {
            Ok(_) => Vec::new(),
            Err(problems) => problems
                .iter()
                .map(|p| format!("{}:{}: {}", p.line, p.col, p.message))
                .collect(),
        }
    }

    const ONE_YEAR: &str = "\
regions:
  cn:
    name: {zh: 中国内地, en: mainland China}
    years:
      2026:
        source: https://example.gov/2026.htm
        as_of: 2026-12-03
        days_off:
          - {from: 2026-02-15, to: 2026-02-23, days: 9, name: {zh: 春节, en: Spring Festival}}
        working_days:
          - {date: 2026-02-14, name: {zh: 春节调休上班, en: make-up working day}}
";

    #[test]
    fn the_spring_festival_2026_is_nine_days_off_in_the_mainland() {
        let calendars = bundled();
        let cn = calendars.working_days("cn");
        for day in 15..=23 {
            let d = date(&format!("2026-02-{day}"));
            assert_eq!(cn.is_working_day(d), Ok(false), "{d}");
        }
        assert!(
            matches!(cn.day(date("2026-02-17")), Ok(Day::DayOff(name)) if name["en"] == "Spring Festival")
        );
        assert_eq!(cn.is_working_day(date("2026-02-24")), Ok(true));
        // Hong Kong has three days off for the Lunar New Year, not nine.
        let hk = calendars.working_days("hk");
        assert_eq!(hk.is_working_day(date("2026-02-16")), Ok(true));
        assert_eq!(hk.is_working_day(date("2026-02-17")), Ok(false));
        assert_eq!(hk.is_working_day(date("2026-02-20")), Ok(true));
    }

    #[test]
    fn an_adjusted_saturday_is_a_working_day() {
        let calendars = bundled();
        let cn = calendars.working_days("cn");
        assert_eq!(date("2026-02-14").weekday(), Weekday::Sat);
        assert!(matches!(
            cn.day(date("2026-02-14")),
            Ok(Day::WorkingWeekend(_))
        ));
        assert_eq!(calendars.is_working_day("cn", date("2026-02-28")), Ok(true));
        assert_eq!(
            calendars.is_working_day("cn", date("2026-02-21")),
            Ok(false)
        );
        // Not in Hong Kong: an ordinary Saturday there.
        assert_eq!(
            calendars.is_working_day("hk", date("2026-02-14")),
            Ok(false)
        );
    }

    #[test]
    fn a_year_the_file_does_not_cover_is_said_not_assumed() {
        let calendars = bundled();
        let gap = Uncovered {
            region: "cn".to_string(),
            year: 2030,
        };
        assert_eq!(
            calendars.is_working_day("cn", date("2030-01-02")),
            Err(gap.clone())
        );
        assert_eq!(
            gap.to_string(),
            "content/data/holidays.yaml has no public holidays for `cn` in 2030"
        );
        assert!(!calendars.working_days("cn").covers(2030));
        assert!(calendars.working_days("hk").covers(2027));
        // A region the file does not know covers no year.
        assert!(!calendars.working_days("sg").covers(2026));
        assert!(calendars.is_working_day("sg", date("2026-02-17")).is_err());
    }

    #[test]
    fn counting_working_days_skips_holidays_and_counts_working_weekends() {
        let calendars = bundled();
        let cn = calendars.working_days("cn");
        // Friday 13 February 2026: the next working day is the adjusted Saturday the 14th, then
        // nine days off, then Tuesday the 24th.
        let reckoned = cn.add(date("2026-02-13"), 2);
        assert_eq!(reckoned.date, date("2026-02-24"));
        assert!(reckoned.uncovered.is_empty());
        assert_eq!(
            cn.first_working_day(date("2026-02-15")).date,
            date("2026-02-24")
        );
        // Five working days from Christmas Eve 2026 run into 2027, which the file does not
        // have for the mainland: counted Monday to Friday, and said so.
        let reckoned = cn.add(date("2026-12-24"), 5);
        assert_eq!(reckoned.date, date("2026-12-31"));
        let reckoned = cn.add(date("2026-12-30"), 3);
        assert_eq!(reckoned.date, date("2027-01-04"));
        assert_eq!(reckoned.uncovered, BTreeSet::from([2027]));
    }

    #[test]
    fn a_missing_year_is_a_warning_from_october() {
        let text = include_str!("../content/data/holidays.yaml");
        let (_, warnings) = parse(
            Path::new(HOLIDAYS_FILE),
            text,
            &["zh", "en"],
            date("2026-11-02"),
        )
        .unwrap();
        let messages: Vec<String> = warnings.iter().map(|w| w.message.clone()).collect();
        assert_eq!(messages, ["region `cn` has no public holidays for 2027"]);
        let (_, warnings) = parse(
            Path::new(HOLIDAYS_FILE),
            text,
            &["zh", "en"],
            date("2026-06-01"),
        )
        .unwrap();
        assert!(warnings.is_empty());
    }

    #[test]
    fn calendars_serialize_for_the_browser() {
        let value = serde_json::to_value(bundled()).unwrap();
        let year = &value["regions"]["cn"]["years"]["2026"];
        assert_eq!(year["days_off"]["2026-02-15"]["en"], "Spring Festival");
        assert_eq!(year["working_days"]["2026-02-14"]["zh"], "春节调休上班");
        assert_eq!(year["as_of"], "2026-12-03");
        assert!(
            year["source"]
                .as_str()
                .unwrap()
                .starts_with("https://www.gov.cn/")
        );
    }

    #[test]
    fn a_good_file_parses() {
        assert_eq!(problems(ONE_YEAR), Vec::<String>::new());
    }

    #[test]
    fn problems_are_reported_at_their_line_and_column() {
        let cases = [
            (
                "2026-02-23, days: 9",
                "2026-02-22, days: 9",
                "9:20: `cn` 2026: 2026-02-15 to 2026-02-22 is 8 days, not 9",
            ),
            (
                "{date: 2026-02-14,",
                "{date: 2026-02-30,",
                "11:20: `cn` 2026: `2026-02-30` is not a date",
            ),
            (
                "{date: 2026-02-14,",
                "{date: 2027-02-13,",
                "11:20: `cn` 2026: 2027-02-13 is listed under 2026",
            ),
            (
                "{date: 2026-02-14,",
                "{date: 2026-02-16,",
                "11:20: `cn` 2026: 2026-02-16 is both a day off and a working day",
            ),
            (
                "{date: 2026-02-14,",
                "{date: 2026-02-13,",
                "11:20: `cn` 2026: 2026-02-13 is a Friday, a working day anyway",
            ),
            (
                "en: make-up working day",
                "fr: jour",
                "11:32: `cn` 2026: the name of `2026-02-14` has no `en` text",
            ),
            (
                "https://example.gov/2026.htm",
                "gov.cn notice",
                "6:1: `cn` 2026: `source` `gov.cn notice` is not a web address",
            ),
            (
                "  cn:",
                "  china:",
                "2:1: region `china`: a region code is two lower-case letters (ISO 3166-1)",
            ),
        ];
        for (from, to, expected) in cases {
            let text = ONE_YEAR.replacen(from, to, 1);
            assert_eq!(problems(&text), [expected], "{to}");
        }
    }

    #[test]
    fn a_date_given_twice_is_reported_at_the_second() {
        let text = ONE_YEAR.replace(
            "        working_days:",
            "          - {date: 2026-02-16, name: {zh: 除夕, en: New Year's Eve}}\n        working_days:",
        );
        assert_eq!(
            problems(&text),
            ["10:20: `cn` 2026: 2026-02-16 is listed twice"]
        );
    }

    #[test]
    fn unknown_keys_and_missing_sources_are_serde_errors_with_places() {
        let text = ONE_YEAR.replace("as_of:", "as_off:");
        let found = problems(&text);
        assert_eq!(found.len(), 1);
        assert!(found[0].starts_with("7:9: "), "{found:?}");
        assert!(found[0].contains("unknown key `as_off`"), "{found:?}");
        let text = ONE_YEAR.replace("        source: https://example.gov/2026.htm\n", "");
        let found = problems(&text);
        assert!(found[0].contains("missing field `source`"), "{found:?}");
    }
}
