"""A real replicated deployment on loopback: PostgreSQL, an S3-compatible server, replicas, nginx.

Each piece is a real process of its own, started here and stopped at the end:

* a fresh PostgreSQL database on the machine's server (``SCRIMMAGE_TEST_POSTGRES_URL``), dropped after;
* moto's standalone S3 server (``moto_server``) with one bucket, when the replicas use object storage;
* ``scrimmage serve`` replicas, each with a SCRIMMAGE_HOME of its own (as on separate machines);
* nginx from Debian's packages with its own config, pid and log files, round-robin over the replicas.

nginx writes which replica answered each request (``$upstream_addr``) to its access log and in an
``X-Upstream`` response header: the balancer itself says where a request landed.

Used by tests/system/test_replicas.py, tests/system/test_deploy_doc.py and benchmarks/server.py.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager, ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from databases import fresh_database

NGINX = "/usr/sbin/nginx"
#: The log line nginx writes per request: which upstream(s) it tried, the status, the request.
LOG_FORMAT = "$upstream_addr|$upstream_status|$status|$request_method|$request_uri"
#: Safety nets only: every wait below polls for the real event and ends as soon as it happens.
START_TIMEOUT = 120.0
#: How long a port still held by a stopping server is waited for.
PORT_WAIT = 60.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(ready, what: str, proc: subprocess.Popen | None = None, log: Path | None = None,
               timeout: float = START_TIMEOUT) -> None:
    """Poll ``ready()`` until it is true; fail naming ``what`` if ``proc`` stops or the safety net runs out."""
    deadline = time.monotonic() + timeout
    while not ready():
        if proc is not None and proc.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:] if log and log.exists() else ""
            raise RuntimeError(f"{what} stopped (exit {proc.returncode}) before it was ready:\n{tail}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} was not ready within {timeout:g} s")
        time.sleep(0.1)


def answers(url: str) -> bool:
    import httpx

    try:
        httpx.get(url, timeout=5)
    except httpx.HTTPError:
        return False
    return True


def stop(proc: subprocess.Popen, sig: int = signal.SIGTERM, grace: float = 20) -> None:
    if proc.poll() is None:
        proc.send_signal(sig)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# -- the S3-compatible server --------------------------------------------------
#: moto accepts any credentials; the replicas and the test use these.
S3_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "scrimmage-test", "AWS_SECRET_ACCESS_KEY": "scrimmage-test-secret"}


@contextmanager
def s3_server(workdir: Path, bucket: str = "arena"):
    """moto's standalone S3 server on a free loopback port with ``bucket`` made; yields its endpoint URL."""
    import httpx

    program = shutil.which("moto_server")
    if program is None:
        raise FileNotFoundError("moto_server")
    port = free_port()
    log = workdir / "moto.log"
    endpoint = f"http://127.0.0.1:{port}"
    with open(log, "wb") as out:
        proc = subprocess.Popen([program, "-H", "127.0.0.1", "-p", str(port)], stdout=out, stderr=subprocess.STDOUT,
                                env={**os.environ, **S3_CREDENTIALS})
    try:
        wait_until(lambda: answers(endpoint), "moto_server", proc, log)
        # a bucket is made by its owner before the replicas start (a PUT on its name, as `aws s3 mb` sends)
        httpx.put(f"{endpoint}/{bucket}", timeout=30).raise_for_status()
        yield endpoint
    finally:
        stop(proc)


# -- replicas ------------------------------------------------------------------
@dataclass
class Replica:
    """One ``scrimmage serve`` process with a home of its own."""

    name: str
    home: Path
    port: int
    env: dict
    db_url: str
    elsewhere: list[Path] = field(default_factory=list)  # the other replicas' folders: hidden from this one
    separate: bool = True  # as on a machine of its own
    args: list[str] | None = None  # the arguments of `scrimmage serve` (default: this port, the database, nginx trusted)
    proc: subprocess.Popen | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.home.parent / f"{self.name}.log"

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def launch(self) -> None:
        """Start the process (without waiting for it to answer), as if on a machine of its own."""
        self.home.mkdir(parents=True, exist_ok=True)
        self.starts += 1
        args = self.args or ["--host", "127.0.0.1", "--port", str(self.port), "--db", self.db_url,
                             "--trusted-proxy", "127.0.0.1"]
        serve = [sys.executable, "-m", "scrimmage", "serve", *args]
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen((self.machine() if self.separate else []) + serve, env=self.env, stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=subprocess.STDOUT)

    def machine(self) -> list[str]:
        """A command prefix that runs a program as on another machine: a host name of its own, and the other
        replicas' folders hidden (an empty tmpfs over each). It execs the program, so the process's id is the
        program's. Needs root (mount and UTS namespaces)."""
        hide = "".join(f"mount -t tmpfs scrimmage-elsewhere {shlex.quote(str(d))} && " for d in self.elsewhere)
        script = f"hostname {shlex.quote(self.name)} && {hide}exec \"$@\""
        return ["unshare", "--mount", "--uts", "--", "sh", "-c", script, "sh"]

    def wait_ready(self) -> None:
        wait_until(lambda: answers(f"{self.url}/api/competitions"), f"replica {self.name}", self.proc, self.log)

    def start(self) -> None:
        self.launch()
        self.wait_ready()

    def kill(self) -> None:
        """kill -9: no cleanup of any kind."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc)


def replica_settings(db_url: str, storage_url: str | None) -> dict:
    """The settings every replica is given in its environment: those of docs/deploy.md's /etc/scrimmage/env."""
    out = {"SCRIMMAGE_DATABASE_URL": db_url}
    if storage_url:
        out["SCRIMMAGE_STORAGE_URL"] = storage_url
        out.update(S3_CREDENTIALS)
    return out


def replica_env(home: Path, storage_url: str | None, extra: dict | None = None) -> dict:
    """The environment of a replica: the machine's, none of the test's SCRIMMAGE_ settings, its own home."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SCRIMMAGE_", "AWS_"))}
    env["SCRIMMAGE_HOME"] = str(home)
    env["SCRIMMAGE_USER"] = "scrimmage-server"
    if storage_url:
        env["SCRIMMAGE_STORAGE_URL"] = storage_url
    env.update(extra or {})
    return env


# -- the balancer --------------------------------------------------------------
def nginx_main(prefix: Path, http: str) -> str:
    """A whole nginx configuration around ``http`` (the body of its http block), its files in ``prefix``."""
    user = "user root root;\n" if os.geteuid() == 0 else ""  # the worker writes its temp files in prefix
    temp = "".join(f"  {kind}_temp_path {prefix / kind};\n" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (
        f"{user}worker_processes 1;\npid {prefix / 'nginx.pid'};\nerror_log {prefix / 'error.log'} warn;\n"
        "events { worker_connections 1024; }\n"
        "http {\n"
        f"  log_format upstreams '{LOG_FORMAT}';\n"
        f"  access_log {prefix / 'access.log'} upstreams;\n"
        f"{temp}{http}"
        "}\n"
    )


def nginx_config(prefix: Path, listen: str, upstreams: list[str], location: str) -> str:
    """One server on ``listen``, round robin over ``upstreams``."""
    servers = "".join(f"    server {u} max_fails=1 fail_timeout=60s;\n" for u in upstreams)
    return nginx_main(prefix, "  upstream scrimmage {\n" f"{servers}" "    keepalive 32;\n  }\n"
                              f"  server {{\n    listen {listen};\n{location}  }}\n")


DEPLOY_DOC = Path(__file__).resolve().parents[1] / "docs" / "deploy.md"


def doc_block(language: str, containing: str) -> str:
    """The first fenced ``language`` block of docs/deploy.md that contains ``containing``."""
    for block in re.findall(rf"^```{language}\n(.*?)^```$", DEPLOY_DOC.read_text(), re.S | re.M):
        if containing in block:
            return block
    raise LookupError(f"docs/deploy.md has no {language} block with {containing!r}")


def proxy_location() -> str:
    """The ``location /`` block of docs/deploy.md's nginx configuration, as the doc gives it, with one
    more line: a response header naming the replica that answered."""
    block = doc_block("nginx", "location / {")
    location = re.search(r"^( *)location / \{\n.*?^\1\}\n", block, re.S | re.M).group(0)
    closing = location.rstrip().rsplit("\n", 1)
    return f"{closing[0]}\n        add_header X-Upstream $upstream_addr always;\n{closing[1]}\n"


@dataclass
class Balancer:
    prefix: Path
    port: int
    proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def access_log(self) -> Path:
        return self.prefix / "access.log"

    def entries(self) -> list[dict]:
        """The access log: one dict per request, ``upstreams`` the replicas tried in order."""
        out = []
        for line in self.access_log.read_text().splitlines():
            upstreams, upstream_status, status, method, uri = line.split("|", 4)
            out.append({"upstreams": [u.strip() for u in upstreams.split(",") if u.strip() not in ("", "-")],
                        "upstream_status": upstream_status, "status": int(status), "method": method, "uri": uri})
        return out


@contextmanager
def nginx(prefix: Path, config: str, ready):
    """nginx in the foreground (a child of this process) with ``config``, once ``ready()``; yields the process."""
    conf = prefix / "nginx.conf"
    conf.write_text(config)
    log = prefix / "error.log"
    deadline = time.monotonic() + PORT_WAIT
    while True:
        proc = subprocess.Popen([NGINX, "-p", str(prefix), "-c", str(conf), "-e", str(log), "-g", "daemon off;"],
                                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        try:
            wait_until(lambda: (prefix / "nginx.pid").exists() and ready(), "nginx", proc, log)
            break
        except RuntimeError:
            stop(proc, signal.SIGQUIT)
            # the port is still held by a server that is stopping (another test of the port's group): try again
            if "Address already in use" not in log.read_text() or time.monotonic() > deadline:
                raise
            log.unlink()
            time.sleep(0.5)
    try:
        yield proc
    finally:
        stop(proc, signal.SIGQUIT)


@contextmanager
def balancer(workdir: Path, replicas: list[Replica], port: int, location: str):
    """nginx, round robin over ``replicas`` on 127.0.0.1:``port``; yields a Balancer."""
    prefix = workdir / "nginx"
    prefix.mkdir()
    config = nginx_config(prefix, f"127.0.0.1:{port}", [f"127.0.0.1:{r.port}" for r in replicas], location)
    with nginx(prefix, config, lambda: answers(f"http://127.0.0.1:{port}/api/competitions")) as proc:
        yield Balancer(prefix, port, proc)


# -- everything together -------------------------------------------------------
@dataclass
class Deployment:
    workdir: Path
    db_url: str
    storage_url: str | None
    replicas: list[Replica]
    balancer: Balancer
    s3_endpoint: str | None = None
    names: dict[str, str] = field(default_factory=dict)  # "127.0.0.1:PORT" -> replica name

    @property
    def url(self) -> str:
        return self.balancer.url

    def replica_of(self, upstream: str) -> str:
        return self.names[upstream]

    def served_by(self, entries: list[dict]) -> list[str]:
        """The replica that answered each logged request (the last upstream nginx tried)."""
        return [self.names[e["upstreams"][-1]] for e in entries if e["upstreams"]]


@contextmanager
def deployment(workdir: Path, postgres_server: str, *, replicas: int = 2, port: int | None = None,
               object_storage: bool = True, separate_machines: bool = True, extra_env: dict | None = None):
    """PostgreSQL + (optionally) S3 + ``replicas`` × ``scrimmage serve`` + nginx on loopback; yields a Deployment.

    With ``separate_machines`` each replica runs as on a machine of its own (see :meth:`Replica.machine`);
    without, the replicas see one another's homes, as on one machine or with the homes on a shared disk.
    The replicas start at the same moment on the new, empty database: the schema is made once.
    """
    with ExitStack() as stack:
        db_url = stack.enter_context(fresh_database(postgres_server, "scrimmage_deploy"))
        storage_url, endpoint = None, None
        if object_storage:
            endpoint = stack.enter_context(s3_server(workdir))
            storage_url = f"s3://arena/scrimmage?endpoint={endpoint}"
        env_extra = {**replica_settings(db_url, storage_url), **(extra_env or {})}
        pool = [Replica(f"replica{i + 1}", workdir / f"replica{i + 1}" / "home", free_port(), {}, db_url)
                for i in range(replicas)]
        for r in pool:
            r.home.mkdir(parents=True)
        for r in pool:
            r.env = replica_env(r.home, storage_url, env_extra)
            r.separate = separate_machines
            r.elsewhere = [o.home.parent for o in pool if o is not r]
            stack.callback(r.stop)
        for r in pool:
            r.launch()
        for r in pool:
            r.wait_ready()
        lb = stack.enter_context(balancer(workdir, pool, port or free_port(), proxy_location()))
        yield Deployment(workdir, db_url, storage_url, pool, lb, endpoint,
                         {f"127.0.0.1:{r.port}": r.name for r in pool})
