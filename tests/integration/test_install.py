"""`make install` and the installed layout run as a system deployment runs it.

First `make install DESTDIR=... PREFIX=/usr/local`: the layout, nothing
written outside DESTDIR, every placeholder rendered, `make uninstall`.  Then a
second install with PREFIX in a temporary directory, so that the rendered
paths exist, started the way README's deployment section says: a fresh
PostgreSQL cluster, the installed dh-migrate (no --dir), role passwords, an
env file made from the example, the example nginx site and supervisord
conf.d file with only their /etc and /var paths, ports and run-as user
adapted, under a main nginx.conf and supervisord.conf shaped like Debian's.
Workers pull from the installed simulator.  Everything runs on loopback.
"""
import glob
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time

import harness

PROGRAMS = ("dh-api", "dh-live", "dh-masters", "dh-historical", "dh-statistics", "dh-migrate",
            "dh-config", "dh-apikey", "dh-rapi", "dh-racing-sim")
EXAMPLES = ("nginx-site.conf", "supervisor.conf", "darkhorses.env", "dh-api.env")
# What a system install must leave alone (make install writes none of them).
SYSTEM_PATHS = ("/usr/local/bin/dh-api", "/usr/local/share/darkhorses", "/etc/darkhorses",
                "/etc/nginx/sites-available/darkhorses", "/etc/supervisor/conf.d/darkhorses.conf",
                "/var/lib/darkhorses", "/var/log/darkhorses", "/var/cache/nginx")
APP_USER = "www-data"   # stands in for the darkhorses system user, which the test does not create


def make(*args):
    return subprocess.run(["make", "-s"] + list(args), cwd=harness.ROOT, capture_output=True, text=True,
                          timeout=600)


def files_under(top):
    return sorted(os.path.relpath(os.path.join(d, f), top) for d, _, fs in os.walk(top) for f in fs)


def snapshot(paths):
    return {p: os.stat(p).st_mtime_ns if os.path.exists(p) else None for p in paths}


def check_layout(t, tmp):
    stage = os.path.join(tmp, "stage")
    before = snapshot(SYSTEM_PATHS)
    p = make("install", "DESTDIR=" + stage, "PREFIX=/usr/local")
    t.check("make install DESTDIR=... PREFIX=/usr/local", p.returncode == 0, p.stderr[-2000:])
    t.check("nothing written outside DESTDIR", snapshot(SYSTEM_PATHS) == before, snapshot(SYSTEM_PATHS))
    root = os.path.join(stage, "usr", "local")
    share = os.path.join(root, "share", "darkhorses")
    t.check("everything lands under DESTDIR/PREFIX", os.listdir(stage) == ["usr"]
            and sorted(os.listdir(root)) == ["bin", "share"], os.listdir(stage))
    bins = [os.path.join(root, "bin", b) for b in PROGRAMS]
    t.check("every program in bin/, executable", all(os.access(b, os.X_OK) for b in bins),
            [b for b in bins if not os.access(b, os.X_OK)])
    want = sorted(os.listdir(os.path.join(harness.ROOT, "sql", "migrations")))
    t.check("migrations in share/darkhorses/sql/migrations",
            sorted(os.listdir(os.path.join(share, "sql", "migrations"))) == want, want)
    with open(os.path.join(harness.ROOT, "build", "static", ".version")) as f:
        version = f.read().strip()
    assets = [f for f in files_under(os.path.join(harness.ROOT, "static")) if f != "index.html"]
    apidocs = [os.path.join("apidocs", f) for f in files_under(os.path.join(harness.ROOT, "build", "static",
                                                                            "apidocs"))]
    t.check("the dashboard in share/darkhorses/static, its assets also under v/%s/, the docs pages in apidocs/"
            % version, files_under(os.path.join(share, "static"))
            == sorted(["index.html"] + assets + [os.path.join("v", version, f) for f in assets] + apidocs)
            and "apidocs/swagger-ui/swagger-ui-bundle.js" in apidocs and "apidocs/redoc/redoc.standalone.js"
            in apidocs, files_under(os.path.join(share, "static")))
    t.check("examples and the site's include files",
            sorted(os.listdir(os.path.join(share, "examples"))) == sorted(EXAMPLES)
            and sorted(os.listdir(os.path.join(share, "nginx"))) == ["cors.conf", "errors.conf", "fastcgi.conf",
                                                                     "fastcgi_params.conf", "health.conf",
                                                                     "locations.conf", "stream.conf",
                                                                     "subscriber.conf"],
            (os.listdir(os.path.join(share, "examples")), os.listdir(os.path.join(share, "nginx"))))
    texts = {}
    for f in glob.glob(os.path.join(share, "examples", "*")) + glob.glob(os.path.join(share, "nginx", "*")):
        with open(f) as fh:
            texts[os.path.relpath(f, share)] = fh.read()
    t.check("every placeholder rendered", not [n for n, s in texts.items() if re.search(r"@[A-Z_]+@", s)])
    t.check("rendered for PREFIX, not DESTDIR", not [n for n, s in texts.items() if stage in s]
            and "include /usr/local/share/darkhorses/nginx/locations.conf;" in texts["examples/nginx-site.conf"]
            and "command=/usr/local/bin/dh-api\n" in texts["examples/supervisor.conf"])
    site, conf = texts["examples/nginx-site.conf"], texts["examples/supervisor.conf"]
    t.check("site: micro-cache, maps, rate limit, upstream, redirect and TLS server",
            all(s in site for s in ("fastcgi_cache_path /var/cache/nginx/darkhorses ", "map $uri $dh_no_cache",
                                    "map $https $dh_hsts", "limit_req_zone ", "upstream dh_api",
                                    "server unix:/var/lib/darkhorses/run/dh-api.sock;",
                                    "return 301 https://", "listen *:443 ssl",
                                    "ssl_certificate     /etc/ssl/darkhorses/fullchain.pem;")), site[:400])
    t.check("conf.d: dh-api on a 0660 socket for www-data, workers grouped, user and env file",
            all(s in conf for s in ("[fcgi-program:dh-api]", "socket_owner=darkhorses:www-data",
                                    "socket_mode=0660", "[group:workers]", "user=darkhorses",
                                    'environment=DH_ENV_FILE="/etc/darkhorses/darkhorses.env"',
                                    "stdout_logfile=/var/log/darkhorses/dh-live.log"))
            and conf.count("user=darkhorses") == 5, conf[:400])
    api_conf = conf.split("[fcgi-program:dh-api]")[1].split("\n[")[0]
    api_env = texts["examples/dh-api.env"]
    t.check("dh-api reads its own env file: the reader's URL, the primary without credentials, no Racing API",
            'environment=DH_ENV_FILE="/etc/darkhorses/dh-api.env"' in api_conf and "darkhorses.env" not in api_conf
            and "\nDATABASE_READ_URL=postgresql://dh_reader:" in api_env
            and "\nDATABASE_URL=postgresql://localhost/darkhorses\n" in api_env
            and "RACING_API" not in api_env and "dh_writer" not in api_env
            and "DATABASE_READ_URL" not in texts["examples/darkhorses.env"], api_conf + api_env)
    p = subprocess.run([os.path.join(root, "bin", "dh-config")], capture_output=True, text=True,
                       env={"PATH": os.environ["PATH"],
                            "DH_ENV_FILE": os.path.join(share, "examples", "darkhorses.env")})
    t.check("the example env file passes dh-config", p.returncode == 0
            and "DH_VAR_DIR='/var/lib/darkhorses'" in p.stdout, p.stderr)
    p = make("uninstall", "DESTDIR=" + stage, "PREFIX=/usr/local")
    t.check("make uninstall removes every file it installed", p.returncode == 0 and files_under(stage) == [],
            files_under(stage)[:5])


def check_hosts_layout(t, tmp):
    """make install for several hosts: an API host's pool on TCP, an nginx
    host's upstream over the pools; a bad address refused before anything."""
    api, edge = os.path.join(tmp, "api-host"), os.path.join(tmp, "nginx-host")
    p = make("install", "DESTDIR=" + api, "PREFIX=/usr/local", "DH_API_LISTEN=10.0.0.5:9000",
             "FCGI_WEB_SERVER_ADDRS=10.0.0.2")
    ex = os.path.join(api, "usr", "local", "share", "darkhorses", "examples")
    conf = open(os.path.join(ex, "supervisor.conf")).read() if p.returncode == 0 else ""
    env = open(os.path.join(ex, "dh-api.env")).read() if p.returncode == 0 else ""
    t.check("make install DH_API_LISTEN=...: the pool on TCP, the nginx hosts in the env file",
            "\nsocket=tcp://10.0.0.5:9000\n" in conf and "socket_owner" not in conf.split("[fcgi-program:dh-api]")[1][:300]
            and "\nFCGI_WEB_SERVER_ADDRS=10.0.0.2\n" in env, p.stderr[-1000:] + conf[:600])
    p = make("install", "DESTDIR=" + edge, "PREFIX=/usr/local", "DH_API_UPSTREAMS=10.0.0.5:9000,10.0.0.6:9000")
    site = open(os.path.join(edge, "usr", "local", "share", "darkhorses", "examples", "nginx-site.conf")).read() \
        if p.returncode == 0 else ""
    upstream = re.search(r"upstream dh_api \{([^}]*)\}", site)
    t.check("make install DH_API_UPSTREAMS=...: the site's upstream lists both pools",
            upstream is not None and re.findall(r"server (\S+);", upstream.group(1)) == ["10.0.0.5:9000", "10.0.0.6:9000"],
            p.stderr[-1000:] + (upstream.group(0) if upstream else ""))
    bad = os.path.join(tmp, "bad-host")
    p = make("install", "DESTDIR=" + bad, "PREFIX=/usr/local", "DH_API_LISTEN=[::1]:9000")
    t.check("make install with an IPv6 DH_API_LISTEN: refused, naming it, nothing written",
            p.returncode != 0 and "DH_API_LISTEN" in p.stderr and not os.path.exists(bad), p.stderr[-600:])


class Deployment:
    """The second install and what runs from it, all under one directory."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.prefix = os.path.join(tmp, "usr", "local")
        self.share = os.path.join(self.prefix, "share", "darkhorses")
        self.procs = []
        self.pg_ctl = None
        self.pgdata = os.path.join(tmp, "pg", "data")
        self.pgsock = os.path.join(tmp, "pg", "run")
        self.pgport = harness.free_port()
        self.http_port = harness.free_port()
        self.https_port = harness.free_port()
        self.sim_port = harness.free_port()
        self.supervisor_conf = os.path.join(tmp, "etc", "supervisor", "supervisord.conf")

    def path(self, *parts):
        return os.path.join(self.tmp, *parts)

    def bin(self, name):
        return os.path.join(self.prefix, "bin", name)

    def spawn(self, argv, log, **kw):
        out = open(self.path("var", "log", log), "w")
        p = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, **kw)
        self.procs.append(p)
        return p

    def as_postgres(self, *argv, **env):
        e = ["env"] + ["%s=%s" % kv for kv in env.items()] if env else []
        return subprocess.run(["runuser", "-u", "postgres", "--"] + e + list(argv), cwd=self.tmp,
                              capture_output=True, text=True, timeout=120)

    def admin_url(self, db="darkhorses"):
        return "postgresql:///%s?host=%s&port=%d" % (db, self.pgsock, self.pgport)

    def adapt(self, text):
        """What an operator changes in an example here: /etc and /var paths, ports, the user."""
        text = re.sub(r"(?<![\w.-])/(etc|var)/", lambda m: self.tmp + m.group(0), text)
        text = text.replace("listen *:80 ", "listen 127.0.0.1:%d " % self.http_port)
        text = text.replace("listen *:443 ", "listen 127.0.0.1:%d " % self.https_port)
        text = text.replace("user=darkhorses", "user=" + APP_USER)
        return text.replace("socket_owner=darkhorses:", "socket_owner=%s:" % APP_USER)

    def write(self, rel, text, mode=0o644):
        path = self.path(*rel.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        return path

    def example(self, name):
        with open(os.path.join(self.share, "examples", name)) as f:
            return f.read()

    # --- the deployment, in README's order -------------------------------
    def cluster(self, t):
        pg_bin = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))[-1].rsplit("/", 1)[0]
        self.pg_ctl = os.path.join(pg_bin, "pg_ctl")
        os.makedirs(self.pgsock)
        shutil.chown(self.path("pg"), "postgres")
        shutil.chown(self.pgsock, "postgres")
        p = self.as_postgres(os.path.join(pg_bin, "initdb"), "-D", self.pgdata, "-E", "UTF8", "--locale=C.UTF-8",
                             "-U", "postgres", "--auth-local=peer", "--auth-host=scram-sha-256")
        if not t.check("initdb a fresh cluster", p.returncode == 0, p.stderr):
            return False
        p = self.as_postgres(self.pg_ctl, "-D", self.pgdata, "-w", "-t", "60", "-l", self.path("pg", "postgres.log"),
                             "-o", "-c listen_addresses=127.0.0.1 -p %d -k %s" % (self.pgport, self.pgsock), "start")
        if not t.check("the cluster starts", p.returncode == 0, p.stderr + p.stdout):
            return False
        p = self.as_postgres("createdb", "-h", self.pgsock, "-p", str(self.pgport), "darkhorses")
        return t.check("createdb darkhorses", p.returncode == 0, p.stderr)

    def migrate(self):
        return self.as_postgres(self.bin("dh-migrate"), DATABASE_MIGRATE_URL=self.admin_url())

    def passwords(self, t):
        self.secret = {"dh_writer": "w-%d" % time.time_ns(), "dh_reader": "r-%d" % time.time_ns()}
        sql = "".join("ALTER ROLE %s LOGIN PASSWORD '%s';" % kv for kv in self.secret.items())
        p = self.as_postgres("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", self.pgsock, "-p", str(self.pgport),
                             "-d", "darkhorses", "-c", sql)
        return t.check("role passwords set with ALTER ROLE", p.returncode == 0, p.stderr)

    def role_url(self, role):
        return "postgresql://%s:%s@127.0.0.1:%d/darkhorses" % (role, self.secret[role], self.pgport)

    def env_file(self):
        values = {
            "DATABASE_URL": self.role_url("dh_writer"),
            "DATABASE_READ_URL": self.role_url("dh_reader"),
            "RACING_API_BASE_URL": "http://127.0.0.1:%d/v1" % self.sim_port,
            "RACING_API_USERNAME": "simulator",
            "RACING_API_PASSWORD": "simulator",
        }
        lines = []
        for line in self.adapt(self.example("darkhorses.env")).splitlines():
            name = line.partition("=")[0]
            lines.append("%s=%s" % (name, values.pop(name)) if name in values else line)
        path = self.write("etc/darkhorses/darkhorses.env", "\n".join(lines) + "\n", 0o640)
        shutil.chown(path, "root", APP_USER)
        api_values = {"DATABASE_READ_URL": values.pop("DATABASE_READ_URL"),
                      "DATABASE_URL": "postgresql://127.0.0.1:%d/darkhorses" % self.pgport}
        lines = []
        for line in self.adapt(self.example("dh-api.env")).splitlines():
            name = line.partition("=")[0]
            lines.append("%s=%s" % (name, api_values.pop(name)) if name in api_values else line)
        path = self.write("etc/darkhorses/dh-api.env", "\n".join(lines) + "\n", 0o640)
        shutil.chown(path, "root", APP_USER)
        return not values and not api_values

    def directories(self):
        """README's install -d lines, under the temporary root."""
        for rel, owner in (("var/lib/darkhorses/run", APP_USER), ("var/log/darkhorses", None),
                           ("var/cache/nginx/darkhorses", "www-data"), ("var/log/nginx", None),
                           ("var/lib/nginx", "www-data"), ("run", None), ("etc/ssl/darkhorses", None)):
            os.makedirs(self.path(*rel.split("/")), exist_ok=True)
            if owner:
                shutil.chown(self.path(*rel.split("/")), owner, owner)
        for d in ("var", "var/lib", "var/lib/darkhorses"):
            os.chmod(self.path(*d.split("/")), 0o755)

    def nginx(self, t):
        cert, key = harness.self_signed_cert(self.path("etc", "ssl", "darkhorses"))
        os.rename(cert, self.path("etc", "ssl", "darkhorses", "fullchain.pem"))
        os.rename(key, self.path("etc", "ssl", "darkhorses", "privkey.pem"))
        self.write("etc/nginx/sites-available/darkhorses", self.adapt(self.example("nginx-site.conf")))
        os.makedirs(self.path("etc", "nginx", "sites-enabled"))
        os.symlink("../sites-available/darkhorses", self.path("etc", "nginx", "sites-enabled", "darkhorses"))
        temp = self.path("var", "lib", "nginx")
        self.nginx_conf = self.write("etc/nginx/nginx.conf", """# Debian's nginx.conf, its paths moved here.
user www-data;
worker_processes 2;
pid %(run)s/nginx.pid;
error_log %(log)s/error.log;
include /etc/nginx/modules-enabled/*.conf;
events {
    worker_connections 768;
}
http {
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;
    ssl_prefer_server_ciphers on;
    access_log %(log)s/access.log;
    gzip on;
    client_body_temp_path %(temp)s/body;
    fastcgi_temp_path %(temp)s/fastcgi;
    proxy_temp_path %(temp)s/proxy;
    uwsgi_temp_path %(temp)s/uwsgi;
    scgi_temp_path %(temp)s/scgi;
    include %(etc)s/nginx/sites-enabled/*;
}
""" % {"run": self.path("run"), "log": self.path("var", "log", "nginx"), "temp": temp,
       "etc": self.path("etc")})
        argv = ["nginx", "-e", self.path("var", "log", "nginx", "error.log"), "-c", self.nginx_conf]
        p = subprocess.run(argv + ["-t"], capture_output=True, text=True)
        if not t.check("nginx -t accepts the example site under a Debian-shaped nginx.conf",
                       p.returncode == 0, p.stderr):
            return False
        self.spawn(argv + ["-g", "daemon off;"], "nginx.log")
        return True

    def supervisord(self):
        """A running supervisord with nothing of ours yet (then `install_programs`)."""
        os.makedirs(self.path("etc", "supervisor", "conf.d"), exist_ok=True)
        os.makedirs(self.path("var", "log", "supervisor"), exist_ok=True)
        self.write("etc/supervisor/supervisord.conf", """; Debian's supervisord.conf, its paths moved here.
[unix_http_server]
file=%(run)s/supervisor.sock
chmod=0700

[supervisord]
logfile=%(log)s/supervisord.log
pidfile=%(run)s/supervisord.pid
childlogdir=%(log)s

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://%(run)s/supervisor.sock

[include]
files = %(etc)s/supervisor/conf.d/*.conf
""" % {"run": self.path("run"), "log": self.path("var", "log", "supervisor"), "etc": self.path("etc")})
        # The environment of a system supervisord carries no DarkHorses settings.
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DH_", "DATABASE_", "RACING_API_"))}
        self.spawn(["supervisord", "-n", "-c", self.supervisor_conf], "supervisord.out", env=env, cwd="/")
        return harness.wait_for(lambda: "RUNNING" in self.ctl("status") or self.ctl("pid").strip().isdigit(), 20)

    def install_programs(self, t):
        """README: copy the conf.d file, then supervisorctl reread && supervisorctl update."""
        self.write("etc/supervisor/conf.d/darkhorses.conf", self.adapt(self.example("supervisor.conf")))
        reread, update = self.ctl("reread"), self.ctl("update")
        return t.check("supervisorctl reread && supervisorctl update adds the programs",
                       "dh-api: available" in reread and "workers: available" in reread
                       and "added process group" in update, (reread, update))

    def ctl(self, *args):
        p = subprocess.run(["supervisorctl", "-c", self.supervisor_conf] + list(args), capture_output=True,
                           text=True, timeout=60)
        return p.stdout

    def status(self):
        return {parts[0]: parts[1] for parts in (l.split() for l in self.ctl("status").splitlines())
                if len(parts) >= 2}

    def request(self, path, https=True, **kw):
        return harness.request(self.https_port if https else self.http_port, path, https=https, **kw)

    def stop(self):
        pid_file = self.path("run", "supervisord.pid")
        if os.path.exists(pid_file):
            self.ctl("shutdown")
        for p in reversed(self.procs):
            if p.poll() is None:
                p.send_signal(signal.SIGQUIT if p.args[0] == "nginx" else signal.SIGTERM)
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        if self.pg_ctl and os.path.exists(os.path.join(self.pgdata, "postmaster.pid")):
            self.as_postgres(self.pg_ctl, "-D", self.pgdata, "-m", "fast", "-w", "stop")

    def keep_logs(self):
        dest = os.path.join(harness.ROOT, "tests", "logs", "install")
        shutil.rmtree(dest, ignore_errors=True)
        shutil.copytree(self.path("var", "log"), dest, ignore_dangling_symlinks=True)
        if os.path.exists(self.path("pg", "postgres.log")):
            shutil.copy(self.path("pg", "postgres.log"), dest)
        print("      logs kept in tests/logs/install", flush=True)


def check_http(t, dp):
    r = dp.request("/health")
    t.check("HTTPS /health 200 healthy", r.status == 200 and (r.json() or {}).get("status") == "healthy", r)
    t.check("HSTS on HTTPS", "strict-transport-security" in r.headers, r.headers)
    r = dp.request("/api/courses?limit=1", https=False, headers={"Host": "evil.example"})
    t.check("HTTP redirects to HTTPS at the server_name (make install's DH_SERVER_NAME), not the client's Host",
            r.status == 301 and r.headers.get("location", "") == "https://localhost/api/courses?limit=1", r.headers)
    r = dp.request("/health", https=False)
    t.check("HTTP /health kept for loopback tools", r.status == 200 and r.is_json(), r)
    r = dp.request("/")
    t.check("the dashboard served from share/darkhorses/static",
            r.status == 200 and b"<html" in r.body.lower() and "content-security-policy" in r.headers, r)
    script = re.search(rb'src="(/v/[0-9a-f]{12}/js/main\.js)"', r.body)
    r = dp.request(script.group(1).decode() if script else "/v/none/js/main.js")
    t.check("its script under the installed asset version, immutable",
            r.status == 200 and "immutable" in r.headers.get("cache-control", ""), r.headers)
    for page in ("/docs", "/redoc", "/apidocs/swagger-ui/swagger-ui-bundle.js", "/apidocs/redoc/redoc.standalone.js"):
        r = dp.request(page)
        t.check("the API docs: %s 200 from share/darkhorses/static/apidocs" % page, r.status == 200 and r.body, r)
    r = dp.request("/openapi.json", headers={"Origin": "https://a.example"})
    t.check("/openapi.json as FastAPI served it, with CORS", r.status == 200 and r.is_json()
            and r.headers.get("access-control-allow-origin") == "*", r.headers)
    r = dp.request("/api/openapi.json", headers={"Accept-Encoding": "gzip"})
    t.check("an API route answers JSON, gzipped", r.status == 200 and r.headers.get("content-encoding") == "gzip"
            and r.headers.get("content-type", "").startswith("application/json"), r.headers)
    path = "/api/courses?limit=3&offset=%d" % (time.time_ns() % 50000)   # a key nobody asked for yet
    first, second = dp.request(path), dp.request(path)
    t.check("micro-cache: MISS then HIT", first.headers.get("x-cache") == "MISS"
            and second.headers.get("x-cache") == "HIT" and first.body == second.body,
            (first.status, first.headers.get("x-cache"), second.headers.get("x-cache")))
    for https in (True, False):
        r = dp.request("/metrics", https=https)
        t.check("/metrics on loopback over %s" % ("HTTPS" if https else "HTTP"),
                r.status == 200 and b"dh_api_requests_total" in r.body and b"dh_api_metrics_shared 1" in r.body, r)
    r = dp.request("/api/no-such-route")
    t.check("errors are JSON", r.status == 404 and r.is_json(), r)


def check_supervisor(t, dp):
    def all_running():
        s = dp.status()
        api = [p for p in s if p.startswith("dh-api:")]
        workers = [p for p in s if p.startswith("workers:")]
        return s if len(api) == 4 and len(workers) == 4 and all(v == "RUNNING" for v in s.values()) else None
    t.check("supervisorctl status: dh-api x4 and the four workers RUNNING", harness.wait_for(all_running, 30),
            dp.status())

    def courses():
        r = dp.request("/api/courses?limit=1&t=%d" % time.time_ns())
        return r.status == 200 and (r.json() or {}).get("count", 0) > 0
    t.check("workers fill the database from the simulator", harness.wait_for(courses, 90, 1),
            dp.ctl("tail", "workers:dh-masters"))
    p = dp.as_postgres("psql", "-X", "-tA", "-d", dp.admin_url(), "-c",
                       "SELECT application_name || '=' || string_agg(DISTINCT usename, ',') FROM pg_stat_activity"
                       " WHERE application_name IN ('dh-api', 'dh-live') GROUP BY application_name ORDER BY application_name")
    t.check("dh-api connects as dh_reader and the workers as dh_writer",
            p.stdout.split() == ["dh-api=dh_reader", "dh-live=dh_writer"], (p.stdout, p.stderr))

    out = dp.ctl("stop", "workers:")
    s = dp.status()
    t.check("supervisorctl stop workers: pauses ingestion, the API keeps serving",
            all(v == "STOPPED" for p, v in s.items() if p.startswith("workers:"))
            and dp.request("/health").status == 200, (out, s))
    dp.ctl("start", "workers:")
    dp.ctl("restart", "workers:dh-live")
    t.check("start workers: and restart workers:dh-live", harness.wait_for(all_running, 20), dp.status())
    log = dp.ctl("tail", "workers:dh-live")
    t.check("supervisorctl tail workers:dh-live shows its log", "worker=dh-live" in log, log[-300:])
    t.check("program logs in the log directory", os.path.exists(dp.path("var", "log", "darkhorses", "dh-live.log"))
            and os.path.exists(dp.path("var", "log", "darkhorses", "dh-api_00.log")))


def check_operations(t, dp):
    """README's day-two recipes on the installed layout."""
    p = subprocess.run(["nginx", "-e", dp.path("var", "log", "nginx", "error.log"), "-c", dp.nginx_conf, "-s",
                        "reload"], capture_output=True, text=True)
    time.sleep(1)
    t.check("nginx -s reload (after a certificate renewal)", p.returncode == 0
            and dp.request("/health").status == 200, p.stderr)

    p = subprocess.run([dp.bin("dh-apikey"), "create", "ops"], capture_output=True, text=True, cwd="/",
                       env={"PATH": os.environ["PATH"], "DH_ENV_FILE": dp.path("etc", "darkhorses", "darkhorses.env")})
    key = p.stdout.strip()
    r = dp.request("/api/db-health/stats", headers={"Authorization": "Bearer " + key})
    t.check("dh-apikey create with DH_ENV_FILE; the key opens /api/db-health/stats",
            p.returncode == 0 and r.status == 200 and r.is_json(), (p.stderr, r))

    # Backup, then restore into a new database (pg_restore --clean cannot drop
    # the constraints of ra_odds_history's partitions in place).
    dump = dp.path("pg", "darkhorses.dump")
    pg = ("-h", dp.pgsock, "-p", str(dp.pgport))
    sql = ("SELECT (SELECT count(*) FROM ra_courses) || ' ' || has_database_privilege('dh_writer', "
           "current_database(), 'TEMPORARY') || ' ' || has_database_privilege('dh_reader', current_database(), "
           "'TEMPORARY')")
    psql = ("psql", "-X", "-tA") + pg + ("-d", "darkhorses", "-c", sql)
    before = dp.as_postgres(*psql).stdout.strip()
    p = dp.as_postgres("pg_dump", "-Fc", *pg, "-d", "darkhorses", "-f", dump)
    t.check("pg_dump -Fc while everything runs", p.returncode == 0 and os.path.getsize(dump) > 0, p.stderr)
    dp.ctl("stop", "dh-api:*", "workers:")
    steps = [dp.as_postgres("dropdb", *pg, "darkhorses"),
             dp.as_postgres("pg_restore", "--create", *pg, "-d", "postgres", dump)]
    after = dp.as_postgres(*psql).stdout.strip()
    dp.ctl("start", "dh-api:*", "workers:")
    t.check("dropdb, pg_restore --create: rows and database grants back (%s)" % after,
            all(q.returncode == 0 for q in steps) and after == before and before.endswith(" true false")
            and not before.startswith("0 "), ([q.stderr[-400:] for q in steps], before, after))
    def restored():
        r = dp.request("/api/courses?limit=1&restored=%d" % time.time_ns())
        return r.status == 200 and (r.json() or {}).get("count") == 1
    t.check("the API reads the restored database", harness.wait_for(restored, 10))
    dp.ctl("restart", "dh-api:*")
    s = dp.status()
    t.check("supervisorctl restart dh-api:*; everything RUNNING", s and all(v == "RUNNING" for v in s.values())
            and dp.request("/health").status == 200, s)


def check_deps(t, tmp):
    """Issue 16, item 7: make run's packages are the build's and the stack's;
    make test's add the test tools.  deps.sh run as a user, with a dpkg-query
    that finds nothing installed, prints the apt-get line it would run."""
    fake = os.path.join(tmp, "fake-bin")
    os.makedirs(fake, exist_ok=True)
    with open(os.path.join(fake, "dpkg-query"), "w") as f:
        f.write("#!/bin/sh\nexit 1\n")
    os.chmod(fake, 0o755)
    os.chmod(os.path.join(fake, "dpkg-query"), 0o755)
    lines = {}
    for mode in ("run", "test"):
        cmd = [os.path.join(harness.ROOT, "scripts", "deps.sh"), mode]
        if os.geteuid() == 0:
            cmd = ["/usr/sbin/runuser", "-u", "nobody", "--"] + cmd
        p = subprocess.run(cmd, capture_output=True, text=True, env={"PATH": fake + ":/usr/bin:/bin"})
        lines[mode] = set(p.stderr.split("apt-get install -y")[-1].split()) if p.returncode == 1 else set()
    tools = {"chromium", "nodejs", "clang", "wrk", "libcmocka-dev"}
    t.check("deps.sh run (make, make run): build and run packages, no browser, compiler for tests or wrk",
            {"build-essential", "libpq-dev", "postgresql-15", "nginx", "supervisor"} <= lines["run"]
            and not tools & lines["run"], sorted(lines["run"]))
    t.check("deps.sh test (make test): those and chromium, nodejs, clang, wrk, cmocka",
            lines["run"] <= lines["test"] and tools <= lines["test"], sorted(lines["test"]))
    p = subprocess.run(["git", "-C", harness.ROOT, "check-ignore", "-q", ".env"], capture_output=True)
    t.check(".env (secrets) is git-ignored", p.returncode == 0, p.stderr)
    makefile = open(os.path.join(harness.ROOT, "Makefile")).read()
    t.check("the Makefile: deps runs deps.sh run, test-deps deps.sh test, make test needs test-deps",
            "@scripts/deps.sh run" in makefile and "@scripts/deps.sh test" in makefile
            and re.search(r"^test: test-deps ", makefile, re.M), "")


def check_hardening(t):
    """Issue 16, item 6: every program is built with dpkg-buildflags'
    hardening, read back from the ELF files (scripts/hardening.sh)."""
    bins = sorted(glob.glob(os.path.join(harness.ROOT, "build", "bin", "dh-*")))
    p = subprocess.run([os.path.join(harness.ROOT, "scripts", "hardening.sh")] + bins,
                       capture_output=True, text=True)
    t.check("every program (%d) is PIE, RELRO + BIND_NOW, stack-protected and fortified" % len(bins),
            len(bins) >= 8 and p.returncode == 0, p.stderr[-800:])
    plain = os.path.join(tempfile.mkdtemp(prefix="dh-harden-"), "plain")
    subprocess.run(["cc", "-x", "c", "-O0", "-fno-stack-protector", "-no-pie", "-o", plain, "-"],
                   input="int main(void) { return 0; }\n", capture_output=True, text=True)
    p = subprocess.run([os.path.join(harness.ROOT, "scripts", "hardening.sh"), plain],
                       capture_output=True, text=True)
    t.check("the check refuses a program built without the flags",
            p.returncode == 1 and "PIE" in p.stderr and "stack-protector" in p.stderr, p.stderr)
    shutil.rmtree(os.path.dirname(plain), ignore_errors=True)


def check_cache_switch(t, tmp):
    """Issue 16, item 3: DH_API_CACHE=off renders nginx without the
    micro-cache (a benchmark of the uncached path); the default keeps it, with
    limit_conn per client, the /health one-second cache, and the redirect to
    the server_name."""
    dest = os.path.join(tmp, "nocache")
    p = make("install", "DESTDIR=" + dest, "PREFIX=/usr/local", "DH_API_CACHE=off", "DH_SERVER_NAME=odds.example.com")
    nginx = os.path.join(dest, "usr", "local", "share", "darkhorses", "nginx")
    text = lambda f: open(os.path.join(nginx, f)).read() if p.returncode == 0 else ""
    site = open(os.path.join(dest, "usr", "local", "share", "darkhorses", "examples", "nginx-site.conf")).read() \
        if p.returncode == 0 else ""
    t.check("DH_API_CACHE=off: fastcgi_cache off for the API and /health",
            "fastcgi_cache off;" in text("fastcgi.conf") and "fastcgi_cache off;" in text("health.conf"), p.stderr[-500:])
    t.check("the redirect goes to $server_name (DH_SERVER_NAME), never $host",
            "server_name odds.example.com;" in site and "return 301 https://$server_name$request_uri;" in site
            and "$host" not in site, site[-800:])
    dest = os.path.join(tmp, "withcache")
    p = make("install", "DESTDIR=" + dest, "PREFIX=/usr/local")
    nginx = os.path.join(dest, "usr", "local", "share", "darkhorses", "nginx")
    t.check("by default: the micro-cache, limit_conn per client on /api/, /health cached 1 s and rate-limited",
            "fastcgi_cache dh_api;" in text("fastcgi.conf") and "limit_conn dh_api_conn 8;" in text("locations.conf")
            and "fastcgi_cache_valid 200 503 1s;" in text("health.conf")
            and re.search(r"location = /health \{\s*limit_req zone=dh_api_rate", text("locations.conf")),
            text("locations.conf")[-1500:])


def run(t):
    tmp = tempfile.mkdtemp(prefix="dh-install-", dir="/tmp")
    os.chmod(tmp, 0o755)
    dp = Deployment(tmp)
    failed_before = t.failed
    try:
        t.area(check_deps, t, tmp)
        t.area(check_hardening, t)
        t.area(check_cache_switch, t, tmp)
        t.area(check_layout, t, tmp)
        t.area(check_hosts_layout, t, tmp)
        p = make("install", "PREFIX=" + dp.prefix)
        if not t.check("make install PREFIX=<temporary directory>", p.returncode == 0, p.stderr[-2000:]):
            return
        os.makedirs(dp.path("var", "log"))
        dp.directories()
        if not dp.cluster(t):
            return
        p = dp.migrate()
        t.check("the installed dh-migrate finds the installed migrations (no --dir)",
                p.returncode == 0 and "applied migration 0001_roles.sql" in p.stderr, p.stderr[-1500:])
        if not dp.passwords(t):
            return
        t.check("an env file from the example", dp.env_file())
        p = subprocess.run([dp.bin("dh-api")], capture_output=True, text=True, stdin=subprocess.DEVNULL,
                           env={"PATH": os.environ["PATH"], "DH_ENV_FILE": dp.path("etc", "darkhorses", "nope.env")})
        t.check("a missing DH_ENV_FILE is a config error (exit 78) naming it",
                p.returncode == 78 and "nope.env" in p.stderr, (p.returncode, p.stderr))
        dp.spawn([dp.bin("dh-racing-sim"), "--port", str(dp.sim_port)], "dh-racing-sim.log",
                 env={"PATH": os.environ["PATH"]})
        if not dp.nginx(t):
            return
        if not t.check("supervisord starts with an empty conf.d", dp.supervisord()) or not dp.install_programs(t):
            return
        up = harness.wait_for(lambda: dp.request("/health").status == 200, 30)
        if not t.check("the deployment answers on HTTPS", up, dp.request("/health")):
            return
        t.area(check_http, t, dp)
        t.area(check_supervisor, t, dp)
        t.area(check_operations, t, dp)
        p = dp.migrate()
        t.check("dh-migrate again is a no-op", p.returncode == 0 and "0 applied now" in p.stderr, p.stderr[-800:])
    finally:
        dp.stop()
        if t.failed > failed_before:
            dp.keep_logs()
        shutil.rmtree(tmp, ignore_errors=True)
