"""What FastAPI gave the original's users, and its settings: the docs pages
(/docs: Swagger UI, /redoc: ReDoc) from the vendored npm packages with every
asset local, /openapi.json beside /api/openapi.json, the original's
operationIds for its docs' deep links, CORS on the read-only API
(DH_CORS_ORIGINS: "*" and a list, preflights answered by nginx, none on the
admin routes, never credentials), and the original's LOG_LEVEL values and
variables at start.  Two stacks without workers: the defaults with
LOG_LEVEL=INFO, then a list of origins with LOG_LEVEL=debug and the
original's SUPABASE_URL set.  The pages are also loaded in headless Chromium
(tests/browser/docs.test.mjs)."""
import html.parser
import os
import subprocess

import harness
from test_browser import CHROMIUM, node_checks
from test_replica import api_log

# The original's operationIds on the paths we serve (reference §1.1); its
# dashboard deep-links to the first and the sixth.
ORIGINAL_IDS = {
    "/health": "health_check_health_get",
    "/version": "version_check_version_get",
    "/api/live-odds": "get_live_odds_api_live_odds_get",
    "/api/live-odds/upcoming-races": "get_upcoming_races_api_live_odds_upcoming_races_get",
    "/api/live-odds/races-by-stage": "get_races_by_stage_api_live_odds_races_by_stage_get",
    "/api/live-odds/next-race": "get_next_race_api_live_odds_next_race_get",
    "/api/historical-odds": "get_historical_odds_api_historical_odds_get",
    "/api/historical-odds/summary": "get_historical_summary_api_historical_odds_summary_get",
    "/api/statistics": "get_statistics_api_statistics_get",
    "/api/scheduler-status": "get_scheduler_status_api_scheduler_status_get",
    "/api/bookmakers": "get_bookmakers_api_bookmakers_get",
    "/api/courses": "get_courses_api_courses_get",
}
DEEP_LINKS = ("get_live_odds_api_live_odds_get", "get_historical_odds_api_historical_odds_get")
ORIGIN = "https://odds.example.com"
LISTED = (ORIGIN, "http://localhost:3000")
CORS_HEADERS = ("access-control-allow-origin", "access-control-allow-methods", "access-control-allow-headers",
                "access-control-max-age", "access-control-allow-credentials")


class Assets(html.parser.HTMLParser):
    """The URLs a page loads: scripts, stylesheets, icons, ReDoc's spec-url."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.urls.append(a["src"])
        elif tag == "link" and a.get("href"):
            self.urls.append(a["href"])
        elif tag == "redoc" and a.get("spec-url"):
            self.urls.append(a["spec-url"])
        elif tag in ("img", "iframe") and a.get("src"):
            self.urls.append(a["src"])


def cors(r):
    return {k: v for k, v in r.headers.items() if k in CORS_HEADERS}


def vary(r):
    return [v.strip().lower() for v in r.headers.get("vary", "").split(",")]


def check_pages(t, st):
    for page, marker in (("/docs", b"swagger-ui"), ("/redoc", b"<redoc")):
        r = st.get(page)
        t.check("GET %s 200 HTML" % page, r.status == 200 and r.headers.get("content-type", "").startswith(
            "text/html") and marker in r.body, r)
        csp = r.headers.get("content-security-policy", "")
        t.check("%s: a Content-Security-Policy that allows only this origin" % page,
                "default-src 'self'" in csp and "script-src 'self'" in csp and "connect-src 'self'" in csp
                and "http" not in csp and "*" not in csp, csp)
        parser = Assets()
        parser.feed(r.body.decode())
        urls = parser.urls
        t.check("%s loads local assets only (%d)" % (page, len(urls)), urls and all(
            u.startswith("/") and not u.startswith("//") for u in urls), urls)
        for u in urls:
            a = st.get(u)
            t.check("%s asset %s answers 200" % (page, u), a.status == 200 and a.body, a)
    r = st.get("/apidocs/redoc/redoc.standalone.js")
    t.check("ReDoc's bundle loads its menu logo locally, not from Redocly's CDN",
            r.status == 200 and b"cdn.redoc.ly" not in r.body and b"/apidocs/redoc/logo-mini.svg" in r.body)
    t.check("the logo it loads answers 200", st.get("/apidocs/redoc/logo-mini.svg").status == 200)
    r = st.get("/apidocs/docs.js")
    t.check("/docs's script reads /openapi.json, sends no validator request, maps #/default/ deep links",
            r.status == 200 and b'"/openapi.json"' in r.body and b"validatorUrl: null" in r.body
            and b"#\\/default\\/" in r.body, r)
    with open(os.path.join(harness.ROOT, "build", "static", "apidocs", ".version")) as f:
        versions = f.read().split()
    t.check("the docs are the pinned npm packages (%s)" % " ".join(versions),
            versions[0] == "swagger-ui-dist" and versions[2] == "redoc")


def check_spec(t, st):
    a, b = st.get("/openapi.json"), st.get("/api/openapi.json")
    t.check("/openapi.json and /api/openapi.json answer 200 JSON", a.is_json() and b.is_json()
            and a.status == b.status == 200, (a, b))
    t.check("/openapi.json equals /api/openapi.json", a.json() == b.json())
    spec = b.json() or {}
    ids = {}
    for path, item in spec.get("paths", {}).items():
        for method, op in item.items():
            ids.setdefault(op.get("operationId"), []).append((method, path))
    t.check("every operation has an operationId, each once", None not in ids and all(
        len(v) == 1 for v in ids.values()), [k for k, v in ids.items() if len(v) > 1 or k is None])
    for path, op_id in ORIGINAL_IDS.items():
        t.check("GET %s is the original's %s" % (path, op_id), ids.get(op_id) == [("get", path)], ids.get(op_id))
    for op_id in DEEP_LINKS:
        t.check("the original dashboard's deep link /docs#/default/%s names an operation" % op_id, op_id in ids)


def check_browser(t, st):
    """The pages in headless Chromium: tests/browser/docs.test.mjs."""
    if t.check("chromium present (%s, scripts/deps.sh)" % CHROMIUM, os.access(CHROMIUM, os.X_OK)):
        node_checks(t, "docs.test.mjs", "--base", "http://127.0.0.1:%d" % st.http_port, env=st.env, timeout=300)


def check_cors_any(t, st):
    r = st.get("/api/bookmakers", headers={"Origin": ORIGIN})
    t.check("a simple GET with an Origin: Access-Control-Allow-Origin: *, nothing else",
            r.status == 200 and cors(r) == {"access-control-allow-origin": "*"}, r.headers)
    t.check("with *, no Vary: Origin (the value does not depend on it)", "origin" not in vary(r), r.headers)
    r = st.get("/api/bookmakers", headers={"Origin": "http://elsewhere.test"})
    t.check("the same from the micro-cache (%s)" % r.headers.get("x-cache"),
            r.headers.get("x-cache") == "HIT" and cors(r) == {"access-control-allow-origin": "*"}, r.headers)
    for path in ("/health", "/api/openapi.json", "/openapi.json", "/api/no-such", "/api/courses?limit=abc"):
        r = st.get(path, headers={"Origin": ORIGIN})
        t.check("GET %s (%d) carries Access-Control-Allow-Origin: *" % (path, r.status),
                r.headers.get("access-control-allow-origin") == "*", r.headers)
    r = st.request("/api/live-odds", method="OPTIONS", headers={
        "Origin": ORIGIN, "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "x-requested-with, content-type"})
    t.check("a preflight is answered by nginx: 204, GET, HEAD, OPTIONS, the headers echoed, Max-Age 600",
            r.status in (200, 204) and cors(r) == {
                "access-control-allow-origin": "*", "access-control-allow-methods": "GET, HEAD, OPTIONS",
                "access-control-allow-headers": "x-requested-with, content-type",
                "access-control-max-age": "600"}, (r.status, r.headers))
    r = st.request("/api/live-odds", method="OPTIONS", headers={"Origin": ORIGIN})
    t.check("OPTIONS that is no preflight is the API's 405", r.status == 405 and r.is_json(), r)
    for path in ("/api/db-health/stats", "/metrics"):
        r = st.get(path, headers={"Origin": ORIGIN, "Authorization": "Bearer nope"})
        t.check("admin GET %s (%d): no CORS headers" % (path, r.status), r.status in (200, 401, 403)
                and not cors(r), r.headers)
        r = st.request(path, method="OPTIONS", headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET"})
        t.check("admin preflight %s (%d): not answered, no CORS headers" % (path, r.status),
                r.status not in (200, 204) and not cors(r), (r.status, r.headers))


def check_cors_list(t, st):
    for origin in LISTED:
        r = st.get("/api/courses", headers={"Origin": origin})
        t.check("listed %s is echoed, with Vary: Origin" % origin, r.status == 200
                and cors(r) == {"access-control-allow-origin": origin} and "origin" in vary(r), r.headers)
    r = st.get("/api/courses", headers={"Origin": "https://evil.example"})
    t.check("an origin not listed gets no CORS headers, from the micro-cache too (%s)" % r.headers.get("x-cache"),
            r.status == 200 and not cors(r) and "origin" in vary(r) and r.headers.get("x-cache") == "HIT",
            r.headers)
    r = st.get("/api/courses")
    t.check("no Origin: no CORS headers, Vary: Origin", not cors(r) and "origin" in vary(r), r.headers)
    r = st.request("/api/courses", method="OPTIONS", headers={
        "Origin": LISTED[1], "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "x-a"})
    t.check("a listed origin's preflight: 204 with its origin", r.status in (200, 204) and cors(r) == {
        "access-control-allow-origin": LISTED[1], "access-control-allow-methods": "GET, HEAD, OPTIONS",
        "access-control-allow-headers": "x-a", "access-control-max-age": "600"}, (r.status, r.headers))
    r = st.request("/api/courses", method="OPTIONS", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "GET"})
    t.check("another origin's preflight is refused (%d), no CORS headers" % r.status,
            r.status not in (200, 204) and not cors(r), (r.status, r.headers))


def check_settings(t):
    config = os.path.join(harness.ROOT, "build", "bin", "dh-config")
    for value, want in (("INFO", "info"), ("debug", "debug"), ("WARNING", "warn"), ("Critical", "error")):
        p = subprocess.run([config], env=dict(os.environ, LOG_LEVEL=value), capture_output=True, text=True)
        t.check("LOG_LEVEL=%s accepted as %s" % (value, want), p.returncode == 0
                and "LOG_LEVEL='%s'" % want in p.stdout, p.stderr)
    p = subprocess.run([config], env=dict(os.environ, DH_CORS_ORIGINS="odds.example.com"),
                       capture_output=True, text=True)
    t.check("dh-config refuses a bad DH_CORS_ORIGINS with exit 78 and one message naming it",
            p.returncode == 78 and "DH_CORS_ORIGINS" in p.stderr and "odds.example.com" in p.stderr
            and len(p.stderr.strip().splitlines()) == 1, (p.returncode, p.stderr))
    env = dict(os.environ, DH_CORS_ORIGINS="https://a.example/", DH_VAR_DIR="/tmp/dh-docs-config-error")
    p = subprocess.run([os.path.join(harness.ROOT, "scripts", "stack.sh"), "start"], env=env,
                       capture_output=True, text=True)
    t.check("stack.sh start stops there with exit 78, before anything is made", p.returncode == 78
            and "DH_CORS_ORIGINS" in p.stderr and not os.path.exists(env["DH_VAR_DIR"]), p.stderr)


def start(t, st):
    """Starts st, returning stack.sh's stderr (dh-config's warnings)."""
    p = st.script("start")
    st.started = True
    return p.stderr


def run(t):
    t.area(check_settings, t)
    failed_before = t.failed
    st = harness.Stack("docs", DH_WORKERS="none", LOG_LEVEL="INFO")
    try:
        start(t, st)
        t.check("the stack starts with the original's LOG_LEVEL=INFO", st.get("/health").status == 200)
        t.area(check_pages, t, st)
        t.area(check_spec, t, st)
        t.area(check_browser, t, st)
        t.area(check_cors_any, t, st)
    finally:
        if t.failed > failed_before:
            st.keep_logs()
        st.cleanup()
    failed_before = t.failed
    st = harness.Stack("docs-cors", DH_WORKERS="none", LOG_LEVEL="debug", DH_CORS_ORIGINS=",".join(LISTED),
                       SUPABASE_URL="https://abc.supabase.co")
    try:
        err = start(t, st)
        t.check("the stack starts with LOG_LEVEL=debug and names SUPABASE_URL as not used: set DATABASE_URL",
                st.get("/health").status == 200 and "SUPABASE_URL is set but not used" in err
                and "set DATABASE_URL" in err, err[-1500:])
        ok = st.wait_for(lambda: "SUPABASE_URL is set but not used" in api_log(st), timeout=10)
        t.check("dh-api says so in its log at start", ok, api_log(st)[-1000:])
        t.area(check_cors_list, t, st)
    finally:
        if t.failed > failed_before:
            st.keep_logs()
        st.cleanup()
