// The dashboard's entry point: the tabs (#board, #movers, #analysis,
// #form, #workers, #stats, #tables; #race/ID opens a race over the board), the one-second ticker and
// the server clock in the header.

import * as analysis from "./analysis.js";
import * as api from "./api.js";
import * as board from "./board.js";
import * as clock from "./clock.js";
import { byId, setText } from "./dom.js";
import * as fmt from "./fmt.js";
import * as form from "./form.js";
import * as movers from "./movers.js";
import * as race from "./race.js";
import * as stats from "./stats.js";
import * as tables from "./tables.js";
import * as workers from "./workers.js";

const PANELS = { board: null, movers, analysis, form, workers, stats, tables };
const TITLES = {
  board: "Race board", movers: "Movers", analysis: "Early price vs SP", form: "Form", workers: "Workers",
  stats: "Statistics", tables: "Odds tables",
};
let shown = null;

function parse(hash) {
  const h = hash.replace(/^#/, "");
  if (h.startsWith("race/")) return { tab: "board", race: decodeURIComponent(h.slice(5)) };
  return { tab: h in PANELS ? h : "board", race: null };
}

function route() {
  const { tab, race: raceId } = parse(location.hash);
  for (const el of document.querySelectorAll("[data-panel]")) el.hidden = el.dataset.panel !== tab;
  for (const a of document.querySelectorAll("[data-tab]")) {
    if (a.dataset.tab === tab) a.setAttribute("aria-current", "page");
    else a.removeAttribute("aria-current");
  }
  for (const [name, mod] of Object.entries(PANELS)) if (mod) mod.setVisible(name === tab);
  document.title = `${TITLES[tab]} · DarkHorses`;
  if (shown !== null && shown !== tab) byId("main").focus({ preventScroll: true });
  shown = tab;
  if (raceId) race.open(raceId);
  else if (race.isOpen()) race.close();
}

/* The race view was closed by the person: back to the board, focus on the card. */
function raceClosed(id) {
  if (location.hash.startsWith("#race/")) history.pushState(null, "", "#board");
  const link = board.cardLink(id);
  if (link) link.focus();
}

function tick() {
  if (clock.isKnown()) setText(byId("server-clock"), fmt.timeSecs(clock.now()));
  board.tick();
  race.tick();
  workers.tick();
}

api.start();
board.start();
race.start(raceClosed);
workers.start();
stats.start();
tables.start();
movers.start();
analysis.start();
form.start();
window.addEventListener("hashchange", route);
route();
setInterval(tick, 1000);
