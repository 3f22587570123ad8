"""The operations tests' kit: a PostgreSQL cluster of their own (so stopping it disturbs no other
test), `lanyard serve` processes they start and kill, and plain HTTP without retries, so every
answer a client would see is counted."""

import base64
import hashlib
import hmac
import http.client
import json
import os
import signal
import struct
import subprocess
import time
import urllib.parse
import uuid

LANYARD = os.environ.get("LANYARD_BIN", "lanyard")
PG_BIN = os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin")
DATA_DIR = os.environ.get("LANYARD_OPS_DIR", os.path.abspath(".lanyard/ops"))
PG_PORT = int(os.environ.get("LANYARD_OPS_PG_PORT", "54331"))
ROOT_PASSWORD = "Root-Passw0rd-For-Ops"


def as_owner(cmd):
    """Postgres refuses to run as root: as root, its commands run as the `postgres` user."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


class PgCtlError(subprocess.CalledProcessError):
    """pg_ctl failed; the message carries its output and the end of the server's log."""

    def __str__(self):
        return f"{super().__str__()}\n{self.stderr}"


class Cluster:
    """A throw-away PostgreSQL 15 cluster on a loopback port, started and stopped with pg_ctl."""

    def __init__(self, port=PG_PORT, name="pg"):
        self.port = port
        self.dir = os.path.join(DATA_DIR, name)
        self.data = os.path.join(self.dir, "data")
        self.log = os.path.join(self.dir, "server.log")

    def url(self, db):
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def create(self):
        subprocess.run(["rm", "-rf", self.dir], check=True)
        os.makedirs(self.dir)
        if os.geteuid() == 0:
            subprocess.run(["chown", "postgres:postgres", self.dir], check=True)
        subprocess.run(as_owner([f"{PG_BIN}/initdb", "-D", self.data, "-A", "trust", "-U", "postgres", "-E", "UTF8",
                                 "--locale=C.UTF-8"]), check=True, capture_output=True)
        self.start()

    def pg_ctl(self, *args):
        opts = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=100"
        out = subprocess.run(as_owner([f"{PG_BIN}/pg_ctl", "-D", self.data, "-l", self.log, "-w", "-o", opts, *args]),
                             capture_output=True, text=True)
        if out.returncode != 0:
            # The cluster's directory goes with the test: say here why PostgreSQL would not start or stop.
            log = open(self.log, errors="replace").read()[-2000:] if os.path.exists(self.log) else "(no log)"
            raise PgCtlError(out.returncode, out.args, out.stdout, f"{out.stderr}\n--- {self.log} ---\n{log}")

    def start(self):
        self.pg_ctl("start")

    def running(self):
        return subprocess.run(as_owner([f"{PG_BIN}/pg_ctl", "-D", self.data, "status"]),
                              capture_output=True).returncode == 0

    def start_if_stopped(self):
        if not self.running():
            self.start()

    def stop(self):
        self.pg_ctl("-m", "fast", "stop")

    def restart(self):
        self.pg_ctl("-m", "fast", "restart")

    def psql(self, db, sql):
        out = subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-tAc", sql, db],
                             check=True, capture_output=True, text=True)
        return out.stdout.strip()

    def destroy(self):
        try:
            self.stop()
        except subprocess.CalledProcessError:
            pass
        subprocess.run(["rm", "-rf", self.dir], check=False)


def fresh_database(**settings):
    """A new cluster with a migrated database `lanyard_ops`; returns it and the servers' environment."""
    cluster = Cluster()
    cluster.create()
    cluster.psql("postgres", "CREATE DATABASE lanyard_ops")
    env = dict(os.environ, DATABASE_URL=cluster.url("lanyard_ops"), **settings)
    lanyard_plain(env, "migrate")
    return cluster, env


def lanyard_plain(env, *args):
    subprocess.run([LANYARD, *args], capture_output=True, text=True, check=True, env=env)


def lanyard(env, *args, stdin=None):
    out = subprocess.run([LANYARD, *args], input=stdin, capture_output=True, text=True, check=True, env=env)
    return json.loads(out.stdout.strip().splitlines()[-1])


class Server:
    """One `lanyard serve` on 127.0.0.1:`port`, its log in the ops directory."""

    def __init__(self, env, port, public_url=None):
        self.port = port
        self.env = dict(env, LANYARD_LISTEN=f"127.0.0.1:{port}",
                        LANYARD_PUBLIC_URL=public_url or f"http://localhost:{port}")
        self.log_path = os.path.join(DATA_DIR, f"server-{port}.log")
        self.proc = None

    def start(self):
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen([LANYARD, "serve"], env=self.env, stdout=self.log, stderr=self.log)
        deadline = time.time() + 30
        while time.time() < deadline:
            if get(self.port, "/readyz")[0] == 200:
                return self
            time.sleep(0.1)
        raise RuntimeError(f"the server on port {self.port} did not become ready; see {self.log_path}")

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=15)
        if self.proc:
            self.log.close()
        self.proc = None

    def tail(self, n=30):
        with open(self.log_path, "rb") as f:
            return b"\n".join(f.read().splitlines()[-n:]).decode(errors="replace")


class Nginx:
    """Debian's nginx in the foreground, its configuration and temporary files in the ops directory
    (`name` names its subdirectory); `http` is what goes inside its `http` block."""

    def __init__(self, name, port, http):
        self.port = port
        self.dir = os.path.join(DATA_DIR, name)
        tmp = os.path.join(self.dir, "tmp")
        os.makedirs(tmp, exist_ok=True)
        user = "user root;\n" if os.geteuid() == 0 else ""
        self.conf = os.path.join(self.dir, "nginx.conf")
        with open(self.conf, "w") as f:
            f.write(f"""{user}daemon off;
worker_processes 1;
pid {self.dir}/nginx.pid;
error_log {self.dir}/error.log warn;
events {{ worker_connections 512; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/body; proxy_temp_path {tmp}/proxy; fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi; scgi_temp_path {tmp}/scgi;
{http}
}}
""")
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(["nginx", "-p", self.dir, "-c", self.conf], stderr=subprocess.PIPE)
        deadline = time.time() + 10
        while time.time() < deadline:
            if request(self.port, "GET", "/healthz")[0] != 0:
                return self
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited: {self.proc.stderr.read().decode()}")
            time.sleep(0.1)
        raise RuntimeError("nginx did not answer")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)
            self.proc.wait(timeout=10)


def error_code(call):
    """The AWS error code a boto3 call fails with, or None when it succeeds."""
    import botocore.exceptions
    try:
        call()
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"]
    return None


def request(port, method, path, body=None, headers=None, timeout=15, host=None):
    """(status, body text, seconds) of one request; status 0 when no answer came at all."""
    started = time.monotonic()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        h = {"Host": host or f"localhost:{port}", **(headers or {})}
        conn.request(method, path, body=body, headers=h)
        res = conn.getresponse()
        text = res.read().decode(errors="replace")
        return res.status, text, time.monotonic() - started, res.getheaders()
    except (OSError, http.client.HTTPException) as e:
        return 0, str(e), time.monotonic() - started, []
    finally:
        conn.close()


def get(port, path, cookie=None, host=None):
    headers = {"Cookie": cookie} if cookie else {}
    return request(port, "GET", path, headers=headers, host=host)


def form_post(port, path, fields, cookie=None, host=None, forwarded_for=None):
    """A server-function post as the hydrated console sends it (JSON back, same-origin)."""
    host = host or f"localhost:{port}"
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://{host}",
               "Accept": "application/json"}
    if cookie:
        headers["Cookie"] = cookie
    if forwarded_for:
        headers["X-Forwarded-For"] = forwarded_for
    return request(port, "POST", path, body=urllib.parse.urlencode(fields), headers=headers, host=host)


def console_create_user(port, name, cookie, path="/", host=None):
    """The console's `Create user` (step 1 of Add users, one name), as the hydrated page posts it."""
    fields = {"step": "details", "go": "create", "user_names[0]": name, "path": path}
    return form_post(port, "/api/add_users_step", fields, cookie, host=host)


def session_cookie(headers):
    for name, value in headers:
        if name.lower() == "set-cookie" and value.startswith("lanyard_session="):
            return value.split(";")[0]
    return None


def new_account(env, prefix="ops"):
    """A new account (root without MFA) and a root access key, made with the CLI."""
    alias = f"{prefix}-{uuid.uuid4().hex[:8]}"
    email = f"{alias}@example.com"
    account = lanyard(env, "account", "create", "--email", email, "--alias", alias, "--password-stdin",
                      stdin=ROOT_PASSWORD + "\n")
    key = lanyard(env, "access-key", "create", "--account", alias, "--root")
    return {"id": account["account_id"], "alias": alias, "email": email, "key": key}


def root_session(port, account, host=None):
    status, body, _, headers = form_post(port, "/api/sign_in", {"kind": "root", "email": account["email"],
                                                                 "password": ROOT_PASSWORD}, host=host)
    cookie = session_cookie(headers)
    if status != 200 or not cookie:
        raise RuntimeError(f"root sign-in failed: {status} {body[:300]}")
    return cookie


def totp(seed_b32, step):
    """RFC 6238 (SHA-1, 6 digits, 30 s), as an authenticator app computes it from the Base32 seed."""
    key = base64.b32decode(seed_b32 + "=" * (-len(seed_b32) % 8))
    mac = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    return f"{(struct.unpack('>I', mac[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def now_step():
    return int(time.time()) // 30
