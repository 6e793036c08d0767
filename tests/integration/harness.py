"""Black-box test harness: boots the real stack (PostgreSQL, nginx, supervisord,
dh-api) in a temporary directory on its own loopback ports, and talks to it
over HTTP and SQL.  Standard library only; runs with /usr/bin/python3.

A suite is a module with `run(t)`, where `t` is a Checker: `t.check(name, ok,
detail)` records one result, and `t.area(check_x, t, ...)` runs one area of
checks so that an exception in it is one failure of that area and the suite
goes on with the next.  Logs of a failed suite are kept under
tests/logs/<suite>/.
"""
import http.client
import json
import os
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import traceback

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONFIG_VARS = ("DATABASE_URL", "DATABASE_READ_URL", "DATABASE_MIGRATE_URL", "RACING_API_BASE_URL",
               "RACING_API_USERNAME", "RACING_API_PASSWORD", "DH_HTTPS_PORT", "DH_TLS_CERT",
               "DH_TLS_KEY", "DH_NOW", "DH_VAR_DIR")


class Checker:
    """Collects results and prints one line per check."""

    def __init__(self, suite):
        self.suite = suite
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
            print("ok    %s: %s" % (self.suite, name), flush=True)
        else:
            self.failed += 1
            print("FAIL  %s: %s %s" % (self.suite, name, str(detail)[:600]), flush=True)
        return bool(ok)

    def area(self, fn, *args, **kwargs):
        """Runs fn(*args, **kwargs), one area of a suite, and returns what it
        returns.  An exception it raises is recorded as one failure named for
        the area (with the traceback's end) and returns None, so the areas
        after it still run."""
        try:
            return fn(*args, **kwargs)
        except Exception:
            self.check("%s ran to the end" % fn.__name__, False, traceback.format_exc()[-1500:])
            return None


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port):
    with socket.socket() as s:
        s.settimeout(0.2)
        return s.connect_ex(("127.0.0.1", port)) == 0


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = {k.lower(): v for k, v in headers}
        self.body = body

    def json(self):
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def is_json(self):
        return self.headers.get("content-type", "").startswith("application/json") and self.json() is not None

    def __repr__(self):
        return "<%s %s>" % (self.status, self.body[:200])


def request(port, path, method="GET", headers=None, body=None, https=False, timeout=20):
    """One request to 127.0.0.1:port (HTTPS without checking the certificate).
    A connection failure is a Response with status 0."""
    if https:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout, context=ctx)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        return Response(r.status, r.getheaders(), r.read())
    except OSError as e:
        return Response(0, [], str(e).encode())
    finally:
        conn.close()


def wait_for(predicate, timeout=30, interval=0.2):
    """predicate()'s first true value within timeout seconds, else None."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    return None


class Stack:
    """One stack in its own directory and ports."""

    def __init__(self, suite, **env):
        self.suite = suite
        self.dir = tempfile.mkdtemp(prefix="dh-%s-" % suite, dir="/tmp")
        os.chmod(self.dir, 0o755)
        self.var = os.path.join(self.dir, "var")
        self.http_port = free_port()
        self.env = {k: v for k, v in os.environ.items() if k not in CONFIG_VARS}
        self.env.update({
            "DH_VAR_DIR": self.var,
            "DH_HTTP_PORT": str(self.http_port),
            "DH_SIM_PORT": str(free_port()),
            "DH_API_PROCS": "4",
            "DH_API_RATE_LIMIT": "1000",
            "DH_API_CONN_LIMIT": "1000",
        })
        self.env.update({k: str(v) for k, v in env.items()})
        self.https_port = int(self.env["DH_HTTPS_PORT"]) if self.env.get("DH_HTTPS_PORT") else None
        self.started = False

    # --- lifecycle -------------------------------------------------------
    def script(self, *args, check=True, timeout=300):
        p = subprocess.run([os.path.join(ROOT, "scripts", "stack.sh")] + list(args), cwd=ROOT,
                           env=self.env, capture_output=True, text=True, timeout=timeout)
        if check and p.returncode != 0:
            raise RuntimeError("stack.sh %s failed (%d): %s%s" % (" ".join(args), p.returncode,
                                                                   p.stdout[-2000:], p.stderr[-2000:]))
        return p

    def start(self):
        self.script("start")
        self.started = True

    def stop(self):
        if self.started:
            self.script("stop", check=False)
            self.started = False

    def ctl(self, *args):
        return self.script("ctl", *args, check=False).stdout

    def pid(self, program):
        out = self.ctl("pid", program).strip()
        return int(out) if out.isdigit() and out != "0" else None

    def supervisord_pid(self):
        with open(os.path.join(self.var, "run", "supervisord.pid")) as f:
            return int(f.read().strip())

    def status(self):
        """{program: state} from supervisorctl status."""
        states = {}
        for line in self.ctl("status").splitlines():
            parts = line.split()
            if len(parts) >= 2:
                states[parts[0]] = parts[1]
        return states

    def keep_logs(self):
        dest = os.path.join(ROOT, "tests", "logs", self.suite)
        shutil.rmtree(dest, ignore_errors=True)
        if os.path.isdir(os.path.join(self.var, "log")):
            shutil.copytree(os.path.join(self.var, "log"), dest)
            print("      logs kept in %s" % os.path.relpath(dest, ROOT), flush=True)

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- clients ---------------------------------------------------------
    def admin_url(self):
        return "postgresql:///darkhorses?host=%s/run/pg&user=postgres" % self.var

    def psql(self, sql, url=None):
        p = subprocess.run(["psql", "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", url or self.admin_url(),
                            "-c", sql], capture_output=True, text=True, timeout=60)
        return p.returncode, p.stdout.strip(), p.stderr.strip()

    def secrets(self):
        vals = {}
        with open(os.path.join(self.var, "secrets", "db.env")) as f:
            for line in f:
                k, _, v = line.strip().partition("=")
                vals[k] = v
        return vals

    def role_url(self, role):
        """A connection URL for dh_writer or dh_reader on the embedded cluster."""
        key = "WRITER_PASSWORD" if role == "dh_writer" else "READER_PASSWORD"
        return "postgresql://%s:%s@/darkhorses?host=%s/run/pg" % (role, self.secrets()[key], self.var)

    def run_binary(self, name, *args, timeout=120, **env):
        """Runs build/bin/NAME with the stack's environment and the writer role."""
        e = dict(self.env, DATABASE_URL=self.role_url("dh_writer"))
        e.update({k: str(v) for k, v in env.items()})
        return subprocess.run([os.path.join(ROOT, "build", "bin", name)] + list(args), env=e,
                              capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)

    def spawn_binary(self, name, *args, **env):
        """Starts build/bin/NAME in the background (stderr to a file in the stack's log dir)."""
        e = dict(self.env, DATABASE_URL=self.role_url("dh_writer"))
        e.update({k: str(v) for k, v in env.items()})
        log = open(os.path.join(self.var, "log", "%s-extra-%d.log" % (name, time.monotonic_ns())), "w")
        return subprocess.Popen([os.path.join(ROOT, "build", "bin", name)] + list(args), env=e,
                                stdout=log, stderr=log, stdin=subprocess.DEVNULL), log.name

    def request(self, path, https=None, **kw):
        """Over HTTPS when the stack has a TLS server (plain HTTP redirects there), unless https=False."""
        if https is None:
            https = self.https_port is not None
        return request(self.https_port if https else self.http_port, path, https=https, **kw)

    def get(self, path, **kw):
        return self.request(path, **kw)

    def get_fresh(self, path, timeout=8, **kw):
        """An answer dh-api made for this request, not one from nginx's micro-cache
        (whose key ignores parameters the route does not declare, so none can
        bust it): asks again until the cached copy has expired (max-age 5 s on
        live routes)."""
        end = time.monotonic() + timeout
        while True:
            r = self.request(path, **kw)
            if r.headers.get("x-cache") not in ("HIT", "STALE", "UPDATING") or time.monotonic() > end:
                return r
            time.sleep(0.25)

    def wait_for(self, predicate, timeout=30, interval=0.2):
        return wait_for(predicate, timeout, interval)


def self_signed_cert(directory):
    cert = os.path.join(directory, "tls.crt")
    key = os.path.join(directory, "tls.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=localhost", "-keyout", key, "-out", cert],
                   check=True, capture_output=True)
    os.chmod(key, 0o644)
    return cert, key


def fcgi_get(host, port, uri, source=None, timeout=5):
    """One FastCGI GET straight to dh-api over TCP, optionally from a chosen
    source address.  Returns the response's bytes (CGI headers and body), or
    b"" when the server closed the connection without answering."""
    def record(rtype, content):
        pad = -len(content) % 8
        return bytes([1, rtype, 0, 1, len(content) >> 8, len(content) & 255, pad, 0]) + content + b"\0" * pad

    def pair(name, value):
        name, value = name.encode(), value.encode()
        size = lambda n: bytes([n]) if n < 128 else (n | 0x80000000).to_bytes(4, "big")
        return size(len(name)) + size(len(value)) + name + value

    path, _, query = uri.partition("?")
    params = b"".join(pair(k, v) for k, v in (
        ("REQUEST_METHOD", "GET"), ("SCRIPT_NAME", path), ("DOCUMENT_URI", path),
        ("REQUEST_URI", uri), ("QUERY_STRING", query), ("SERVER_PROTOCOL", "HTTP/1.1"),
        ("REMOTE_ADDR", source or "127.0.0.1")))
    with socket.create_connection((host, port), timeout=timeout,
                                  source_address=(source, 0) if source else None) as s:
        s.sendall(record(1, bytes([0, 1, 0, 0, 0, 0, 0, 0])) + record(4, params) + record(4, b"")
                  + record(5, b""))
        data = b""
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        except OSError:
            pass
    out, i = b"", 0
    while i + 8 <= len(data):
        rtype, length, pad = data[i + 1], (data[i + 4] << 8) | data[i + 5], data[i + 6]
        if rtype == 6:
            out += data[i + 8:i + 8 + length]
        i += 8 + length + pad
    return out
