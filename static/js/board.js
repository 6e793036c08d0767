// The live race board: races still to run in four columns by stage, from
// /api/live-odds/races-by-stage.  Countdowns tick every second against the
// server's clock and cards move column as their stage changes; the board
// refreshes itself (30 s, 10 s while a race is at post), updating cards in
// place so nothing flickers and focus stays where it was.  While the board's
// live stream (/api/stream/board, live.js) is up, favourites and stages
// arrive as they change (a changed favourite flashes) and polling slows to
// a safety net.

import * as api from "./api.js";
import * as clock from "./clock.js";
import { byId, h, setAttr, setText } from "./dom.js";
import * as fmt from "./fmt.js";
import * as live from "./live.js";
import * as movers from "./movers.js";

const SLOW_MS = 30000;
const FAST_MS = 10000;
const LIVE_MS = 120000;
// Seconds before the off at which each stage ends, and the stage after it.
const NEXT = {
  early_market: [7200, "Pre Race"], pre_race: [1800, "Going To Post"],
  going_to_post: [300, "At Post"], at_post: [0, "Off"],
};

let races = new Map();		// race_id -> race object from the API
const cards = new Map();	// race_id -> <li>
let loaded = false;
let updatedAt = null;
let timer = null;
let mode = "polling";
// The stream's messages of the last 20 s, replayed over every snapshot refresh() fetches (live.js).
const recent = live.recent();

/* Seconds to the off at the server's now; null when the off is unknown. */
function secsToOff(race) {
  const off = fmt.ms(race.off_dt);
  return Number.isFinite(off) ? (off - clock.now()) / 1000 : null;
}

function stageNow(race) {
  const secs = secsToOff(race);
  if (secs === null) return fmt.STAGES.includes(race.stage) ? race.stage : "early_market";
  return fmt.stageOf(secs);
}

function createCard(race) {
  const id = race.race_id;
  const titleId = `card-${id}`;
  const li = h("li", { class: "card", "data-key": id });
  li.append(h("article", { "aria-labelledby": titleId },
    h("h4", { id: titleId },
      h("a", { href: `#race/${encodeURIComponent(id)}`, class: "card-link" },
        h("span", { class: "off", "data-f": "off" }), " ",
        h("span", { class: "course", "data-f": "course" }))),
    h("p", { class: "race-name", "data-f": "name" }),
    h("p", { class: "countdown" },
      h("span", { class: "cd-label", "data-f": "cdlabel" }), " ",
      h("strong", { class: "cd", "data-f": "cd" })),
    h("dl", { class: "facts" },
      h("div", null, h("dt", null, "Runners"), h("dd", { "data-f": "runners" })),
      h("div", null, h("dt", null, "Prices"), h("dd", { "data-f": "updated" })),
      h("div", null, h("dt", null, "Next"), h("dd", { "data-f": "next" })),
      h("div", { class: "fav" }, h("dt", null, "Favourite"), h("dd", { "data-f": "fav" })))));
  return li;
}

function field(li, name) {
  return li.querySelector(`[data-f="${name}"]`);
}

/* Fields that change only with new data. */
function fillCard(li, race) {
  setText(field(li, "off"), race.off_time || fmt.time(race.off_dt));
  setText(field(li, "course"), fmt.text(race.course));
  setText(field(li, "name"), fmt.text(race.race_name));
  setText(field(li, "runners"), fmt.num(race.runner_count ?? (race.runners || []).length));
  const fav = race.favourite;
  const favText = fav && fav.horse_name
    ? `${fav.horse_name} ${fmt.price(fav.decimal, null, "decimal")}${fav.joint ? " (joint)" : ""}` : fmt.DASH;
  setText(field(li, "fav"), favText);
}

/* Fields that change with time: countdown, stage, next phase, age of prices. */
function tickCard(li, race, now) {
  const secs = secsToOff(race);
  const stage = stageNow(race);
  li.dataset.stage = stage;
  if (secs === null) {
    setText(field(li, "cdlabel"), "Off");
    setText(field(li, "cd"), fmt.DASH);
    setText(field(li, "next"), fmt.DASH);
  } else if (secs <= 0) {
    setText(field(li, "cdlabel"), "Off");
    setText(field(li, "cd"), `${fmt.duration(-secs)} ago`);
    setText(field(li, "next"), "Awaiting result");
  } else {
    setText(field(li, "cdlabel"), "Off in");
    setText(field(li, "cd"), fmt.duration(secs));
    const [at, name] = NEXT[stage];
    setText(field(li, "next"), `${name} in ${fmt.duration(secs - at)}`);
  }
  setText(field(li, "updated"), fmt.relative(race.prices_updated_at, now));
  setAttr(li, "class", `card stage-${stage}${secs !== null && secs <= 0 ? " is-off" : ""}`);
}

/* The races grouped by their stage now, each column by off time. */
function columns() {
  const cols = Object.fromEntries(fmt.STAGES.map((s) => [s, []]));
  for (const race of races.values()) {
    const st = stageNow(race);
    cols[st === "off" ? "at_post" : st].push(race);
  }
  for (const list of Object.values(cols)) {
    list.sort((a, b) => (fmt.ms(a.off_dt) - fmt.ms(b.off_dt)) || String(a.race_id).localeCompare(b.race_id));
  }
  return cols;
}

/* Puts every card in its column and order, moving as few nodes as it can. */
function layout() {
  const now = clock.now();
  const focused = document.activeElement;
  const cols = columns();
  for (const [id, li] of cards) {
    if (!races.has(id)) {
      li.remove();
      cards.delete(id);
    }
  }
  for (const [stage, list] of Object.entries(cols)) {
    const col = document.querySelector(`#board-grid .col[data-stage="${stage}"]`);
    const ol = col.querySelector("[data-cards]");
    let at = ol.firstElementChild;
    for (const race of list) {
      let li = cards.get(race.race_id);
      if (!li) {
        li = createCard(race);
        cards.set(race.race_id, li);
      }
      fillCard(li, race);
      tickCard(li, race, now);
      if (li !== at) ol.insertBefore(li, at);
      else at = at.nextElementSibling;
    }
    setText(col.querySelector("[data-count]"), list.length);
  }
  if (focused && focused !== document.activeElement && document.contains(focused)) focused.focus();
  movers.markBoard();	// the movers' arrows on new cards
}

function anyAtPost() {
  for (const race of races.values()) if (stageNow(race) === "at_post") return true;
  return false;
}

function status(text) {
  setText(byId("board-status"), text);
}

function renderStatus() {
  if (!loaded) return;
  const n = races.size;
  const when = updatedAt ? `updated ${fmt.timeSecs(updatedAt)}` : "";
  status(`${n} race${n === 1 ? "" : "s"} to run${when ? " · " + when : ""}`);
}

async function refresh() {
  clearTimeout(timer);
  if (document.hidden) {
    timer = setTimeout(refresh, 1000);
    return;
  }
  try {
    const body = await api.getJSON("/api/live-odds/races-by-stage");
    const next = new Map();
    for (const stage of fmt.STAGES) {
      for (const race of (body.stages && body.stages[stage]) || []) {
        if (race && race.race_id) next.set(race.race_id, { ...race, stage: race.stage || stage });
      }
    }
    // A snapshot from nginx's micro-cache, or read before a delta that came
    // after it, must not undo what the stream showed.
    recent.replay((msg) => merge(next, msg, true));
    races = next;
    loaded = true;
    updatedAt = clock.now();
    const grid = byId("board-grid");
    grid.setAttribute("aria-busy", "false");
    grid.dataset.updated = String(Date.now());	// when it last refreshed, by the browser's clock
    byId("board-empty").hidden = races.size > 0;
    layout();
    renderStatus();
  } catch (e) {
    if (!loaded) status(`Could not load the races: ${e.message}. Trying again…`);
  }
  schedule();
}

function pollMs() {
  return anyAtPost() ? FAST_MS : SLOW_MS;
}

function schedule() {
  clearTimeout(timer);
  timer = setTimeout(refresh, mode === "live" ? LIVE_MS : pollMs());
}

function showMode() {
  const el = byId("board-mode");
  el.dataset.mode = mode;
  setText(el, live.label(mode, pollMs() / 1000));
}

/*
 * Puts a message of the board's stream into map (race_id -> race): a race's
 * favourite, stage and prices_updated_at in place, races removed or off
 * taken out.  replay (over a snapshot just fetched): each race's entry only
 * where it is at least as new as the snapshot's prices (prices_updated_at;
 * else the commit's instant).  Returns the ids of the races whose favourite
 * changed, and whether an entry named a race map does not have.
 */
function merge(map, msg, replay) {
  const changed = [];
  let missing = false;
  if (msg.type === "stage") {
    const race = map.get(msg.race_id);
    if (race) race.stage = msg.stage;
    if (msg.stage === "off") map.delete(msg.race_id);
    return { changed, missing };
  }
  for (const id of msg.removed || []) map.delete(id);
  for (const entry of msg.races || []) {
    const race = map.get(entry.race_id);
    if (!race) {
      missing = true;
      continue;
    }
    const stamp = entry.prices_updated_at || msg.committed_at;
    if (replay && !live.atLeastAsNew(stamp, race.prices_updated_at)) continue;
    const before = race.favourite ? `${race.favourite.horse_id} ${race.favourite.decimal}` : "";
    race.favourite = entry.favourite;
    race.stage = entry.stage || race.stage;
    if (stamp) race.prices_updated_at = stamp;
    const after = entry.favourite ? `${entry.favourite.horse_id} ${entry.favourite.decimal}` : "";
    if (before !== after) changed.push(entry.race_id);
  }
  return { changed, missing };
}

/*
 * A message of the board's stream: a race's favourite, best prices or stage
 * in place (a changed favourite flashes); a race added or a result refetches
 * the board, a race removed leaves it.
 */
function applyMessage(msg) {
  if (!loaded) return;
  if (msg.type !== "board" && msg.type !== "stage") {
    refresh();
    return;
  }
  recent.add(msg);
  const { changed, missing } = merge(races, msg, false);
  for (const id of changed) {
    const li = cards.get(id);
    if (!li) continue;
    const dd = field(li, "fav");
    dd.classList.remove("flash");
    void dd.offsetWidth;	// restart the animation
    dd.classList.add("flash");
  }
  layout();
  if (missing) refresh();
}

/* Once a second: countdowns, and cards whose stage changed move column. */
export function tick() {
  if (!loaded) return;
  const now = clock.now();
  let moved = false;
  for (const [id, li] of cards) {
    const race = races.get(id);
    if (!race) continue;
    const stage = stageNow(race);
    const col = li.closest(".col");
    const want = stage === "off" ? "at_post" : stage;
    if (col && col.dataset.stage !== want) moved = true;
    tickCard(li, race, now);
  }
  if (moved) layout();
}

/* The race object last received for id, or undefined. */
export function race(id) {
  return races.get(id);
}

/* The card's link for id (to return focus to), or null. */
export function cardLink(id) {
  const li = cards.get(id);
  return li ? li.querySelector("a") : null;
}

export function start() {
  live.subscribe("/api/stream/board", {
    message: applyMessage,
    resync: refresh,
    mode: (m) => {
      mode = m;
      showMode();
      schedule();
    },
  });
  showMode();
  api.onOnline(refresh);
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) refresh();
  });
  refresh();
}
