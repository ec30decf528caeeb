"""docs/deploy.md's one-server setup, run as the doc writes it: the systemd unit's command and nginx's TLS site.

The unit's ``ExecStart`` and ``Environment`` lines and the nginx site are read from the doc; only what a test
machine cannot have is changed: ports (free ones on loopback), the home (a temporary folder) and the certificate
(a self-signed one for the doc's server name).
"""

from __future__ import annotations

import re
import shlex
import subprocess

import httpx
import pytest

from components import require_program
from deployment import NGINX, Replica, answers, doc_block, free_port, nginx, nginx_main, replica_env

PASSWORD = "correct horse battery"
pytestmark = pytest.mark.deploy


def unit_lines(unit: str, key: str) -> list[str]:
    return [line.split("=", 1)[1] for line in unit.splitlines() if line.startswith(f"{key}=")]


def test_the_one_server_setup_serves_over_tls(tmp_path):
    require_program(NGINX, "nginx")
    openssl = require_program("/usr/bin/openssl", "openssl")
    unit = doc_block("ini", "ExecStart=")
    env_lines = dict(line.split("=", 1) for line in unit_lines(unit, "Environment"))
    assert env_lines == {"SCRIMMAGE_HOME": "/var/lib/scrimmage/home"}
    command = shlex.split(unit_lines(unit, "ExecStart")[0])
    assert command[:2] == ["/var/lib/scrimmage/venv/bin/scrimmage", "serve"]
    args = command[2:]
    port = free_port()
    args[args.index("--port") + 1] = str(port)

    site = doc_block("nginx", "ssl_certificate ")
    name = re.search(r"server_name (\S+);", site).group(1)
    cert, key = tmp_path / "fullchain.pem", tmp_path / "privkey.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", f"/CN={name}",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True, timeout=120)
    http_port, https_port = free_port(), free_port()
    site = (site.replace("server 127.0.0.1:8000;", f"server 127.0.0.1:{port};")
            .replace("listen 80;", f"listen 127.0.0.1:{http_port};")
            .replace("listen 443 ssl;", f"listen 127.0.0.1:{https_port} ssl;")
            .replace(f"/etc/letsencrypt/live/{name}/fullchain.pem", str(cert))
            .replace(f"/etc/letsencrypt/live/{name}/privkey.pem", str(key)))
    assert str(cert) in site and str(key) in site and f"{https_port} ssl" in site

    home = tmp_path / "home"
    server = Replica("one", home, port, replica_env(home, None), "", separate=False, args=args)
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    https = f"https://127.0.0.1:{https_port}"
    try:
        server.start()
        with nginx(prefix, nginx_main(prefix, site), lambda: answers(f"http://127.0.0.1:{http_port}/")):
            # plain http is sent to https, at the address the participant typed
            r = httpx.get(f"http://127.0.0.1:{http_port}/login", headers={"Host": name})
            assert (r.status_code, r.headers["location"]) == (301, f"https://{name}/login")
            with httpx.Client(base_url=https, verify=False, headers={"Host": name}, timeout=120) as c:
                c.get("/login")
                r = c.post("/signup", data={"name": "ada", "password": PASSWORD,
                                            "csrf_token": c.cookies["scrimmage_csrf"]})
                assert r.status_code == 303, r.text
                assert "secure" in r.headers["set-cookie"].lower()  # --secure-cookies: sent over https only
                page = c.get("/account").text
                # the server reached over http behind nginx knows the participant's address is https
                assert f"scrimmage config set server https://{name}/" in page
    finally:
        server.stop()


def test_the_replicas_settings_are_the_ones_the_replica_test_gives():
    """/etc/scrimmage/env in the doc names exactly the settings tests/system/test_replicas.py gives each replica."""
    from deployment import replica_settings

    block = doc_block("sh", "SCRIMMAGE_STORAGE_URL=")
    documented = [line.split("=", 1)[0] for line in block.splitlines() if line.strip()]
    assert documented == list(replica_settings("postgresql+psycopg://db/arena", "s3://bucket/prefix"))
