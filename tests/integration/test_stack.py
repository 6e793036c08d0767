"""The foundation, end to end: supervisord runs PostgreSQL, nginx and the
dh-api pool; health, errors, validation, the micro-cache, rate limiting, TLS,
a killed API process, a database restart, and a clean SIGTERM stop."""
import concurrent.futures
import os
import re
import shutil
import signal
import subprocess
import threading
import time

import harness


def check_programs(t, st):
    states = st.status()
    api = [p for p in states if p.startswith("dh-api:")]
    t.check("supervisord runs postgres, nginx and the dh-api pool",
            states.get("postgres") == "RUNNING" and states.get("nginx") == "RUNNING"
            and len(api) == 4 and all(states[p] == "RUNNING" for p in api), states)
    p = subprocess.run([os.path.join(harness.ROOT, "scripts", "stack.sh"), "status"], env=st.env,
                       capture_output=True, text=True)
    t.check("stack.sh status lists the programs", p.returncode == 0 and "dh-api:dh-api_00" in p.stdout, p.stdout)


def owner(path):
    import pwd
    st_ = os.lstat(path)
    return pwd.getpwuid(st_.st_uid).pw_name, st_.st_mode & 0o7777


def process_user(pid):
    import pwd
    with open("/proc/%d/status" % pid) as f:
        uids = re.search(r"^Uid:\s+(\d+)\s+(\d+)\s+(\d+)", f.read(), re.M).groups()
    return "/".join(sorted({pwd.getpwuid(int(u)).pw_name for u in uids}))


def environ(pid):
    with open("/proc/%d/environ" % pid, "rb") as f:
        return dict(kv.partition(b"=")[::2] for kv in f.read().split(b"\0") if kv)


def check_privileges(t, st):
    """Issue 16, item 1: every program's user under a stack started as root;
    item 2: dh-api's environment; the secrets and var/run files."""
    if os.geteuid() != 0:
        return t.check("privilege checks need root (skipped)", True)
    users = {}
    for line in st.ctl("status").splitlines():
        m = re.match(r"(\S+)\s+RUNNING\s+pid (\d+)", line)
        if m:
            users[m.group(1)] = process_user(int(m.group(2)))
    nginx_pid = st.pid("nginx")
    children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(nginx_pid)], capture_output=True,
                              text=True).stdout.split()
    users["nginx workers"] = "/".join(sorted({process_user(int(c)) for c in children}))
    print("      uids: " + ", ".join("%s=%s" % kv for kv in sorted(users.items())), flush=True)
    ours = [p for p in users if p.startswith(("dh-api:", "workers:", "dh-racing-sim"))]
    t.check("dh-api, the workers and the simulator run as darkhorses",
            len(ours) >= 5 and all(users[p] == "darkhorses" for p in ours), users)
    t.check("postgres runs as postgres, nginx's master as root, its workers as www-data",
            users.get("postgres") == "postgres" and users.get("nginx") == "root"
            and users.get("nginx workers") == "www-data", users)
    env = environ(st.pid("dh-api:dh-api_00"))
    secrets = st.secrets()
    leaked = [k for k, v in env.items() if secrets["WRITER_PASSWORD"].encode() in v]
    t.check("dh-api's environment: the reader's URL, not the writer's password nor Racing API credentials",
            not leaked and secrets["READER_PASSWORD"].encode() in env.get(b"DATABASE_READ_URL", b"")
            and env.get(b"RACING_API_PASSWORD", b"") == b"" and env.get(b"RACING_API_USERNAME", b"") == b"",
            (leaked, sorted(env)))
    t.check("the role passwords live in a root-owned 0700 directory outside the cluster's",
            owner(os.path.join(st.var, "secrets")) == ("root", 0o700)
            and owner(os.path.join(st.var, "secrets", "db.env"))[0] == "root"
            and not os.path.exists(os.path.join(st.var, "pg", "secrets.env")),
            owner(os.path.join(st.var, "secrets")))
    data = os.path.join(st.var, "pg", "data")
    t.check("the cluster's files DarkHorses writes are the postgres user's",
            all(owner(os.path.join(data, f))[0] == "postgres"
                for f in ("pg_hba.conf", "pg_ident.conf", "darkhorses.conf", "postgresql.conf")))
    t.check("var/run state files: regular, darkhorses, 0600",
            all(owner(os.path.join(st.var, "run", f)) == ("darkhorses", 0o600)
                for f in ("racing-api.rate", "dh-api.metrics")),
            [owner(os.path.join(st.var, "run", f)) for f in ("racing-api.rate", "dh-api.metrics")])


def check_nginx_unreachable(t):
    """www-data cannot reach var/: the start stops and says how to fix it."""
    if os.geteuid() != 0:
        return
    closed = __import__("tempfile").mkdtemp(prefix="dh-closed-")   # mode 0700
    try:
        env = dict(os.environ, DH_VAR_DIR=os.path.join(closed, "var"), DH_HTTP_PORT=str(harness.free_port()),
                   DH_SIM_PORT=str(harness.free_port()))
        p = subprocess.run([os.path.join(harness.ROOT, "scripts", "stack.sh"), "start"], env=env,
                           capture_output=True, text=True, timeout=300)
        t.check("www-data cannot reach var/: the start fails naming www-data and the fix, nginx never as root",
                p.returncode != 0 and "www-data" in p.stderr and "chmod o+x" in p.stderr
                and not os.path.exists(os.path.join(closed, "var", "run", "supervisord.pid")), p.stderr[-600:])
    finally:
        subprocess.run([os.path.join(harness.ROOT, "scripts", "stack.sh"), "stop"], env=env,
                       capture_output=True, text=True)
        shutil.rmtree(closed, ignore_errors=True)


def check_api_headers(t, st):
    """Issue 16, item 4: API answers carry nosniff and frame-ancestors;
    plain HTTP redirects to the server_name, not the client's Host."""
    for path in ("/api/courses?limit=1", "/health", "/api/no-such"):
        r = st.get(path)
        t.check("%s: X-Content-Type-Options nosniff, CSP frame-ancestors 'none'" % path,
                r.headers.get("x-content-type-options") == "nosniff"
                and "frame-ancestors 'none'" in r.headers.get("content-security-policy", ""), r.headers)
    r = st.get("/api/courses?limit=1", https=False, headers={"Host": "evil.example"})
    t.check("plain HTTP redirects to HTTPS at the server_name, whatever the Host",
            r.status == 301 and r.headers.get("location") ==
            "https://localhost:%d/api/courses?limit=1" % st.https_port, (r.status, r.headers))
    r = st.get("/health", https=False)
    t.check("plain HTTP /health still answers loopback tools", r.status == 200 and r.is_json(), r)


def check_dh_api_settings(t, st):
    """Issue 16, item 4: dh-api over TCP without FCGI_WEB_SERVER_ADDRS
    refuses to start; item 8: DH_QUERY_HEADERS=off drops X-Query-*."""
    port = harness.free_port()
    api = os.path.join(harness.ROOT, "build", "bin", "dh-api")
    env = dict(st.env, DATABASE_READ_URL=st.role_url("dh_reader"), DATABASE_URL="", FCGI_WEB_SERVER_ADDRS="")
    p = subprocess.run([api, "--listen", "127.0.0.1:%d" % port], env=env, capture_output=True, text=True,
                       stdin=subprocess.DEVNULL, timeout=30)
    t.check("dh-api over TCP without FCGI_WEB_SERVER_ADDRS: exit 78 naming it",
            p.returncode == 78 and "FCGI_WEB_SERVER_ADDRS" in p.stderr, (p.returncode, p.stderr[-300:]))
    for setting, want in (("on", True), ("off", False)):
        proc = subprocess.Popen([api, "--listen", "127.0.0.1:%d" % port], env=dict(
            env, FCGI_WEB_SERVER_ADDRS="127.0.0.1", DH_QUERY_HEADERS=setting),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        def answer():
            try:
                o = harness.fcgi_get("127.0.0.1", port, "/api/health")
            except OSError:
                return None
            return o if o.startswith(b"Status: 200") else None
        try:
            out = harness.wait_for(answer, 15) or b""
        finally:
            proc.terminate()
            proc.wait(timeout=15)
        head = out.split(b"\r\n\r\n")[0]
        t.check("DH_QUERY_HEADERS=%s: X-Query-Count and X-Query-Time %s" % (setting, "sent" if want else "not sent"),
                out.startswith(b"Status: 200") and (b"X-Query-Count:" in head) == want
                and (b"X-Query-Time:" in head) == want, head)


def check_health(t, st):
    for path in ("/health", "/api/health"):
        r = st.get(path)
        body = r.json() or {}
        t.check("GET %s 200 JSON healthy" % path,
                r.status == 200 and r.is_json() and body.get("status") == "healthy"
                and body.get("database") == "connected" and body.get("schema_version"), r)
        t.check("GET %s carries X-Query-Count, X-Query-Time, Cache-Control: no-store" % path,
                r.headers.get("x-query-count") == "1" and "x-query-time" in r.headers
                and r.headers.get("cache-control") == "no-store", r.headers)


def check_errors(t, st):
    r = st.get("/api/no-such-endpoint")
    t.check("unknown API path 404 JSON naming the path",
            r.status == 404 and r.is_json() and "not found" in r.json().get("detail", ""), r)
    r = st.get("/api/health", method="POST", body=b"{}", headers={"Content-Type": "application/json"})
    t.check("POST 405 JSON with Allow", r.status == 405 and r.is_json()
            and r.headers.get("allow") == "GET, HEAD", r)
    r = st.get("/api/health", method="DELETE")
    t.check("DELETE 405 JSON", r.status == 405 and r.is_json(), r)
    r = st.get("/api/health", method="HEAD")
    t.check("HEAD 200 without a body", r.status == 200 and r.body == b"", r)

    r = st.get("/api/courses?limit=abc")
    d = r.json() or {}
    t.check("bad parameter 422 naming it",
            r.status == 422 and r.is_json() and d["detail"][0]["loc"] == ["query", "limit"]
            and "limit" in d["detail"][0]["msg"], r)
    r = st.get("/api/courses?limit=0&offset=-1&region=mars")
    t.check("every bad parameter is named", r.status == 422 and
            sorted(i["loc"][1] for i in r.json()["detail"]) == ["limit", "offset", "region"], r)
    r = st.get("/api/courses?limit=5")
    t.check("valid parameters 200", r.status == 200 and r.json().get("success") is True, r)


def check_bad_input(t, st):
    cases = [
        ("bad percent-encoding", "/api/courses?limit=%zz", (400,)),
        ("truncated percent-encoding", "/api/courses?limit=5%", (400,)),
        ("percent-encoded NUL", "/api/courses?region=gb%00ire", (422,)),
        ("8 KB value", "/api/courses?region=" + "x" * 8000, (422, 414)),
        ("repeated key", "/api/courses?limit=1&limit=2", (422,)),
        ("invalid UTF-8", "/api/courses?region=%C3%28", (422,)),
        ("SQL injection text", "/api/courses?region=gb%27%3B%20DROP%20TABLE%20ra_courses%3B--", (422,)),
        ("unicode value", "/api/courses?region=%E2%80%93", (422,)),
        ("huge integer", "/api/courses?limit=99999999999999999999999", (422,)),
        ("unknown parameters ignored", "/api/courses?foo=bar&&&=x&y", (200,)),
        ("20 KB query string", "/api/courses?" + "a=b&" * 5000, (400, 414)),
    ]
    for name, path, statuses in cases:
        r = st.get(path)
        t.check("bad input: %s -> %s JSON" % (name, "/".join(map(str, statuses))),
                r.status in statuses and r.is_json(), r)
    rc, out, err = st.psql("SELECT count(*) FROM ra_courses")
    t.check("the injection string did not reach SQL as text", rc == 0, err)
    alive = [p for p, s in st.status().items() if p.startswith("dh-api:") and s == "RUNNING"]
    t.check("no dh-api process died on bad input", len(alive) == 4, st.status())


def check_asset_versions(t, st, page):
    """The page names its assets under /v/VERSION/ (scripts/assets.sh), kept a year."""
    with open(os.path.join(harness.ROOT, "build", "static", ".version")) as f:
        version = f.read().strip()
    named = set(re.findall(rb'(?:href|src)="(/v/[^"]+)"', page))
    t.check("the page names its stylesheet, script and icon under /v/%s/" % version,
            {b"/v/%s/css/app.css" % version.encode(), b"/v/%s/js/main.js" % version.encode(),
             b"/v/%s/favicon.svg" % version.encode()} == named, named)
    # main.js imports ./api.js: the module graph resolves under the same prefix.
    for path in ("/v/%s/js/main.js" % version, "/v/%s/js/api.js" % version, "/v/%s/css/app.css" % version):
        r = st.get(path)
        t.check("%s: kept a year, immutable, nosniff" % path, r.status == 200
                and r.headers.get("cache-control") == "public, max-age=31536000, immutable"
                and r.headers.get("x-content-type-options") == "nosniff", (r.status, r.headers))
    with open(os.path.join(harness.ROOT, "static", "js", "main.js"), "rb") as f:
        t.check("the versioned script is static/js/main.js", st.get("/v/%s/js/main.js" % version).body == f.read())
    r = st.get("/v/000000000000/js/main.js")
    t.check("a version never built: 404", r.status == 404, r.status)
    r = st.get("/style.css")
    t.check("an asset asked for without a version is revalidated",
            r.status == 200 and r.headers.get("cache-control") == "no-cache", r.headers)
    # A deploy into the same directory: a new version beside the old (pages
    # loaded before it keep their assets), the three newest kept.
    dst, changed = os.path.join(st.var, "assets"), os.path.join(st.var, "static-changed")
    shutil.copytree(os.path.join(harness.ROOT, "static"), changed)
    versions, errors = [], ""
    for n in range(5):
        if n > 0:
            with open(os.path.join(changed, "js", "fmt.js"), "a") as f:
                f.write("\n// change %d\n" % n)
        p = subprocess.run(["sh", os.path.join(harness.ROOT, "scripts", "assets.sh"), changed, dst],
                           capture_output=True, text=True)
        errors += p.stderr
        with open(os.path.join(dst, ".version")) as f:
            versions.append(f.read().strip())
        time.sleep(0.02)
    with open(os.path.join(dst, "index.html")) as f:
        page = f.read()
    kept = sorted(os.listdir(os.path.join(dst, "v")))
    t.check("a changed module makes a new version; the page names the newest; three kept (%s)" % " ".join(versions),
            versions[0] == version and len(set(versions)) == 5 and "/v/%s/js/main.js" % versions[-1] in page
            and kept == sorted(versions[2:]) and not errors, (kept, errors))


def check_static(t, st):
    r = st.get("/")
    t.check("dashboard at / with security headers",
            r.status == 200 and b"<html" in r.body.lower()
            and r.headers.get("x-content-type-options") == "nosniff"
            and "content-security-policy" in r.headers, r.headers)
    t.check("the page is revalidated on every load", "no-cache" in r.headers.get("cache-control", ""), r.headers)
    check_asset_versions(t, st, r.body)
    rc, _, err = st.psql("INSERT INTO ra_courses (course_id, name, region_code, region) "
                         "SELECT 'crs_' || i, 'Course ' || i, 'GB', 'Great Britain' FROM generate_series(1, 12) i")
    r = st.get("/api/courses?limit=50&gz=1", headers={"Accept-Encoding": "gzip"})
    t.check("JSON answers are gzipped", rc == 0 and r.headers.get("content-encoding") == "gzip"
            and "Accept-Encoding" in r.headers.get("vary", ""), (err, r.headers))
    # Other workers may be adding courses meanwhile: compare with the table, twice at most.
    # Each try its own offset: the micro-cache keys on the route's parameters only.
    for offset in (10, 11):
        rc, want, _ = st.psql("SELECT string_agg(course_id, ',') FROM (SELECT course_id FROM ra_courses"
                              " WHERE region_code = 'GB' ORDER BY name, course_id LIMIT 5 OFFSET %d) c" % offset)
        r = st.get("/api/courses?limit=5&offset=%d&region=gb" % offset)
        d = r.json() or {}
        got = ",".join(c["course_id"] for c in d.get("courses", []))
        if got == want:
            break
    t.check("GET /api/courses pages and filters like the table", r.status == 200 and d.get("count") == 5
            and got == want and isinstance(d["courses"][0]["course_id"], str), (want, got))


def check_cache(t, st):
    path = "/api/courses?limit=3&offset=%d" % (time.time_ns() % 50000)   # a key nobody asked for yet
    first, second = st.get(path), st.get(path)
    t.check("micro-cache: first MISS, repeat HIT",
            first.headers.get("x-cache") == "MISS" and second.headers.get("x-cache") == "HIT"
            and first.body == second.body, (first.headers, second.headers))
    a, b = st.get("/api/health"), st.get("/api/health")
    t.check("no-store answers are never cached", b.headers.get("x-cache") != "HIT", b.headers)


def check_tls(t, st):
    r = st.get("/api/health", https=True)
    t.check("HTTPS with a self-signed certificate", r.status == 200 and r.is_json(), r)
    t.check("HSTS on the TLS server", "strict-transport-security" in r.headers, r.headers)


def check_migrations(t, st):
    env = dict(st.env, DATABASE_MIGRATE_URL=st.admin_url())
    p = subprocess.run([os.path.join(harness.ROOT, "build", "bin", "dh-migrate"), "--dir",
                        os.path.join(harness.ROOT, "sql", "migrations")], env=env, capture_output=True, text=True)
    t.check("migrations are safe to run twice", p.returncode == 0 and "0 applied now" in p.stderr, p.stderr)
    rc, out, _ = st.psql("SELECT count(*) FROM schema_migrations")
    files = [f for f in os.listdir(os.path.join(harness.ROOT, "sql", "migrations")) if f.endswith(".sql")]
    t.check("schema_migrations records every file", rc == 0 and out == str(len(files)), out)
    secrets = st.secrets()
    reader = "postgresql://dh_reader:%s@/darkhorses?host=%s/run/pg" % (secrets["READER_PASSWORD"], st.var)
    rc, out, err = st.psql("INSERT INTO ra_courses (course_id, name, region_code) VALUES ('crs_x', 'X', 'GB')", reader)
    t.check("the API's role cannot write", rc != 0 and "permission denied" in err, err)
    rc, out, err = st.psql("SELECT count(*) FROM ra_courses", reader)
    t.check("the API's role can read", rc == 0, err)
    p = subprocess.run([os.path.join(harness.ROOT, "tests", "sql", "check-schema.sh"), st.admin_url()],
                       capture_output=True, text=True, timeout=300)
    t.check("schema checks (tests/sql/check-schema.sh)", p.returncode == 0, (p.stdout + p.stderr)[-1500:])
    unit = os.path.join(harness.ROOT, "build", "tests", "test_db")
    if os.path.exists(unit):
        p = subprocess.run([unit], env=dict(os.environ, DH_TEST_DATABASE_URL=st.admin_url()),
                           capture_output=True, text=True, timeout=120)
        t.check("libdh db unit tests against the live cluster", p.returncode == 0 and "PASSED" in p.stdout + p.stderr,
                (p.stdout + p.stderr)[-1500:])


def check_role_limits(t, st):
    """Issue 16, item 3: migration 0010's role limits, and pg_read_all_stats
    on dh_monitor only (dh_db_health(), the admin statistics)."""
    reader = st.role_url("dh_reader")
    rc, out, err = st.psql("SELECT current_setting('statement_timeout') || ' ' || "
                           "current_setting('idle_in_transaction_session_timeout')", reader)
    t.check("dh_reader: statement_timeout 5s and idle_in_transaction_session_timeout 10s in every session",
            rc == 0 and out == "5s 10s", (out, err))
    rc, out, err = st.psql("SELECT current_setting('lock_timeout')", st.role_url("dh_writer"))
    t.check("dh_writer: lock_timeout 5s", rc == 0 and out == "5s", (out, err))
    rc, out, err = st.psql("SELECT pg_has_role('dh_reader', 'pg_read_all_stats', 'USAGE')::text || ' ' || "
                           "pg_has_role('dh_monitor', 'pg_read_all_stats', 'USAGE')::text || ' ' || "
                           "(SELECT rolcanlogin FROM pg_roles WHERE rolname = 'dh_monitor')::text || ' ' || "
                           "(SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE proname = 'dh_db_health')")
    t.check("pg_read_all_stats: not dh_reader's; dh_monitor's (no login), which owns dh_db_health()",
            rc == 0 and out == "false true false dh_monitor", (out, err))
    rc, out, err = st.psql("SELECT count(*) FROM pg_stat_activity WHERE query IS NOT NULL AND query <> "
                           "'<insufficient privilege>' AND usename <> current_user", reader)
    t.check("dh_reader alone does not see other roles' query texts", rc == 0 and out == "0", (out, err))
    rc, out, err = st.psql("SELECT dh_db_health(0) ->> 'success'", st.role_url("dh_writer"))
    t.check("dh_db_health() is dh_reader's only (the writer may not call it)",
            rc != 0 and "permission denied" in err, (out, err))


def check_rate_limit(t, st):
    # Kept-alive HTTPS connections (a handshake per request would pace the
    # burst below the limit on a busy machine).
    import http.client
    import ssl
    ctx = ssl.create_default_context()
    ctx.check_hostname, ctx.verify_mode = False, ssl.CERT_NONE

    def burst(_):
        conn = http.client.HTTPSConnection("127.0.0.1", st.https_port, timeout=20, context=ctx)
        out = []
        try:
            for _ in range(25):
                conn.request("GET", "/api/health")
                r = conn.getresponse()
                out.append(harness.Response(r.status, r.getheaders(), r.read()))
        except OSError as e:
            out.append(harness.Response(0, [], str(e).encode()))
        finally:
            conn.close()
        return out
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        results = [r for rs in pool.map(burst, range(16)) for r in rs]
    limited = [r for r in results if r.status == 429]
    t.check("burst past the limit gets 429", len(limited) > 0, [r.status for r in results][:20])
    t.check("429 answers are JSON with Retry-After",
            limited and all(r.is_json() for r in limited) and "retry-after" in limited[0].headers,
            limited[:1])
    t.check("burst answers are all JSON", all(r.is_json() for r in results),
            [r for r in results if not r.is_json()][:3])
    time.sleep(1.5)


def check_kill_api(t, st):
    victim = st.pid("dh-api:dh-api_01")
    stop = threading.Event()
    results = []

    def client():
        # /api/health reaches a process every time (/health is cached for a
        # second); 16 clients at most 53 requests/s, within the rate limit (50,
        # burst 100) over these 4.5 s.
        while not stop.is_set():
            results.append(st.get("/api/health"))
            time.sleep(0.3)

    threads = [threading.Thread(target=client) for _ in range(16)]
    for th in threads:
        th.start()
    time.sleep(1.5)
    os.kill(victim, signal.SIGKILL)
    time.sleep(3.0)
    stop.set()
    for th in threads:
        th.join()
    failed = [r for r in results if r.status != 200]
    t.check("kill -9 of one dh-api: only requests in flight fail (%d of %d)" % (len(failed), len(results)),
            len(results) > 40 and len(failed) <= 2, [r for r in failed][:3])
    t.check("failed requests are JSON, not nginx HTML", all(r.is_json() for r in failed), failed[:3])
    new = st.wait_for(lambda: st.status().get("dh-api:dh-api_01") == "RUNNING"
                      and st.pid("dh-api:dh-api_01") not in (None, victim), timeout=15)
    t.check("supervisord restarted the killed dh-api", new, st.status())


def check_database_restart(t, st):
    api_pids = sorted(st.pid(p) for p in st.status() if p.startswith("dh-api:"))
    warm = st.get("/api/courses?limit=3&warm=1")
    st.ctl("stop", "postgres")
    r = st.get("/health")
    t.check("database stopped: /health 503 JSON", r.status == 503 and r.is_json()
            and r.json().get("database") == "unreachable", r)
    r = st.get("/api/courses?limit=4&down=1")
    t.check("database stopped: a data route 503 JSON", r.status == 503 and r.is_json(), r)
    r = st.get("/api/courses?limit=3&warm=1")  # cached before the stop, still fresh
    t.check("database stopped: cached answers still served", warm.status == 200 and r.status == 200
            and r.headers.get("x-cache") == "HIT", r)
    st.ctl("start", "postgres")
    ok = st.wait_for(lambda: st.get("/health").status == 200, timeout=30)
    t.check("database back: /health 200 again without restarting anything", ok)
    after = sorted(st.pid(p) for p in st.status() if p.startswith("dh-api:"))
    t.check("no dh-api process was restarted", after == api_pids, (api_pids, after))
    ok = all(st.get("/api/health").status == 200 for _ in range(12))
    t.check("every dh-api process reconnected", ok)


def check_api_down(t, st):
    warm = st.get("/api/courses?limit=2&api-down=1")
    st.ctl("stop", "dh-api:*")
    r = st.get("/api/health")
    t.check("every dh-api stopped: nginx answers 502 JSON", r.status == 502 and r.is_json(), r)
    r = st.get("/api/courses?limit=2&api-down=1")
    t.check("every dh-api stopped: cached answers still served", warm.status == 200 and r.status == 200, r)
    st.ctl("start", "dh-api:*")
    t.check("dh-api pool back", st.wait_for(lambda: st.get("/api/health").status == 200, timeout=20))


def check_sigterm(t, st):
    pid = st.supervisord_pid()
    children = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    t0 = time.monotonic()
    os.kill(pid, signal.SIGTERM)
    gone = st.wait_for(lambda: not os.path.exists("/proc/%d" % pid), timeout=15, interval=0.05)
    took = time.monotonic() - t0
    st.started = False
    left = [c for c in children if os.path.exists("/proc/%s" % c)]
    t.check("SIGTERM stops everything within 10 s (%.1f s)" % took, gone and took <= 10 and not left, left)


def check_config_errors(t):
    env = dict(os.environ, DH_HTTP_PORT="eighty", DH_VAR_DIR="/tmp/dh-config-error")
    p = subprocess.run([os.path.join(harness.ROOT, "scripts", "stack.sh"), "start"], env=env,
                       capture_output=True, text=True)
    t.check("a bad setting stops the start with exit 78 naming it",
            p.returncode == 78 and "DH_HTTP_PORT" in p.stderr and "eighty" in p.stderr, p.stderr)
    env = dict(os.environ, DH_SIM_FAULTS='{"error_rate": 2}', DH_VAR_DIR="/tmp/dh-config-error")
    p = subprocess.run([os.path.join(harness.ROOT, "scripts", "stack.sh"), "start"], env=env,
                       capture_output=True, text=True)
    t.check("a bad simulator setting stops the start with exit 78, before anything is made",
            p.returncode == 78 and "DH_SIM_FAULTS" in p.stderr and not os.path.exists("/tmp/dh-config-error"),
            p.stderr)
    env = dict(os.environ, DH_HTTPS_PORT="8443", DH_TLS_CERT="/nonexistent/dh.pem",
               DH_TLS_KEY="/nonexistent/dh.key", DH_VAR_DIR="/tmp/dh-config-error")
    p = subprocess.run([os.path.join(harness.ROOT, "scripts", "stack.sh"), "start"], env=env,
                       capture_output=True, text=True)
    t.check("a TLS file that is not there stops the start with exit 78 naming it",
            p.returncode == 78 and "DH_TLS_CERT" in p.stderr and "/nonexistent/dh.pem" in p.stderr, p.stderr)
    p = subprocess.run([os.path.join(harness.ROOT, "build", "bin", "dh-statistics"), "--bogus"],
                       env=dict(env, DATABASE_URL="postgresql:///x"), capture_output=True, text=True)
    t.check("a worker does not refuse to start over TLS files it never reads (usage, exit 64, not 78)",
            p.returncode == 64 and "DH_TLS" not in p.stderr, (p.returncode, p.stderr))
    env = dict(os.environ, DATABASE_URL="postgresql:///x", LOG_LEVEL="loud")
    p = subprocess.run([os.path.join(harness.ROOT, "build", "bin", "dh-api")], env=env,
                       capture_output=True, text=True, stdin=subprocess.DEVNULL)
    t.check("dh-api refuses a bad setting with exit 78", p.returncode == 78 and "LOG_LEVEL" in p.stderr, p.stderr)


def run(t):
    t.area(check_config_errors, t)
    t.area(check_nginx_unreachable, t)
    tmp = __import__("tempfile").mkdtemp(prefix="dh-tls-")
    cert, key = harness.self_signed_cert(tmp)
    st = harness.Stack("stack", DH_HTTPS_PORT=harness.free_port(), DH_TLS_CERT=cert, DH_TLS_KEY=key,
                       DH_API_RATE_LIMIT=50)
    failed_before = t.failed
    try:
        st.start()
        t.area(check_programs, t, st)
        t.area(check_privileges, t, st)
        t.area(check_api_headers, t, st)
        t.area(check_dh_api_settings, t, st)
        t.area(check_health, t, st)
        t.area(check_errors, t, st)
        t.area(check_bad_input, t, st)
        t.area(check_static, t, st)
        t.area(check_cache, t, st)
        t.area(check_tls, t, st)
        t.area(check_migrations, t, st)
        t.area(check_role_limits, t, st)
        t.area(check_rate_limit, t, st)
        t.area(check_kill_api, t, st)
        t.area(check_database_restart, t, st)
        t.area(check_api_down, t, st)
        t.area(check_sigterm, t, st)
    finally:
        if t.failed > failed_before:
            st.keep_logs()
        st.cleanup()
        __import__("shutil").rmtree(tmp, ignore_errors=True)
