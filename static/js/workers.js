// The workers panel, from /api/scheduler-status: each worker's state, last
// and next run, interval and why, last error, with a warning when a worker
// is stale (its next run long overdue) or failing.  A "!" on the tab tells
// of trouble while another panel is shown.  Workers stamp their status with
// the wall clock, so times here are relative to it (clock.wallNow).

import * as api from "./api.js";
import * as clock from "./clock.js";
import { byId, h, reconcile, setText } from "./dom.js";
import * as fmt from "./fmt.js";

const WORKERS = ["live", "historical", "statistics", "masters"];
const VISIBLE_MS = 15000;
const HIDDEN_MS = 60000;
const TROUBLE = new Set(["error", "backoff"]);

let visible = false;
let timer = null;
let workers = [];
let loaded = false;

/* The API's stale flag, else its rule: next run overdue by max(2 min, half the interval). */
function isStale(w, now) {
  if (typeof w.stale === "boolean") return w.stale;
  const next = fmt.ms(w.next_run_at);
  if (!Number.isFinite(next) || ["not_started", "stopped"].includes(w.state)) return false;
  return next < now - Math.max(120, (Number(w.interval_s) || 0) / 2) * 1000;
}

function nextRun(w, now) {
  const next = fmt.ms(w.next_run_at);
  if (!Number.isFinite(next)) return fmt.DASH;
  const secs = (next - now) / 1000;
  const when = fmt.dateTime(w.next_run_at);
  if (Math.abs(secs) < 5) return `due now (${when})`;
  return secs > 0 ? `in ${fmt.duration(secs)} (${when})` : `overdue by ${fmt.duration(-secs)} (${when})`;
}

function ago(iso, now) {
  return fmt.missing(iso) ? fmt.DASH : `${fmt.relative(iso, now)} (${fmt.dateTime(iso)})`;
}

function interval(w) {
  const every = fmt.period(w.interval_s) === fmt.DASH ? fmt.DASH : `every ${fmt.period(w.interval_s)}`;
  return w.interval_reason ? `${every}: ${w.interval_reason}` : every;
}

/* The last error and when; "resolved" when a run has succeeded since. */
function lastError(w) {
  if (!w.last_error) return "none";
  const resolved = fmt.ms(w.last_success_at) > fmt.ms(w.last_error_at) ? ", resolved since" : "";
  return `${w.last_error} (${fmt.dateTime(w.last_error_at)}${resolved})`;
}

function createCard() {
  return h("article", { class: "worker" },
    h("header", null,
      h("h3", { "data-f": "name" }),
      h("span", { class: "state", "data-f": "state" })),
    h("p", { class: "warn", "data-f": "warn", hidden: true }),
    h("dl", { class: "facts" },
      ["Last run", "Last success", "Next run", "Interval", "Cycles", "Rows written", "Last error", "Schedule"]
        .map((k) => h("div", { "data-row": k }, h("dt", null, k), h("dd")))));
}

function row(card, k, v) {
  setText(card.querySelector(`[data-row="${k}"] dd`), v);
}

function fillCard(card, w) {
  const now = clock.wallNow();
  const stale = isStale(w, now);
  const trouble = TROUBLE.has(w.state);
  card.className = `worker state-${w.state || "unknown"}${stale ? " stale" : ""}${trouble ? " trouble" : ""}`;
  card.dataset.worker = w.worker;
  setText(card.querySelector('[data-f="name"]'), `dh-${w.worker}`);
  setText(card.querySelector('[data-f="state"]'), fmt.text(w.state).replace(/_/g, " "));
  const warn = card.querySelector('[data-f="warn"]');
  const msg = stale ? `Stale: its next run is overdue by ${fmt.duration((now - fmt.ms(w.next_run_at)) / 1000)}. Is it running?`
    : trouble ? `Failing: ${w.state === "backoff" ? "backing off after errors" : "its last run failed"}.` : "";
  warn.hidden = !msg;
  setText(warn, msg);
  row(card, "Last run", ago(w.last_run_at, now));
  row(card, "Last success", ago(w.last_success_at, now));
  row(card, "Next run", nextRun(w, now));
  row(card, "Interval", interval(w));
  row(card, "Cycles", fmt.num(w.cycles));
  row(card, "Rows written", fmt.num(w.rows_written));
  row(card, "Last error", lastError(w));
  row(card, "Schedule", fmt.text(w.schedule));
}

function render() {
  const now = clock.wallNow();
  const known = new Map(workers.map((w) => [w.worker, w]));
  const list = WORKERS.map((name) => known.get(name) || { worker: name, state: "not_reported" })
    .concat(workers.filter((w) => !WORKERS.includes(w.worker)));
  reconcile(byId("workers-list"), list, (w) => w.worker, createCard, fillCard);
  const bad = list.filter((w) => isStale(w, now) || TROUBLE.has(w.state));
  byId("workers-flag").hidden = bad.length === 0;
  byId("workers-flag").title = bad.length ? `${bad.length} worker(s) need attention` : "";
  const warnings = byId("workers-warnings");
  const text = bad.length
    ? `Attention: ${bad.map((w) => `dh-${w.worker} (${isStale(w, now) ? "stale" : w.state})`).join(", ")}.` : "";
  if (warnings.textContent !== text) {
    warnings.replaceChildren(...(text ? [h("p", { class: "warn" }, text)] : []));
  }
}

async function refresh() {
  clearTimeout(timer);
  try {
    const body = await api.getJSON("/api/scheduler-status");
    workers = Array.isArray(body.workers) ? body.workers : [];
    loaded = true;
    setText(byId("workers-status"), `${workers.length} workers reporting · updated ${fmt.timeSecs(clock.wallNow())}`);
  } catch (e) {
    if (!loaded) setText(byId("workers-status"), `Could not load the workers: ${e.message}. Trying again…`);
  }
  if (loaded) render();
  timer = setTimeout(refresh, visible ? VISIBLE_MS : HIDDEN_MS);
}

/* Once a second while shown: relative times. */
export function tick() {
  if (visible && loaded) render();
}

export function setVisible(on) {
  const was = visible;
  visible = on;
  if (on && !was) refresh();
}

export function start() {
  api.onOnline(refresh);
  refresh();
}
