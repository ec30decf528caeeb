"""`scrimmage config` and the settings every command reads: a bad one is refused with its fix."""

from __future__ import annotations

from cliutil import run

NOT_A_URL = "not a server URL: give http:// or https:// and the host, e.g. http://localhost:8000\n"


def test_a_server_that_is_not_an_http_url_is_refused_wherever_it_comes_from(home, capsys, monkeypatch):
    assert run(capsys, "config", "set", "server", "localhost:8000") == (
        1, "", f"error: server is 'localhost:8000', {NOT_A_URL}")
    assert not (home / "config.toml").exists()  # nothing saved
    assert run(capsys, "--server", "localhost:8000", "competitions", "list") == (
        1, "", f"error: --server is 'localhost:8000', {NOT_A_URL}")
    for bad in ("ftp://arena.example.org", "http://", "http://localhost:port"):
        monkeypatch.setenv("SCRIMMAGE_SERVER", bad)
        assert run(capsys, "competitions", "list") == (1, "", f"error: SCRIMMAGE_SERVER is {bad!r}, {NOT_A_URL}")
    monkeypatch.delenv("SCRIMMAGE_SERVER")
    home.mkdir(exist_ok=True)
    (home / "config.toml").write_text('server = "arena.example.org"\n')  # saved by an older version
    assert run(capsys, "competitions", "list") == (
        1, "", f"error: server in {home / 'config.toml'} is 'arena.example.org', {NOT_A_URL}")
    assert run(capsys, "config", "set", "server", "https://arena.example.org:8443/") == (
        0, f"server = 'https://arena.example.org:8443/' (saved in {home / 'config.toml'})\n", "")
