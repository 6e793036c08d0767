// The race view's market extras (issue 13.2-13.4), beside race.js's grid:
//
//  - a time slider over the race's recorded movement (its first recorded
//    price to its last change): moving it shows the grid as it stood then
//    (/api/races/{id}/odds?at=), clearly not live, until "Back to live"
//    (or the slider at its right end);
//  - opening, closing and starting prices with closing-line value per
//    runner (/api/races/{id}/odds/summary);
//  - arrows on the runners that moved over the Movers tab's window
//    (/api/movers?race_id=).
//
// race.js asks for the grid to show (pastGrid), calls decorate() after each
// render, and update() with each new snapshot so the slider's range follows
// the live prices.

import * as api from "./api.js";
import { byId, h, setText } from "./dom.js";
import * as fmt from "./fmt.js";
import * as movers from "./movers.js";
import * as prefs from "./prefs.js";

const EXTRAS_MS = 60000;	// summary and movers while the view is open
const DEBOUNCE_MS = 150;

let st = null;	// { id, first, last, at, past, seq, summary, moves, timer, debounce, rerender }

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const ukWhen = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/London", weekday: "short", hour: "2-digit", minute: "2-digit", second: "2-digit",
});
const when = (ms) => (Number.isFinite(ms) ? ukWhen.format(ms) : fmt.DASH);

/* The grid to show instead of the live one (the slider's instant), or null. */
export function pastGrid(id) {
  return st && st.id === id && st.past ? st.past : null;
}

function slider() {
  return byId("race-at");
}

/* The slider's markup, made once per race so that dragging survives live renders. */
function build() {
  const box = byId("race-time");
  box.replaceChildren(
    h("div", { class: "race-time-row" },
      h("label", { for: "race-at", class: "race-time-label" }, "Prices at"),
      h("input", {
        type: "range", id: "race-at", min: 0, max: 0, step: 1, value: 0, disabled: true,
        "aria-describedby": "race-at-state",
        oninput: (e) => pick(Number(e.target.value)),
      }),
      h("output", { id: "race-at-time", for: "race-at", class: "race-at-time" }, fmt.DASH),
      h("span", { class: "race-steps" },
        h("button", { type: "button", id: "race-at-prev", class: "step-btn", "aria-label": "Previous price change", title: "Previous price change", onclick: () => step(-1) }, "◀"),
        h("button", { type: "button", id: "race-at-next", class: "step-btn", "aria-label": "Next price change", title: "Next price change", onclick: () => step(1) }, "▶")),
      h("button", { type: "button", id: "race-live", class: "live-btn", hidden: true, onclick: () => backToLive(true) },
        "Back to live")),
    h("p", { id: "race-at-state", class: "race-at-state meta", role: "status" }, "Loading the price history…"));
  box.hidden = false;
}

function showState() {
  const box = byId("race-time");
  const d = byId("race-dialog");
  const input = slider();
  if (!st || !input) return;
  const span = Number.isFinite(st.first) && Number.isFinite(st.last) ? Math.max(0, Math.round((st.last - st.first) / 1000)) : 0;
  input.max = String(span);
  input.disabled = span === 0;
  if (st.at === null) input.value = String(span);
  else input.value = String(Math.min(span, Math.max(0, Math.round((st.at - st.first) / 1000))));
  input.setAttribute("aria-valuetext", st.at === null ? "live" : fmt.timeSecs(st.at));
  setText(byId("race-at-time"), st.at === null ? "Live" : when(st.at));
  byId("race-live").hidden = st.at === null;
  byId("race-at-prev").disabled = span === 0 || st.at === st.first;
  byId("race-at-next").disabled = span === 0 || st.at === null;
  box.classList.toggle("past", st.at !== null);
  byId("race-past").hidden = st.at === null;
  setText(byId("race-past-text"), st.at === null ? "" : `Not live: prices as at ${when(st.at)}`);
  if (st.at === null) {
    delete d.dataset.at;
    d.classList.remove("past");
  } else {
    d.dataset.at = iso(st.at);
    d.classList.add("past");
  }
  let text;
  if (span === 0) text = "No price movement recorded yet: the slider opens once a price changes.";
  else if (st.at === null) text = `Live. Drag back over the recorded movement, ${when(st.first)} to ${when(st.last)}.`;
  else if (!st.past || st.past.atMs !== st.at) text = `Loading the prices as at ${fmt.timeSecs(st.at)}…`;
  else text = `Not live: the prices as they stood at ${when(st.at)} (UK time). Live changes are held back until you go back to live.`;
  setText(byId("race-at-state"), text);
}

/*
 * To the previous (dir -1) or next (+1) recorded change from the instant
 * shown (the sparklines' history: each price's recent changes); past the
 * last, live.
 */
function step(dir) {
  if (!st) return;
  const from = st.at === null ? st.last + 1 : st.at;
  const list = st.changes.filter((t) => t >= st.first && t <= st.last);
  const to = dir < 0 ? list.filter((t) => t < from).pop() : list.find((t) => t > from);
  if (to === undefined) {
    if (dir > 0) backToLive(false);
    else if (st.at !== st.first) pick(0);
    return;
  }
  pick(Math.round((to - st.first) / 1000));
}

/* The slider moved to value (seconds after the first change). */
function pick(value) {
  if (!st) return;
  const max = Number(slider().max);
  if (value >= max) {
    backToLive(false);
    return;
  }
  st.at = st.first + value * 1000;
  showState();
  clearTimeout(st.debounce);
  st.debounce = setTimeout(() => fetchAt(st.at), DEBOUNCE_MS);
}

async function fetchAt(at) {
  if (!st) return;
  const my = ++st.seq, id = st.id;
  try {
    const body = await api.getJSON(`/api/races/${encodeURIComponent(id)}/odds?at=${encodeURIComponent(iso(at))}`);
    if (!st || st.id !== id || my !== st.seq || st.at !== at) return;
    const grid = body.race || {};
    grid.atMs = at;
    st.past = grid;
  } catch (e) {
    if (!st || my !== st.seq) return;
    setText(byId("race-at-state"), `Could not load the prices as at ${fmt.timeSecs(at)}: ${e.message}`);
    return;
  }
  showState();
  st.rerender();
}

function backToLive(focusSlider) {
  if (!st) return;
  st.at = null;
  st.past = null;
  st.seq++;
  clearTimeout(st.debounce);
  showState();
  st.rerender();
  if (focusSlider && slider()) slider().focus();
}

/*
 * A new snapshot of the live grid (and the sparklines' history): the
 * slider's range grows to its newest change.
 */
export function update(id, grid, history) {
  if (!st || st.id !== id) return;
  let first = st.summaryFirst, last = -Infinity;
  const changes = new Set();
  for (const se of (history && history.series) || []) {
    for (const p of se.points || []) {
      const t = fmt.ms(p.observed_at);
      if (!Number.isFinite(t)) continue;
      changes.add(Math.floor(t / 1000) * 1000 + 1000);	// the grid shows the change from the next whole second
      if (!(t >= first)) first = t;
      if (t > last) last = t;
    }
  }
  st.changes = [...changes].sort((a, b) => a - b);
  const upd = grid ? fmt.ms(grid.prices_updated_at) : NaN;
  if (Number.isFinite(upd) && upd > last) last = upd;
  // Whole seconds, the one after the first change: ?at= takes seconds, and a change at 11:55:13(.4) is in its grid from 11:55:14.
  if (Number.isFinite(first)) st.first = Math.floor(first / 1000) * 1000 + 1000;
  if (Number.isFinite(last)) last = Math.ceil(last / 1000) * 1000;
  if (Number.isFinite(last) && !(st.last >= last)) st.last = last;
  if (Number.isFinite(st.first) && !(st.last >= st.first)) st.last = st.first;
  showState();
}

/* --- Opening, closing and SP ------------------------------------------ */

function summaryTable() {
  const box = byId("race-summary");
  if (!st || !box) return;
  const s = st.summary;
  const runners = (s && s.runners) || [];
  const mode = prefs.oddsFormat() === "fractional" ? "decimal" : prefs.oddsFormat();
  const price = (d) => (Number(d) > 1 ? fmt.price(d, null, mode) : fmt.DASH);
  const clv = (v) => (fmt.missing(v) ? fmt.DASH : `${Number(v) > 0 ? "+" : ""}${Number(v).toFixed(1)}%`);
  if (!s) {
    box.replaceChildren(h("h3", { id: "race-summary-title" }, "Opening, closing and starting prices"),
      h("p", { class: "meta" }, st.summaryError ? `Could not load: ${st.summaryError}` : "Loading…"));
    return;
  }
  const anySp = runners.some((r) => r.sp || Number(r.sp_dec) > 1);
  const scroll = box.querySelector(".table-wrap");
  const left = scroll ? scroll.scrollLeft : 0;
  box.replaceChildren(h("h3", { id: "race-summary-title" }, "Opening, closing and starting prices"),
    runners.length ? h("div", { class: "table-wrap", role: "region", "aria-labelledby": "race-summary-title", tabindex: "0" },
      h("table", { class: "data summary-table" },
        h("thead", null, h("tr", null,
          h("th", { scope: "col", class: "num" }, "No."), h("th", { scope: "col" }, "Runner"),
          h("th", { scope: "col", class: "num", title: "The best of the first prices each bookmaker showed" }, "Opening"),
          h("th", { scope: "col", class: "num", title: "The best of the last prices before the off (now, while the race is open)" }, "Closing"),
          h("th", { scope: "col", class: "num" }, "SP"), h("th", { scope: "col", class: "num" }, "Pos"),
          h("th", { scope: "col", class: "num", title: "Closing-line value of the best opening price: 100 x (price / SP - 1)" }, "CLV open"),
          h("th", { scope: "col", class: "num", title: "Closing-line value of the best closing price" }, "CLV close"))),
        h("tbody", null, runners.map((r) => h("tr", { "data-horse": r.horse_id },
          h("td", { class: "num" }, fmt.text(r.number)),
          h("th", { scope: "row" }, fmt.text(r.horse_name)),
          h("td", { class: "num", "data-decimal": r.best_opening }, price(r.best_opening)),
          h("td", { class: "num", "data-decimal": r.best_closing }, price(r.best_closing)),
          h("td", { class: "num", "data-decimal": r.sp_dec }, fmt.text(r.sp)),
          h("td", { class: "num" }, fmt.text(r.position)),
          h("td", { class: "num" }, clv(r.clv_best_opening_percent)),
          h("td", { class: "num" }, clv(r.clv_best_closing_percent))))))) : h("p", { class: "meta" }, "No prices recorded for this race."),
    h("p", { class: "meta" }, anySp ? "Closing-line value: how much longer (or shorter) than the SP a price was."
      : "SP and closing-line value appear once the race is run and resulted."));
  const wrap = box.querySelector(".table-wrap");
  if (wrap) wrap.scrollLeft = left;
}

/* --- Movers' arrows ----------------------------------------------------- */

/* After each render of the grid: arrows on the runners that moved. */
export function decorate(body) {
  if (!st || !st.moves) return;
  for (const th of body.querySelectorAll("table.grid tbody th.runner-col")) {
    const horse = th.parentElement.dataset.horse;
    const m = st.moves.get(horse);
    if (!m || th.querySelector(".move")) continue;
    th.querySelector("button.runner").after(" ", movers.arrow(m));
  }
}

async function loadExtras() {
  if (!st) return;
  const id = st.id;
  clearTimeout(st.timer);
  const enc = encodeURIComponent(id);
  const [sum, mv] = await Promise.allSettled([
    api.getJSON(`/api/races/${enc}/odds/summary`, 0),
    api.getJSON(`/api/movers?race_id=${enc}&window=${movers.currentWindow()}&limit=100`, 0),
  ]);
  if (!st || st.id !== id) return;
  if (sum.status === "fulfilled") {
    st.summary = sum.value.race || sum.value;
    st.summaryError = null;
    let first = Infinity;
    for (const r of st.summary.runners || []) {
      for (const p of r.prices || []) {
        const t = fmt.ms(p.opening_at);
        if (Number.isFinite(t) && t < first) first = t;
      }
    }
    if (Number.isFinite(first)) {
      first = Math.floor(first / 1000) * 1000 + 1000;
      st.summaryFirst = first;
      if (!(st.first <= first)) st.first = first;
      if (!(st.last >= st.first)) st.last = st.first;
    }
  } else if (!st.summary) {
    st.summaryError = sum.reason.message;
  }
  if (mv.status === "fulfilled") st.moves = movers.byHorse(mv.value);
  summaryTable();
  showState();
  st.rerender();
  st.timer = setTimeout(loadExtras, EXTRAS_MS);
}

/* The race view opened on race id; rerender() redraws its grid. */
export function open(id, rerender) {
  close();
  st = {
    id, first: NaN, last: NaN, summaryFirst: NaN, changes: [], at: null, past: null, seq: 0, summary: null, summaryError: null,
    moves: null, timer: null, debounce: null, rerender,
  };
  build();
  byId("race-summary").hidden = false;
  summaryTable();
  loadExtras();
}

export function close() {
  if (st) {
    clearTimeout(st.timer);
    clearTimeout(st.debounce);
  }
  st = null;
  const d = byId("race-dialog");
  d.classList.remove("past");
  delete d.dataset.at;
  byId("race-time").replaceChildren();
  byId("race-past").hidden = true;
  byId("race-summary").replaceChildren();
}

export function start() {
  byId("race-past-live").addEventListener("click", () => backToLive(true));
  prefs.onChange(() => summaryTable());
  movers.onWindow(() => st && loadExtras());
}
