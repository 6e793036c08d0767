// Live push in the dashboard (issue 14), driven by tests/integration/test_push.py:
//
//   node tests/browser/push.test.mjs --base http://127.0.0.1:PORT --race RACE_ID --push-socket PATH [--chromium PATH]
//
// Opens the race view of RACE_ID, waits for its stream ("Live" mode) and
// prints "ready"; the suite then has dh-live write a price change and
// writes a line to this script's stdin; the changed prices must appear in
// the open race view, flashing, without a reload.  Then the stream is made
// unavailable (the page is told the server refuses it) and the view shows
// that it polls.  The board: a stale snapshot (as nginx's micro-cache may
// serve one) fetched after a board delta does not undo the delta, and one
// newer than the delta is not undone by it (a board message published on
// the stack's publisher socket, --push-socket).  Prints "ok NAME" /
// "FAIL NAME: DETAIL" lines.

import http from "node:http";
import readline from "node:readline";
import { chromium } from "playwright-core";

const args = {};
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].slice(2)] = process.argv[i + 1];
const BASE = args.base.replace(/\/$/, "");
let failed = 0;

async function check(name, fn) {
  try {
    const note = await fn();
    console.log(`ok ${name}${note ? ` (${note})` : ""}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${String(e && e.message || e).split("\n")[0].slice(0, 400)}`);
  }
}

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

const input = readline.createInterface({ input: process.stdin });
const nextLine = () => new Promise((resolve) => input.once("line", resolve));

/* The grid's prices: "horse bookmaker" -> decimal. */
const gridPrices = (page) => page.$$eval("#race-dialog table.grid tbody tr", (rows) => {
  const out = {};
  for (const r of rows) {
    for (const td of r.querySelectorAll("td.price")) out[`${r.dataset.horse} ${td.dataset.book}`] = td.dataset.decimal;
  }
  return out;
});

/* POSTs body (JSON) to nchan's publisher socket, channel board: the HTTP status. */
const publish = (body) => new Promise((resolve, reject) => {
  const data = JSON.stringify(body);
  const req = http.request({ socketPath: args["push-socket"], path: "/pub/board", method: "POST",
    headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(data) } }, (res) => {
    res.resume();
    resolve(res.statusCode);
  });
  req.on("error", reject);
  req.end(data);
});

/* The board card's favourite text of race id. */
const cardFav = (page, id) => page.$eval(`#board-grid li[data-key="${id}"] [data-f="fav"]`, (el) => el.textContent);

/* The board refetched (its visibility handler), answered by the snapshot routed; waits for the refresh. */
async function boardRefresh(page) {
  const was = await page.getAttribute("#board-grid", "data-updated");
  await page.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
  await page.waitForFunction((w) => document.getElementById("board-grid").dataset.updated !== w, was, { timeout: 10000 });
}

const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, "Z");

const browser = await chromium.launch({
  executablePath: args.chromium || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  await page.goto(`${BASE}/#race/${encodeURIComponent(args.race)}`);
  await check("the race view subscribes to its stream and says it is live", async () => {
    await page.waitForSelector("#race-dialog[open] table.grid tbody tr", { timeout: 20000 });
    await page.waitForSelector('#race-mode[data-mode="live"]', { timeout: 15000 });
    return await page.textContent("#race-mode");
  });
  await check("the board subscribes to its stream and says it is live", async () => {
    await page.waitForSelector('#board-mode[data-mode="live"]', { timeout: 15000 });
    return await page.textContent("#board-mode");
  });
  const before = await gridPrices(page);
  // Marks that a reload would lose, and a record of every cell that flashes.
  await page.evaluate(() => {
    window.__dhNoReload = true;
    window.__dhFlashed = [];
    new MutationObserver((ms) => {
      for (const m of ms) {
        for (const n of [m.target, ...m.addedNodes]) {
          if (!(n instanceof Element)) continue;
          for (const td of [n, ...n.querySelectorAll("td.flash")]) {
            if (td.matches && td.matches("td.flash")) window.__dhFlashed.push(`${td.closest("tr").dataset.horse} ${td.dataset.book}`);
          }
        }
      }
    }).observe(document.getElementById("race-body"), { subtree: true, childList: true, attributes: true, attributeFilter: ["class"] });
  });
  console.log("ready");
  const expected = JSON.parse(await nextLine());	// {"horse bookmaker": decimal} after dh-live's commit
  await check("a price change written by dh-live appears in the open race view without a reload", async () => {
    const keys = Object.keys(expected);
    assert(keys.length > 0, "the suite expected no change");
    try {
      await page.waitForFunction((want) => {
        for (const [k, v] of Object.entries(want)) {
          const [horse, book] = k.split(" ");
          const td = document.querySelector(`#race-dialog tr[data-horse="${CSS.escape(horse)}"] td.price[data-book="${CSS.escape(book)}"]`);
          if (!td || Math.abs(Number(td.dataset.decimal) - v) > 1e-6) return false;
        }
        return true;
      }, expected, { timeout: 20000 });
    } catch (e) {
      const shown = await gridPrices(page);
      const wrong = keys.filter((k) => Math.abs(Number(shown[k]) - expected[k]) > 1e-6);
      throw new Error(`${wrong.length} of ${keys.length} prices not shown after 20 s, e.g. ` +
        wrong.slice(0, 3).map((k) => `${k}: ${shown[k]} (before ${before[k]}) for ${expected[k]}`).join("; ") +
        ` [mode ${await page.textContent("#race-mode")}]`);
    }
    assert(await page.evaluate(() => window.__dhNoReload === true), "the page was reloaded");
    const changed = keys.filter((k) => Number(before[k]) !== expected[k]);
    return `${changed.length} prices changed`;
  });
  await check("the changed prices flash (applied from the stream's delta)", async () => {
    const flashed = await page.evaluate(() => window.__dhFlashed);
    const want = Object.keys(expected).filter((k) => Number(before[k]) !== expected[k]);
    const hit = want.filter((k) => flashed.includes(k));
    assert(hit.length > 0, `none of ${want.length} changed cells flashed (${flashed.length} flashes)`);
    return `${hit.length} of ${want.length}`;
  });
  await check("a board delta is not undone by a stale snapshot fetched after it, nor a newer snapshot by the delta",
    async () => {
      const snap = await page.evaluate(async () => (await fetch(`/api/live-odds/races-by-stage?x=${Date.now()}`)).json());
      const shown = new Set(await page.$$eval("#board-grid li[data-key]", (lis) => lis.map((li) => li.dataset.key)));
      const race = Object.values(snap.stages || {}).flat().find((r) => r && r.race_id && r.prices_updated_at &&
        shown.has(r.race_id));
      assert(race, "no race with prices on the board");
      const stale = JSON.stringify(snap);
      // Every board refetch now gets the snapshot as it was (nginx's micro-cache may do so for seconds).
      await page.route("**/api/live-odds/races-by-stage*", (route) => route.fulfill({
        status: 200, contentType: "application/json", body: stale,
      }));
      const updated = Date.parse(race.prices_updated_at);
      const favourite = { horse_id: "hrs_stream_check", horse_name: "Stream Favourite", number: 99, decimal: 1.5, joint: false };
      const status = await publish({ type: "board", epoch: Date.now(), seq: 1, id: `${Date.now()}-1`,
        races: [{ race_id: race.race_id, added: false, off_dt: race.off_dt, stage: race.stage, favourite, runners: [],
          prices_updated_at: iso(updated + 60000) }],
        removed: [], committed_at: new Date().toISOString() });
      assert(status === 201 || status === 202, `publish: HTTP ${status}`);
      await page.waitForFunction((id) => {
        const el = document.querySelector(`#board-grid li[data-key="${CSS.escape(id)}"] [data-f="fav"]`);
        return el && el.textContent.includes("Stream Favourite");
      }, race.race_id, { timeout: 10000 });
      await boardRefresh(page);
      const kept = await cardFav(page, race.race_id);
      assert(kept.includes("Stream Favourite"), `the stale snapshot undid the delta: "${kept}"`);
      // A snapshot newer than the delta: its favourite stands.
      const newer = JSON.parse(stale);
      for (const r of Object.values(newer.stages).flat()) if (r.race_id === race.race_id) r.prices_updated_at = iso(updated + 120000);
      await page.unroute("**/api/live-odds/races-by-stage*");
      await page.route("**/api/live-odds/races-by-stage*", (route) => route.fulfill({
        status: 200, contentType: "application/json", body: JSON.stringify(newer),
      }));
      await boardRefresh(page);
      const now = await cardFav(page, race.race_id);
      assert(!now.includes("Stream Favourite"), `the delta went over a newer snapshot: "${now}"`);
      await page.unroute("**/api/live-odds/races-by-stage*");
      return `${race.race_id}: "${kept}", then "${now}"`;
    });
  await check("without a stream the race view polls, and says so", async () => {
    // A server that refuses the stream (as with DH_PUSH=off: 503 JSON).
    await page.route("**/api/stream/**", (route) => route.fulfill({
      status: 503, contentType: "application/json", body: '{"detail":"live push is off"}',
    }));
    await page.goto("about:blank");
    await page.goto(`${BASE}/#race/${encodeURIComponent(args.race)}`);
    await page.waitForSelector("#race-dialog[open] table.grid tbody tr", { timeout: 20000 });
    await page.waitForSelector('#race-mode[data-mode="polling"]', { timeout: 5000 });
    await page.waitForTimeout(1500);
    const mode = await page.getAttribute("#race-mode", "data-mode");
    assert(mode === "polling", `mode ${mode}`);
    return await page.textContent("#race-mode");
  });
  await check("no script errors", async () => {
    assert(errors.length === 0, errors.join("; "));
  });
} finally {
  await browser.close();
  input.close();
}
process.exit(failed ? 1 : 0);
