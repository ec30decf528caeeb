"""The Kaggle-compatible API shows Ladder scores on a Ladder competition until the close."""

from __future__ import annotations

import base64

from webutil import app, cheap_hashing, client, signed_up, write_bundle, write_predictions  # noqa: F401

S = "/api/v1/competitions.CompetitionApiService/"
LADDER = 'title = "Ladder"\nmetric = "roc_auc"\nid_column = "id"\nleaderboard = "ladder"\ndaily_limit = 20\n'


def test_list_submissions_shows_the_ladder_score_then_the_raw_one_after_close(app, tmp_path):
    a = app.state.arena
    signed_up(app, "hal", role="host")
    signed_up(app, "pat")
    folder = write_bundle(tmp_path / "ladder", n=400, toml=LADDER)
    a.create_competition(folder, host="hal")
    first = a.submit("ladder", write_predictions(tmp_path / "a.csv", folder, 0.15, seed=1), "a", user="pat")
    worse = a.submit("ladder", write_predictions(tmp_path / "b.csv", folder, 0.0, seed=2), "b", user="pat")
    c = client(app)
    c.base_url = "http://localhost"
    auth = {"Authorization": "Basic " + base64.b64encode(f"pat:{a.accounts.create_token('pat', 'kaggle')}".encode()).decode()}

    def listed():
        subs = c.post(S + "ListSubmissions", json={"competitionName": "ladder"}, headers=auth).json()["submissions"]
        return {s["ref"]: s["publicScore"] for s in subs}

    before = listed()
    assert before[worse.id] == before[first.id]  # the rejected file shows the Ladder score, not its raw one
    a.close("ladder", user="hal")
    after = listed()
    assert float(after[worse.id]) < float(after[first.id])
