// The odds tables: recent live odds (/api/live-odds: date, course,
// bookmaker) and historical odds (/api/historical-odds: date, course, year),
// each with a filter form and paging.  The API pages with limit and offset
// and does not count the matches, so "Next" is offered while a page is full.

import * as api from "./api.js";
import { byId, h, setText } from "./dom.js";
import * as fmt from "./fmt.js";
import * as prefs from "./prefs.js";

const PAGE_SIZES = [25, 50, 100];

const price = (r) => fmt.price(r.decimal, r.fractional, prefs.oddsFormat());
const dec = (v) => (fmt.missing(v) ? fmt.DASH : Number(v).toFixed(2));

const TABLES = [
  {
    id: "table-live", title: "Recent live odds", path: "/api/live-odds",
    filters: [["race_date", "Race date", "date"], ["course", "Course", "course"], ["bookmaker", "Bookmaker", "bookmaker"]],
    // What a narrow screen shows first comes first; the long race name later.
    columns: [
      ["Date", (r) => fmt.text(r.race_date)], ["Off", (r) => fmt.time(r.off_dt)], ["Course", (r) => fmt.text(r.course)],
      ["No.", (r) => fmt.text(r.number), "num"], ["Horse", (r) => fmt.text(r.horse_name)],
      ["Bookmaker", (r) => fmt.text(r.bookmaker || r.bookmaker_id)],
      ["Price", price, "num"], ["Decimal", (r) => dec(r.decimal), "num"],
      ["Each way", (r) => (r.ew_places ? `${r.ew_places} pl · 1/${r.ew_denom}` : fmt.DASH)],
      ["Race", (r) => fmt.text(r.race_name)],
      ["Changed", (r) => fmt.dateTime(r.price_changed_at)], ["Fetched", (r) => fmt.dateTime(r.fetched_at)],
    ],
  },
  {
    id: "table-historical", title: "Historical odds", path: "/api/historical-odds",
    filters: [["race_date", "Race date", "date"], ["course", "Course", "course"], ["year", "Year", "year"]],
    columns: [
      ["Date", (r) => fmt.text(r.race_date)], ["Time", (r) => fmt.text(r.race_time).slice(0, 5)],
      ["Course", (r) => fmt.text(r.course)], ["Pos", (r) => fmt.text(r.position), "num"],
      ["No.", (r) => fmt.text(r.number), "num"], ["Horse", (r) => fmt.text(r.horse_name)],
      ["SP", (r) => fmt.text(r.sp), "num"], ["SP dec.", (r) => dec(r.sp_dec), "num"],
      ["Jockey", (r) => fmt.text(r.jockey)], ["Trainer", (r) => fmt.text(r.trainer)],
      ["Race", (r) => fmt.text(r.race_name)], ["SP rank", (r) => fmt.text(r.sp_fav_rank), "num"],
      ["Low", (r) => dec(r.price_min), "num"], ["High", (r) => dec(r.price_max), "num"],
      ["Win ret.", (r) => dec(r.win_return), "num"], ["EW ret.", (r) => dec(r.ew_return), "num"],
    ],
  },
];

let courses = null, bookmakers = null;
let started = false;

async function options() {
  const [c, b] = await Promise.allSettled([api.getJSON("/api/courses?limit=1000"), api.getJSON("/api/bookmakers")]);
  if (c.status === "fulfilled") courses = (c.value.courses || c.value.data || []).map((x) => x.name).filter(Boolean).sort();
  if (b.status === "fulfilled") bookmakers = (b.value.bookmakers || b.value.data || []).filter((x) => x.bookmaker_id);
  const list = byId("course-options");
  if (list && courses) list.replaceChildren(...courses.map((n) => h("option", { value: n })));
  for (const sel of document.querySelectorAll("select[data-bookmakers]")) {
    const value = sel.value;
    sel.replaceChildren(h("option", { value: "" }, "Any"),
      ...(bookmakers || []).map((x) => h("option", { value: x.bookmaker_id }, x.name || x.bookmaker_id)));
    sel.value = value;
  }
}

function control(t, [name, label, kind]) {
  const id = `${t.id}-${name}`;
  let input;
  if (kind === "date") input = h("input", { id, name, type: "date" });
  else if (kind === "year") input = h("input", { id, name, type: "number", min: 1990, max: 2100, inputmode: "numeric" });
  else if (kind === "course") input = h("input", { id, name, type: "text", list: "course-options", autocomplete: "off" });
  else input = h("select", { id, name, "data-bookmakers": "" }, h("option", { value: "" }, "Any"));
  return h("div", { class: "field" }, h("label", { for: id }, label), input);
}

function build(t) {
  const root = byId(t.id);
  const titleId = `${t.id}-title`;
  t.state = { offset: 0, limit: 25, query: "" };
  t.form = h("form", { class: "filters", role: "search", "aria-labelledby": titleId },
    t.filters.map((f) => control(t, f)),
    h("div", { class: "field" }, h("label", { for: `${t.id}-limit` }, "Rows"),
      h("select", { id: `${t.id}-limit`, name: "limit" }, PAGE_SIZES.map((n) => h("option", { value: n }, n)))),
    h("div", { class: "buttons" },
      h("button", { type: "submit" }, "Apply"),
      h("button", { type: "reset", class: "secondary" }, "Clear")));
  t.status = h("p", { class: "meta", "aria-live": "polite" });
  t.table = h("table", { class: "data" },
    h("caption", { class: "sr-only" }, t.title),
    h("thead", null, h("tr", null, t.columns.map(([label, , cls]) => h("th", { scope: "col", class: cls || null }, label)))),
    h("tbody"));
  t.prev = h("button", { type: "button", class: "secondary", disabled: true }, "← Previous");
  t.next = h("button", { type: "button", class: "secondary", disabled: true }, "Next →");
  root.replaceChildren(
    h("h3", { id: titleId }, t.title), t.form,
    h("div", { class: "table-wrap", role: "region", "aria-labelledby": titleId, tabindex: "0" }, t.table),
    h("nav", { class: "pager", "aria-label": `${t.title} pages` }, t.prev, t.status, t.next));
  t.form.addEventListener("submit", (e) => {
    e.preventDefault();
    t.state.offset = 0;
    load(t);
  });
  t.form.addEventListener("reset", () => setTimeout(() => {
    t.state.offset = 0;
    load(t);
  }));
  t.prev.addEventListener("click", () => {
    t.state.offset = Math.max(0, t.state.offset - t.state.limit);
    load(t);
  });
  t.next.addEventListener("click", () => {
    t.state.offset += t.state.limit;
    load(t);
  });
}

function queryOf(t) {
  const q = new URLSearchParams();
  for (const [name] of t.filters) {
    const v = t.form.elements[name].value.trim();
    if (v) q.set(name, v);
  }
  t.state.limit = Number(t.form.elements.limit.value) || 25;
  q.set("limit", t.state.limit);
  q.set("offset", t.state.offset);
  return q.toString();
}

async function load(t) {
  const query = queryOf(t);
  t.table.setAttribute("aria-busy", "true");
  setText(t.status, "Loading…");
  try {
    const body = await api.getJSON(`${t.path}?${query}`);
    const rows = Array.isArray(body.data) ? body.data : [];
    t.table.tBodies[0].replaceChildren(...rows.map((r) =>
      h("tr", null, t.columns.map(([, cell, cls]) => h("td", { class: cls || null }, cell(r))))));
    const first = t.state.offset + 1, last = t.state.offset + rows.length;
    setText(t.status, rows.length ? `Rows ${fmt.num(first)}–${fmt.num(last)}`
      : t.state.offset ? "No more rows." : "No rows match these filters.");
    t.prev.disabled = t.state.offset === 0;
    t.next.disabled = rows.length < t.state.limit;
  } catch (e) {
    const detail = e.status === 422 ? "a filter value is not valid" : e.message;
    setText(t.status, `Could not load the rows: ${detail}.`);
  } finally {
    t.table.setAttribute("aria-busy", "false");
  }
}

export function setVisible(on) {
  if (!on || started) return;
  started = true;
  byId("panel-tables").append(h("datalist", { id: "course-options" }));
  for (const t of TABLES) build(t);
  options();
  for (const t of TABLES) load(t);
}

export function start() {
  prefs.onChange(() => started && load(TABLES[0]));
  api.onOnline(() => started && TABLES.forEach(load));
}
