"""docs/metrics.md documents every registered metric."""

from __future__ import annotations

import re
from pathlib import Path

from scrimmage import metrics

DOC = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"


def _table_rows() -> dict[str, list[str]]:
    rows = {}
    for line in DOC.read_text(encoding="utf-8").splitlines():
        match = re.match(r"\|\s*`([a-z0-9_]+)`\s*\|(.*)\|\s*$", line)
        if match:
            rows[match.group(1)] = [cell.strip() for cell in match.group(2).split("|")]
    return rows


def test_every_registered_metric_has_a_row_in_docs_metrics_md():
    missing = sorted(set(metrics.names()) - set(_table_rows()))
    assert not missing, f"add a row to docs/metrics.md for: {', '.join(missing)}"


def test_every_documented_metric_exists_with_its_direction():
    for name, cells in _table_rows().items():
        assert cells[0] == metrics.get(name).direction, name
