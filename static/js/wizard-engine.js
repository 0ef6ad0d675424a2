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

/**
 * The working days of a schedule from `start` (Rust's `engine::WorkingDays`): `date(k)` is the
 * k-th (0-based), by `calendar` (`{years, off, work}` of the compiled wizard's `holidays`:
 * public holidays skipped, working weekends counted) or Monday to Friday without one. Years the
 * calendar does not cover count Monday to Friday and are collected in `uncovered`.
 */
export function workingDays(calendar, start) {
  const years = new Set(calendar ? calendar.years : []);
  const off = new Set(calendar ? calendar.off : []);
  const work = new Set(calendar ? calendar.work : []);
  const uncovered = new Set();
  const worked = (date) => {
    const weekday = !weekend(date);
    if (!calendar) return weekday;
    if (!years.has(date.getUTCFullYear())) {
      uncovered.add(date.getUTCFullYear());
      return weekday;
    }
    const day = iso(date);
    if (off.has(day)) return false;
    if (work.has(day)) return true;
    return weekday;
  };
  let first = start;
  while (!worked(first)) first = addDays(first, 1);
  const dates = [first];
  const date = (k) => {
    while (dates.length <= k) {
      let next = dates[dates.length - 1];
      do next = addDays(next, 1); while (!worked(next));
      dates.push(next);
    }
    return dates[k];
  };
  // The last day of work of `length` days starting on day `from` (its first when it takes none).
  const due = (from, length) => date(from + Math.max(length - 1, 0));
  return { date, due, uncovered };
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
            (question.min == null || answer >= question.min) && (question.max == null || answer <= question.max) &&
            (!question.whole || Number.isInteger(answer))) {
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
    // A multiple choice is kept as a list, however it was written.
    kept[question.id] = question.kind === "multi" && Array.isArray(value) ? value : answer;
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
  const prices = pricesFor(definition, providers, values, transactions, volume, lang);
  const ranked = rankProviders(definition, providers, values, prices, lang);

  const includedItems = definition.items.filter((i) => holds(i.when, values));
  const included = new Set(includedItems.map((i) => i.id));
  const all = new Map(definition.items.map((i) => [i.id, i]));
  const roleNames = new Map(definition.roles.map((r) => [r.id, text(r, lang)]));

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
  const direct = directPredecessors(entries, position);

  const holidays = compiled.holidays ?? {};
  const calendarRegion = prices.region !== null && prices.region in holidays ? prices.region : null;
  const days = workingDays(calendarRegion === null ? null : holidays[calendarRegion], parseDate(start));
  const startDate = days.date(0);
  const usedRoles = new Set();
  const items = entries.map(({ item, days: length }, i) => {
    const raci = withStandIns(definition, values, item);
    usedRoles.add(raci.responsible);
    usedRoles.add(raci.accountable);
    for (const r of [...raci.consulted, ...raci.informed]) usedRoles.add(r);
    return {
      id: item.id,
      phase: item.phase,
      title: text(item.title, lang),
      owner: raci.responsible,
      owner_name: roleNames.get(raci.responsible) ?? "",
      accountable: raci.accountable,
      consulted: raci.consulted,
      informed: raci.informed,
      days: length,
      after: direct[i],
      doc: item.doc,
      evidence: text(item.evidence, lang),
      gate: item.gate,
      checklist: item.checklist ?? null,
      start_day: startsHigh[i],
      end_day: endsHigh[i],
      start_date: iso(days.date(startsHigh[i])),
      due_date: iso(days.due(startsHigh[i], length[1])),
      critical: critical.has(i),
    };
  });
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
  // The launch: when the launch phase's last item is due, at the shortest and the longest.
  const launchDays = (ends) => {
    const inLaunch = entries.map((e, i) => [e, i]).filter(([e]) => e.item.phase === definition.launch_phase);
    return inLaunch.length ? Math.max(...inLaunch.map(([, i]) => ends[i])) : Math.max(0, ...ends);
  };
  const launch = iso(days.due(0, launchDays(endsHigh)));
  const earliestLaunch = iso(days.due(0, launchDays(endsLow)));
  const target = parseDate(given("launch_date"));
  const meetsTarget = target ? launch <= iso(target) : null;
  const latestFinish = iso(days.due(0, total[1]));
  const earliestFinish = iso(days.due(0, total[0]));
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
    roles: definition.roles.filter((r) => usedRoles.has(r.id)).map((r) => ({ id: r.id, name: text(r, lang) })),
    prices,
    providers: ranked,
    phases,
    items,
    schedule: {
      start: iso(startDate),
      days: total,
      earliest_finish: earliestFinish,
      latest_finish: latestFinish,
      earliest_launch: earliestLaunch,
      launch,
      target: target ? iso(target) : null,
      meets_target: meetsTarget,
      calendar: calendarRegion,
      calendar_name: calendarRegion === null ? null : text(holidays[calendarRegion].name, lang),
      uncovered_years: [...days.uncovered].sort((a, b) => a - b),
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

/** The merchant's region code (`regions` of wizard.yaml) from its answers, or null. */
function regionOf(definition, values) {
  const regions = definition.regions;
  if (!regions) return null;
  const option = values[regions.question];
  return typeof option === "string" && option in regions.options ? regions.options[option] : null;
}

/** The price list the estimates use, and what they assume (Rust's `prices`). */
function pricesFor(definition, providers, values, transactions, volume, lang) {
  const region = regionOf(definition, values);
  const accounts = providers.accounts ?? {};
  let account = "";
  let example = false;
  if (region !== null && region in accounts) account = region;
  else if (definition.regions) {
    account = definition.regions.example_prices;
    example = true;
  }
  const share = definition.cross_border_share.find(([when]) => holds(when, values));
  return {
    region,
    account,
    account_name: account in accounts ? text(accounts[account], lang) : "",
    currency: account in accounts ? accounts[account].currency : "",
    example,
    cross_border_share: share ? share[1] : 0,
    transactions,
    volume,
  };
}

/** The providers ranked, each with its estimates (Rust's `rank_providers`). */
function rankProviders(definition, providers, values, prices, lang) {
  const ranked = [];
  for (const entry of definition.providers) {
    const provider = providers.providers.find((p) => p.id === entry.provider);
    if (!provider) continue;
    const holding = entry.rules.filter((r) => holds(r.when, values));
    const score = holding.reduce((sum, r) => sum + r.score, 0);
    const reasons = holding.map((r) => text(r.reason, lang));
    const from = provider.eligibility ? provider.eligibility.businesses_from : null;
    const eligible = prices.region !== null && from && prices.region in from ? from[prices.region] : null;
    if (eligible === false) reasons.push(text(provider.eligibility.text, lang));
    ranked.push({
      id: provider.id,
      name: text(provider.name, lang),
      score,
      eligible,
      recommended: score > 0 && eligible !== false,
      reasons,
      share: 0,
      fees: [],
      monthly: null,
    });
  }
  // Best first, those the merchant cannot open last; stable for equals.
  ranked.sort((a, b) => (a.eligible === false) - (b.eligible === false) || b.score - a.score);
  const recommended = ranked.filter((p) => p.recommended).length;
  for (const entry of ranked) {
    if (entry.recommended) entry.share = 1 / recommended;
    const provider = providers.providers.find((p) => p.id === entry.id);
    entry.fees = estimates(definition, provider, values, prices, entry.share, lang);
    entry.monthly = monthlyTotal(entry.fees, prices.currency);
  }
  return ranked;
}

/** A provider's fees for the merchant with their monthly amounts (Rust's `estimates`). */
function estimates(definition, provider, values, prices, share, lang) {
  const abroad = prices.cross_border_share;
  const ratesSeen = [];
  const found = [];
  for (const fee of provider.fees) {
    if (fee.accounts.length && !fee.accounts.includes(prices.account)) continue;
    if (!fitsChannels(definition, fee, values)) continue;
    const part = fee.applies_to === "domestic" ? 1 - abroad : fee.applies_to === "cross_border" ? abroad : 1;
    let onVolume;
    let onPayments;
    if (fee.kind === "transaction") [onVolume, onPayments] = [part, part];
    else if (fee.kind === "surcharge" && fee.applies_to === "cross_border") [onVolume, onPayments] = [part, part];
    else if (fee.kind === "conversion") [onVolume, onPayments] = [abroad, 0];
    else if (fee.kind === "withdrawal" && fee.percent != null) [onVolume, onPayments] = [1, 0];
    else if (fee.kind === "monthly" || fee.kind === "quote") [onVolume, onPayments] = [0, 0];
    else continue;
    const counted = share > 0 && fee.kind !== "quote";
    const volume = prices.volume * share * onVolume;
    const payments = prices.transactions * share * onPayments;
    let alternative = false;
    if (fee.kind === "transaction") {
      const key = `${fee.channel}|${fee.applies_to}`;
      alternative = ratesSeen.includes(key);
      ratesSeen.push(key);
    }
    let fixedPart = null;
    if (counted && fee.fixed != null) {
      if (fee.kind === "monthly") fixedPart = round2(fee.fixed);
      else if (fee.kind === "transaction" || fee.kind === "surcharge") fixedPart = round2(fee.fixed * payments);
    }
    found.push({
      label: text(fee.label, lang),
      kind: fee.kind,
      applies_to: fee.applies_to,
      quote: fee.kind === "quote",
      alternative,
      percent: fee.percent ?? null,
      fixed: fee.fixed ?? null,
      percent_part: counted && fee.percent != null ? round2(volume * fee.percent / 100) : null,
      fixed_part: fixedPart,
      currency: fee.currency ?? null,
      // A web page (a string), or a document described in each language.
      source: typeof fee.source === "string" ? fee.source : text(fee.source, lang),
      as_of: fee.as_of,
      estimate: fee.estimate,
    });
  }
  return found;
}

/** A provider's monthly total in `currency` (Rust's `monthly`), or null. */
function monthlyTotal(fees, currency) {
  const counted = fees.filter((f) => !f.alternative && (f.percent_part !== null || f.fixed_part !== null));
  const priced = counted.some((f) => f.kind === "transaction");
  const oneCurrency = counted.every((f) => f.fixed_part === null || f.currency === currency);
  if (!priced || !oneCurrency) return null;
  return round2(counted.reduce((sum, f) => sum + ((f.percent_part ?? 0) + (f.fixed_part ?? 0)), 0));
}

/** An item's roles with the merchant's stand-ins (Rust's `with_stand_ins`). */
function withStandIns(definition, values, item) {
  const missing = new Map(definition.stand_ins.filter((s) => holds(s.when, values)).map((s) => [s.role, s.by]));
  const role = (r) => missing.get(r) ?? r;
  const responsible = role(item.owner);
  const accountable = role(item.accountable);
  const taken = [responsible, accountable];
  const part = (roles) => {
    const kept = [];
    for (const r of roles.map(role)) {
      if (!taken.includes(r)) {
        taken.push(r);
        kept.push(r);
      }
    }
    return kept;
  };
  const consulted = part(item.consulted);
  const informed = part(item.informed);
  return { responsible, accountable, consulted, informed };
}

/** `after` lists reduced to direct predecessors (Rust's `direct_predecessors`). */
function directPredecessors(entries, position) {
  const reach = entries.map(() => null);
  const reachable = (i) => {
    if (reach[i]) return reach[i];
    const found = new Set();
    for (const dependency of entries[i].after) {
      const j = position.get(dependency);
      found.add(j);
      for (const k of reachable(j)) found.add(k);
    }
    reach[i] = found;
    return found;
  };
  return entries.map((entry) => {
    const through = new Set();
    for (const d of entry.after) for (const k of reachable(position.get(d))) through.add(k);
    return entry.after.filter((d) => !through.has(position.get(d)));
  });
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
