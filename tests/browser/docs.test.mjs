// The API docs pages in headless Chromium (Debian's, driven by
// playwright-core) against a running stack: /docs renders every operation of
// /openapi.json, the original dashboard's deep link opens its operation,
// /redoc renders, and neither page asks anything of another host or breaks
// its Content-Security-Policy.  Prints "ok NAME" or "FAIL NAME: DETAIL" per
// check (tests/integration/test_docs.py makes them its checks); exits 1 when
// anything failed.
//
//   node tests/browser/docs.test.mjs --base http://127.0.0.1:PORT [--chromium PATH]

import { chromium } from "playwright-core";

const argv = process.argv.slice(2);
const arg = (name, def) => (argv.includes("--" + name) ? argv[argv.indexOf("--" + name) + 1] : def);
const BASE = arg("base", "http://127.0.0.1:8080").replace(/\/$/, "");
// Swagger UI's own notice about underscores in deep links (every FastAPI
// operationId has them), not a fault of the page.
const BENIGN = /^Deprecated: escaping deep link whitespace/;

let failed = 0;
function check(name, ok, detail) {
  if (ok) console.log("ok " + name);
  else {
    failed++;
    console.log("FAIL " + name + ": " + detail);
  }
}

// Opens url in a new page; returns it with what it logged and asked elsewhere.
async function open(browser, url) {
  const page = await browser.newPage();
  const seen = { errors: [], outside: [] };
  page.on("console", (m) => {
    if (m.type() === "error" && !BENIGN.test(m.text())) seen.errors.push(m.text());
  });
  page.on("pageerror", (e) => seen.errors.push(e.message));
  page.on("request", (r) => {
    if (!/^(data|blob):/.test(r.url()) && !r.url().startsWith(BASE + "/")) seen.outside.push(r.url());
  });
  await page.goto(url);
  return { page, seen };
}

const spec = await (await fetch(BASE + "/openapi.json")).json();
const operations = Object.values(spec.paths).reduce((n, item) => n + Object.keys(item).length, 0);
const browser = await chromium.launch({
  executablePath: arg("chromium", "/usr/bin/chromium"),
  args: ["--no-sandbox", "--disable-dev-shm-usage"],
});
try {
  const link = "get_live_odds_api_live_odds_get";
  const { page, seen } = await open(browser, BASE + "/docs#/default/" + link);
  await page.waitForSelector(".opblock", { timeout: 30000 });
  await page.waitForSelector(".opblock.is-open", { timeout: 15000 }).catch(() => {});
  check(`/docs renders every operation of /openapi.json (${operations})`,
    (await page.locator(".opblock").count()) === operations, await page.locator(".opblock").count());
  const open_ = await page.locator(".opblock.is-open .opblock-summary-path").allTextContents();
  check(`the original dashboard's deep link /docs#/default/${link} opens GET /api/live-odds`,
    open_.length === 1 && open_[0].replace(/\u200b/g, "") === "/api/live-odds", JSON.stringify(open_));
  check("/docs logs no error (CSP included)", seen.errors.length === 0, seen.errors.join(" | "));
  check("/docs asks no other host for anything", seen.outside.length === 0, seen.outside.join(" "));
  await page.close();

  const redoc = await open(browser, BASE + "/redoc");
  await redoc.page.waitForSelector("[data-section-id]", { timeout: 30000 });
  await redoc.page.waitForTimeout(500);
  const sections = await redoc.page.locator("[data-section-id^='operation/']").count();
  check(`/redoc renders every operation (${sections} of ${operations})`, sections === operations, sections);
  check("/redoc logs no error (CSP included)", redoc.seen.errors.length === 0, redoc.seen.errors.join(" | "));
  check("/redoc asks no other host for anything", redoc.seen.outside.length === 0, redoc.seen.outside.join(" "));
} catch (e) {
  check("the docs pages load", false, e.message);
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
