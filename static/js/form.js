// Form (issue 13.6): the leaderboard of jockeys, trainers, courses or sires
// over 14 days, 30 days or every stored day, from /api/form/leaderboard
// (dh-statistics' dh_form), and a runner's jockey and trainer form in the
// race view, from their masters items (/api/masters/jockeys/{id}...).

import * as api from "./api.js";
import { byId, h, setText } from "./dom.js";
import * as fmt from "./fmt.js";

const KINDS = [["jockey", "Jockeys"], ["trainer", "Trainers"], ["course", "Courses"], ["sire", "Sires"]];
const WINDOWS = [["14", "14 days"], ["30", "30 days"], ["all", "All stored"]];
const SORTS = [["wins", "Wins"], ["win_percent", "Win %"], ["places", "Places"], ["profit", "Profit at SP"]];

const state = { kind: "jockey", window: "14", sort: "wins" };
let data = null;
let error = null;
let loaded = false;
let seq = 0;

const pct = (v) => (fmt.missing(v) ? fmt.DASH : `${Number(v).toFixed(1)}%`);
export const profit = (v) => (fmt.missing(v) ? fmt.DASH : `${Number(v) > 0 ? "+" : ""}${Number(v).toFixed(2)}`);

function query() {
  return `/api/form/leaderboard?kind=${state.kind}&window=${state.window}&sort=${state.sort}&limit=50`;
}

function select(name, label, options) {
  const id = `form-${name}`;
  return h("div", { class: "field" }, h("label", { for: id }, label),
    h("select", { id, name, onchange: (e) => set(name, e.target.value) },
      options.map(([v, text]) => h("option", { value: v, selected: state[name] === v }, text))));
}

function table(rows) {
  const kindName = KINDS.find(([k]) => k === state.kind)[1].replace(/s$/, "");
  return h("div", { class: "table-wrap" }, h("table", { class: "data form-table" },
    h("caption", { class: "sr-only" }, `${kindName} form, ${WINDOWS.find(([w]) => w === state.window)[1]}`),
    h("thead", null, h("tr", null,
      h("th", { scope: "col", class: "num" }, "#"), h("th", { scope: "col" }, kindName),
      h("th", { scope: "col", class: "num" }, "Runs"), h("th", { scope: "col", class: "num" }, "Wins"),
      h("th", { scope: "col", class: "num" }, "Win %"), h("th", { scope: "col", class: "num" }, "Places"),
      h("th", { scope: "col", class: "num" }, "Place %"),
      h("th", { scope: "col", class: "num", title: "Level-stakes profit or loss at SP, 1 unit a run" }, "P/L at SP"),
      h("th", { scope: "col" }, "Last win"), h("th", { scope: "col", class: "num" }, "Runs since win"))),
    h("tbody", null, rows.map((r, i) => h("tr", { "data-id": r.id },
      h("td", { class: "num" }, String(i + 1)),
      h("th", { scope: "row" }, fmt.text(r.name || r.id)),
      h("td", { class: "num", "data-f": "runs" }, fmt.num(r.runs)),
      h("td", { class: "num", "data-f": "wins" }, fmt.num(r.wins)),
      h("td", { class: "num", "data-f": "win_percent" }, pct(r.win_percent)),
      h("td", { class: "num", "data-f": "places" }, fmt.num(r.places)),
      h("td", { class: "num" }, pct(r.place_percent)),
      h("td", { class: `num ${Number(r.profit) > 0 ? "gain" : Number(r.profit) < 0 ? "loss" : ""}`, "data-f": "profit" }, profit(r.profit)),
      h("td", null, r.last_win_date ? fmt.date(r.last_win_date) : fmt.DASH),
      h("td", { class: "num" }, fmt.num(r.runs_since_win)))))));
}

function render() {
  const body = byId("form-body");
  if (!body) return;
  const focused = document.activeElement && document.activeElement.closest && document.activeElement.closest("#form-body .filters")
    ? document.activeElement.id : null;
  const rows = (data && data.data) || [];
  body.replaceChildren(
    h("div", { class: "filters" }, select("kind", "Who", KINDS), select("window", "Over", WINDOWS), select("sort", "Ranked by", SORTS)),
    !data ? h("p", { class: error ? "error" : "meta", role: error ? "alert" : null }, error ? `Could not load the form: ${error}` : "Loading…")
      : rows.length ? table(rows)
        : h("p", { class: "empty" }, `No ${state.kind} with ${data.min_runs || 5} runs or more over this period: form comes from stored results.`));
  if (focused) byId(focused)?.focus();
}

async function load() {
  const my = ++seq;
  loaded = true;
  try {
    const body = await api.getJSON(query());
    if (my !== seq) return;
    data = body;
    error = null;
    setText(byId("form-status"), body.as_of ? `Figures as of ${fmt.date(body.as_of)}` : "No figures yet");
  } catch (e) {
    if (my !== seq) return;
    error = e.message;
  }
  render();
}

function set(name, value) {
  state[name] = value;
  data = null;
  render();
  load();
}

export function setVisible(v) {
  if (v && !loaded) load();
}

export function start() {
  render();
  api.onOnline(() => loaded && load());
}

/* --- A runner's jockey and trainer in the race view ------------------- */

const items = new Map();	// "jockeys/ID" -> { form } | null (none) | Promise

function itemOf(kind, id) {
  const key = `${kind}/${id}`;
  if (!items.has(key)) {
    items.set(key, api.getJSON(`/api/masters/${kind}/${encodeURIComponent(id)}`, 0)
      .then((body) => {
        const it = body && body.data ? body.data[0] : body;
        items.set(key, { form: (it && it.form) || null });
      })
      .catch(() => items.set(key, { form: null })));
  }
  return items.get(key);
}

function line(role, name, f) {
  const w = (p, label) => (p && p.runs ? `${label}: ${fmt.num(p.wins)} won from ${fmt.num(p.runs)} (${pct(p.win_percent)}), P/L ${profit(p.profit)}` : `${label}: no runs`);
  return h("li", { "data-role": role }, h("strong", null, `${role} ${fmt.text(name)}`), " ",
    f ? [w(f.last_14_days, "14 d"), w(f.last_30_days, "30 d")].join(" · ") + (f.runs_since_win != null ? ` · ${fmt.num(f.runs_since_win)} runs since a win` : "")
      : "no form figures");
}

/*
 * The form of a runner's jockey and trainer (info: the masters runner) as
 * a list; while they load it says so and rerender() is called once they
 * are in.
 */
export function runnerForm(info, rerender) {
  if (!info || (!info.jockey_id && !info.trainer_id)) return null;
  const parts = [["Jockey", "jockeys", info.jockey_id, info.jockey_name], ["Trainer", "trainers", info.trainer_id, info.trainer_name]]
    .filter(([, , id]) => id);
  const got = parts.map(([, kind, id]) => itemOf(kind, id));
  const pending = got.filter((g) => g instanceof Promise);
  if (pending.length) {
    Promise.all(pending).then(() => rerender());
    return h("p", { class: "meta runner-form" }, "Loading jockey and trainer form…");
  }
  return h("ul", { class: "runner-form" }, parts.map(([role, , , name], i) => line(role, name, got[i].form)));
}
