"""Metric files in Kaggle's style run unchanged: through `scrimmage score` and through a competition.

The files (tests/kaggle_style_metrics.py) import ``kaggle_metric_utilities`` and their own hidden
helpers, take typed keyword arguments from ``metric_kwargs``, read a weights column, and raise
participant- and host-visible errors. Each score is checked against the same formula computed here.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import sklearn.metrics

from bundles import write_bundle
from kaggle_style_metrics import METRICS
from scrimmage import hosting
from scrimmage.cli import main
from scrimmage.errors import ScoringError
from scrimmage.scoring import GENERIC
from scrimmage.arena import Arena


def make_bundle(tmp_path, name: str, label_map: str | None = None, ref: str | None = None):
    files, toml, greater = METRICS[name]
    first = f'ref = "{ref}"\n' if ref else ""
    folder = write_bundle(tmp_path / name, n=60, extra_toml=first + f"greater_is_better = {str(greater).lower()}\n"
                          + "metric_timeout = 300\n" + toml)  # generous: these metrics must finish
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text if label_map is None or not rel.endswith(".json") else label_map)
    solution = pd.read_csv(folder / "solution.csv", dtype={"id": str})
    sample = pd.read_csv(folder / "sample_submission.csv", dtype={"id": str})
    if name == "weighted-rmse":
        solution.insert(2, "weight", np.arange(len(solution)) % 3 + 1)
    if name == "log-loss":
        solution = pd.DataFrame({"id": solution["id"], "no": 1 - solution["target"], "yes": solution["target"],
                                 "Usage": solution["Usage"]})
        sample = pd.DataFrame({"id": sample["id"], "no": 0.5, "yes": 0.5})
    if name == "label-accuracy":
        sample["target"] = "no"
    solution.to_csv(folder / "solution.csv", index=False)
    sample.to_csv(folder / "sample_submission.csv", index=False)
    return folder


def predictions(folder, name: str, tmp_path, **override) -> tuple:
    """A submission of ``name``'s shape, and the scores the metric must give it (public, private)."""
    sol = pd.read_csv(folder / "solution.csv", dtype={"id": str})
    rng = np.random.default_rng(7)
    p = np.clip(0.5 + 0.4 * (2 * sol.get("target", sol.get("yes")) - 1) + rng.normal(0, 0.2, len(sol)), 0.01, 0.99)
    if name == "log-loss":
        sub = pd.DataFrame({"id": sol["id"], "no": 1 - p, "yes": p})
    elif name == "label-accuracy":
        sub = pd.DataFrame({"id": sol["id"], "target": np.where(p > 0.5, " Yes", "no")})
    else:
        sub = pd.DataFrame({"id": sol["id"], "target": p})
    for key, value in override.items():
        sub[key] = value
    path = tmp_path / f"{name}-sub.csv"
    sub.to_csv(path, index=False)
    expected = []
    for usage in ("Public", "Private"):
        s, q = sol[sol.Usage == usage], sub[(sol.Usage == usage).values]
        if name == "weighted-rmse":
            expected.append(np.sqrt(sklearn.metrics.mean_squared_error(s.target, q.target, sample_weight=s.weight)))
        elif name == "log-loss":
            clipped = np.clip(q[["no", "yes"]].values, 1e-6, 1 - 1e-6)
            clipped /= clipped.sum(axis=1, keepdims=True)
            expected.append(-(s[["no", "yes"]].values * np.log(clipped)).sum(axis=1).mean())
        elif name == "label-accuracy":
            expected.append(np.mean(s.target.map({0: "no", 1: "yes"}).values == q.target.str.strip().str.lower().values))
        elif name == "own-helper-copy":
            expected.append(sklearn.metrics.mean_absolute_error(s.target, q.target) * 2 * 10)
        else:
            expected.append(np.sqrt(np.mean((np.log1p(q.target) - np.log1p(s.target)) ** 2)))
    return path, expected


@pytest.mark.parametrize("name", sorted(METRICS))
def test_kaggle_style_metric_runs_unchanged_in_a_competition(tmp_path, name):
    folder = make_bundle(tmp_path, name)
    arena = Arena()
    comp = arena.create_competition(folder, host="hal")
    assert [p.name for p in arena.files(comp.ref)] == ["sample_submission.csv", "test.csv", "train.csv"]
    path, (public, private) = predictions(folder, name, tmp_path)
    sub = arena.submit(comp.ref, path, "k", user="pat")
    assert sub.status == "complete", sub.error
    arena.close(comp.ref, user="hal")
    sub = arena.submission(comp.ref, sub.id, user="pat")
    assert (sub.public_score, sub.private_score) == (pytest.approx(public), pytest.approx(private))


@pytest.mark.parametrize("name", ["weighted-rmse", "log-loss", "label-accuracy", "rmsle"])
def test_kaggle_style_metric_runs_unchanged_with_scrimmage_score(tmp_path, capsys, name):
    folder = make_bundle(tmp_path, name)
    path, (public, private) = predictions(folder, name, tmp_path)
    files, toml, greater = METRICS[name]
    metric = folder / ("hidden/rmsle.py" if name == "rmsle" else "metric.py")
    args = ["score", "--solution", str(folder / "solution.csv"), "--submission", str(path), "--metric-file", str(metric),
            "--greater-is-better" if greater else "--lower-is-better"]
    args += {"weighted-rmse": ["--kwarg", "weights_column_name=weight"], "log-loss": ["--kwarg", "epsilon=1e-6"]}.get(name, [])
    if name == "label-accuracy":
        args += ["--kwarg", f"label_map={folder / 'hidden' / 'labels.json'}"]
        (folder / "labels.py").write_text(files["hidden/labels.py"])  # beside the metric, as a host keeps it
    with pytest.raises(SystemExit) as info:
        main(args)
    out, err = capsys.readouterr()
    assert info.value.code == 0, err
    got = json.loads(out)
    assert (got["public"], got["private"]) == (pytest.approx(public), pytest.approx(private))


def test_participant_and_host_visible_errors_of_kaggle_style_metrics(tmp_path):
    arena = Arena()
    for name in ("log-loss", "label-accuracy", "rmsle"):
        arena.create_competition(make_bundle(tmp_path, name), host="hal")
    arena.create_competition(make_bundle(tmp_path / "broken", "label-accuracy", label_map='{"0": "no"}', ref="broken"),
                             host="hal")
    cases = [
        ("log-loss", {"no": 0.9, "yes": 0.9}, "Target values in submission do not add to one within all rows"),
        ("label-accuracy", {"target": "maybe"}, "unknown labels in the submission: ['maybe']; use ['no', 'yes']"),
        ("rmsle", {"target": -1.0}, "predictions must not be negative"),  # no digits, numeric solution: shown
        ("rmsle", {"target": 50.0}, GENERIC),  # digits in the message: kept with the host
    ]
    for name, override, message in cases:
        path, _ = predictions(tmp_path / name, name, tmp_path, **override)
        with pytest.raises(ScoringError) as info:
            arena.submit(name, path, "bad", user="pat")
        assert info.value.message == message
    [seen] = hosting.submissions(arena, "rmsle", "hal")[:1]  # the newest: the prediction of 50
    assert seen.host_error.endswith("ValueError: a prediction is above 10.0, which no answer is\n")
    path, _ = predictions(tmp_path / "broken" / "label-accuracy", "label-accuracy", tmp_path)
    with pytest.raises(ScoringError, match=f"^{GENERIC}$"):
        arena.submit("broken", path, "host", user="pat")
    [seen] = hosting.submissions(arena, "broken", "hal")
    assert seen.host_error == "HostVisibleError: hidden/labels.json has no name for the codes ['1']"


def test_warnings_of_a_metric_go_to_the_hosts_log_not_to_the_participant(tmp_path, home, capsys):
    arena = Arena()
    arena.create_competition(make_bundle(tmp_path, "rmsle"), host="hal")
    path, _ = predictions(tmp_path / "rmsle", "rmsle", tmp_path, target=0.0)
    sub = arena.submit("rmsle", path, "zeros", user="pat")
    assert sub.status == "complete" and sub.error is None
    out, err = capsys.readouterr()
    assert "every prediction" not in out + err
    log = (home / "logs" / "rmsle.metric.log").read_text()
    assert "UserWarning: every prediction of this submission is zero" in log


def test_scrimmage_score_shows_the_host_what_their_metric_raised(tmp_path, capsys):
    folder = make_bundle(tmp_path, "rmsle")
    path, _ = predictions(folder, "rmsle", tmp_path, target=50.0)
    with pytest.raises(SystemExit) as info:
        main(["score", "--solution", str(folder / "solution.csv"), "--submission", str(path),
              "--metric-file", str(folder / "hidden" / "rmsle.py"), "--lower-is-better"])
    _, err = capsys.readouterr()
    lines = err.splitlines()
    assert info.value.code == 1
    assert lines[0] == f"error: {GENERIC}. What the metric file raised (for its host):"
    assert lines[-1] == "error: ValueError: a prediction is above 10.0, which no answer is"
