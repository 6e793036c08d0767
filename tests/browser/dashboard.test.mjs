// The dashboard in headless Chromium (Debian's /usr/bin/chromium, driven by
// playwright-core) against a running stack, checked against what the API
// itself answers.  Prints one line per check, "ok NAME" or "FAIL NAME:
// DETAIL", then "N passed, N failed"; exits 1 when anything failed.  A
// failed check leaves a screenshot in --shots.
//
//   node tests/browser/dashboard.test.mjs --base http://127.0.0.1:PORT
//        [--ctl "scripts/stack.sh ctl"] [--shots DIR] [--chromium PATH] [--always-shots]
//
// --ctl is a supervisorctl-like command: with it, dh-api is stopped and
// started again to check the API-down banner.  Waits are for elements and
// states, never fixed sleeps.

import { execSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { chromium } from "playwright-core";

const args = parseArgs(process.argv.slice(2));
const BASE = (args.base || "http://127.0.0.1:8080").replace(/\/$/, "");
const SHOTS = args.shots || "tests/logs/browser";
const STAGES = ["early_market", "pre_race", "going_to_post", "at_post"];
const BOUNDS = [0, 300, 1800, 7200];

let passed = 0, failed = 0;

function parseArgs(argv) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith("--")) continue;
    const key = argv[i].slice(2);
    if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) out[key] = argv[++i];
    else out[key] = true;
  }
  return out;
}

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

async function api(p) {
  const res = await fetch(BASE + p, { headers: { Accept: "application/json" } });
  assert(res.ok, `${p}: HTTP ${res.status}`);
  return res.json();
}

function slug(name) {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 80);
}

async function shot(page, name) {
  try {
    fs.mkdirSync(SHOTS, { recursive: true });
    const file = path.join(SHOTS, `${slug(name)}.png`);
    await page.screenshot({ path: file, fullPage: true });
    return file;
  } catch (e) {
    return `(no screenshot: ${e.message})`;
  }
}

/* Runs one check; a failure is reported with a screenshot of page. */
async function check(name, page, fn) {
  try {
    const note = await fn();
    passed++;
    console.log(`ok ${name}${note ? ` (${note})` : ""}`);
    if (args["always-shots"] && page) await shot(page, name);
    return true;
  } catch (e) {
    failed++;
    const file = page ? await shot(page, name) : "";
    console.log(`FAIL ${name}: ${String(e && e.message || e).split("\n")[0].slice(0, 500)}${file ? ` [screenshot ${file}]` : ""}`);
    return false;
  }
}

/* Watches a page for script errors and CSP violations. */
function watch(page) {
  const problems = [];
  page.on("pageerror", (e) => problems.push(`script error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error" && /Content Security Policy|Refused to/i.test(m.text())) problems.push(`CSP: ${m.text()}`);
  });
  return problems;
}

/* Loads the dashboard anew at hash (a hash change alone would not reload it). */
async function fresh(page, hash) {
  await page.goto("about:blank");
  await page.goto(`${BASE}/${hash}`);
}

const ctl = (cmd) => execSync(`${args.ctl} ${cmd}`, { stdio: ["ignore", "pipe", "pipe"], timeout: 60000 }).toString();

/* The API's stage of each race, leaving out races too near a boundary to pin down. */
function settledStages(body, margin) {
  const out = new Map();
  for (const stage of STAGES) {
    for (const r of body.stages[stage] || []) {
      const secs = r.seconds_to_off;
      if (typeof secs !== "number") continue;
      if (BOUNDS.some((b) => secs >= b && secs < b + margin)) continue;
      out.set(r.race_id, stage);
    }
  }
  return out;
}

async function boardChecks(page, byStage) {
  await check("the board loads: four stage columns with headings", page, async () => {
    await page.waitForSelector('#board-grid[aria-busy="false"]', { timeout: 20000 });
    const heads = await page.$$eval("#board-grid .col > h3", (hs) => hs.map((h) => h.textContent));
    assert(heads.length === 4, `${heads.length} columns`);
    for (const want of ["Early Market", "Pre Race", "Going To Post", "At Post"]) {
      assert(heads.some((t) => t.includes(want)), `no column "${want}" in ${heads}`);
    }
  });

  await check("the board shows races in the right columns", page, async () => {
    const settled = settledStages(byStage, 45);
    const where = await page.$$eval("#board-grid .card", (cs) => cs.map((c) => [c.dataset.key, c.closest(".col").dataset.stage]));
    const onPage = new Map(where);
    let right = 0;
    const wrong = [];
    for (const [id, stage] of settled) {
      if (onPage.get(id) === stage) right++;
      else wrong.push(`${id}: page ${onPage.get(id)}, API ${stage}`);
    }
    const total = STAGES.reduce((n, s) => n + (byStage.stages[s] || []).length, 0);
    assert(total > 0, "the API has no races: nothing to check");
    assert(wrong.length === 0, wrong.slice(0, 5).join("; "));
    assert(where.length === total, `${where.length} cards for ${total} races`);
    const cols = new Set(where.map(([, s]) => s));
    assert(cols.size >= 2, `races in only ${[...cols]}`);
    return `${right} races checked in ${cols.size} columns`;
  });

  await check("each card shows course, off time, race, countdown, runners, prices updated, next phase", page, async () => {
    const race = STAGES.flatMap((s) => byStage.stages[s]).find((r) => r.course && r.race_name);
    const card = page.locator(`#board-grid .card[data-key="${race.race_id}"]`);
    const text = await card.innerText();
    for (const want of [race.course, race.race_name, race.off_time, String(race.runner_count), "Off in"]) {
      assert(text.includes(want), `card of ${race.race_id} lacks "${want}": ${text.replace(/\n/g, " | ")}`);
    }
    assert(/(Pre Race|Going To Post|At Post|Off) in /.test(text), `no next phase: ${text}`);
    assert(/Prices\s+(.* ago|just now)/.test(text), `no age of prices: ${text}`);
  });

  await check("countdowns tick", page, async () => {
    const first = await page.$$eval("#board-grid .card .cd", (cs) => cs.map((c) => c.textContent).join("|"));
    await page.waitForFunction((t) => [...document.querySelectorAll("#board-grid .card .cd")]
      .map((c) => c.textContent).join("|") !== t, first, { timeout: 5000 });
  });
}

/* The race to open: the nearest race that is not about to change column. */
function pickRace(byStage) {
  const settled = settledStages(byStage, 90);
  for (const stage of ["going_to_post", "pre_race", "early_market", "at_post"]) {
    const r = (byStage.stages[stage] || []).find((x) => settled.has(x.race_id) && x.runner_count > 0);
    if (r) return r;
  }
  return null;
}

async function raceChecks(page, byStage) {
  const race = pickRace(byStage);
  if (!race) {
    await check("a race with prices to open", page, async () => assert(false, "none"));
    return;
  }
  const grid = (await api(`/api/races/${race.race_id}/odds`)).race;
  await check("clicking a card opens the race view with the odds grid", page, async () => {
    await page.click(`#board-grid .card[data-key="${race.race_id}"] a`);
    await page.waitForSelector("#race-dialog[open] table.grid tbody tr", { timeout: 15000 });
    const rows = await page.$$eval("#race-dialog table.grid tbody tr", (rs) => rs.length);
    const cols = await page.$$eval("#race-dialog table.grid thead th.book", (hs) => hs.length);
    assert(rows >= grid.runners.length, `${rows} rows for ${grid.runners.length} runners`);
    assert(cols === grid.bookmakers.length, `${cols} bookmaker columns for ${grid.bookmakers.length}`);
    assert(page.url().includes(`#race/${race.race_id}`), `url ${page.url()}`);
    return `${race.race_id}: ${rows} runners x ${cols} bookmakers`;
  });

  await check("the grid highlights each runner's best price (the highest decimal)", page, async () => {
    const cells = await page.$$eval("#race-dialog table.grid tbody tr", (rs) => rs.map((r) => ({
      horse: r.dataset.horse,
      nr: r.classList.contains("nr"),
      prices: [...r.querySelectorAll("td.price")].map((c) => ({ d: Number(c.dataset.decimal), best: c.classList.contains("best") })),
      best: Number(r.querySelector("td.best-col").dataset.decimal),
    })));
    let n = 0;
    for (const runner of grid.runners) {
      const row = cells.find((c) => c.horse === runner.horse_id);
      assert(row, `no row for ${runner.horse_id}`);
      const decimals = Object.values(runner.prices).map((p) => Number(p.decimal)).filter((d) => d > 1);
      if (!decimals.length || row.nr) continue;
      const max = Math.max(...decimals);
      assert(Math.abs(row.best - max) < 0.001, `${runner.horse_name}: best column ${row.best}, highest price ${max}`);
      const api = runner.best_price && Number(runner.best_price.decimal);
      assert(!api || Math.abs(api - max) < 0.001, `${runner.horse_name}: API best ${api}, highest ${max}`);
      const lit = row.prices.filter((p) => p.best);
      assert(lit.length >= 1, `${runner.horse_name}: nothing highlighted`);
      assert(lit.every((p) => Math.abs(p.d - max) < 0.001), `${runner.horse_name}: highlighted ${lit.map((p) => p.d)} but best is ${max}`);
      assert(row.prices.filter((p) => !p.best).every((p) => !(Math.abs(p.d - max) < 0.001)), `${runner.horse_name}: a best price not highlighted`);
      n++;
    }
    assert(n > 0, "no runner with prices");
    return `${n} runners`;
  });

  await check("the grid shows each bookmaker's book % and each runner's fair price (issue 13)", page, async () => {
    const pcts = await page.$$eval("#race-dialog thead th.book .book-pct", (es) => es.map((e) => e.textContent));
    const want = grid.bookmakers.map((b) => (Number(b.book_percent) > 0 ? `${Number(b.book_percent).toFixed(1)}%` : "–"));
    assert(JSON.stringify(pcts) === JSON.stringify(want), `book % ${pcts.slice(0, 3)} for ${want.slice(0, 3)}`);
    const fair = await page.$$eval("#race-dialog table.grid tbody tr", (rs) => rs.map((r) => [r.dataset.horse, r.querySelector("td.fair-col").dataset.decimal]));
    const priced = grid.runners.filter((r) => Number(r.fair_decimal) > 1);
    assert(priced.length > 0, "the API gives no fair price");
    for (const r of priced) {
      const row = fair.find(([h]) => h === r.horse_id);
      assert(row && Math.abs(Number(row[1]) - Number(r.fair_decimal)) < 0.001, `${r.horse_name}: fair ${row && row[1]}, API ${r.fair_decimal}`);
    }
    return `${pcts.length} books, ${priced.length} fair prices`;
  });

  await check("the odds toggle shows American odds and chances, and back to fractions", page, async () => {
    await page.check('#race-dialog input[name="odds-format"][value="american"]');
    const us = await page.$$eval("#race-dialog table.grid tbody td.price", (cs) => cs.map((c) => c.textContent).filter((t) => t !== "–"));
    assert(us.length > 0 && us.every((t) => /^[+-]\d+/.test(t)), `American: ${us.slice(0, 4)}`);
    await page.check('#race-dialog input[name="odds-format"][value="probability"]');
    const pc = await page.$$eval("#race-dialog table.grid tbody td.price", (cs) => cs.map((c) => c.textContent).filter((t) => t !== "–"));
    assert(pc.length > 0 && pc.every((t) => /^\d+\.\d%/.test(t)), `chance: ${pc.slice(0, 4)}`);
    await page.check('#race-dialog input[name="odds-format"][value="fractional"]');
    return `${us[0]}, ${pc[0]}`;
  });

  await check("the favourite is marked and each-way terms shown", page, async () => {
    const favs = await page.$$eval("#race-dialog tr.fav", (rs) => rs.map((r) => r.dataset.horse));
    const want = grid.runners.filter((r) => r.favourite).map((r) => r.horse_id);
    assert(want.length > 0, "the API marks no favourite");
    assert(JSON.stringify(favs.sort()) === JSON.stringify(want.sort()), `page ${favs}, API ${want}`);
    assert(await page.isVisible("#race-dialog tr.fav .fav-badge"), "no Fav badge");
    const facts = await page.textContent("#race-dialog .race-facts");
    const terms = grid.each_way && grid.each_way.terms;
    assert(terms && facts.includes(terms), `each-way "${terms}" not in "${facts}"`);
    const ew = await page.$$eval("#race-dialog thead .ew", (es) => es.map((e) => e.textContent));
    assert(ew.length === grid.bookmakers.length && ew.every((t) => t.length > 0), "bookmaker each-way terms missing");
  });

  await check("non-runners are struck through", page, async () => {
    const masters = await api(`/api/masters/races/${race.race_id}`).catch(() => null);
    const m = masters && (masters.data ? masters.data[0] : masters);
    const nrs = ((m && m.runners) || []).filter((r) => r.non_runner).map((r) => r.horse_id);
    const rows = await page.$$eval("#race-dialog tr.nr", (rs) => rs.map((r) => [r.dataset.horse, getComputedStyle(r.querySelector("td.num")).textDecorationLine]));
    assert(rows.length === nrs.length, `${rows.length} struck rows, ${nrs.length} non-runners`);
    assert(rows.every(([, deco]) => deco.includes("line-through")), "not struck through");
    return `${nrs.length} in this race`;
  });

  await check("a sparkline of each runner's price movement renders", page, async () => {
    await page.waitForSelector("#race-dialog svg.sparkline path.line", { timeout: 15000 });
    const sparks = await page.$$eval("#race-dialog svg.sparkline", (ss) => ss.map((s) => {
      const p = s.querySelector("path.line");
      return { d: p ? p.getAttribute("d") : "", label: s.getAttribute("aria-label") || "", moved: !s.classList.contains("steady") };
    }));
    const drawn = sparks.filter((s) => /^M[\d.]+,[\d.]+/.test(s.d));
    assert(drawn.length > 0, "no sparkline path");
    assert(drawn.every((s) => s.label.length > 0), "a sparkline without a text alternative");
    return `${drawn.length} drawn, ${drawn.filter((s) => s.moved).length} with movement`;
  });

  await check("clicking a runner charts it across bookmakers", page, async () => {
    await page.click("#race-dialog tr:not(.nr) button.runner >> nth=0");
    await page.waitForSelector("#race-dialog .runner-chart svg.linechart g.series path", { timeout: 15000 });
    const lines = await page.$$eval("#race-dialog .runner-chart g.series", (gs) => gs.length);
    const legend = await page.$$eval("#race-dialog .runner-chart .legend li", (ls) => ls.length);
    assert(lines >= 2 && legend === lines, `${lines} lines, ${legend} legend entries`);
    return `${lines} bookmakers`;
  });

  await sliderChecks(page, race, grid);

  await check("Escape closes the race view and focus returns to its card", page, async () => {
    await page.keyboard.press("Escape");
    await page.waitForSelector("#race-dialog:not([open])", { state: "attached", timeout: 5000 });
    // The close event, which puts the board back in the address, comes a task after.
    await page.waitForFunction(() => !location.hash.startsWith("#race/"), null, { timeout: 5000 });
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.closest(".card")?.dataset.key);
    assert(focused === race.race_id, `focus on ${focused}`);
  });
}

/* Issue 13 in the race view: the time slider (the grid as at an earlier instant, against the API) and the summary. */
async function sliderChecks(page, race, grid) {
  const id = race.race_id;
  await check("the race view's time slider shows the grid as it stood earlier (issue 13.4), then back to live", page, async () => {
    await page.waitForSelector("#race-at:not([disabled])", { timeout: 20000 });
    await page.focus("#race-at");
    await page.keyboard.press("Home");
    await page.waitForFunction(() => {
      const d = document.getElementById("race-dialog");
      return d.classList.contains("past") && d.dataset.at && /Not live/.test(document.getElementById("race-at-state").textContent);
    }, null, { timeout: 20000 });
    const at = await page.$eval("#race-dialog", (d) => d.dataset.at);
    assert(await page.isVisible("#race-live"), "no Back to live button");
    const then = (await api(`/api/races/${id}/odds?at=${encodeURIComponent(at)}`)).race;
    const cells = await page.$$eval("#race-dialog table.grid tbody tr", (rs) => rs.map((r) => [r.dataset.horse,
      [...r.querySelectorAll("td.price")].map((c) => [c.dataset.book, c.dataset.decimal || null])]));
    let n = 0, differ = 0;
    const books = (then.bookmakers || []).map((b) => b.bookmaker_id);
    const cols = await page.$$eval("#race-dialog table.grid td.price", (cs) => [...new Set(cs.map((c) => c.dataset.book))]);
    assert(JSON.stringify(cols.sort()) === JSON.stringify(books.slice().sort()), `columns ${cols.length}, API at ${at}: ${books.length}`);
    for (const r of then.runners || []) {
      const row = cells.find(([h]) => h === r.horse_id);
      assert(row, `no row for ${r.horse_name} at ${at}`);
      for (const [book, d] of row[1]) {
        const p = (r.prices || {})[book];
        const want = p ? Number(p.decimal) : null;
        assert(want === null ? d === null : Math.abs(Number(d) - want) < 0.001, `${r.horse_name} at ${book}: page ${d}, API at ${at}: ${want}`);
        n++;
        const now = ((grid.runners.find((x) => x.horse_id === r.horse_id) || {}).prices || {})[book];
        if (p && now && Math.abs(Number(now.decimal) - want) > 0.001) differ++;
      }
    }
    assert(n > 0, "no price compared");
    assert(Date.parse(at) < Date.parse(grid.prices_updated_at), `at ${at} is not before the last change ${grid.prices_updated_at}`);
    await page.click("#race-at-next");
    await page.waitForFunction((t) => {
      const d = document.getElementById("race-dialog");
      return !d.classList.contains("past") || (d.dataset.at > t && /Not live/.test(document.getElementById("race-at-state").textContent));
    }, at, { timeout: 20000 });
    const next = await page.$eval("#race-dialog", (d) => d.dataset.at || "live");
    await page.click("#race-live");
    await page.waitForFunction(() => !document.getElementById("race-dialog").classList.contains("past"), null, { timeout: 10000 });
    assert(/^Live/.test(await page.textContent("#race-at-state")), "the state does not say live");
    return `${n} prices as at ${at}, ${differ} unlike now; next change ${next}`;
  });

  await check("the race view shows opening, closing and SP per runner (issue 13.3)", page, async () => {
    const sum = await api(`/api/races/${id}/odds/summary`);
    await page.waitForSelector("#race-summary table.summary-table tbody tr", { timeout: 15000 });
    const rows = await page.$$eval("#race-summary tbody tr", (rs) => rs.map((r) => [r.dataset.horse,
      r.children[2].dataset.decimal, r.children[3].dataset.decimal]));
    assert(rows.length === sum.runners.length, `${rows.length} rows, API ${sum.runners.length}`);
    for (const r of sum.runners) {
      const row = rows.find(([h]) => h === r.horse_id);
      assert(row && Math.abs(Number(row[1]) - Number(r.best_opening)) < 0.001, `${r.horse_name}: opening ${row && row[1]}, API ${r.best_opening}`);
    }
    return `${rows.length} runners`;
  });
}

/* The movers' lists of the page against the API's (the API asked a second time if the market moved meanwhile). */
async function moversMatch(page, w) {
  const shown = await page.$$eval("#movers-body .movers-steamers tbody tr, #movers-body .movers-drifters tbody tr",
    (rs) => rs.map((r) => `${r.closest("section").classList.contains("movers-steamers") ? "s" : "d"} ${r.dataset.race} ${r.dataset.horse}`));
  for (let attempt = 0; ; attempt++) {
    const body = await api(`/api/movers?window=${w}&limit=100`);
    const want = [...body.steamers.slice(0, 15).map((m) => `s ${m.race_id} ${m.horse_id}`),
      ...body.drifters.slice(0, 15).map((m) => `d ${m.race_id} ${m.horse_id}`)];
    if (JSON.stringify(shown) === JSON.stringify(want)) return body;
    if (attempt >= 1) throw new Error(`${w}: page ${shown.slice(0, 3)} (${shown.length}), API ${want.slice(0, 3)} (${want.length})`);
  }
}

async function moversChecks(page) {
  let body = null;
  await check("the Movers panel lists steamers and drifters as the API does (15 min, then since first seen)", page, async () => {
    await fresh(page, "#movers");
    await page.check('#movers-body input[name="movers-window"][value="15m"]');
    await page.waitForFunction(() => document.querySelector("#movers-body .movers"), null, { timeout: 15000 });
    const b15 = await moversMatch(page, "15m");
    await page.check('#movers-body input[name="movers-window"][value="open"]');
    await page.waitForFunction(() => document.querySelector("#movers-body .movers") && /since first seen/.test(document.getElementById("movers-status").textContent), null, { timeout: 15000 });
    body = await moversMatch(page, "open");
    assert(body.steamers.length + body.drifters.length > 0, "the API has no mover since first seen: nothing to check");
    return `15 min: ${b15.steamers.length}/${b15.drifters.length}, open: ${body.steamers.length}/${body.drifters.length}`;
  });
  await check("a mover links to its race view, where the runner carries its arrow", page, async () => {
    const link = await page.$("#movers-body tbody tr a.mover-link");
    assert(link, "no mover linked");
    const [raceId, horse] = await link.evaluate((a) => [a.closest("tr").dataset.race, a.closest("tr").dataset.horse]);
    await link.click();
    await page.waitForSelector("#race-dialog[open] table.grid tbody tr", { timeout: 15000 });
    assert(page.url().includes(`#race/${encodeURIComponent(raceId)}`), `url ${page.url()}`);
    await page.waitForSelector(`#race-dialog tr[data-horse="${horse}"] .move`, { timeout: 15000 });
    await page.keyboard.press("Escape");
    await page.waitForSelector("#race-dialog:not([open])", { state: "attached", timeout: 5000 });
    return raceId;
  });
  await check("the board's cards carry the movers' arrows", page, async () => {
    await page.click('a[data-tab="board"]');
    await page.waitForSelector("#board-grid .card .card-moves .move", { timeout: 15000 });
    const marked = await page.$$eval("#board-grid .card", (cs) => cs.filter((c) => c.querySelector(".card-moves")).map((c) => c.dataset.key));
    const races = new Set([...body.steamers, ...body.drifters].map((m) => m.race_id));
    assert(marked.every((id) => races.has(id)), `a card marked without a mover: ${marked.filter((id) => !races.has(id))}`);
    return `${marked.length} cards`;
  });
}

async function analysisChecks(page) {
  await check("the early price analysis shows the API's figures and charts them by days before the off (issue 13.3)", page, async () => {
    const body = await api("/api/analysis/early-price");
    await fresh(page, "#analysis");
    await page.waitForSelector("#analysis-body .figure, #analysis-body .empty", { timeout: 15000 });
    assert(body.best, `the API has no figures from ${body.from} to ${body.to}: nothing to check`);
    const fig = await page.$$eval("#analysis-body .figure", (fs) => Object.fromEntries(fs.map((f) => [f.dataset.figure, f.querySelector("dd").textContent])));
    assert(fig.opening === `${Number(body.best.opening_beat_sp_percent).toFixed(1)}%`, `opening ${fig.opening}, API ${body.best.opening_beat_sp_percent}`);
    assert(fig.closing === `${Number(body.best.closing_beat_sp_percent).toFixed(1)}%`, `closing ${fig.closing}, API ${body.best.closing_beat_sp_percent}`);
    const groups = await page.$$eval("#analysis-body svg.groupedbar g.group", (gs) => gs.map((g) => [...g.querySelectorAll("g.bar")].map((b) => b.dataset.value)));
    assert(groups.length === body.best_by_days_before.length, `${groups.length} groups, API ${body.best_by_days_before.length}`);
    body.best_by_days_before.forEach((d, i) => {
      assert(Math.abs(Number(groups[i][0]) - Number(d.opening_beat_sp_percent)) < 0.01, `day ${d.days_before}: bar ${groups[i][0]}, API ${d.opening_beat_sp_percent}`);
    });
    assert(await page.$eval("#analysis-body svg.groupedbar", (s) => s.getAttribute("aria-label").length > 20), "the chart has no text alternative");
    const books = await page.$$eval("#analysis-body table.early-books tbody tr", (rs) => rs.map((r) => r.dataset.book));
    assert(JSON.stringify(books) === JSON.stringify(body.by_bookmaker.map((b) => b.bookmaker_id)), `${books.length} bookmakers, API ${body.by_bookmaker.length}`);
    return `${body.best.runners} runners, ${groups.length} day groups, ${books.length} bookmakers`;
  });
}

async function formChecks(page) {
  await check("the form leaderboard matches the API: jockeys 14 days, then trainers 30 days (issue 13.6)", page, async () => {
    await fresh(page, "#form");
    const notes = [];
    for (const [kind, w] of [["jockey", "14"], ["trainer", "30"]]) {
      await page.selectOption("#form-kind", kind);
      await page.selectOption("#form-window", w);
      const body = await api(`/api/form/leaderboard?kind=${kind}&window=${w}&sort=wins&limit=50`);
      await page.waitForFunction((n) => {
        const b = document.getElementById("form-body");
        return n === 0 ? b.querySelector(".empty") : b.querySelectorAll("table.form-table tbody tr").length === n;
      }, body.data.length, { timeout: 15000 });
      const rows = await page.$$eval("#form-body table.form-table tbody tr", (rs) => rs.map((r) => [r.dataset.id,
        r.querySelector('[data-f="wins"]').textContent, r.querySelector('[data-f="runs"]').textContent]));
      body.data.forEach((d, i) => {
        assert(rows[i][0] === d.id && rows[i][1] === String(d.wins) && rows[i][2] === String(d.runs),
          `${kind} ${w}: row ${i} ${rows[i]}, API ${d.id} ${d.wins}/${d.runs}`);
      });
      notes.push(`${kind} ${w} d: ${rows.length}`);
    }
    assert(notes.some((n) => !/: 0$/.test(n)), `no form rows at all: ${notes}`);
    return notes.join(", ");
  });
}

/* At 375 x 812: no page wider than the screen on each new view (tables scroll in their own boxes). */
async function phoneMarketChecks(browser, byStage) {
  const ctx = await browser.newContext({ viewport: { width: 375, height: 812 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const page = await ctx.newPage();
  const problems = watch(page);
  const fits = async (what) => {
    const m = await page.evaluate(() => {
      const d = document.getElementById("race-dialog");
      // clientWidth: the screen's width; a mobile browser's innerWidth grows with an overflowing page.
      return { page: document.documentElement.scrollWidth, view: document.documentElement.clientWidth,
        dialog: d.open ? d.scrollWidth - d.clientWidth : 0 };
    });
    assert(m.page <= m.view + 1, `${what}: page ${m.page}px wide in a ${m.view}px screen`);
    assert(m.dialog <= 1, `${what}: the race view scrolls sideways by ${m.dialog}px`);
  };
  for (const [hash, ready] of [["#movers", "#movers-body .movers"], ["#analysis", "#analysis-body .stat-card, #analysis-body .empty"],
    ["#form", "#form-body table, #form-body .empty"]]) {
    await check(`phone width (375 px): ${hash} fits the screen`, page, async () => {
      await fresh(page, hash);
      await page.waitForSelector(ready, { timeout: 20000 });
      await fits(hash);
    });
  }
  await check("phone width (375 px): the race view with its slider and summary fits the screen", page, async () => {
    const race = pickRace(byStage);
    await fresh(page, `#race/${encodeURIComponent(race.race_id)}`);
    await page.waitForSelector("#race-dialog[open] table.grid tbody tr", { timeout: 20000 });
    await page.waitForSelector("#race-at:not([disabled])", { timeout: 20000 });
    await page.waitForSelector("#race-summary table", { timeout: 20000 });
    await fits("race view");
    const w = await page.$eval("#race-at", (e) => e.getBoundingClientRect().width);
    assert(w >= 100, `slider ${w}px wide`);
    assert(problems.length === 0, problems.join("; "));
  });
  await ctx.close();
}

async function keyboardCheck(page) {
  await check("keyboard: Tab reaches a race card, Enter opens it", page, async () => {
    await fresh(page, "#board");
    await page.waitForSelector("#board-grid .card");
    let on = null;
    for (let i = 0; i < 25 && !on; i++) {
      await page.keyboard.press("Tab");
      on = await page.evaluate(() => document.activeElement.classList.contains("card-link") ? document.activeElement.closest(".card").dataset.key : null);
    }
    assert(on, "25 presses of Tab never reached a card");
    await page.keyboard.press("Enter");
    await page.waitForSelector("#race-dialog[open]", { timeout: 5000 });
    await page.keyboard.press("Escape");
    await page.waitForSelector("#race-dialog:not([open])", { state: "attached", timeout: 5000 });
  });
}

async function refreshCheck(page) {
  await check("a refresh updates cards in place (no flicker) and keeps the focused card", page, async () => {
    // Polling mode (the live stream refused, as with DH_PUSH=off): refreshes every 30 s.
    await page.route("**/api/stream/**", (route) => route.fulfill({
      status: 503, contentType: "application/json", body: '{"detail":"live push is off"}',
    }));
    try {
      await fresh(page, "#board");
      await page.waitForSelector('#board-grid[aria-busy="false"] .card');
      const before = await page.$eval("#board-grid", (b) => b.dataset.updated);
      await page.evaluate(() => {
        const card = document.querySelector("#board-grid .col[data-stage='early_market'] .card") || document.querySelector("#board-grid .card");
        card.dataset.marker = "kept";
        window.__dhCard = card;
        card.querySelector("a").focus();
      });
      await page.waitForFunction((t) => document.getElementById("board-grid").dataset.updated !== t, before, { timeout: 45000 });
      const same = await page.evaluate(() => document.contains(window.__dhCard) && window.__dhCard.dataset.marker === "kept"
        && window.__dhCard.contains(document.activeElement));
      assert(same, "the card was replaced or lost focus");
    } finally {
      await page.unroute("**/api/stream/**");
    }
  });
}

async function workersCheck(page) {
  const before = await api("/api/scheduler-status");
  await check("the workers panel lists all four workers with state, runs and interval", page, async () => {
    await page.click('a[data-tab="workers"]');
    await page.waitForSelector("#workers-list .worker", { timeout: 15000 });
    const shown = await page.$$eval("#workers-list .worker", (ws) => ws.map((w) => ({
      name: w.dataset.worker, text: w.innerText,
    })));
    const staleShown = await page.$$eval("#workers-list .worker.stale", (ws) => ws.length);
    // A worker may change state between two looks: the page must agree with one of them.
    const after = await api("/api/scheduler-status");
    for (const name of ["live", "historical", "statistics", "masters"]) {
      const w = shown.find((x) => x.name === name);
      assert(w, `no dh-${name}`);
      for (const want of ["Last run", "Next run", "Interval", "Last error"]) assert(w.text.includes(want), `dh-${name} lacks ${want}`);
      const states = [before, after].map((st) => (st.workers.find((x) => x.worker === name) || {}).state);
      assert(states[0] || states[1], `the API does not list ${name}`);
      assert(states.some((s) => s && w.text.includes(String(s).replace(/_/g, " "))), `dh-${name}: state ${states} not shown`);
    }
    const stale = [before, after].map((st) => st.workers.filter((w) => w.stale).length);
    assert(stale.includes(staleShown), `${staleShown} stale shown, API says ${stale}`);
    return `${staleShown} stale`;
  });
}

async function statsCheck(page) {
  const cov = await api("/api/historical-odds/coverage");
  await check("the statistics panel shows headline figures and charts", page, async () => {
    await page.click('a[data-tab="stats"]');
    await page.waitForSelector("#stats-body .figures", { timeout: 15000 });
    const figures = await page.$$eval("#stats-body .figure dd", (ds) => ds.map((d) => d.textContent));
    assert(figures.some((t) => /\d/.test(t)), `no figure: ${figures}`);
    const charts = await page.$$eval("#stats-body svg.barchart, #stats-body svg.hbarchart", (ss) => ss.length);
    const bars = await page.$$eval("#stats-body svg rect", (rs) => rs.length);
    assert(charts >= 3, `${charts} charts`);
    assert(bars > 0, "no bars drawn");
    return `${bars} bars`;
  });
  await check("the historical coverage shows the dates present and missing", page, async () => {
    await page.waitForSelector("#coverage .calendar .day", { timeout: 15000 });
    const days = await page.$$eval("#coverage .calendar .day", (ds) => ds.length);
    const present = await page.$$eval("#coverage .calendar .day.present", (ds) => ds.length);
    assert(days === cov.days, `${days} days drawn, API ${cov.days}`);
    assert(present === cov.present_count, `${present} present, API ${cov.present_count}`);
    const text = await page.textContent("#coverage");
    assert(text.includes(`${cov.missing_count} missing`), "missing count not shown");
  });
}

/* The cells of the column headed header in table (a selector), as a selector. */
async function column(page, table, header) {
  const i = await page.$$eval(`${table} thead th`, (ths, h) => ths.findIndex((th) => th.textContent === h), header);
  assert(i >= 0, `no column ${header} in ${table}`);
  return `${table} tbody tr td:nth-child(${i + 1})`;
}

async function tablesCheck(page) {
  await check("live odds table: rows, a bookmaker filter and paging", page, async () => {
    await page.click('a[data-tab="tables"]');
    await page.waitForSelector("#table-live tbody tr", { timeout: 15000 });
    const n = await page.$$eval("#table-live tbody tr", (rs) => rs.length);
    assert(n === 25, `${n} rows on the first page`);
    const first = await page.textContent(await column(page, "#table-live", "Price"));
    const books = await column(page, "#table-live", "Bookmaker");
    await page.waitForSelector("#table-live-bookmaker option:nth-child(3)", { state: "attached", timeout: 10000 });
    const book = await page.$eval("#table-live-bookmaker option:nth-child(3)", (o) => [o.value, o.textContent]);
    await page.selectOption("#table-live-bookmaker", book[0]);
    await page.click("#table-live button[type=submit]");
    await page.waitForFunction(([sel, name]) => {
      const cells = [...document.querySelectorAll(sel)];
      return cells.length > 0 && cells.every((c) => c.textContent === name);
    }, [books, book[1]], { timeout: 10000 });
    await page.click("#table-live .pager button:last-child");
    await page.waitForFunction(() => /Rows 26/.test(document.querySelector("#table-live .pager").textContent), null, { timeout: 10000 });
    return `filtered to ${book[1]}; first page began with ${first}`;
  });
  await check("historical odds table shows rows, filtered by course", page, async () => {
    const rows = (await api("/api/historical-odds?limit=1")).data;
    if (!rows.length) {
      await page.waitForFunction(() => /No rows/.test(document.querySelector("#table-historical .pager").textContent), null, { timeout: 10000 });
      return "no historical rows yet: empty state shown";
    }
    await page.waitForSelector("#table-historical tbody tr", { timeout: 15000 });
    const courses = await column(page, "#table-historical", "Course");
    await page.fill("#table-historical-course", rows[0].course);
    await page.click("#table-historical button[type=submit]");
    await page.waitForFunction(([sel, c]) => {
      const cells = [...document.querySelectorAll(sel)];
      return cells.length > 0 && cells.every((x) => x.textContent === c);
    }, [courses, rows[0].course], { timeout: 10000 });
    return rows[0].course;
  });
}

/* In the page: markup problems, and each selector's text contrast against its first opaque background. */
function audit(sels) {
  const problems = [];
  if (!document.documentElement.lang) problems.push("no lang");
  if (document.querySelectorAll("h1").length !== 1) problems.push("not one h1");
  for (const sel of ["header", "nav", "main"]) if (!document.querySelector(sel)) problems.push(`no ${sel}`);
  for (const el of document.querySelectorAll("input, select")) {
    if (!(el.labels && el.labels.length) && !el.getAttribute("aria-label")) problems.push(`unlabelled ${el.name || el.id}`);
  }
  for (const svg of document.querySelectorAll("svg[role=img]")) if (!svg.getAttribute("aria-label")) problems.push("svg without label");
  // rgb(r g b / a) or color(srgb r g b / a), as [r, g, b, a] in 0..255 (a 0..1).
  const rgba = (c) => {
    const n = (c.match(/[\d.]+/g) || []).map(Number);
    const scale = c.startsWith("color(") ? 255 : 1;
    return [n[0] * scale, n[1] * scale, n[2] * scale, n.length > 3 ? n[3] : 1];
  };
  const lum = ([r, g, b]) => [r, g, b].map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
  const bg = (el) => {
    for (let e = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3] > 0.9) return c;
    }
    return [255, 255, 255, 1];
  };
  const ratios = [];
  for (const sel of sels) {
    const el = document.querySelector(sel);
    if (!el) continue;
    const a = lum(rgba(getComputedStyle(el).color)), b = lum(bg(el));
    const r = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    ratios.push(`${sel} ${r.toFixed(1)}`);
    if (r < 4.5) problems.push(`contrast ${sel} ${r.toFixed(2)}`);
  }
  return { problems, ratios };
}

const AUDITS = [
  ["#tables", "#table-live tbody tr", ["body", ".meta", ".tabs a", ".tabs a[aria-current]", "table.data td",
    "table.data th", ".field label", ".foot", "button[type=submit]"]],
  ["#board", "#board-grid .card", [".card .off", ".card .course", ".race-name", ".cd-label", ".cd", ".facts dt",
    ".facts dd", ".col > h3", ".col > h3 .hint", ".col > h3 .count", ".card-moves .moves-label", ".card-moves .mover-name"]],
  ["#workers", "#workers-list .worker", [".worker h3", ".worker .state", ".worker .facts dt"]],
  ["#movers", "#movers-body .movers-table tbody tr", ["table.data td", "table.data tbody th a", ".move.move-in", ".move.move-out",
    ".movers-list h3", ".movers-window legend"]],
  ["#analysis", "#analysis-body .figure", [".figure dt", ".figure dd", "table.early-books td", ".stat-card .meta"]],
  ["#form", "#form-body table.form-table tbody tr", ["table.form-table td", "table.form-table tbody th", ".field label"]],
];

async function contrastCheck(page, scheme) {
  await check(`accessible markup: landmarks, one h1, labels, text alternatives, contrast (${scheme} theme)`, page, async () => {
    await page.emulateMedia({ colorScheme: scheme });
    const problems = [], ratios = [];
    for (const [hash, ready, sels] of AUDITS) {
      await fresh(page, hash);
      await page.waitForSelector(ready, { timeout: 15000 });
      const r = await page.evaluate(audit, sels);
      problems.push(...r.problems.map((p) => `${hash}: ${p}`));
      ratios.push(...r.ratios);
    }
    await fresh(page, "#board");
    await page.click("#board-grid .card a");
    await page.waitForSelector("#race-dialog[open] table.grid td.best", { timeout: 15000 });
    const r = await page.evaluate(audit, ["table.grid td.best", "table.grid td.price:not(.best)", ".fav-badge",
      "table.grid .ew", "table.grid .who", ".runner", "table.grid caption", ".race-facts dt", ".race-head .meta",
      ".race-time-label", ".race-at-state", ".race-at-time", "#race-summary td"]);
    problems.push(...r.problems.map((p) => `race view: ${p}`));
    ratios.push(...r.ratios);
    assert(problems.length === 0, problems.join("; "));
    return `lowest ${ratios.sort((x, y) => parseFloat(x.split(" ").pop()) - parseFloat(y.split(" ").pop()))[0]}`;
  });
}

async function phoneChecks(browser, byStage) {
  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  const page = await ctx.newPage();
  const problems = watch(page);
  await check("phone width: the board fits the screen, columns swipe sideways", page, async () => {
    await page.goto(`${BASE}/`);
    await page.waitForSelector('#board-grid[aria-busy="false"] .card', { timeout: 20000 });
    const m = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth, view: document.documentElement.clientWidth,
      col: document.querySelector("#board-grid .col").getBoundingClientRect().width,
    }));
    assert(m.page <= m.view + 1, `page ${m.page}px wide in a ${m.view}px screen`);
    assert(m.col > 250 && m.col < m.view, `column ${m.col}px`);
  });
  await check("phone width: the race view opens full screen", page, async () => {
    const race = pickRace(byStage);
    await page.tap(`#board-grid .card[data-key="${race.race_id}"] a`);
    await page.waitForSelector("#race-dialog[open] table.grid tbody tr", { timeout: 15000 });
    const w = await page.$eval("#race-dialog", (d) => d.getBoundingClientRect().width);
    assert(w >= 380, `dialog ${w}px`);
    assert(problems.length === 0, problems.join("; "));
  });
  await ctx.close();
}

async function statesChecks(browser) {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route("**/api/live-odds/races-by-stage*", async (route) => {
    await held;
    await route.fulfill({
      status: 200, contentType: "application/json",
      body: JSON.stringify({
        success: true, timestamp: new Date().toISOString(), race_date: "2025-10-14",
        stages: { at_post: [], going_to_post: [], pre_race: [], early_market: [] },
        counts: { at_post: 0, going_to_post: 0, pre_race: 0, early_market: 0 }, total_races: 0, truncated: false,
      }),
    });
  });
  await check("loading state while the races load", page, async () => {
    await page.goto(`${BASE}/`);
    await page.waitForSelector('#board-grid[aria-busy="true"]');
    const text = await page.textContent("#board-status");
    assert(/Loading/.test(text), `status "${text}"`);
  });
  release();
  await check("empty state: no races today", page, async () => {
    await page.waitForSelector("#board-empty:not([hidden])", { timeout: 10000 });
    assert(/No races/.test(await page.textContent("#board-empty")), "no message");
    assert((await page.$$("#board-grid .card")).length === 0, "cards shown");
  });
  await ctx.close();
}

async function apiDownChecks(page) {
  if (!args.ctl) {
    console.log("# no --ctl: API-down checks skipped");
    return;
  }
  await fresh(page, "#board");
  await page.waitForSelector('#board-grid[aria-busy="false"] .card', { timeout: 20000 });
  const cards = await page.$$eval("#board-grid .card", (cs) => cs.length);
  let stopped = false;
  try {
    await check("dh-api stopped: the API-down banner appears, the last data stays", page, async () => {
      ctl("stop dh-api:*");
      stopped = true;
      await page.waitForSelector("#api-banner:not([hidden])", { timeout: 45000 });
      const text = await page.textContent("#api-banner");
      assert(/unreachable|unavailable/i.test(text), `banner "${text}"`);
      assert(/Trying again/.test(text), "no retry countdown");
      const now = await page.$$eval("#board-grid .card", (cs) => cs.length);
      assert(now === cards, `${now} cards, had ${cards}`);
    });
  } finally {
    if (stopped) ctl("start dh-api:*");
  }
  await check("dh-api back: the banner clears by itself", page, async () => {
    await page.waitForSelector("#api-banner[hidden]", { state: "attached", timeout: 60000 });
    assert(!(await page.isVisible("#api-banner")), "still shown");
  });
}

async function main() {
  const browser = await chromium.launch({
    executablePath: args.chromium || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-dev-shm-usage"],
  });
  try {
    const byStage = await api("/api/live-odds/races-by-stage");
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await ctx.newPage();
    const problems = watch(page);
    await check("the dashboard loads from / with its CSS and scripts", page, async () => {
      const res = await page.goto(`${BASE}/`);
      assert(res.ok(), `HTTP ${res.status()}`);
      assert((await page.title()).includes("DarkHorses"), "title");
      await page.waitForFunction(() => getComputedStyle(document.querySelector(".top")).display === "flex", null, { timeout: 10000 });
    });
    await boardChecks(page, byStage);
    await raceChecks(page, byStage);
    await keyboardCheck(page);
    await workersCheck(page);
    await statsCheck(page);
    await tablesCheck(page);
    await moversChecks(page);
    await analysisChecks(page);
    await formChecks(page);
    await contrastCheck(page, "dark");
    await contrastCheck(page, "light");
    await refreshCheck(page);
    await check("no script errors and no CSP violations", page, async () => assert(problems.length === 0, problems.join("; ")));
    await phoneChecks(browser, byStage);
    await phoneMarketChecks(browser, byStage);
    await statesChecks(browser);
    await apiDownChecks(page);
    await ctx.close();
  } catch (e) {
    failed++;
    console.log(`FAIL browser run: ${e && e.stack ? e.stack.split("\n").slice(0, 3).join(" ") : e}`);
  } finally {
    await browser.close();
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main();
