// The wizard's downloads in the browser: the same Markdown, CSV, iCalendar and JSON files as
// src/wizard/export/ writes for `walletdesk plan`, byte for byte, from a plan of
// wizard-engine.js and the compiled wizard (its `words` and each doc link's `url`). Pure:
// plan in, text out. A parity test holds the two to the same files
// (tests/browser/wizard-parity*.test.mjs); change both together.

/** The words of the exports: Chinese for "zh", English otherwise (as Rust's `words`). */
export const wordsFor = (plan, compiled) => compiled.words[plan.lang === "zh" ? "zh" : "en"];

/** `@/guide/x.md#anchor` → its absolute URL in the plan's language (the link itself if none). */
const linker = (plan, compiled) => (doc) => compiled.links[plan.lang]?.[doc]?.url ?? doc;

/** The plan's items by id (Rust's `Plan::item`). */
const itemsById = (plan) => new Map(plan.items.map((i) => [i.id, i]));

/**
 * The titles of the items `item` waits for (its `after`), in the plan's language: exports
 * print titles, never ids (Rust's `predecessors`).
 */
export const predecessors = (plan, item) =>
  item.after.map((id) => plan.items.find((i) => i.id === id)).filter(Boolean).map((i) => i.title);

/** The titles of the critical path's items, in order (Rust's `critical_path`). */
export const criticalPath = (plan) =>
  plan.critical_path.map((id) => plan.items.find((i) => i.id === id)).filter(Boolean).map((i) => i.title);

/** The colon between a label and its text: full-width in Chinese (Rust's `colon`). */
export const colonFor = (plan) => (plan.lang === "zh" ? "：" : ": ");

/** Letters and digits of any script (Rust's `char::is_alphanumeric`). */
const ALPHANUMERIC = /^[\p{Alphabetic}\p{N}]$/u;
const ASCII_ALPHANUMERIC = /^[A-Za-z0-9]$/;

/** Characters `keep` keeps (ASCII lowercased), a dash for each run of others, at most 40, `merchant` if none. */
function stem(name, keep) {
  let out = "";
  for (const c of name) {
    if (keep.test(c)) out += c.replace(/[A-Z]/, (x) => x.toLowerCase());
    else if (out && !out.endsWith("-")) out += "-";
  }
  out = [...out].slice(0, 40).join("").replace(/-+$/, "");
  return out || "merchant";
}

/**
 * The merchant's name as part of a file name: its letters and digits of any script, dashes
 * between, at most 40 characters (Rust's `file_stem` in src/wizard/export/names.rs).
 */
export const fileStem = (name) => stem(name, ALPHANUMERIC);

/** The merchant's name in ASCII letters and digits, for calendar UIDs (Rust's `slug`). */
export const slug = (name) => stem(name, ASCII_ALPHANUMERIC);

/** 8 hex digits of the 32-bit FNV-1a hash of the name's UTF-8 bytes (Rust's `name_hash`). */
export function nameHash(name) {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(name)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, "0");
}

/**
 * Rust's `{x:.2}`. toFixed rounds exact ties up where Rust rounds them to even (0.125 → "0.12",
 * 0.625 → "0.62"; only eighths are exact ties), writes big numbers with an exponent, and
 * drops the sign of -0.
 */
function money(x) {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? "NaN" : x < 0 ? "-inf" : "inf";
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  const a = Math.abs(x);
  if (a >= 1e21) return `${sign}${BigInt(a)}.00`;
  const whole = Math.floor(a);
  const fraction = a - whole;
  if (fraction === 0.125 || fraction === 0.625) return `${sign}${whole}.${fraction === 0.125 ? "12" : "62"}`;
  return sign + a.toFixed(2);
}

/** A number as both engines' shortest round-trip form writes it: "0.6", "3.4", "2" (Rust's `number`). */
const number = (x) => String(x);

/** A share as a whole percentage: "50", "33" (Rust's `percent`). */
const percent = (share) => number(Math.round(share * 100));

/** An amount with its currency, thousands grouped: "CNY 3,150.00" (Rust's `amount`). */
function amount(currency, x) {
  const written = money(x);
  const sign = written.startsWith("-") ? "-" : "";
  const [whole, cents = "00"] = written.slice(sign.length).split(".");
  return `${currency} ${sign}${whole.replace(/\B(?=(\d{3})+$)/g, ",")}.${cents}`;
}

/**
 * A fee as the plan lists it: its label, its published rate ("0.6%", "3.4% + HKD 2.35", "by
 * quote") and, when it is counted, what it comes to a month (Rust's `fee_text`).
 */
export function feeText(fee, plan, w) {
  const currency = plan.prices.currency;
  const fixedCurrency = fee.currency ?? currency;
  const rate = fee.quote ? w.by_quote : [
    fee.percent != null ? `${number(fee.percent)}%` : null,
    fee.fixed != null ? amount(fixedCurrency, fee.fixed) : null,
  ].filter((part) => part !== null).join(" + ");
  const [p, f] = [fee.percent_part, fee.fixed_part];
  let monthly = null;
  if (p != null && f == null) monthly = amount(currency, p);
  else if (p == null && f != null) monthly = amount(fixedCurrency, f);
  else if (p != null && f != null) {
    monthly = fixedCurrency === currency ? amount(currency, p + f) : `${amount(currency, p)} + ${amount(fixedCurrency, f)}`;
  }
  const text = `${fee.label}${colonFor(plan)}${rate}`;
  return monthly === null ? text : `${text}${w.comma}${w.a_month.replaceAll("{amount}", monthly)}`;
}

/** A provider's monthly total ("in all about CNY 3,150.00 a month"), or null (Rust's `provider_total`). */
export const providerTotal = (provider, plan, w) =>
  (provider.monthly == null ? null : w.total.replaceAll("{amount}", amount(plan.prices.currency, provider.monthly)));

/** A provider's fit: its points, or that no account can be opened (Rust's `fit`). */
export const fit = (provider, w) => (provider.eligible === false ? w.cannot_open : points(provider.score, w));

/** What the plan assumes, in its language (Rust's `assumptions`). */
export function assumptions(plan, w) {
  const [s, prices] = [plan.schedule, plan.prices];
  const lines = [s.calendar_name != null ? w.assume_calendar.replaceAll("{region}", s.calendar_name) : w.assume_no_calendar];
  if (s.uncovered_years.length) lines.push(w.assume_uncovered.replaceAll("{years}", s.uncovered_years.join(w.list_sep)));
  lines.push(w.assume_range);
  lines.push(w.assume_prices.replaceAll("{account}", prices.account_name).replaceAll("{currency}", prices.currency)
    .replaceAll("{transactions}", number(prices.transactions)).replaceAll("{volume}", amount(prices.currency, prices.volume)));
  if (prices.example) lines.push(w.assume_example.replaceAll("{account}", prices.account_name));
  const recommended = plan.providers.filter((p) => p.recommended);
  if (recommended.length > 1) {
    lines.push(w.assume_share.replaceAll("{count}", String(recommended.length)).replaceAll("{share}", percent(recommended[0].share)));
  }
  lines.push(prices.cross_border_share > 0 ? w.assume_abroad.replaceAll("{share}", percent(prices.cross_border_share)) : w.assume_domestic);
  lines.push(w.assume_rates);
  return lines;
}

/**
 * The fee chart (Rust's `fee_chart`): the recommended providers with a monthly total, each bar
 * a percentage of the largest (one decimal, at least 2), and a note naming those without one.
 * Null when no provider is recommended.
 */
export function feeChart(plan, w) {
  const recommended = plan.providers.filter((p) => p.recommended);
  if (!recommended.length) return null;
  const priced = recommended.filter((p) => p.monthly != null);
  const largest = Math.max(0, ...priced.map((p) => p.monthly));
  const bars = priced.map((p) => ({
    name: p.name,
    amount: amount(plan.prices.currency, p.monthly),
    // Rounded first (half away from zero, as Rust's `round`): toFixed alone rounds ties otherwise.
    width: (largest > 0 ? Math.max(Math.round(p.monthly / largest * 1000) / 10, 2) : 2).toFixed(1),
  }));
  const quoted = recommended.filter((p) => p.monthly == null).map((p) => p.name);
  const note = !priced.length ? w.chart_none : quoted.length ? w.chart_quoted.replaceAll("{names}", quoted.join(w.list_sep)) : null;
  return { title: w.chart.replaceAll("{currency}", plan.prices.currency), bars, note };
}

/** A duration in business days: "1–3 business days", "1 business day", "2 个工作日" (Rust's `duration`). */
export function duration([low, high], w) {
  if (low === 1 && high === 1) return `1 ${w.day}`;
  return low === high ? `${low} ${w.days}` : `${low}–${high} ${w.days}`;
}

/** A provider's score with its unit: "4 points", "1 point", "4 分" (Rust's `points`). */
export const points = (score, w) => `${score} ${score === 1 ? w.point : w.points}`;

/** ", estimate" ("，估计值") for a figure that is an estimate (Rust's `estimate_note`). */
export const estimateNote = (fee, w) => (fee.estimate ? `${w.comma}${w.estimate}` : "");

/** Text from a merchant made safe inside Markdown (Rust's `markdown_text`). */
function markdownText(text) {
  return text.replace(/[\n\r\t]/g, " ").replace(/[\\`*_[\]<>#|!(){}~&]/g, "\\$&");
}

/**
 * The RACI matrix (Rust's `raci`): the roles with a part in any item, and for each item its
 * letters under each of them ("R/A", "C", "I" or "").
 */
export function raci(plan) {
  const letters = (item, role) => [
    item.owner === role && "R", item.accountable === role && "A",
    item.consulted.includes(role) && "C", item.informed.includes(role) && "I",
  ].filter(Boolean).join("/");
  const roles = plan.roles.filter((r) => plan.items.some((i) => letters(i, r.id)));
  return { roles, rows: plan.items.map((item) => ({ item, cells: roles.map((r) => letters(item, r.id)) })) };
}

/** The cover line: wizard and fee-data versions, start, who prepared it (escaped by `escape`). */
export function coverLine(plan, w, escape = (t) => t) {
  const preparedBy = plan.prepared_by == null ? "" : ` · ${w.prepared_by} ${escape(plan.prepared_by)}`;
  return `${w.versions} ${plan.wizard_version} · ${w.fee_data} ${plan.fee_data_version} · ` +
    `${w.start} ${plan.schedule.start}${preparedBy}`;
}

/** The summary: recommended providers, duration, go-live, and whether the target date is met (Rust's `summary_lines`). */
export function summaryLines(plan, w) {
  const colon = colonFor(plan);
  const s = plan.schedule;
  const lines = [
    `${w.providers}${colon}${plan.providers.filter((p) => p.recommended).map((p) => p.name).join(w.list_sep)}`,
    `${w.duration}${colon}${duration(s.days, w)}${w.open}${s.earliest_finish} – ${s.latest_finish}${w.close}`,
    `${w.go_live}${colon}${s.earliest_launch} – ${s.launch}`,
  ];
  if (s.target != null && s.meets_target != null) lines.push(`${s.target}${colon}${s.meets_target ? w.meets : w.misses}`);
  return lines;
}

const WIDE = /[\u1100-\u115F\u2E80-\uA4CF\uAC00-\uD7A3\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFF60\uFFE0-\uFFE6\u{20000}-\u{3FFFD}]/u;

/** A title cut to fit before its timeline bar, CJK counting double (Rust's `bar_label`). */
export function barLabel(title) {
  const ROOM = 52;
  const width = (c) => (WIDE.test(c) ? 2 : 1);
  const chars = [...title];
  if (chars.reduce((sum, c) => sum + width(c), 0) <= ROOM) return title;
  let out = "";
  let used = 0;
  for (const c of chars) {
    if (used + width(c) > ROOM - 1) break;
    used += width(c);
    out += c;
  }
  return `${out}…`;
}

/** The plan as a Markdown checklist. */
export function markdown(plan, compiled) {
  const w = wordsFor(plan, compiled);
  const link = linker(plan, compiled);
  const item = itemsById(plan);
  const colon = colonFor(plan);
  let out = `# ${w.title}${colon}${markdownText(plan.merchant)}\n\n`;
  out += `${coverLine(plan, w, markdownText)}\n\n`;
  out += `## ${w.summary}\n\n`;
  out += summaryLines(plan, w).map((line) => `- ${line}\n`).join("");
  out += `\n## ${w.assumptions}\n\n${assumptions(plan, w).map((a) => `- ${a}\n`).join("")}`;
  out += `\n## ${w.providers}\n\n${w.score_note}\n\n| ${w.provider} | ${w.score} | ${w.why} | ${w.fees} |\n|---|---:|---|---|\n`;
  for (const provider of plan.providers) {
    const fees = provider.fees.map((f) => `${feeText(f, plan, w)}${w.open}${w.as_of} ${f.as_of}${estimateNote(f, w)}${w.close}`);
    const total = providerTotal(provider, plan, w);
    if (total !== null) fees.push(`**${total}**`);
    const reasons = provider.reasons.join("<br>").replaceAll("|", "\\|");
    out += `| ${provider.name} | ${fit(provider, w)} | ${reasons} | ${fees.join("<br>").replaceAll("|", "\\|")} |\n`;
  }
  out += `\n## ${w.phases}\n`;
  for (const phase of plan.phases) {
    if (!phase.items.length) continue;
    out += `\n### ${phase.name}\n\n`;
    for (const i of phase.items.map((id) => item.get(id))) {
      const after = predecessors(plan, i).length ? ` · ${w.after}${colon}${predecessors(plan, i).join(w.title_sep)}` : "";
      out += `- [ ] **${i.title}** — ${i.owner_name}${w.comma}${duration(i.days, w)}${w.comma}` +
        `${w.due} ${i.due_date}${after} · [→](${link(i.doc)})\n  ${w.evidence}${colon}${i.evidence}\n`;
    }
  }
  const matrix = raci(plan);
  out += `\n## ${w.raci}\n\n${w.raci_legend}\n\n| ${w.task} | ${matrix.roles.map((r) => r.name).join(" | ")} |\n` +
    `|---|${":-:|".repeat(matrix.roles.length)}\n`;
  for (const { item: i, cells } of matrix.rows) out += `| ${i.title.replaceAll("|", "\\|")} | ${cells.join(" | ")} |\n`;
  out += `\n## ${w.critical_path}\n\n${criticalPath(plan).join(" → ")}\n`;
  for (const [title, ids] of [[w.security, plan.security_checklist], [w.data, plan.data_checklist]]) {
    out += `\n## ${title}\n\n`;
    for (const i of ids.map((id) => item.get(id))) out += `- [ ] ${i.title}${w.open}[→](${link(i.doc)})${w.close}\n`;
  }
  out += `\n## ${w.risks}\n\n`;
  for (const risk of plan.risks) {
    out += `- **${risk.title}** — ${w.mitigation}${colon}${risk.mitigation}${w.open}[→](${link(risk.doc)})${w.close}\n`;
  }
  out += `\n## ${w.go_no_go}\n\n${w.go_no_go_note}\n\n`;
  for (const id of plan.go_no_go) out += `- [ ] ${item.get(id).title}\n`;
  return out;
}

/** A spreadsheet cell that cannot run as a formula (Rust's `csv_cell`). */
const csvCell = (text) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);

/** A field as the csv crate writes it (QuoteStyle::Necessary): quoted when it holds , " CR or LF. */
const csvField = (text) => (/[,"\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text);

const CSV_HEADER = ["merchant", "phase", "id", "task", "owner", "accountable", "consulted", "informed", "days_low", "days_high", "start", "due",
  "after", "go_live_gate", "checklist", "critical", "guide", "done_when"];

/** The plan's items as CSV (RFC 4180, CRLF), one row per item, after a byte-order mark (for Excel). */
export function csv(plan, compiled) {
  const w = wordsFor(plan, compiled);
  const link = linker(plan, compiled);
  const phaseName = (id) => plan.phases.find((p) => p.id === id)?.name ?? id;
  const roleNames = (ids) => ids.map((id) => plan.roles.find((r) => r.id === id)?.name ?? id).join(w.list_sep);
  const rows = [CSV_HEADER, ...plan.items.map((i) => [
    csvCell(plan.merchant), csvCell(phaseName(i.phase)), i.id, csvCell(i.title), csvCell(i.owner_name),
    csvCell(roleNames([i.accountable])), csvCell(roleNames(i.consulted)), csvCell(roleNames(i.informed)),
    String(i.days[0]), String(i.days[1]), i.start_date, i.due_date, csvCell(predecessors(plan, i).join(w.title_sep)), String(i.gate),
    i.checklist ?? "", String(i.critical), link(i.doc), csvCell(i.evidence),
  ])];
  return "\uFEFF" + rows.map((row) => row.map(csvField).join(",") + "\r\n").join("");
}

/** Text for an iCalendar TEXT value (Rust's `ics_text`). */
function icsText(text) {
  return text.replace(/[\\;,\n\r]/g, (c) => ({ "\\": "\\\\", ";": "\\;", ",": "\\,", "\n": "\\n", "\r": "" })[c]);
}

/** A content line folded at 75 octets of UTF-8, never inside a character, with CRLF. */
function fold(line) {
  let out = "";
  let width = 0;
  for (const c of line) {
    const cp = c.codePointAt(0);
    const octets = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    if (width + octets > 75) {
      out += "\r\n ";
      width = 1;
    }
    out += c;
    width += octets;
  }
  return out + "\r\n";
}

/** "2027-03-01" → "20270301". */
const compact = (date) => date.replaceAll("-", "");

/** The calendar day after "YYYY-MM-DD", compact (Rust's `succ_opt`, for an all-day DTEND). */
function nextDay(date) {
  const [y, m, d] = date.split("-").map(Number);
  const next = new Date(0);
  next.setUTCFullYear(y, m - 1, d + 1); // not Date.UTC, which reads years 0–99 as 1900–1999
  return compact(next.toISOString().slice(0, 10));
}

/** The plan as iCalendar: phase ends and the launch as all-day events, items as to-dos. */
export function ics(plan, compiled) {
  const w = wordsFor(plan, compiled);
  const colon = colonFor(plan);
  const link = linker(plan, compiled);
  const start = compact(plan.schedule.start);
  const uidBase = `${start}-${slug(plan.merchant)}-${nameHash(plan.merchant)}`;
  const stamp = `DTSTAMP:${start}T000000Z`;
  const lines = [
    "BEGIN:VCALENDAR",
    "VERSION:2.0",
    "PRODID:-//walletdesk//rollout plan//EN",
    "CALSCALE:GREGORIAN",
    `X-WR-CALNAME:${icsText(`${w.title} ${plan.merchant}`)}`,
  ];
  const milestones = plan.phases.filter((p) => p.end_date != null).map((p) => [`phase-${p.id}`, p.name, p.end_date]);
  milestones.push(["launch", `${w.go_live}${colon}${plan.merchant}`, plan.schedule.launch]);
  for (const [id, name, date] of milestones) {
    lines.push(
      "BEGIN:VEVENT",
      `UID:${uidBase}-${id}@walletdesk`,
      stamp,
      `DTSTART;VALUE=DATE:${compact(date)}`,
      `DTEND;VALUE=DATE:${nextDay(date)}`,
      `SUMMARY:${icsText(name)}`,
      "TRANSP:TRANSPARENT",
      "END:VEVENT",
    );
  }
  for (const i of plan.items) {
    lines.push(
      "BEGIN:VTODO",
      `UID:${uidBase}-task-${i.id}@walletdesk`,
      stamp,
      `DTSTART;VALUE=DATE:${compact(i.start_date)}`,
      `DUE;VALUE=DATE:${compact(i.due_date)}`,
      `SUMMARY:${icsText(i.title)}`,
      `DESCRIPTION:${icsText(`${w.evidence}${colon}${i.evidence}\n${link(i.doc)}`)}`,
      `CATEGORIES:${icsText(i.owner_name)}`,
      "STATUS:NEEDS-ACTION",
      "END:VTODO",
    );
  }
  lines.push("END:VCALENDAR");
  return lines.map(fold).join("");
}

/**
 * The plan as pretty JSON: equal to `walletdesk plan --format json` once parsed, though not
 * byte for byte (serde writes a whole f64 as 648.0, JavaScript as 648).
 */
export function json(plan) {
  return JSON.stringify(plan, null, 2) + "\n";
}

/** The downloads by file extension: how each is made and its media type. */
export const formats = {
  md: { make: markdown, type: "text/markdown;charset=utf-8" },
  csv: { make: csv, type: "text/csv;charset=utf-8" },
  ics: { make: ics, type: "text/calendar;charset=utf-8" },
  json: { make: json, type: "application/json" },
};

/** The download's file name: `rollout-plan-harbour-gifts.md`, `rollout-plan-上海街角奶茶铺.ics`. */
export function fileName(plan, ext) {
  return `rollout-plan-${fileStem(plan.merchant)}.${ext}`;
}
