"""Read and check a competition folder (see docs/competition-format.md).

``load_bundle(path)`` returns a frozen :class:`Bundle` or raises
:class:`~scrimmage.errors.BundleError` listing every problem in the folder.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from pathlib import Path

from .competition_settings import KEYS, TOML, Settings
from .competition_settings import check as check_settings
from .errors import BundleError, NotFoundError
from .visibility import public_names

SOLUTION = "solution.csv"
REQUIRED_FILES = ("train.csv", "test.csv", "sample_submission.csv", SOLUTION)
USAGE = "Usage"
USAGE_VALUES = ("Public", "Private", "Ignored")
HIDDEN_FILES = (TOML, SOLUTION)


@dataclass(frozen=True, kw_only=True)
class Bundle(Settings):
    """A checked competition folder: its settings (see :class:`~scrimmage.competition_settings.Settings`)
    and what the files say."""

    path: Path
    ref: str
    targets: tuple[str, ...]
    prediction_columns: tuple[str, ...]
    public_files: tuple[str, ...]
    has_usage: bool

    def settings(self) -> dict:
        """The TOML settings as plain data (what the store keeps)."""
        out = {}
        for key in KEYS:
            value = getattr(self, key, None)
            if isinstance(value, tuple):
                value = list(value)
            if isinstance(value, dt.datetime):
                value = value.isoformat()
            out[key] = value
        return out


def load_bundle(path: str | Path, host_code=None) -> Bundle:
    """Check the folder at ``path`` and return it as a :class:`Bundle`.

    ``host_code`` (a :class:`~scrimmage.hostcode.isolation.HostCodePolicy`) says how a
    ``metric_file`` is run to check it; by default as the local CLI runs it.
    """
    root = Path(path)
    if not root.is_dir():
        raise NotFoundError(f"no competition folder at {root}: give the folder that holds competition.toml")
    problems: list[str] = []
    conf = _read_toml(root, problems)
    for name in REQUIRED_FILES:
        if not (root / name).is_file():
            problems.append(f"missing file {name}")
    values = check_settings(conf, problems) if conf is not None else None
    if values is None:
        raise BundleError(f"{root} is not a valid competition bundle", problems)

    # every check that can run does, whatever else is wrong: all problems are listed at once
    _check_metric(root, values, problems, host_code)
    id_col = values["id_column"] or _guess_id_column(root, problems)
    frames = {}
    free = values["rows"] == "free"  # then the sample and the solution may hold several rows per id
    for name in ("test.csv", "sample_submission.csv", SOLUTION):
        if (root / name).is_file() and id_col:
            frames[name] = _read_ids(root / name, id_col, problems, unique=not (free and name != "test.csv"))
    solution_cols, has_usage = _check_solution(root, values, frames, problems)
    _check_id_sets(frames, problems)
    if free and has_usage and id_col:
        from .freerows import usage_problems

        problems.extend(usage_problems(root / SOLUTION, id_col))
    sample_cols = frames.get("sample_submission.csv")
    prediction_columns = tuple(c for c in (sample_cols[1] if sample_cols else []) if c != id_col)
    if sample_cols and not prediction_columns:
        problems.append(f"sample_submission.csv has no prediction column besides {id_col!r}")
    if problems:
        raise BundleError(f"{root} is not a valid competition bundle", problems)

    from .hostcode.files import is_hidden

    named = [values.get("metric_file"), *(values.get("metric_files") or ())]
    public = tuple(n for n in public_names(root, named) if not is_hidden(n, values))
    targets = tuple(values.get("targets") or [c for c in solution_cols if c not in (id_col, USAGE)])
    fields = {k: v for k, v in values.items() if k not in ("targets", "ref")}
    for key in ("tags", "provenance", "reference_scores", "metric_files"):
        fields[key] = tuple(fields[key])
    for key in ("deadline", "merger_deadline"):
        fields[key] = _as_utc(fields[key])
    return Bundle(
        path=root,
        ref=values.get("ref") or root.name,
        targets=targets,
        prediction_columns=prediction_columns,
        public_files=public,
        has_usage=has_usage,
        **fields,
    )


def _read_toml(root: Path, problems: list[str]) -> dict | None:
    path = root / TOML
    if not path.is_file():
        problems.append(f"missing file {TOML} (it needs at least title, metric and id_column)")
        return None
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        problems.append(f"{TOML} is not UTF-8 text")
    except tomllib.TOMLDecodeError as exc:
        problems.append(f"{TOML} is not valid TOML: {exc}")
    return None


def _guess_id_column(root: Path, problems: list[str]) -> str | None:
    """Without ``id_column``: the first column of sample_submission.csv (Kaggle's convention), named in the fix."""
    import polars as pl

    path = root / "sample_submission.csv"
    try:
        first = pl.read_csv(path, n_rows=0, infer_schema=False).columns[0] if path.is_file() else None
    except (OSError, IndexError, ValueError, pl.exceptions.PolarsError):  # reported by the checks that read it
        return None
    if first is not None and f"missing key 'id_column' in {TOML}" in problems:
        at = problems.index(f"missing key 'id_column' in {TOML}")
        problems[at] += f" (sample_submission.csv's first column is {first!r}: add id_column = \"{first}\")"
    return first


def _check_metric(root: Path, values: dict, problems: list[str], host_code=None) -> None:
    from . import metrics

    if values.get("metric_file"):
        from .hostcode.files import canonical, metric_paths
        from .hostcode.isolation import HostCodePolicy
        from .hostmetric import MetricTimeout, check_metric_file

        before = len(problems)
        for key in ("metric_file", "metric_files"):
            names = [values[key]] if key == "metric_file" else values[key]
            clean = []
            for name in names:
                if not isinstance(name, str):
                    continue  # reported with the key's type
                rel, problem = canonical(root, name)
                if problem:
                    problems.append(f"{key}: {problem}")
                elif not (root / rel).is_file():
                    problems.append(f"{key} {name!r} not found in the bundle")
                elif rel in HIDDEN_FILES or rel in REQUIRED_FILES:
                    problems.append(f"{key} {name!r} is a file every bundle has; name your own metric files")
                else:
                    clean.append(rel)
            if key == "metric_files":
                values[key] = clean
            elif clean:
                values[key] = clean[0]
        if len(problems) > before:
            return
        path = root / values["metric_file"]
        if path.suffix != ".py":
            problems.append(f"metric_file {values['metric_file']!r} must be a Python file (.py) with a score function")
            return
        try:
            check_metric_file(path, values["metric_timeout"], root=root, files=tuple(metric_paths(root, values)),
                              policy=host_code or HostCodePolicy())
        except BundleError as exc:
            problems.extend(exc.problems or [exc.message])
        except MetricTimeout as exc:
            problems.append(str(exc))
        return
    name = values["metric"]
    if name is not None and name not in metrics.names():
        problems.append(f"unknown metric {name!r}; valid metrics: {', '.join(metrics.names())}")
    if name is None or name not in metrics.names():
        return
    free_metric = getattr(metrics.get(name), "free_rows", False)
    if values["rows"] == "free" and not free_metric:
        free = ", ".join(n for n in metrics.names() if getattr(metrics.get(n), "free_rows", False))
        problems.append(f'rows = "free" needs a metric that scores free rows ({free}) or a metric_file; '
                        f"{name!r} needs one row per test id")
    elif values["rows"] != "free" and free_metric:
        problems.append(f'metric {name!r} scores any number of rows per id: set rows = "free"')


def _read_ids(path: Path, id_col: str, problems: list[str], unique: bool = True):
    """(ids as text, column names) of one CSV, or None after recording problems."""
    import polars as pl

    try:
        header = pl.read_csv(path, n_rows=0, infer_schema=False).columns
    except Exception as exc:
        problems.append(f"{path.name} cannot be read as CSV ({_first_line(exc)})")
        return None
    if id_col not in header:
        problems.append(f"{path.name} has no id column {id_col!r} (columns: {', '.join(header)})")
        return None
    ids = pl.read_csv(path, columns=[id_col], infer_schema=False)[id_col]
    nulls = ids.null_count()
    if nulls:
        problems.append(f"{path.name} has {nulls} empty id(s) in {id_col!r}")
    dup = ids.drop_nulls().is_duplicated()
    if unique and dup.any():
        examples = ids.drop_nulls().filter(dup).unique(maintain_order=True).head(5).to_list()
        problems.append(f"{path.name} has {int(dup.sum())} rows with duplicate ids, e.g. {', '.join(examples)}")
    return ids.drop_nulls(), header


def _check_solution(root: Path, values: dict, frames: dict, problems: list[str]):
    entry = frames.get(SOLUTION)
    if entry is None:
        return [], False
    cols = entry[1]
    id_col = values["id_column"]
    has_usage = USAGE in cols
    targets = values.get("targets") or [c for c in cols if c not in (id_col, USAGE)]
    if not targets:
        problems.append(f"{SOLUTION} has no target column besides {id_col!r} and {USAGE!r}")
    for t in targets:
        if t not in cols:
            problems.append(f"target column {t!r} is missing from {SOLUTION}")
    if has_usage:
        import polars as pl

        usage = pl.read_csv(root / SOLUTION, columns=[USAGE], infer_schema=False)[USAGE]
        bad = usage.filter(~usage.is_in(USAGE_VALUES) | usage.is_null())
        if len(bad):
            shown = ", ".join(repr(v) for v in bad.unique(maintain_order=True).head(5).to_list())
            problems.append(f"{SOLUTION} column Usage has {len(bad)} values other than Public, Private, Ignored: {shown}")
        for needed in ("Public", "Private"):
            if not (usage == needed).any():
                problems.append(f"{SOLUTION} has no {needed} row (Usage); a competition needs both")
    return cols, has_usage


def _check_id_sets(frames: dict, problems: list[str]) -> None:
    named = [(name, entry[0]) for name, entry in frames.items() if entry is not None]
    for (a, ids_a), (b, ids_b) in zip(named, named[1:]):
        only_a = ids_a.filter(~ids_a.is_in(ids_b.implode()))
        only_b = ids_b.filter(~ids_b.is_in(ids_a.implode()))
        for name, other, only in ((a, b, only_a), (b, a, only_b)):
            if len(only):
                examples = ", ".join(only.head(5).to_list())
                problems.append(f"{len(only)} id(s) in {name} are not in {other}, e.g. {examples}")


def _as_utc(value):
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value.astimezone(dt.timezone.utc)
    return dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def public_files(bundle: Bundle) -> list[Path]:
    return [bundle.path / name for name in bundle.public_files]
