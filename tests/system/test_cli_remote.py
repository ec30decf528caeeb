"""`scrimmage --server URL …` talks to a live arena server over HTTP: same commands, same output."""

import os

import pytest

from cliutil import run
from webutil import app, live_server, token_for, write_bundle, write_predictions  # noqa: F401
from scrimmage.store.schema import users


@pytest.fixture
def served(app, tmp_path, monkeypatch, capsys):
    folder = write_bundle(tmp_path / "tiny")
    assert run(capsys, "competitions", "create", str(folder))[0] == 0  # local, hosted by alice
    monkeypatch.setenv("SCRIMMAGE_TOKEN", token_for(app, "alice")["Authorization"].split()[1])
    with live_server(app) as url:
        yield url, folder


def test_same_commands_same_output(served, capsys, tmp_path, app):
    url, folder = served
    good = write_predictions(tmp_path / "good.csv", folder, 0.8)
    code, out, _ = run(capsys, "--server", url, "competitions", "submit", "tiny", "-f", str(good), "-m", "remote")
    assert code == 0 and out.startswith("Successfully submitted to tiny (submission 1)\nPublic score: ")
    assert out.endswith("\n4 of 5 submissions left today (UTC)\n")
    code, out, _ = run(capsys, "competitions", "submit", "tiny", "-f", str(good), "-m", "local")
    assert code == 0 and out.endswith("\n3 of 5 submissions left today (UTC)\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("id,target\n1,2\n")
    local_bad = run(capsys, "competitions", "submit", "tiny", "-f", str(bad), "-m", "x")
    remote_bad = run(capsys, "--server", url, "competitions", "submit", "tiny", "-f", str(bad), "-m", "x")
    assert local_bad[0] == remote_bad[0] == 1
    assert remote_bad[2] == local_bad[2] and remote_bad[2].startswith("error: submission rejected:")
    assert run(capsys, "--server", url, "competitions", "select", "tiny", "1")[1] == \
        "Submission 1 selected for the private leaderboard\n"
    # a participant is not shown the lessons not created yet (they cannot create them); the local CLI's
    # user can, and so can a host on the server: as one, the list is the same
    remote_list = run(capsys, "--server", url, "competitions", "list", "--csv")[1]
    assert "tiny" in remote_list and "lesson-" not in remote_list
    assert "lesson-small-noisy" in run(capsys, "competitions", "list", "--csv")[1]
    with app.state.arena.store.write() as conn:
        conn.execute(users.update().where(users.c.name == "alice").values(role="host"))
    for command in (["list"], ["list", "--csv"], ["files", "tiny"], ["submissions", "tiny"],
                    ["submissions", "tiny", "--csv"], ["leaderboard", "tiny"], ["leaderboard", "tiny", "--csv"],
                    ["leaderboard", "tiny", "--private"]):
        local = run(capsys, "competitions", *command)
        remote = run(capsys, "--server", url, "competitions", *command)
        assert remote == local, command
    code, out, _ = run(capsys, "--server", url, "competitions", "download", "tiny", "-p", str(tmp_path / "dl"))
    assert code == 0 and (tmp_path / "dl" / "train.csv").read_bytes() == (folder / "train.csv").read_bytes()
    assert not (tmp_path / "dl" / "solution.csv").exists()
    assert run(capsys, "--server", url, "competitions", "close", "tiny")[1].startswith("Closed tiny;")
    local = run(capsys, "competitions", "leaderboard", "tiny", "--private")
    assert run(capsys, "--server", url, "competitions", "leaderboard", "tiny", "--private") == local
    assert "Shake-up" in local[1]


def test_config_set_server_and_create_remotely(served, capsys, tmp_path, app):
    url, _ = served
    assert run(capsys, "config", "set", "server", url)[0] == 0
    other = write_bundle(tmp_path / "other")
    code, _, err = run(capsys, "competitions", "create", str(other))  # goes to the server now
    assert (code, err) == (1, "error: only hosts and admins can create competitions; ask an admin for the host role\n")
    with app.state.arena.store.write() as conn:
        conn.execute(users.update().where(users.c.name == "alice").values(role="host"))
    code, out, _ = run(capsys, "competitions", "create", str(other))
    assert code == 0 and out.startswith("Created competition other: Tiny (metric roc_auc, higher is better)")
    assert app.state.arena.competition("other").title == "Tiny"
    code, _, err = run(capsys, "competitions", "files", "nope")
    assert code == 1 and err.startswith("error: no competition 'nope'; known competitions: ")


def test_remote_errors(served, capsys, monkeypatch):
    url, _ = served
    monkeypatch.setenv("SCRIMMAGE_TOKEN", "scr_wrong")
    code, _, err = run(capsys, "--server", url, "competitions", "submissions", "tiny")
    assert code == 1
    assert err == "error: the API token is not valid (revoked or mistyped); create a new one on your account page\n"
    monkeypatch.delenv("SCRIMMAGE_TOKEN")
    assert run(capsys, "--server", url, "competitions", "submissions", "tiny") == (
        1, "", f"error: the arena server at {url} needs your API token: create one on your account page "
               f"({url}/account), then run `scrimmage config set token TOKEN` or set SCRIMMAGE_TOKEN\n")
    code, _, err = run(capsys, "--server", "http://127.0.0.1:9", "competitions", "list")
    assert code == 1 and err.startswith("error: cannot reach the arena server at http://127.0.0.1:9 (")
    assert err.rstrip().endswith("check `scrimmage config set server URL`")


def test_client_messages(served, tmp_path):
    import httpx

    from scrimmage.client import RemoteArena
    from scrimmage.errors import NotFoundError, ScrimmageError

    url, folder = served
    remote = RemoteArena(url, "scr_whatever")
    with pytest.raises(ScrimmageError, match="^no competition given: pass REF, or set a default with "
                                             "`scrimmage config set competition REF`$"):
        remote.files(None)
    with pytest.raises(NotFoundError, match=f"^no file at {tmp_path / 'none.csv'}: give the path of your submission CSV$"):
        remote.submit("tiny", tmp_path / "none.csv")
    with pytest.raises(NotFoundError, match=f"^no competition folder at {tmp_path / 'nope'}: "
                                            "give the folder that holds competition.toml$"):
        remote.create_competition(tmp_path / "nope")
    with pytest.raises(NotFoundError, match="^no public file 'solution.csv'; the files are: sample_submission.csv, test.csv, train.csv$"):
        remote.download("tiny", tmp_path / "dl", "solution.csv")
    seen = []
    signed_in = RemoteArena(url, os.environ["SCRIMMAGE_TOKEN"])
    got = signed_in.download("tiny", tmp_path / "dl", on_progress=lambda done, total: seen.append((done, total)))
    assert [p.name for p in got] == ["sample_submission.csv", "test.csv", "train.csv"]
    assert all(p.read_bytes() == (folder / p.name).read_bytes() for p in got)
    total = sum((folder / p.name).stat().st_size for p in got)
    assert seen[-1] == (total, total) and [d for d, _ in seen] == sorted(d for d, _ in seen)
    remote.http = httpx.Client(base_url=url, transport=httpx.MockTransport(lambda req: httpx.Response(502, text="<html>")))
    with pytest.raises(ScrimmageError, match=f"^the server at {url} answered 502 Bad Gateway$"):
        remote.list_competitions()


def test_profile_public_prints_its_link(served, capsys):
    url, _ = served
    assert run(capsys, "--server", url, "profile", "--public") == (
        0, f"Your profile is public: anyone with its link can read it: {url}/u/alice\n", "")


def test_lessons_create_asks_the_server_before_generating(served, capsys, app):
    url, _ = served
    args = ["--server", url, "lessons", "create", "imbalance", "--rows", "1000", "--no-references", "--ref", "remote-imb"]
    assert run(capsys, *args) == (  # nothing generated first (its progress would show on stderr)
        1, "", f"error: only hosts and admins can create lessons on {url}; ask an admin for the host role\n")
    with app.state.arena.store.write() as conn:
        conn.execute(users.update().where(users.c.name == "alice").values(role="host"))
    code, out, err = run(capsys, *args)
    assert code == 0 and out.startswith("Created lesson remote-imb: "), err
    assert app.state.arena.competition("remote-imb").ref == "remote-imb"
