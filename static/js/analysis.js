// Early price vs SP (issue 13.3): how often a runner's opening (first seen)
// and closing prices beat its starting price, and the average closing-line
// value, over the last N racing days, from /api/analysis/early-price
// (dh-statistics' daily rollups): headline figures for each runner's best
// opening price, a chart by days before the off, and a table by bookmaker.

import * as api from "./api.js";
import * as charts from "./charts.js";
import { byId, h, setText } from "./dom.js";
import * as fmt from "./fmt.js";

const PERIODS = [[7, "7 days"], [30, "30 days"], [90, "90 days"], [365, "a year"]];

let days = 30;
let data = null;
let error = null;
let loadedFor = null;
let visible = false;

const pct = (v) => (fmt.missing(v) ? fmt.DASH : `${Number(v).toFixed(1)}%`);
const signed = (v) => (fmt.missing(v) ? fmt.DASH : `${Number(v) > 0 ? "+" : ""}${Number(v).toFixed(2)}%`);

let today = null;	// the API's racing day, from its first answer (its default period ends there)

/* The query for the last n racing days: the API's default (30 days) until its today is known. */
function range(n) {
  if (!today) return "";
  const t = Date.parse(`${today}T00:00:00Z`) - (n - 1) * 86400000;
  return `?from=${new Date(t).toISOString().slice(0, 10)}&to=${today}`;
}

function figures(best) {
  const items = [
    ["Opening price beat SP", pct(best && best.opening_beat_sp_percent), "opening"],
    ["Closing price beat SP", pct(best && best.closing_beat_sp_percent), "closing"],
    ["Average CLV, opening", signed(best && best.opening_clv_avg_percent), "opening-clv"],
    ["Average CLV, closing", signed(best && best.closing_clv_avg_percent), "closing-clv"],
    ["Runners", fmt.num(best && best.runners), "runners"],
  ];
  return h("dl", { class: "figures", "aria-label": "Best opening price against SP" },
    items.map(([label, value, key]) => h("div", { class: "figure", "data-figure": key },
      h("dt", null, label), h("dd", null, value))));
}

function byDaysChart(list) {
  const groups = (list || []).map((d) => ({
    label: Number(d.days_before) === 0 ? "Raceday" : `${d.days_before} d`,
    values: [Number(d.opening_beat_sp_percent), Number(d.closing_beat_sp_percent)],
  }));
  return charts.groupedBarChart(groups, {
    title: "How often the best price beat SP, by days before the off",
    series: ["Opening price", "Closing price"], unit: "%", max: 100,
    ...(window.matchMedia("(max-width: 640px)").matches ? { width: 360, height: 200 } : {}),
  });
}

function bookmakerTable(list) {
  return h("div", { class: "table-wrap" }, h("table", { class: "data early-books" },
    h("thead", null, h("tr", null,
      h("th", { scope: "col" }, "Bookmaker"), h("th", { scope: "col", class: "num" }, "Runners"),
      h("th", { scope: "col", class: "num" }, "Opening beat SP"), h("th", { scope: "col", class: "num" }, "Closing beat SP"),
      h("th", { scope: "col", class: "num", title: "Closing-line value: 100 x (price / SP - 1), averaged" }, "CLV opening"),
      h("th", { scope: "col", class: "num" }, "CLV closing"))),
    h("tbody", null, (list || []).map((b) => h("tr", { "data-book": b.bookmaker_id },
      h("th", { scope: "row" }, fmt.text(b.bookmaker || b.bookmaker_id)),
      h("td", { class: "num" }, fmt.num(b.runners)),
      h("td", { class: "num", "data-value": b.opening_beat_sp_percent },
        pct(b.opening_beat_sp_percent)),
      h("td", { class: "num", "data-value": b.closing_beat_sp_percent }, pct(b.closing_beat_sp_percent)),
      h("td", { class: "num" }, signed(b.opening_clv_avg_percent)),
      h("td", { class: "num" }, signed(b.closing_clv_avg_percent)))))));
}

function controls() {
  return h("fieldset", { class: "oddsfmt" }, h("legend", null, "Over the last"),
    PERIODS.map(([n, label]) => h("label", null,
      h("input", { type: "radio", name: "early-days", value: n, checked: n === days, onchange: () => setDays(n) }),
      ` ${label}`)));
}

function render() {
  const body = byId("analysis-body");
  if (!body) return;
  const focus = document.activeElement && document.activeElement.name === "early-days";
  if (!data) {
    body.replaceChildren(controls(), h("p", { class: error ? "error" : "meta", role: error ? "alert" : null },
      error ? `Could not load the analysis: ${error}` : "Loading…"));
  } else if (!data.best) {
    body.replaceChildren(controls(), h("p", { class: "empty" },
      `No finished race with an SP between ${fmt.date(data.from)} and ${fmt.date(data.to)} yet: the figures come from stored results.`));
  } else {
    body.replaceChildren(controls(),
      h("section", { class: "stat-card" }, h("h3", null, "Each runner's best price against its SP"), figures(data.best),
        h("p", { class: "meta" }, `${fmt.date(data.from)} to ${fmt.date(data.to)}, ${fmt.num(data.days)} racing days. A price beat SP when it was longer than the starting price.`)),
      h("section", { class: "stat-card" }, h("h3", null, "By days before the off"), byDaysChart(data.best_by_days_before)),
      h("section", { class: "stat-card" }, h("h3", null, "By bookmaker"), bookmakerTable(data.by_bookmaker)));
  }
  if (focus) body.querySelector(`input[name="early-days"][value="${days}"]`)?.focus();
}

async function load() {
  const n = days;
  loadedFor = n;
  try {
    let body = await api.getJSON(`/api/analysis/early-price${range(n)}`);
    if (!today && body.to) {
      today = String(body.to).slice(0, 10);
      if (n !== 30) body = await api.getJSON(`/api/analysis/early-price${range(n)}`);
    }
    if (n !== days) return;
    data = body;
    error = null;
    setText(byId("analysis-status"), `${fmt.date(body.from)} to ${fmt.date(body.to)}`);
  } catch (e) {
    if (n !== days) return;
    error = e.message;
    setText(byId("analysis-status"), "Could not load");
  }
  render();
}

function setDays(n) {
  days = n;
  data = null;
  render();
  load();
}

export function setVisible(v) {
  visible = v;
  if (v && loadedFor === null) load();
  else if (v) render();
}

export function start() {
  render();
  api.onOnline(() => visible && load());
}
