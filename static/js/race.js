// The race view, a dialog over the board: the odds grid (runners by
// bookmakers) from /api/races/{id}/odds with each runner's best price
// highlighted, the favourite marked, each-way terms and non-runners struck
// through (from /api/masters/races/{id}); a sparkline of each runner's best
// price from /api/races/{id}/odds/history, and on a runner's click a chart
// of that runner across every bookmaker, with its jockey's and trainer's
// form.  racemarket.js adds the time slider (the grid as it stood at an
// earlier instant), the opening/closing/SP summary and the movers' arrows.

import * as api from "./api.js";
import * as charts from "./charts.js";
import * as clock from "./clock.js";
import { byId, h, setText } from "./dom.js";
import * as fmt from "./fmt.js";
import * as form from "./form.js";
import * as live from "./live.js";
import * as prefs from "./prefs.js";
import * as racemarket from "./racemarket.js";

const SPARK_POINTS = 20;	// a busy race: 20 runners x 34 bookmakers x 20 points, under the API's cap
const CHART_POINTS = 200;

let current = null;	// { id, grid, masters, history, horse, horseHistory, error, flash }
let timer = null;
let stream = null;	// the race's live stream (live.js)
let mode = "polling";
const LIVE_POLL_MS = 120000;	// while the stream is up: a safety net
// Price messages of the last RECENT_MS, replayed over every snapshot that load() fetches: a
// snapshot may come from nginx's micro-cache (seconds old) or be read before a delta it
// arrives after, and must not undo a change the stream already showed.
const recent = live.recent();
let onClosed = null;

const dialog = () => byId("race-dialog");

/* Per runner, its best price over time: after every change, the highest current price. */
export function bestTimeline(series) {
  const events = [];
  for (const se of series) {
    for (const p of se.points || []) events.push({ t: fmt.ms(p.observed_at), book: se.bookmaker_id, v: Number(p.decimal) });
  }
  events.sort((a, b) => a.t - b.t);
  const now = new Map();
  const out = [];
  for (let i = 0; i < events.length; i++) {
    const e = events[i];
    if (Number.isFinite(e.v) && e.v > 1) now.set(e.book, e.v);
    if (i + 1 < events.length && events[i + 1].t === e.t) continue;
    const best = Math.max(...now.values());
    if (Number.isFinite(best) && (out.length === 0 || out[out.length - 1].v !== best)) out.push({ t: e.t, v: best });
  }
  return out;
}

function byHorse(series) {
  const m = new Map();
  for (const se of series || []) {
    if (!m.has(se.horse_id)) m.set(se.horse_id, []);
    m.get(se.horse_id).push(se);
  }
  return m;
}

/* The best decimal of a runner: the API's, else the highest of its prices. */
function bestOf(runner) {
  if (runner.best_price && Number(runner.best_price.decimal) > 1) return Number(runner.best_price.decimal);
  const ds = Object.values(runner.prices || {}).map((p) => Number(p && p.decimal)).filter((d) => d > 1);
  return ds.length ? Math.max(...ds) : NaN;
}

function isBest(price, best) {
  if (!price) return false;
  if (typeof price.best === "boolean") return price.best;
  return Math.abs(Number(price.decimal) - best) < 0.0005;
}

function subline(race) {
  const off = fmt.ms(race.off_dt);
  const secs = Number.isFinite(off) ? (off - clock.now()) / 1000 : null;
  const parts = [];
  if (secs === null) parts.push(fmt.DASH);
  else if (secs > 0) parts.push(`off in ${fmt.duration(secs)}`, fmt.STAGE_NAMES[fmt.stageOf(secs)]);
  else parts.push(`off ${fmt.duration(-secs)} ago`);
  return parts.join(" · ");
}

function facts(race, masters) {
  const ew = race.each_way || {};
  const rows = [
    ["Each way", ew.terms || fmt.DASH],
    ["Runners", fmt.num(race.runner_count)],
    ["Bookmakers", fmt.num(race.bookmaker_count)],
    ["Prices updated", `${fmt.relative(race.prices_updated_at, clock.now())} (${fmt.timeSecs(race.prices_updated_at)})`],
  ];
  if (masters) {
    rows.push(["Distance", fmt.text(masters.distance_f)], ["Going", fmt.text(masters.going)],
      ["Class", fmt.text(masters.race_class)], ["Prize", fmt.text(masters.prize)]);
  }
  return h("dl", { class: "race-facts" },
    rows.map(([k, v]) => h("div", null, h("dt", null, k), h("dd", null, v))));
}

function formatSwitch() {
  const mode = prefs.oddsFormat();
  const opt = (value, label) => h("label", null,
    h("input", {
      type: "radio", name: "odds-format", value, checked: mode === value,
      onchange: () => prefs.setOddsFormat(value),
    }), ` ${label}`);
  return h("fieldset", { class: "oddsfmt" }, h("legend", null, "Odds as"), opt("fractional", "fractions"),
    opt("decimal", "decimals"), opt("american", "American"), opt("probability", "chance %"));
}

/* The runners of the grid, plus non-runners the grid does not list. */
function runnerRows(race, masters) {
  const info = new Map();
  for (const r of (masters && masters.runners) || []) info.set(r.horse_id, r);
  const rows = (race.runners || []).map((r) => ({ runner: r, info: info.get(r.horse_id) }));
  const listed = new Set(rows.map((r) => r.runner.horse_id));
  for (const [id, r] of info) {
    if (r.non_runner && !listed.has(id)) {
      rows.push({ runner: { horse_id: id, horse_name: r.horse_name, number: r.number, prices: {} }, info: r });
    }
  }
  rows.sort((a, b) => (Number(a.runner.number) || 999) - (Number(b.runner.number) || 999));
  return rows;
}

/* Who offers the best price: one or two names, else how many. */
function bestWho(ids, names) {
  if (ids.length > 2) return `${ids.length} bookmakers`;
  return ids.map((id) => names.get(id) || id).join(", ");
}

function gridTable(race, masters, history) {
  const mode = prefs.oddsFormat();
  const books = race.bookmakers || [];
  const names = new Map(books.map((b) => [b.bookmaker_id, b.bookmaker || b.bookmaker_id]));
  const spark = byHorse(history && history.series);
  const head = h("tr", null,
    h("th", { scope: "col", class: "num" }, "No."),
    h("th", { scope: "col", class: "runner-col" }, "Runner"),
    h("th", { scope: "col", class: "best-col" }, "Best"),
    h("th", { scope: "col", class: "fair-col", title: "The consensus (median) price normalised to a 100% book" }, "Fair"),
    h("th", { scope: "col" }, "Movement"),
    books.map((b) => h("th", { scope: "col", class: "book", title: `${fmt.text(b.bookmaker)}: each way ${fmt.text(b.ew_terms)}` },
      h("span", { class: "book-name" }, fmt.text(b.bookmaker || b.bookmaker_id)),
      h("span", { class: "ew" }, b.ew_places ? `${b.ew_places} pl · 1/${fmt.text(b.ew_denom)}` : "win only"),
      h("span", { class: "book-pct", title: "Book percentage over the runners it prices" },
        Number(b.book_percent) > 0 ? `${Number(b.book_percent).toFixed(1)}%` : fmt.DASH))));
  const body = h("tbody");
  for (const { runner, info } of runnerRows(race, masters)) {
    const nr = Boolean(info && info.non_runner);
    const best = bestOf(runner);
    const bp = runner.best_price;
    const timeline = bestTimeline(spark.get(runner.horse_id) || []);
    const first = timeline.length ? timeline[0].v : NaN, last = timeline.length ? timeline[timeline.length - 1].v : NaN;
    const label = timeline.length
      ? `Best price of ${runner.horse_name}: ${first.toFixed(2)} to ${last.toFixed(2)}`
      : `No price movement recorded for ${runner.horse_name}`;
    const who = info ? [info.jockey_name, info.trainer_name].filter(Boolean).join(" · ") : "";
    body.append(h("tr", {
      class: `${runner.favourite ? "fav" : ""}${nr ? " nr" : ""}`.trim() || null,
      "data-horse": runner.horse_id,
    },
    h("td", { class: "num" }, fmt.text(runner.number)),
    h("th", { scope: "row", class: "runner-col" },
      h("button", {
        type: "button", class: "runner", "data-horse": runner.horse_id,
        "aria-pressed": current && current.horse === runner.horse_id ? "true" : "false",
        "aria-label": `${runner.horse_name}: show its prices by bookmaker`,
      }, fmt.text(runner.horse_name)),
      runner.favourite ? h("span", { class: "badge fav-badge", title: "Favourite" }, "Fav") : null,
      nr ? h("span", { class: "badge nr-badge", title: "Non-runner" }, "NR") : null,
      who ? h("span", { class: "who" }, who) : null),
    h("td", { class: "best-col", "data-decimal": Number.isFinite(best) ? best : null },
      nr || !bp ? fmt.DASH : fmt.price(bp.decimal, bp.fractional, mode),
      bp && bp.bookmakers && !nr ? h("span", { class: "who" }, bestWho(bp.bookmakers, names)) : null),
    h("td", { class: "fair-col", "data-decimal": runner.fair_decimal != null ? runner.fair_decimal : null },
      nr || !(Number(runner.fair_decimal) > 1) ? fmt.DASH : fmt.price(runner.fair_decimal, null, mode === "fractional" ? "decimal" : mode)),
    h("td", { class: "spark" }, nr ? null : charts.sparkline(timeline, { label })),
    books.map((b) => {
      const p = (runner.prices || {})[b.bookmaker_id];
      const top = !nr && isBest(p, best);
      const flash = current && current.flash && !racemarket.pastGrid(current.id) ? current.flash.get(`${runner.horse_id} ${b.bookmaker_id}`) : null;
      return h("td", {
        class: `price${top ? " best" : ""}${flash ? ` flash flash-${flash}` : ""}`,
        "data-decimal": p ? p.decimal : null, "data-book": b.bookmaker_id,
      },
        p ? fmt.price(p.decimal, p.fractional, mode) : fmt.DASH,
        top ? h("span", { class: "sr-only" }, " (best price)") : null);
    })));
  }
  return h("table", { class: "grid" },
    h("caption", { id: "grid-caption" }, "Prices by runner and bookmaker. The best price of each runner is highlighted; Fav marks the favourite, NR a non-runner."),
    h("thead", null, head), body);
}

function runnerChart() {
  const wrap = h("section", { class: "runner-chart", "aria-labelledby": "runner-chart-title" });
  const runner = (current.grid.runners || []).find((r) => r.horse_id === current.horse);
  if (!runner) {
    wrap.append(h("p", { class: "meta", id: "runner-chart-title" }, "No prices for this runner."));
    return wrap;
  }
  wrap.append(h("h3", { id: "runner-chart-title" }, `${runner.horse_name}: price by bookmaker`));
  const info = ((current.masters && current.masters.runners) || []).find((r) => r.horse_id === current.horse);
  const formList = form.runnerForm(info, render);
  if (formList) wrap.append(formList);
  if (!current.horseHistory) {
    wrap.append(h("p", { class: "meta" }, "Loading price movement…"));
    return wrap;
  }
  const names = new Map((current.grid.bookmakers || []).map((b) => [b.bookmaker_id, b.bookmaker || b.bookmaker_id]));
  const bestBooks = new Set((runner.best_price && runner.best_price.bookmakers) || []);
  const series = (current.horseHistory.series || []).map((se) => ({
    name: names.get(se.bookmaker_id) || se.bookmaker_id,
    emphasis: bestBooks.has(se.bookmaker_id),
    points: (se.points || []).map((p) => ({ t: fmt.ms(p.observed_at), v: Number(p.decimal) })),
  }));
  wrap.append(charts.lineChart(series, { title: `${runner.horse_name}: decimal price by bookmaker`, yLabel: "decimal" }),
    h("p", { class: "meta" }, "Thicker lines: the bookmakers offering the best price now."));
  return wrap;
}

function render() {
  const body = byId("race-body");
  if (!current) return;
  const race = racemarket.pastGrid(current.id) || current.grid;	// the slider's instant, else live
  if (!race) {
    setText(byId("race-title"), "Race");
    setText(byId("race-sub"), "");
    body.replaceChildren(h("p", { class: current.error ? "error" : "meta", role: current.error ? "alert" : null },
      current.error ? `Could not load this race: ${current.error}` : "Loading the odds…"));
    return;
  }
  setText(byId("race-title"), `${race.off_time || fmt.time(race.off_dt)} ${fmt.text(race.course)}: ${fmt.text(race.race_name)}`);
  setText(byId("race-sub"), subline(race));
  const focusHorse = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.horse : null;
  const oldWrap = body.querySelector(".grid-wrap");
  const scroll = oldWrap ? [oldWrap.scrollLeft, oldWrap.scrollTop] : [0, 0];
  const wrap = h("div", { class: "grid-wrap", role: "region", "aria-labelledby": "grid-caption", tabindex: "0" },
    gridTable(race, current.masters, current.history));
  const parts = [facts(race, current.masters), formatSwitch(), wrap];
  if (!(race.runners || []).length) parts.push(h("p", { class: "empty" }, "No prices for this race yet."));
  if (current.horse) parts.push(runnerChart());
  body.replaceChildren(...parts);
  racemarket.decorate(body);
  current.flash = null;	// a changed price flashes once
  [wrap.scrollLeft, wrap.scrollTop] = scroll;
  if (focusHorse) {
    const btn = body.querySelector(`button.runner[data-horse="${CSS.escape(focusHorse)}"]`);
    if (btn) btn.focus();
  }
}

async function load(id) {
  const enc = encodeURIComponent(id);
  const [grid, history, masters] = await Promise.allSettled([
    api.getJSON(`/api/races/${enc}/odds`),
    api.getJSON(`/api/races/${enc}/odds/history?points=${SPARK_POINTS}`),
    api.getJSON(`/api/masters/races/${enc}`, 0),
  ]);
  if (!current || current.id !== id) return;
  if (grid.status === "fulfilled" && grid.value && grid.value.race) {
    current.grid = grid.value.race;
    current.error = null;
    replayRecent();
  } else if (!current.grid) {
    current.error = grid.status === "rejected" ? grid.reason.message : "no race in the answer";
  }
  if (history.status === "fulfilled") current.history = history.value;
  if (masters.status === "fulfilled" && masters.value) current.masters = masters.value.data ? masters.value.data[0] : masters.value;
  if (current.horse) await loadHorse();
  racemarket.update(id, current.grid, current.history);
  render();
  if (!(grid.status === "rejected" && grid.reason.status === 404)) schedule();	// no such race: nothing to wait for
}

async function loadHorse() {
  const id = current.id, horse = current.horse;
  try {
    const body = await api.getJSON(`/api/races/${encodeURIComponent(id)}/odds/history?horse_id=${encodeURIComponent(horse)}&points=${CHART_POINTS}`);
    if (current && current.id === id && current.horse === horse) current.horseHistory = body;
  } catch (e) {
    if (current && current.horse === horse) current.horseHistory = { series: [] };
  }
}

function pollMs() {
  const off = current && current.grid ? fmt.ms(current.grid.off_dt) : NaN;
  return Number.isFinite(off) && off - clock.now() < 300000 ? 10000 : 30000;
}

function schedule() {
  clearTimeout(timer);
  if (!current) return;
  timer = setTimeout(() => current && load(current.id), mode === "live" ? LIVE_POLL_MS : pollMs());
}

function showMode() {
  const el = byId("race-mode");
  el.dataset.mode = mode;
  setText(el, live.label(mode, pollMs() / 1000));
}

/*
 * Applies the recent price messages to a new snapshot, each price only where
 * it is at least as new as the snapshot's (changed_at); no flash.
 */
function replayRecent() {
  const runners = new Map((current.grid.runners || []).map((r) => [r.horse_id, r]));
  recent.replay((msg) => {
    if (msg.race_id !== current.id) return;
    for (const p of msg.prices || []) {
      const runner = runners.get(p.horse_id);
      if (!runner) continue;
      runner.prices = runner.prices || {};
      const have = runner.prices[p.bookmaker_id];
      if (!live.atLeastAsNew(p.changed_at, have && have.changed_at)) continue;
      runner.prices[p.bookmaker_id] = { fractional: p.fractional, decimal: p.decimal, changed_at: p.changed_at };
      delete runner.prices[p.bookmaker_id].best;
    }
  });
}

/*
 * A message of the race's stream: price changes go into the grid (the
 * changed cells flash); anything the grid cannot take as it stands (a new
 * runner or bookmaker, a non-runner, a stage change, the result) refetches it.
 */
function applyMessage(msg) {
  if (!current || !current.grid || msg.race_id !== current.id) return;
  if (msg.type !== "prices") {
    load(current.id);
    return;
  }
  recent.add(msg);
  const race = current.grid;
  const runners = new Map((race.runners || []).map((r) => [r.horse_id, r]));
  const books = new Set((race.bookmakers || []).map((b) => b.bookmaker_id));
  const flash = new Map();
  if ((msg.non_runners || []).length) {
    load(current.id);
    return;
  }
  for (const p of msg.prices || []) {
    const runner = runners.get(p.horse_id);
    if (!runner || !books.has(p.bookmaker_id)) {
      load(current.id);
      return;
    }
    runner.prices = runner.prices || {};
    const old = runner.prices[p.bookmaker_id];
    runner.prices[p.bookmaker_id] = { fractional: p.fractional, decimal: p.decimal, changed_at: p.changed_at };
    flash.set(`${p.horse_id} ${p.bookmaker_id}`, old && Number(old.decimal) > Number(p.decimal) ? "down" : "up");
    if (!race.prices_updated_at || p.changed_at > race.prices_updated_at) race.prices_updated_at = p.changed_at;
  }
  for (const k of msg.removed || []) {
    const runner = runners.get(k.horse_id);
    if (runner && runner.prices) delete runner.prices[k.bookmaker_id];
  }
  const changed = new Set([...(msg.prices || []), ...(msg.removed || [])].map((p) => p.horse_id));
  for (const r of msg.runners || []) {
    const runner = runners.get(r.horse_id);
    if (!runner) continue;
    runner.best_price = r.best_price;
    runner.favourite = r.favourite;
    changed.add(r.horse_id);
  }
  // The best marks of a changed runner follow its best price again (isBest).
  for (const id of changed) {
    for (const p of Object.values((runners.get(id) || {}).prices || {})) if (p) delete p.best;
  }
  current.flash = flash;
  render();
}

async function selectHorse(horse) {
  if (!current) return;
  current.horse = current.horse === horse ? null : horse;
  current.horseHistory = null;
  render();
  if (current.horse) {
    await loadHorse();
    render();
    const chart = byId("runner-chart-title");
    if (chart) chart.scrollIntoView({ block: "nearest" });
  }
}

/* Opens the race view on race id (again: nothing happens). */
export function open(id) {
  const d = dialog();
  if (current && current.id === id && d.open) return;
  current = { id, grid: null, masters: null, history: null, horse: null, horseHistory: null, error: null, flash: null };
  recent.clear();
  render();
  if (!d.open) d.showModal();
  byId("race-close").focus();
  unsubscribe();
  stream = live.subscribe(`/api/stream/races/${encodeURIComponent(id)}`, {
    message: applyMessage,
    resync: () => current && current.id === id && load(id),
    mode: (m) => {
      mode = m;
      showMode();
      schedule();
    },
  });
  showMode();
  racemarket.open(id, () => current && current.id === id && render());
  load(id);
}

function unsubscribe() {
  if (stream) stream.close();
  stream = null;
  mode = "polling";
}

/* Closes the race view, if open. */
export function close() {
  clearTimeout(timer);
  unsubscribe();
  racemarket.close();
  current = null;
  if (dialog().open) dialog().close();
}

export function isOpen() {
  return Boolean(current);
}

/* Once a second: the countdown in the heading. */
export function tick() {
  if (current && current.grid) setText(byId("race-sub"), subline(current.grid));
}

/* fn(id) runs when the person closes the view (Escape, the × button). */
export function start(closed) {
  onClosed = closed;
  const d = dialog();
  byId("race-close").addEventListener("click", () => d.close());
  d.addEventListener("close", () => {
    const id = current && current.id;
    clearTimeout(timer);
    unsubscribe();
    racemarket.close();
    current = null;
    if (id && onClosed) onClosed(id);
  });
  d.addEventListener("click", (e) => {
    const btn = e.target.closest("button.runner");
    if (btn) selectHorse(btn.dataset.horse);
    else if (e.target === d) d.close();	// the backdrop
  });
  prefs.onChange(render);
  racemarket.start();
  api.onOnline(() => current && load(current.id));
}
