"""``scrimmage metrics``: the metric registry."""

from __future__ import annotations

from . import cli
from ._output import table


@cli.command("metrics")
def metrics_():
    """List every metric with its direction and what a submission holds."""
    from .. import metrics
    from ..metrics import INPUT_KINDS

    rows = []
    for name in metrics.names():
        m = metrics.get(name)
        rows.append([name, m.direction, INPUT_KINDS[m.input], m.description])
    table(["metric", "direction", "submission holds", "description"], rows)
