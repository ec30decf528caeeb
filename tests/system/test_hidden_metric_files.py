"""A bundle's metric files are never listed or served, by any route, however they are named."""

from __future__ import annotations

import base64
import io
import zipfile
from urllib.parse import quote

import pytest

from components import CI
from webutil import app, cheap_hashing, client, signed_up, write_bundle  # noqa: F401

KAGGLE = "/api/v1/competitions.CompetitionApiService/"
PUBLIC = ["sample_submission.csv", "test.csv", "train.csv"]
HIDDEN = ["metric.py", "helper.py", "weights.json", "kaggle_metric_utilities.py", "competition.toml", "solution.csv",
          "hidden/labels.json", "hidden", "./metric.py", "../scored/metric.py"]
METRIC = """
import json
from . import helper

def score(solution, submission, row_id_column_name):
    with open("weights.json") as fh, open("hidden/labels.json") as labels:
        return helper.mae(solution, submission) * json.load(fh)["scale"] * len(json.load(labels))
"""


@pytest.fixture(autouse=True)
def host_code_runs(monkeypatch):
    """These tests are about hidden files, not isolation: where no sandbox works (outside CI), hosts are trusted."""
    from scrimmage.config import Settings
    from scrimmage.hostcode.isolation import probe

    if probe(Settings.load().bwrap) is not None and not CI:
        monkeypatch.setenv("SCRIMMAGE_TRUST_HOST_CODE", "true")


def _zip(folder) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                zf.write(p, f"{folder.name}/{p.relative_to(folder).as_posix()}")
    return buf.getvalue()


def _bundle(tmp_path):
    folder = write_bundle(tmp_path / "scored", n=40, extra_toml=(
        'metric_file = "./metric.py"\nmetric_files = ["helper.py", "./weights.json", "kaggle_metric_utilities.py"]\n'
        "greater_is_better = false\nmetric_timeout = 300\n"))
    (folder / "metric.py").write_text(METRIC)
    (folder / "helper.py").write_text("def mae(a, b):\n    return float(abs(a['target'].values - b['target'].values).mean())\n")
    (folder / "weights.json").write_text('{"scale": 2}')
    (folder / "kaggle_metric_utilities.py").write_text("class ParticipantVisibleError(Exception):\n    pass\n")
    (folder / "hidden").mkdir()
    (folder / "hidden" / "labels.json").write_text('["no", "yes"]')
    return folder


def test_hidden_metric_files_are_never_listed_or_served(app, tmp_path):
    a = app.state.arena
    signed_up(app, "ada")
    signed_up(app, "hal", role="host")
    pat = signed_up(app, "pat")
    tokens = {n: a.accounts.create_token(n, "t") for n in ("hal", "pat")}
    bearer = {n: {"Authorization": f"Bearer {t}"} for n, t in tokens.items()}
    basic = {"Authorization": "Basic " + base64.b64encode(f"pat:{tokens['pat']}".encode()).decode()}
    c = client(app)
    r = c.post("/api/competitions", files={"bundle": ("scored.zip", _zip(_bundle(tmp_path)))}, headers=bearer["hal"])
    assert r.status_code == 201, r.text
    assert c.post("/api/competitions/scored/join", headers=bearer["pat"]).status_code == 200

    def every_route():
        listed = [f["name"] for f in c.get("/api/competitions/scored/files", headers=bearer["pat"]).json()]
        assert listed == PUBLIC
        shown = c.get("/api/competitions/scored", headers=bearer["pat"]).json()["settings"]
        assert shown["public_files"] == PUBLIC and "metric_files" not in shown
        kaggle = c.post(KAGGLE + "ListDataFiles", json={"competitionName": "scored"}, headers=basic).json()
        assert sorted(f["name"] for f in kaggle["files"]) == PUBLIC
        page = pat.get("/c/scored/data").text
        assert all(f"/c/scored/data/{name}" in page for name in PUBLIC)
        archive = c.get("/api/v1/kaggle/archives/scored.zip", headers=basic)
        with zipfile.ZipFile(io.BytesIO(archive.content)) as zf:
            assert sorted(zf.namelist()) == PUBLIC
        for name in HIDDEN:
            assert c.get(f"/api/competitions/scored/files/{quote(name, safe='')}", headers=bearer["pat"]).status_code == 404
            assert pat.get(f"/c/scored/data/{quote(name, safe='')}").status_code == 404
            assert c.get(f"/api/v1/kaggle/data/scored/{quote(name, safe='')}", headers=basic).status_code == 404
            r = c.post(KAGGLE + "DownloadDataFile", json={"competitionName": "scored", "fileName": name}, headers=basic)
            assert r.status_code == 404
            if "." in name and "/" not in name:
                assert name not in page
        return listed

    every_route()
    # a competition stored before its helpers were known as hidden keeps them hidden too
    from sqlalchemy import update

    from scrimmage.store.schema import competitions

    comp = a.competition("scored")
    old = dict(comp.settings, public_files=PUBLIC + ["helper.py", "metric.py"], metric_file="./metric.py",
               metric_files=["helper.py", "weights.json", "kaggle_metric_utilities.py"])
    with a.store.write() as conn:
        conn.execute(update(competitions).where(competitions.c.ref == "scored").values(settings=old))
    every_route()
    assert [p.name for p in a.files("scored")] == PUBLIC


def test_hidden_files_are_read_by_the_metric(app, tmp_path):
    a = app.state.arena
    a.create_competition(_bundle(tmp_path), host="hal")
    sub = tmp_path / "s.csv"
    lines = (tmp_path / "scored" / "solution.csv").read_text().splitlines()
    sub.write_text("id,target\n" + "".join(f"{line.split(',')[0]},0.5\n" for line in lines[1:]))
    got = a.submit("scored", sub, "m", user="pat")
    assert got.status == "complete" and got.public_score == 0.5 * 2 * 2  # |y - 0.5| = 0.5, scale 2, two labels


def test_what_a_metric_prints_reaches_the_host_page_only(app, tmp_path):
    a = app.state.arena
    signed_up(app, "ada")
    host = signed_up(app, "hal", role="host")
    pat = signed_up(app, "pat")
    folder = write_bundle(tmp_path / "noisy", n=40, extra_toml='metric_file = "metric.py"\ngreater_is_better = false\n'
                                                                     'metric_timeout = 300\n')
    (folder / "metric.py").write_text(
        "import warnings\n"
        "def score(solution, submission, row_id_column_name):\n"
        "    print('rows scored:', len(solution))\n"
        "    warnings.warn('the weights column is missing; scoring unweighted')\n"
        "    return 0.25\n")
    a.create_competition(folder, host="hal")
    headers = {"Authorization": f"Bearer {a.accounts.create_token('pat', 't')}"}
    c = client(app)
    assert c.post("/api/competitions/noisy/join", headers=headers).status_code == 200
    sub = tmp_path / "s.csv"
    sub.write_text((folder / "sample_submission.csv").read_text())
    with open(sub, "rb") as fh:
        r = c.post("/api/competitions/noisy/submissions", files={"file": ("s.csv", fh)}, headers=headers)
    assert r.status_code == 201 and r.json()["public_score"] == 0.25
    for text in (r.text, c.get("/api/competitions/noisy/submissions", headers=headers).text, pat.get("/c/noisy/submissions").text):
        assert "weights column" not in text and "rows scored" not in text
    page = host.get("/c/noisy/host").text
    assert "UserWarning: the weights column is missing; scoring unweighted" in page and "rows scored: 10" in page
    assert pat.get("/c/noisy/host").status_code == 403
