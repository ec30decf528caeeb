"""The CLI face of the coach, the HTML report, and scale-out (joblib, Dask) and MLflow export."""

from __future__ import annotations

import base64
import re

import numpy as np
import pytest
from click.testing import CliRunner

from coach_bundles import make_bundle
from components import require_module
from scrimmage import coach


def cli(*args):
    from scrimmage.cli import _register, cli as group

    _register()
    return CliRunner().invoke(group, list(args), catch_exceptions=False)


def main(*args):
    from scrimmage.cli import main as entry

    with pytest.raises(SystemExit) as exc:
        entry(list(args))
    return exc.value.code


def test_learner_goes_from_advice_to_report_with_the_cli(tmp_path, arena, monkeypatch):
    ref = arena.create_competition(make_bundle(tmp_path / "clicomp", "binary", n=2200)).ref
    model_file = tmp_path / "mine.py"
    model_file.write_text("from sklearn.linear_model import LogisticRegression\n"
                          "from sklearn.pipeline import make_pipeline\n"
                          "from sklearn.compose import make_column_transformer\n"
                          "def model():\n"
                          "    return make_pipeline(make_column_transformer(('passthrough', ['x', 'z'])), "
                          "LogisticRegression())\n")
    out = cli("coach", "advise", ref)
    assert out.exit_code == 0 and "Recommended split for clicomp: random (5 folds)" in out.output
    out = cli("coach", "check", ref)
    assert out.exit_code == 0 and "Checks on clicomp" in out.output
    out = cli("coach", "ladder", ref, "--model", f"{model_file}:model")
    assert out.exit_code == 0 and "your model (LogisticRegression)" in out.output
    out = cli("coach", "runs", ref, "--csv")
    lines = out.output.strip().splitlines()
    assert lines[0] == "id,name,kind,split,frac,cvScore,cvStd,publicScore,privateScore,fitSeconds,memoryMB,submission"
    assert len(lines) == 6
    out = cli("coach", "compare", ref, "3", "5")
    assert out.exit_code == 0 and "improvement of 'ladder: your model (LogisticRegression)'" in out.output
    for run in ("2", "3", "5"):
        assert cli("coach", "submit", ref, run, "-m", f"rung {run}").exit_code == 0
    out = cli("coach", "ensemble", ref, "--method", "caruana", "--submit")
    assert out.exit_code == 0 and "<- chosen" in out.output and "Submitted run 6" in out.output
    out = cli("coach", "track", ref)
    assert out.exit_code == 0 and "CV vs leaderboard on clicomp" in out.output
    report = tmp_path / "out" / "report.html"
    out = cli("coach", "report", ref, "-o", str(report))
    assert out.output.strip() == f"Wrote {report}"
    html = report.read_text()
    for heading in ("1. The validation split", "2. Leakage and sanity checks", "3. The baseline ladder",
                    "4. Experiments over time", "5. Does the CV track the leaderboard?", "6. Ensembling",
                    "7. Where the time went", "8. Every run"):
        assert heading in html
    images = re.findall(r'src="data:image/png;base64,([^"]+)"', html)
    assert len(images) == 6
    assert all(base64.b64decode(i)[:8] == b"\x89PNG\r\n\x1a\n" for i in images)
    assert "http://" not in html and "https://" not in html  # self-contained


def test_cli_errors_are_one_line(tmp_path, arena, capsys):
    ref = arena.create_competition(make_bundle(tmp_path / "errs", "binary")).ref
    assert main("coach", "runs", ref) == 0
    assert "No runs yet" in capsys.readouterr().out
    assert main("coach", "ladder", ref) == 1
    assert capsys.readouterr().err.strip() == (
        "error: no folds saved for 'errs' yet: run coach.advise_split(comp) (or `scrimmage coach advise errs`) first")
    assert main("coach", "advise", ref, "--split", "kfold") == 1
    assert "error: unknown split 'kfold'" in capsys.readouterr().err
    assert main("coach", "compare", "1") == 2
    assert "give [REF] RUN_A RUN_B" in capsys.readouterr().err
    assert main("coach", "ladder", ref, "--model", "nofile") == 2
    assert "'nofile' is not FILE.py:NAME or module:NAME" in capsys.readouterr().err
    assert main("coach", "ladder", ref, "--model", f"{tmp_path}/none.py:model") == 2
    assert "cannot load" in capsys.readouterr().err
    (tmp_path / "empty.py").write_text("x = 1\n")
    assert main("coach", "ladder", ref, "--model", f"{tmp_path}/empty.py:model") == 2
    assert f"'{tmp_path}/empty.py' has no 'model'" in capsys.readouterr().err
    # the model file's own code failing is named like the other load errors: the file, the line, the problem
    (tmp_path / "broken.py").write_text("import os\n\nmodel = make(1,\n")
    assert main("coach", "ladder", ref, "--model", f"{tmp_path}/broken.py:model") == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"Error: Invalid value for --model: cannot load '{tmp_path}/broken.py': line 3: SyntaxError: "
        "'(' was never closed")
    (tmp_path / "boom.py").write_text("import os\n\nmodel = 1 / 0\n")
    assert main("coach", "ladder", ref, "--model", f"{tmp_path}/boom.py:model") == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"Error: Invalid value for --model: cannot load '{tmp_path}/boom.py': line 3: ZeroDivisionError: "
        "division by zero")


def test_report_before_any_work(tmp_path, arena):
    ref = arena.create_competition(make_bundle(tmp_path / "early", "binary")).ref
    path = coach.report(ref, path=tmp_path / "r.html")
    html = path.read_text()
    assert "No split advice yet" in html and "No runs yet" in html


def test_report_leaves_the_users_matplotlib_backend_and_pyplot_alone(comp, tmp_path):
    import matplotlib
    import matplotlib.pyplot as plt

    before = matplotlib.get_backend()
    matplotlib.use("svg")
    try:
        coach.ladder(comp)
        html = coach.report(comp, path=tmp_path / "r.html").read_text()
        assert html.count("data:image/png;base64,") >= 2  # the plots are there
        assert matplotlib.get_backend() == "svg"
        assert plt.get_fignums() == []  # no figure left open in pyplot's state
    finally:
        matplotlib.use(before)


def test_a_report_part_that_fails_says_so_in_the_report(comp, tmp_path, monkeypatch):
    import scrimmage.coach._checks as checks
    import scrimmage.coach._report as report

    def broken(*args, **kwargs):
        raise ValueError("no column named 'x'")

    monkeypatch.setattr(checks, "run_checks", broken)
    monkeypatch.setattr(report, "_timing_section", broken)
    html = coach.report(comp, path=tmp_path / "r.html").read_text()
    assert ("The checks could not run: <code>ValueError: no column named &#x27;x&#x27;</code>" in html)
    assert ("<h2>7. Where the time went</h2><div class=\"note bad\">This section could not be computed: "
            "<code>ValueError: no column named &#x27;x&#x27;</code></div>") in html
    assert "<h2>8. Every run</h2>" in html  # the rest of the report is still there


def test_folds_fit_in_parallel_with_the_same_result(comp):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.compose import make_column_transformer

    model = make_pipeline(make_column_transformer(("passthrough", ["x", "z"])), LogisticRegression())
    one = coach.run(model, name="serial")
    two = coach.run(model, name="parallel", n_jobs=2)
    assert np.allclose(one.oof, two.oof) and one.fold_scores == pytest.approx(two.fold_scores)
    assert two.extra["n_jobs"] == 2


def test_folds_fit_on_a_local_dask_cluster(comp):
    require_module("distributed", "dask.distributed")
    import joblib
    from distributed import Client, LocalCluster, get_task_stream
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.compose import make_column_transformer

    model = make_pipeline(make_column_transformer(("passthrough", ["x", "z"])), LogisticRegression())
    serial = coach.run(model, name="serial")
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        with joblib.parallel_backend("dask"), get_task_stream(client) as stream:
            spread = coach.run(model, name="dask")
        assert len(stream.data) >= 5  # the folds ran as tasks on the cluster
    assert np.allclose(serial.oof, spread.oof)


def test_runs_are_exported_to_mlflow(comp, tmp_path, monkeypatch):
    require_module("mlflow", "mlflow")
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.compose import make_column_transformer
    import mlflow

    uri = (tmp_path / "mlruns").as_uri()
    monkeypatch.setenv("MLFLOW_TRACKING_URI", uri)
    monkeypatch.setenv("MLFLOW_ALLOW_FILE_STORE", "true")  # MLflow 3 keeps the file store behind this switch
    model = make_pipeline(make_column_transformer(("passthrough", ["x", "z"])), LogisticRegression(C=0.5))
    run = coach.run(model, name="logged")
    mlflow_id = run.extra["mlflow_run_id"]
    got = mlflow.MlflowClient(uri).get_run(mlflow_id)
    assert got.data.params["model.logisticregression__C"] == "0.5"
    assert got.data.metrics["cv_roc_auc_mean"] == pytest.approx(run.cv_mean)
    assert got.data.tags["scrimmage.competition"] == comp
    history = mlflow.MlflowClient(uri).get_metric_history(mlflow_id, "fold_roc_auc")
    assert [m.value for m in sorted(history, key=lambda m: m.step)] == pytest.approx(run.fold_scores)
    names = {a.path for a in mlflow.MlflowClient(uri).list_artifacts(mlflow_id)}
    assert {"oof.npy", "test.npy", "submission.csv"} <= names


def test_mlflow_missing_is_a_warning(comp, monkeypatch):
    import builtins

    real = builtins.__import__

    def no_mlflow(name, *a, **k):
        if name == "mlflow":
            raise ImportError(name)
        return real(name, *a, **k)

    monkeypatch.setenv("MLFLOW_TRACKING_URI", "file:///nowhere")
    monkeypatch.setattr(builtins, "__import__", no_mlflow)
    from sklearn.dummy import DummyClassifier

    with pytest.warns(UserWarning, match="^MLFLOW_TRACKING_URI is set but mlflow is not installed: pip install "
                      "'scrimmage\\[mlflow\\]' to log coach runs to MLflow$"):
        coach.run(DummyClassifier(), name="plain")
