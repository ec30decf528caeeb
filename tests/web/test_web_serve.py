"""`scrimmage serve` builds the app on the chosen store and runs it with uvicorn."""

import pytest

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
