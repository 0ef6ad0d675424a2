// The wizard's engine in the browser: the same plan as src/wizard/engine.rs, from the wizard
// compiled at build time (wizard/<hash>.json: the checked definition with its conditions as
// data, and the provider fees). Pure: answers in, plan out. A parity test holds the two engines
// to the same JSON (tests/browser/wizard-parity.test.mjs); change both together.

/** Whether a compiled condition (src/wizard/condition.rs, JSON form) holds for `values`. */
export function holds(condition, values) {
  const value = values[condition.name];
  switch (condition.op) {
    case "always": return true;
    case "never": return false;
    case "is": return typeof value === "string" && value === condition.option;
    case "is_not": return typeof value === "string" && value !== condition.option;
    case "has": return Array.isArray(value) && value.includes(condition.option);
    case "compare": return typeof value === "number" && compare(condition.cmp, value, condition.value);
    case "flag": return value === true;
    case "not": return !holds(condition.arg, values);
    case "and": return condition.args.every((c) => holds(c, values));
    case "or": return condition.args.some((c) => holds(c, values));
    default: throw new Error(`unknown condition ${condition.op}`);
  }
}

function compare(cmp, a, b) {
  switch (cmp) {
    case "<": return a < b;
    case "<=": return a <= b;
    case ">": return a > b;
    case ">=": return a >= b;
    case "==": return a === b;
    default: return a !== b;
  }
}

/**
 * A text (`{zh, en}`, or a named thing `{id, zh, en}`) in `lang`, else in the first language
 * by code (as Rust's BTreeMap gives it).
 */
export function text(texts, lang) {
  if (!texts) return "";
  if (lang in texts) return texts[lang];
  const first = Object.keys(texts).filter((k) => k !== "id").sort()[0];
  return first === undefined ? "" : texts[first];
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "2027-03-01" → a UTC date, or null when it is not a real date. */
export function parseDate(s) {
  const m = typeof s === "string" && DATE.exec(s);
  if (!m) return null;
  // setUTCFullYear, not Date.UTC: that reads years 0–99 as 1900–1999.
  const date = new Date(0);
  date.setUTCFullYear(+m[1], +m[2] - 1, +m[3]);
  return date.getUTCMonth() === +m[2] - 1 && date.getUTCDate() === +m[3] ? date : null;
}

const iso = (date) => date.toISOString().slice(0, 10);
const weekend = (date) => date.getUTCDay() === 0 || date.getUTCDay() === 6;

function addDays(date, n) {
  const next = new Date(date);
  next.setUTCDate(next.getUTCDate() + n);
  return next;
}

/** `days` business days (Monday to Friday) after `start`. */
export function addBusinessDays(start, days) {
  let date = start;
  let left = days;
  while (left > 0) {
    date = addDays(date, 1);
    if (!weekend(date)) left--;
  }
  return date;
}

function businessDay(date) {
  while (weekend(date)) date = addDays(date, 1);
  return date;
}

const round2 = (x) => Math.round(x * 100) / 100;

/**
 * The answers checked against the questions shown for them:
 * `{values, kept, shown}` (condition values with derived ones; the answers kept; the questions
 * shown), or `{errors, shown}`. The page asks the `shown` questions.
 */
export function checkAnswers(definition, answers) {
  const errors = [];
  const values = {};
  const kept = {};
  const shownQuestions = [];
  for (const name of Object.keys(answers)) {
    if (!definition.questions.some((q) => q.id === name)) errors.push({ question: name });
  }
  for (const question of definition.questions) {
    const shown = holds(question.show_if, values);
    if (shown) shownQuestions.push(question);
    const answer = answers[question.id];
    // No answer: nothing, null, blank text or an empty list of options.
    const blank = answer === undefined || answer === null || (Array.isArray(answer) && !answer.length) ||
      (typeof answer === "string" && !answer.trim());
    if (blank || !shown) {
      if (shown && question.required) errors.push({ question: question.id });
      continue;
    }
    const options = question.options.map((o) => o.id);
    let value;
    switch (question.kind) {
      case "choice":
        if (typeof answer === "string" && options.includes(answer)) value = answer;
        else errors.push({ question: question.id });
        break;
      case "multi": {
        const list = Array.isArray(answer) ? answer : [answer];
        value = [];
        for (const option of list) {
          if (typeof option === "string" && options.includes(option)) value.push(option);
          else errors.push({ question: question.id });
        }
        break;
      }
      case "number":
        if (typeof answer === "number" && Number.isFinite(answer) &&
            (question.min == null || answer >= question.min) && (question.max == null || answer <= question.max)) {
          value = answer;
        } else errors.push({ question: question.id });
        break;
      case "date":
        if (!parseDate(answer)) errors.push({ question: question.id });
        break;
      default:
        if (typeof answer !== "string") errors.push({ question: question.id });
    }
    if (value !== undefined) values[question.id] = value;
    kept[question.id] = answer;
  }
  if (errors.length) return { errors, shown: shownQuestions };
  for (const [name, when] of definition.derived) values[name] = holds(when, values);
  return { values, kept, shown: shownQuestions };
}

/** An item's dependencies among the items in the plan; one left out is replaced by its own. */
function effectiveAfter(item, all, included) {
  const found = [];
  const seen = new Set();
  const pending = [...item.after].reverse();
  while (pending.length) {
    const id = pending.pop();
    if (seen.has(id)) continue;
    seen.add(id);
    if (included.has(id)) found.push(id);
    else if (all.has(id)) pending.push(...[...all.get(id).after].reverse());
  }
  return found;
}

/**
 * The plan for `answers`, starting on `start` ("YYYY-MM-DD"), in `lang`: the same object as
 * `walletdesk plan --format json` prints. Throws `{errors}` when the answers do not fit.
 */
export function plan(compiled, answers, start, lang) {
  const { definition, providers } = compiled;
  const checked = checkAnswers(definition, answers);
  if (checked.errors) throw checked;
  const { values, kept } = checked;
  // The answers the engine reads beyond conditions, found by their role.
  const given = (role) => {
    const question = questionWith(definition, role);
    return question === undefined ? undefined : answers[question.id];
  };
  const number = (role) => {
    const question = questionWith(definition, role);
    const value = question === undefined ? undefined : values[question.id];
    return typeof value === "number" ? value : 0;
  };
  const transactions = number("monthly_transactions");
  const volume = transactions * number("average_ticket");

  const ranked = [];
  for (const entry of definition.providers) {
    const provider = providers.providers.find((p) => p.id === entry.provider);
    if (!provider) continue;
    const holding = entry.rules.filter((r) => holds(r.when, values));
    const score = holding.reduce((sum, r) => sum + r.score, 0);
    ranked.push({
      id: provider.id,
      name: text(provider.name, lang),
      score,
      recommended: score > 0,
      reasons: holding.map((r) => text(r.reason, lang)),
      fees: provider.fees.filter((fee) => fitsChannels(definition, fee, values)).map((fee) => ({
        label: text(fee.label, lang),
        percent_part: fee.percent == null ? null : round2(volume * fee.percent / 100),
        fixed_part: fee.fixed == null ? null : round2(fee.per_transaction ? fee.fixed * transactions : fee.fixed),
        currency: fee.currency ?? null,
        // A web page (a string), or a document described in each language.
        source: typeof fee.source === "string" ? fee.source : text(fee.source, lang),
        as_of: fee.as_of,
        estimate: fee.estimate,
      })),
    });
  }
  ranked.sort((a, b) => b.score - a.score); // stable: equal scores keep the definition's order

  const includedItems = definition.items.filter((i) => holds(i.when, values));
  const included = new Set(includedItems.map((i) => i.id));
  const all = new Map(definition.items.map((i) => [i.id, i]));
  const roles = new Map(definition.roles.map((r) => [r.id, text(r, lang)]));

  const entries = includedItems.map((item) => {
    const match = item.days_if.find(([when]) => holds(when, values));
    return { item, days: match ? match[1] : item.days, after: effectiveAfter(item, all, included) };
  });
  const position = new Map(entries.map((e, i) => [e.item.id, i]));
  const order = [];
  const placed = entries.map(() => false);
  const place = (i) => {
    if (placed[i]) return;
    placed[i] = true;
    for (const dependency of entries[i].after) place(position.get(dependency));
    order.push(i);
  };
  entries.forEach((_, i) => place(i));
  const endsLow = entries.map(() => 0);
  const endsHigh = entries.map(() => 0);
  const startsHigh = entries.map(() => 0);
  const driver = entries.map(() => null);
  for (const i of order) {
    let startLow = 0;
    let startHigh = 0;
    for (const dependency of entries[i].after) {
      const j = position.get(dependency);
      startLow = Math.max(startLow, endsLow[j]);
      if (driver[i] === null || endsHigh[j] > startHigh) {
        startHigh = endsHigh[j];
        driver[i] = j;
      }
    }
    endsLow[i] = startLow + entries[i].days[0];
    startsHigh[i] = startHigh;
    endsHigh[i] = startHigh + entries[i].days[1];
  }
  const total = [Math.max(0, ...endsLow), Math.max(0, ...endsHigh)];
  const critical = new Set();
  const criticalPath = [];
  let cursor = null;
  entries.forEach((_, i) => { if (cursor === null || endsHigh[i] > endsHigh[cursor]) cursor = i; });
  while (cursor !== null) {
    critical.add(cursor);
    criticalPath.push(entries[cursor].item.id);
    cursor = driver[cursor];
  }
  criticalPath.reverse();

  const startDate = businessDay(parseDate(start));
  const items = entries.map(({ item, days, after }, i) => ({
    id: item.id,
    phase: item.phase,
    title: text(item.title, lang),
    owner: item.owner,
    owner_name: roles.get(item.owner) ?? "",
    accountable: item.accountable,
    consulted: item.consulted,
    informed: item.informed,
    days,
    after,
    doc: item.doc,
    evidence: text(item.evidence, lang),
    gate: item.gate,
    checklist: item.checklist ?? null,
    start_day: startsHigh[i],
    end_day: endsHigh[i],
    start_date: iso(addBusinessDays(startDate, startsHigh[i])),
    due_date: iso(addBusinessDays(startDate, endsHigh[i])),
    critical: critical.has(i),
  }));
  const phases = definition.phases.map((phase) => {
    const inPhase = items.filter((i) => i.phase === phase.id);
    const dues = inPhase.map((i) => i.due_date).sort();
    return {
      id: phase.id,
      name: text(phase, lang),
      items: inPhase.map((i) => i.id),
      end_date: dues.length ? dues[dues.length - 1] : null,
    };
  });
  const target = parseDate(given("launch_date"));
  const latestFinish = iso(addBusinessDays(startDate, total[1]));
  const meetsTarget = target ? latestFinish <= iso(target) : null;
  // Risks may also read what the schedule found (src/wizard/definition/mod.rs, TARGET_MISSED).
  values.target_missed = meetsTarget === false;
  const checklist = (kind) => items.filter((i) => i.checklist === kind).map((i) => i.id);
  const merchant = given("merchant_name");
  const preparedBy = given("prepared_by");
  return {
    wizard_version: definition.version,
    fee_data_version: providers.version,
    lang,
    merchant: typeof merchant === "string" ? merchant : "",
    prepared_by: typeof preparedBy === "string" && preparedBy.trim() ? preparedBy : null,
    answers: kept,
    roles: definition.roles.map((r) => ({ id: r.id, name: text(r, lang) })),
    providers: ranked,
    phases,
    items,
    schedule: {
      start: iso(startDate),
      days: total,
      earliest_finish: iso(addBusinessDays(startDate, total[0])),
      latest_finish: latestFinish,
      target: target ? iso(target) : null,
      meets_target: meetsTarget,
    },
    critical_path: criticalPath,
    security_checklist: checklist("security"),
    data_checklist: checklist("data"),
    go_no_go: items.filter((i) => i.gate).map((i) => i.id),
    risks: definition.risks.filter((r) => holds(r.when, values)).map((r) => ({
      id: r.id,
      title: text(r.title, lang),
      mitigation: text(r.mitigation, lang),
      doc: r.doc,
    })),
  };
}

/**
 * The question with `role` (`role:` in wizard.yaml: merchant_name, prepared_by,
 * monthly_transactions, average_ticket, launch_date), or undefined when the wizard has none.
 */
export function questionWith(definition, role) {
  return definition.questions.find((q) => q.role === role);
}

/** Whether a fee applies to the ways this merchant takes payments (`fee_channels`). */
function fitsChannels(definition, fee, values) {
  const when = fee.channel ? definition.fee_channels[fee.channel] : undefined;
  return when === undefined || holds(when, values);
}

/** Ready, ready with risks, or not ready, for the set of item ids ticked done. */
export function verdict(plan, done) {
  if (plan.go_no_go.some((id) => !done.has(id))) return "not_ready";
  if (plan.items.some((i) => !done.has(i.id))) return "ready_with_risks";
  return "ready";
}
