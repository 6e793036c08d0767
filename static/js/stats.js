// The statistics panel: headline figures and small charts from the latest
// snapshots (/api/statistics, written by dh-statistics every 10 minutes),
// the backfill's totals (/api/historical-odds/summary) and the historical
// coverage, dates present and missing (/api/historical-odds/coverage).

import * as api from "./api.js";
import * as charts from "./charts.js";
import * as clock from "./clock.js";
import { byId, h, setText } from "./dom.js";
import * as fmt from "./fmt.js";

const REFRESH_MS = 60000;

let visible = false;
let timer = null;
let loaded = false;

const get = (o, path) => path.split(".").reduce((v, k) => (v && typeof v === "object" ? v[k] : undefined), o);

function figures(title, items) {
  return h("dl", { class: "figures", "aria-label": title },
    items.map(([label, value, note]) => h("div", { class: "figure" },
      h("dt", null, label), h("dd", null, value, note ? h("span", { class: "note" }, note) : null))));
}

/* records_per_date [{date, records}] (newest first) as bars, oldest on the left. */
function perDate(list, title) {
  const items = (Array.isArray(list) ? list : []).slice().reverse()
    .map((d) => ({ label: fmt.date(d.date), short: String(d.date || "").slice(5), value: d.records }));
  return charts.barChart(items, { title });
}

function card(title, ...content) {
  return h("section", { class: "stat-card" }, h("h3", null, title), ...content);
}

function liveCard(live, snap) {
  const now = clock.now();
  return card("Live odds",
    figures("Live odds figures", [
      ["Prices", fmt.num(get(live, "total_records"))],
      ["Races", fmt.num(get(live, "unique_entities.races"))],
      ["Horses", fmt.num(get(live, "unique_entities.horses"))],
      ["Courses", fmt.num(get(live, "unique_entities.courses"))],
      ["Bookmakers", fmt.num(get(live, "unique_entities.bookmakers"))],
      ["Bookmakers a runner", fmt.text(get(live, "odds_coverage.avg_bookmakers_per_runner"))],
      ["Fetched, last hour", fmt.num(get(live, "recent_activity.last_hour"))],
      ["Price changes, 24 h", fmt.num(get(live, "history_records"))],
      ["Latest fetch", fmt.relative(get(live, "latest_fetch"), now), fmt.dateTime(get(live, "latest_fetch"))],
    ]),
    h("p", { class: "meta" }, `Snapshot ${fmt.dateTime(get(snap, "taken_at"))}`));
}

function historicalCard(hist, snap, summary) {
  const s = (summary && summary.summary) || {};
  return card("Historical odds",
    figures("Historical odds figures", [
      ["Runner rows", fmt.num(get(hist, "total_records") ?? s.total_records)],
      ["Races", fmt.num(get(hist, "unique_entities.races") ?? s.total_races)],
      ["Horses", fmt.num(get(hist, "unique_entities.horses"))],
      ["Tracks", fmt.num(get(hist, "unique_entities.tracks"))],
      ["From", fmt.date(get(hist, "date_range.earliest") ?? s.earliest_date)],
      ["To", fmt.date(get(hist, "date_range.latest") ?? s.latest_date)],
      ["Days done", fmt.num(s.days_done)],
      ["Days missing", fmt.num(s.days_missing)],
      ["Days failed", fmt.num(s.days_failed)],
    ]),
    h("p", { class: "meta" }, `Snapshot ${fmt.dateTime(get(snap, "taken_at"))}`));
}

function chartsCard(live, hist) {
  const books = (get(live, "bookmaker_coverage") || []).slice(0, 30)
    .map((b) => ({ label: b.bookmaker || b.bookmaker_id, value: b.records }));
  return [
    card("Live prices per race date", perDate(get(live, "records_per_date"), "Live prices per race date")),
    card("Historical rows per date", perDate(get(hist, "records_per_date"), "Historical rows per race date")),
    card("Bookmaker coverage (live prices)", charts.hbarChart(books, { title: "Live prices per bookmaker" })),
  ];
}

const COVERAGE_STATES = [
  ["present", "Odds present"], ["no_racing", "No racing"], ["missing", "Missing"],
  ["failed", "Failed"], ["unknown", "Not tried"],
];

function dayClass(d) {
  if (d.has_data) return "present";
  if (d.state === "done") return "no_racing";
  if (d.state === "failed") return "failed";
  if (d.state === "missing") return "missing";
  return "unknown";
}

function coverage(cov) {
  if (!cov) return [h("p", { class: "meta" }, fmt.DASH)];
  const days = Array.isArray(cov.dates) ? cov.dates : [];
  const counts = {};
  for (const d of days) counts[dayClass(d)] = (counts[dayClass(d)] || 0) + 1;
  // Weeks as columns, Monday at the top, like a wall calendar turned sideways.
  const cal = h("ol", { class: "calendar", "aria-label": `Days from ${fmt.date(cov.from)} to ${fmt.date(cov.to)}` },
    days.map((d, i) => {
      const cls = dayClass(d);
      const weekday = i === 0 ? ` start-${(new Date(`${d.date}T00:00:00Z`).getUTCDay() + 6) % 7}` : "";
      const label = `${fmt.date(d.date)}: ${COVERAGE_STATES.find(([k]) => k === cls)[1]}`
        + (d.rows ? `, ${fmt.num(d.rows)} rows` : "") + (d.last_error ? ` (${d.last_error})` : "");
      return h("li", { class: `day ${cls}${weekday}`, title: label }, h("span", { class: "sr-only" }, label));
    }));
  const missing = Array.isArray(cov.missing) ? cov.missing : [];
  return [
    h("p", null, `${fmt.date(cov.from)} to ${fmt.date(cov.to)}: `,
      h("strong", null, `${fmt.num(cov.present_count)} days present`), ", ",
      h("strong", null, `${fmt.num(cov.missing_count)} missing`), "."),
    h("ul", { class: "legend cov-legend" }, COVERAGE_STATES.map(([k, label]) =>
      h("li", { class: `day-key ${k}` }, h("span", { class: `swatch day ${k}`, "aria-hidden": "true" }), ` ${label} (${counts[k] || 0})`))),
    cal,
    missing.length
      ? h("details", { class: "missing-list" }, h("summary", null, `Missing dates (${missing.length})`),
        h("ul", null, missing.map((d) => h("li", null, fmt.date(d)))))
      : h("p", { class: "meta" }, "No missing dates in this range."),
  ];
}

async function refresh() {
  clearTimeout(timer);
  const [stats, summary, cov] = await Promise.allSettled([
    api.getJSON("/api/statistics?table=all"),
    api.getJSON("/api/historical-odds/summary"),
    api.getJSON("/api/historical-odds/coverage"),
  ]);
  const ok = (r) => (r.status === "fulfilled" ? r.value : null);
  if (!ok(stats) && !ok(cov) && loaded) {
    if (visible) timer = setTimeout(refresh, REFRESH_MS);
    return;	// keep what is shown
  }
  const st = ok(stats) || {};
  const live = get(st, "statistics.live"), hist = get(st, "statistics.historical");
  const body = byId("stats-body");
  if (ok(stats)) {
    body.replaceChildren(
      h("div", { class: "stat-grid" }, liveCard(live, get(st, "snapshots.live")),
        historicalCard(hist, get(st, "snapshots.historical"), ok(summary))),
      h("div", { class: "stat-grid charts" }, chartsCard(live, hist)));
  } else if (!loaded) {
    body.replaceChildren(h("p", { class: "error" }, `Could not load the statistics: ${stats.reason.message}`));
  }
  if (ok(cov)) byId("coverage").replaceChildren(...coverage(ok(cov)));
  else if (!loaded) byId("coverage").replaceChildren(h("p", { class: "error" }, `Could not load the coverage: ${cov.reason.message}`));
  loaded = loaded || Boolean(ok(stats));
  setText(byId("stats-status"), loaded ? `Updated ${fmt.timeSecs(clock.now())} · the statistics worker takes a snapshot every 10 minutes` : "Trying again…");
  if (visible) timer = setTimeout(refresh, REFRESH_MS);
}

export function setVisible(on) {
  const was = visible;
  visible = on;
  if (on && !was) refresh();
  if (!on) clearTimeout(timer);
}

export function start() {
  api.onOnline(() => visible && refresh());
}
