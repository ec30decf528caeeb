"""The host's metric log is seen from every server: two servers with separate homes on one database and one bucket."""

from __future__ import annotations

import s3
from bundles import write_bundle, write_predictions
from scrimmage import hosting
from scrimmage.config import Settings
from scrimmage.arena import Arena

METRIC = """import sys
from sklearn.metrics import roc_auc_score

def score(solution, submission, row_id_column_name):
    print("scored", len(submission), "rows here", file=sys.stderr)
    return roc_auc_score(solution["target"], submission["target"])
"""


def test_what_the_metric_printed_on_one_server_is_on_the_hosts_page_of_the_other(home, tmp_path, monkeypatch):
    s3.use_s3(monkeypatch)
    monkeypatch.setenv("SCRIMMAGE_DATABASE_URL", f"sqlite:///{tmp_path / 'shared.db'}")
    one, two = (Arena(Settings.load(home=tmp_path / name)) for name in ("one", "two"))
    folder = write_bundle(tmp_path / "hosted", extra_toml='metric_file = "metric.py"\ngreater_is_better = true\nref = "hosted"\n')
    (folder / "metric.py").write_text(METRIC)
    one.create_competition(folder, host="hal")
    assert hosting.metric_log(two, "hosted", "hal") == ""
    sub = one.submit("hosted", write_predictions(tmp_path / "p.csv", folder, 0.5), user="pat")
    assert sub.status == "complete"
    assert "scored 50 rows here\nscored 150 rows here" in hosting.metric_log(two, "hosted", "hal")  # from one, on two
    two.submit("hosted", write_predictions(tmp_path / "q.csv", folder, 0.6), user="pat")
    both = hosting.metric_log(one, "hosted", "hal")
    assert both.count("scored 150 rows here") == 2 and both.count("=== ") == 2  # each server's log, named
    assert (tmp_path / "one" / "logs" / "hosted.metric.log").is_file() and (tmp_path / "two" / "logs").is_dir()
