"""``scrimmage quickstart``: the newcomer's first ten minutes, on Titanic, offline."""

from __future__ import annotations

from pathlib import Path

import click

from . import cli
from ._output import echo, fmt

REF = "titanic"


def _step(n: int, title: str) -> None:
    echo("")
    echo(click.style(f"Step {n}. {title}", bold=True))


#: How to stop using a server, by where its setting comes from (see config.server_source).
DROP_SERVER = {"--server": "drop --server", "SCRIMMAGE_SERVER": "unset SCRIMMAGE_SERVER",
               "config": "run `scrimmage config unset server` first"}


def _refuse_server() -> None:
    from ..config import server_source
    from ..errors import ConfigError

    source = server_source((click.get_current_context().find_root().obj or {}).get("server"))
    if source:
        raise ConfigError(f"quickstart sets up this machine's own arena, not a server's: {DROP_SERVER[source]}")


@cli.command()
@click.option("-p", "--path", default="titanic", show_default=True, type=click.Path(file_okay=False),
              help="Folder for the data and your submission.")
def quickstart(path):
    """Walk through a first competition: data, a validation split, a baseline, a submission."""
    import numpy as np

    from ..errors import LimitError
    from ..arena import Arena
    from .competitions import print_leaderboard

    _refuse_server()
    arena = Arena()
    comp = arena.competition(REF)
    target = comp.settings["targets"][0]
    id_col = comp.settings["id_column"]
    echo(click.style(f"{comp.title}", bold=True) + f"  (metric: {comp.metric}, "
         f"{'higher' if comp.greater_is_better else 'lower'} is better; split: {comp.settings.get('split') or 'random'})")

    _step(1, "Download the data")
    files = arena.download(REF, path)
    for p in files:
        echo(f"  {p}")
    echo(f"  (the same as: scrimmage competitions download {REF} -p {path})")

    import pandas as pd

    train, test = pd.read_csv(Path(path) / "train.csv"), pd.read_csv(Path(path) / "test.csv")
    _step(2, "Look at the data")
    echo(f"  train: {train.shape[0]} rows x {train.shape[1]} columns; test: {test.shape[0]} rows")
    echo(f"  columns: {', '.join(train.columns)}")
    echo(f"  target {target!r}: {train[target].mean():.1%} of passengers survived")
    missing = train.isna().mean().sort_values(ascending=False)
    echo("  most missing: " + ", ".join(f"{c} {v:.1%}" for c, v in missing.head(3).items() if v > 0))

    _step(3, "Hold out a validation split that looks like the test set")
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import train_test_split

    fit, valid = train_test_split(train, test_size=0.25, stratify=train[target], random_state=0)
    echo(f"  stratified 75/25: fit on {len(fit)} rows, validate on {len(valid)} rows")

    _step(4, "The simplest baseline first: survival rate by sex and class")
    keys = [c for c in ("sex", "pclass") if c in train.columns]

    def group_mean(source, rows):
        means = source.groupby(keys)[target].mean().rename("p")
        return rows[keys].join(means, on=keys)["p"].fillna(source[target].mean()).to_numpy()

    constant = roc_auc_score(valid[target], np.full(len(valid), fit[target].mean()))
    baseline = roc_auc_score(valid[target], group_mean(fit, valid))
    echo(f"  validation AUC: constant {constant:.3f} -> group mean by {' and '.join(keys)} {baseline:.3f}")
    echo(fmt_table(fit, keys, target))

    _step(5, "Write the submission and submit it")
    out = Path(path) / "submission.csv"
    pd.DataFrame({id_col: test[id_col], comp.settings["prediction_columns"][0]: group_mean(train, test)}).to_csv(out, index=False)
    same = _same_file_scored(arena, out)
    if same is not None:
        echo(f"  wrote {out}: the same file as your submission {same.id} of {same.date:%Y-%m-%d %H:%M} UTC, "
             f"public score {fmt(same.public_score)} (validation said {baseline:.5f})")
        echo("  not submitted again, so this rerun spends none of today's submissions; to submit it anyway: "
             f"scrimmage competitions submit {REF} -f {out} -m \"group mean\"")
    else:
        echo(f"  wrote {out}; submitting (the same as: scrimmage competitions submit {REF} -f {out} -m \"group mean\")")
        try:
            sub = arena.submit(REF, out, "group mean by sex and class (quickstart)")
            echo(f"  public score: {fmt(sub.public_score)} (validation said {baseline:.5f})")
        except LimitError as exc:
            echo(f"  {exc.message}")
    used, limit = arena.used_today(REF)
    echo(f"  {max(limit - used, 0)} of {limit} submissions left today (UTC)")

    _step(6, "The leaderboard")
    print_leaderboard(arena.leaderboard(REF), as_csv=False)

    echo("")
    echo(click.style("What to try next", bold=True))
    for line in (
        "add features one at a time (age bands, family size from sibsp+parch, fare) and keep the validation split fixed",
        "try a simple model (logistic regression, a shallow tree) before a complex one",
        f"check that validation moves with the public score: scrimmage competitions submissions {REF}",
        "browse more practice competitions: scrimmage competitions list",
    ):
        echo(f"  - {line}")


def _same_file_scored(arena, path: Path):
    """Your scored submission holding exactly the bytes of ``path`` (a rerun's identical file), or None."""
    data = path.read_bytes()
    for sub in arena.submissions(REF):
        if sub.status == "complete" and sub.size_bytes == len(data) and arena.objects.exists(sub.stored_path) \
                and arena.objects.read_bytes(sub.stored_path) == data:
            return sub
    return None


def fmt_table(frame, keys, target) -> str:
    rates = frame.groupby(keys)[target].mean()
    return "\n".join(f"    {' / '.join(map(str, k if isinstance(k, tuple) else (k,)))}: {v:.0%}" for k, v in rates.items())
