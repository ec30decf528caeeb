"""The host page's rescore button, over HTTP: a fixed solution.csv uploaded, every submission rescored."""

import csv
import io

from webutil import app, arena, post, text_of, world, write_predictions  # noqa: F401


def flipped(path) -> bytes:
    with open(path) as fh:
        rows = list(csv.DictReader(fh))
    out = io.StringIO()
    w = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    w.writeheader()
    w.writerows({**r, "target": str(1 - int(r["target"]))} for r in rows)
    return out.getvalue().encode()


def test_the_host_rescores_from_the_host_page(app, world, tmp_path):
    a = app.state.arena
    folder = world["folder"]
    a.submit("tiny", write_predictions(tmp_path / "p.csv", folder, 0.6), "pat's", user="pat")
    a.submit("tiny", write_predictions(tmp_path / "q.csv", folder, 0.2, seed=4), "quin's", user="quin")
    fixed = flipped(folder / "solution.csv")  # the host's fix: the labels were the wrong way round
    page = text_of(world["host"].get("/c/tiny/host").text)
    assert "Rescore every submission" in page and "Fixed solution.csv" in page

    r = post(world["pat"], "/c/tiny/host/rescore", {"reason": "mine"})
    assert r.status_code == 403
    r = post(world["host"], "/c/tiny/host/rescore", {"reason": "bad"},
             files={"solution": ("solution.csv", b"id,target\n200,1\n", "text/csv")})
    assert r.status_code == 400
    assert "with the new solution.csv the competition's bundle is not valid; nothing was changed" in text_of(r.text)
    assert [r.team_name for r in a.leaderboard("tiny").rows] == ["pat", "quin"]

    r = post(world["host"], "/c/tiny/host/rescore", {"reason": "labels were flipped"},
             files={"solution": ("solution.csv", fixed, "text/csv")})
    assert r.status_code == 303
    page = text_of(world["host"].get(r.headers["location"]).text)
    assert ("Rescored 2 submission(s) of tiny: 2 score(s) changed, 4 rank(s) changed (2 public, 2 private), "
            "0 now fail (they keep their old scores).") in page
    assert "hal labels were flipped 2 / 2 2 4 0 done" in page
    assert [r.team_name for r in a.leaderboard("tiny").rows] == ["quin", "pat"]
