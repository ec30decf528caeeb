"""`scrimmage serve` builds the app on the chosen store and runs it with uvicorn."""

import pytest

from components import CI
from scrimmage.cli import main


def test_serve_runs_uvicorn_on_the_given_store(monkeypatch, capsys, tmp_path):
    import uvicorn

    seen = {}
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(app=app, **kw))
    url = f"sqlite:///{tmp_path / 'served.db'}"
    with pytest.raises(SystemExit) as info:
        main(["serve", "--host", "0.0.0.0", "--port", "8123", "--db", url])
    assert info.value.code == 0
    assert (seen["host"], seen["port"]) == ("0.0.0.0", 8123)
    assert seen["app"].state.arena.store.url == url and (tmp_path / "served.db").exists()
    out = capsys.readouterr().out
    assert out.startswith("scrimmage arena at http://127.0.0.1:8123/  (REST API docs: http://127.0.0.1:8123/api/docs)\n")
    assert "The first account signed up becomes the admin." in out


def test_serve_says_how_host_metric_files_run(monkeypatch, capsys, tmp_path):
    import uvicorn

    from scrimmage.hostcode.isolation import probe

    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: None)
    for bwrap, trusted, line in [
        ("/usr/bin/bwrap", "", "Hosts' metric files run in a bubblewrap sandbox (/usr/bin/bwrap)."),
        (str(tmp_path / "none"), "", f"Hosts' metric files are refused: bubblewrap not found at {tmp_path / 'none'}. "
                                     "Install bubblewrap, or set trust_host_code = true if every host is trusted."),
        (str(tmp_path / "none"), "true", "Hosts' metric files run WITHOUT a sandbox, as this server's user "
                                         f"(trust_host_code is set): bubblewrap not found at {tmp_path / 'none'}."),
    ]:
        if bwrap == "/usr/bin/bwrap" and probe(bwrap) is not None and not CI:
            continue  # no working bubblewrap on this machine: the other two lines still hold
        monkeypatch.setenv("SCRIMMAGE_BWRAP", bwrap)
        monkeypatch.setenv("SCRIMMAGE_TRUST_HOST_CODE", trusted)
        with pytest.raises(SystemExit):
            main(["serve", "--port", "8124"])
        assert capsys.readouterr().out.splitlines()[2] == line
