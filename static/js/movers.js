// Movers (issue 13.2): steamers (best price shortening) and drifters
// (lengthening) among the races still to run, from /api/movers over a
// window the person chooses (15 min, 60 min, since first seen...).  The
// Movers tab lists them, each linked to its race view; the same answer puts
// an arrow on the board's cards (the race's biggest mover, and the
// favourite when it moved), and the race view asks for its own race
// (?race_id=) to mark its runners.

import * as api from "./api.js";
import { byId, h, setText } from "./dom.js";
import * as fmt from "./fmt.js";

const REFRESH_MS = 60000;
const WINDOWS = [["15m", "15 min"], ["60m", "60 min"], ["120m", "2 h"], ["open", "since first seen"]];
const KEY = "dh.moversWindow";

let windowName = readWindow();
let data = null;	// the last answer (limit 100): the panel shows the first SHOWN of each list
let error = null;
let visible = false;
let timer = null;
const SHOWN = 15;	// of each list at first; "Show more": all the answer's
let shown = SHOWN;

function readWindow() {
  try {
    const w = localStorage.getItem(KEY);
    return WINDOWS.some(([v]) => v === w) ? w : "15m";
  } catch (e) {
    return "15m";
  }
}

export function currentWindow() {
  return windowName;
}

export function windowLabel(w = windowName) {
  const found = WINDOWS.find(([v]) => v === w);
  return found ? found[1] : w;
}

/* "▼" for a price that shortened, "▲" for one that drifted; with words for screen readers. */
export function arrow(m) {
  const pct = Number(m.change ?? m.best_change_percent);
  const down = pct < 0;
  const words = `${down ? "shortened" : "drifted"} from ${fmt.price(m.best_from, null, "decimal")} to ${fmt.price(m.best_to, null, "decimal")} (${pct > 0 ? "+" : ""}${pct.toFixed(1)}%)`;
  return h("span", {
    class: `move ${down ? "move-in" : "move-out"}`, title: `Best price ${words}, ${windowLabel()}`,
    "data-change": pct,
  }, h("span", { "aria-hidden": "true" }, down ? "▼" : "▲"), h("span", { class: "sr-only" }, ` ${words}`));
}

/* The movers of a race, horse_id -> mover, from an answer. */
export function byHorse(body) {
  const m = new Map();
  for (const x of [...((body && body.steamers) || []), ...((body && body.drifters) || [])]) m.set(x.horse_id, x);
  return m;
}

function byRace() {
  const m = new Map();
  for (const x of [...((data && data.steamers) || []), ...((data && data.drifters) || [])]) {
    if (!m.has(x.race_id)) m.set(x.race_id, []);
    m.get(x.race_id).push(x);
  }
  return m;
}

/*
 * Marks the board's cards: the race's biggest mover by its best price, and an
 * arrow beside the favourite when it is among the movers.
 */
export function markBoard() {
  const races = byRace();
  for (const li of document.querySelectorAll("#board-grid .card[data-key]")) {
    const list = races.get(li.dataset.key) || [];
    const art = li.querySelector("article");
    let line = li.querySelector(".card-moves");
    const fav = li.querySelector('[data-f="fav"]');
    const favArrow = fav && fav.querySelector(".fav-move");
    if (!list.length) {
      if (line) line.remove();
      if (favArrow) favArrow.remove();
      continue;
    }
    const top = list.slice().sort((a, b) => Math.abs(b.best_change_percent) - Math.abs(a.best_change_percent))[0];
    const key = `${windowName} ${top.horse_id} ${top.best_from} ${top.best_to}`;
    if (!line) {
      line = h("p", { class: "card-moves" });
      art.append(line);
    }
    if (line.dataset.sig !== key) {
      line.dataset.sig = key;
      line.replaceChildren(h("span", { class: "moves-label" }, `Mover (${windowLabel()}) `), arrow(top), " ",
        h("span", { class: "mover-name" }, fmt.text(top.horse_name)), " ",
        h("span", { class: "mover-pct" }, `${top.best_change_percent > 0 ? "+" : ""}${Number(top.best_change_percent).toFixed(1)}%`));
    }
    // The favourite's arrow: the board's favourite is by name in its field.
    const favName = fav ? fav.textContent : "";
    const favMove = list.find((x) => favName.startsWith(`${x.horse_name} `));
    if (favArrow && (!favMove || favArrow.dataset.horse !== favMove.horse_id)) favArrow.remove();
    if (favMove && !(favArrow && favArrow.isConnected)) {
      const a = arrow(favMove);
      a.classList.add("fav-move");
      a.dataset.horse = favMove.horse_id;
      fav.append(" ", a);	// inside: the card's text refresh (setText) takes it away, the next markBoard() puts it back
    }
  }
}

function row(m) {
  const pct = Number(m.best_change_percent);
  // What a phone shows first comes first: the runner (its race under it) and the change.
  return h("tr", { "data-race": m.race_id, "data-horse": m.horse_id },
    h("th", { scope: "row" },
      h("a", { href: `#race/${encodeURIComponent(m.race_id)}`, class: "mover-link" }, fmt.text(m.horse_name)),
      h("span", { class: "who" }, `${fmt.time(m.off_dt)} ${fmt.text(m.course)}`)),
    h("td", { class: `num ${pct < 0 ? "move-in" : "move-out"}`, "data-change": pct }, arrow(m), ` ${pct > 0 ? "+" : ""}${pct.toFixed(1)}%`),
    h("td", { class: "num", "data-from": m.best_from }, fmt.price(m.best_from, null, "decimal")),
    h("td", { class: "num", "data-to": m.best_to }, fmt.price(m.best_to, null, "decimal")),
    h("td", { class: "num" }, Number.isFinite(Number(m.consensus_change_percent))
      ? `${m.consensus_change_percent > 0 ? "+" : ""}${Number(m.consensus_change_percent).toFixed(1)}%` : fmt.DASH),
    h("td", { class: "num" }, `${fmt.num(m.bookmakers_moved)}/${fmt.num(m.bookmakers)}`));
}

function showMore() {
  shown = 100;
  render();
}

function table(kind, title, list) {
  const id = `movers-${kind}-title`;
  return h("section", { class: `movers-list movers-${kind}`, "aria-labelledby": id },
    h("h3", { id }, title, " ", h("span", { class: "count", title: "runners listed" }, String(Math.min(list.length, shown)))),
    list.length
      ? [h("div", { class: "table-wrap" }, h("table", { class: "data movers-table" },
        h("thead", null, h("tr", null, h("th", { scope: "col" }, "Runner, race"),
          h("th", { scope: "col", class: "num", title: "Change of the best price" }, "Best"),
          h("th", { scope: "col", class: "num" }, "From"), h("th", { scope: "col", class: "num" }, "Now"),
          h("th", { scope: "col", class: "num", title: "Change of the consensus (median) price" }, "Median"),
          h("th", { scope: "col", class: "num", title: "Bookmakers that moved / that price it" }, "Books"))),
        h("tbody", null, list.slice(0, shown).map(row)))),
      list.length > shown ? h("button", { type: "button", class: "secondary more", onclick: showMore }, `Show ${list.length - shown} more`) : null]
      : h("p", { class: "empty" }, `No ${kind === "steamers" ? "price has shortened" : "price has drifted"} over this window.`));
}

function controls() {
  return h("fieldset", { class: "oddsfmt movers-window" }, h("legend", null, "Moved over"),
    WINDOWS.map(([value, label]) => h("label", null,
      h("input", {
        type: "radio", name: "movers-window", value, checked: value === windowName,
        onchange: () => setWindow(value),
      }), ` ${label}`)));
}

function render() {
  const body = byId("movers-body");
  if (!body) return;
  if (!data) {
    body.replaceChildren(controls(), h("p", { class: error ? "error" : "meta", role: error ? "alert" : null },
      error ? `Could not load the movers: ${error}` : "Loading…"));
    return;
  }
  const focused = document.activeElement && document.activeElement.name === "movers-window" ? windowName : null;
  body.replaceChildren(controls(),
    h("div", { class: "movers" },
      table("steamers", "Steamers (shortening)", data.steamers || []),
      table("drifters", "Drifters (lengthening)", data.drifters || [])));
  if (focused) body.querySelector(`input[name="movers-window"][value="${focused}"]`)?.focus();
}

async function refresh() {
  clearTimeout(timer);
  if (document.hidden) {	// a tab in the background asks nothing
    timer = setTimeout(refresh, 5000);
    return;
  }
  const w = windowName;
  try {
    const body = await api.getJSON(`/api/movers?window=${encodeURIComponent(w)}&limit=100`);
    if (w !== windowName) return;
    data = body;
    error = null;
    setText(byId("movers-status"), `${(body.steamers || []).length} steamers, ${(body.drifters || []).length} drifters over ${windowLabel()}`);
  } catch (e) {
    error = e.message;
    if (!data) setText(byId("movers-status"), "Could not load the movers");
  }
  render();
  markBoard();
  timer = setTimeout(refresh, REFRESH_MS);
}

function setWindow(w) {
  windowName = w;
  try {
    localStorage.setItem(KEY, w);
  } catch (e) {
    /* the choice lasts for this page */
  }
  data = null;
  shown = SHOWN;
  setText(byId("movers-status"), "Loading…");
  render();
  refresh();
  for (const fn of listeners) fn(w);
}

const listeners = new Set();
/* fn(window) when the person picks another window. */
export function onWindow(fn) {
  listeners.add(fn);
}

export function setVisible(v) {
  visible = v;
  if (v) render();
}

export function isVisible() {
  return visible;
}

export function start() {
  render();
  api.onOnline(refresh);
  refresh();
}
