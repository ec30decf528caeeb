"""A competition's settings, the keys of ``competition.toml``: one typed definition.

Each key's type, default, validation and documentation live here. The bundle reader
checks a ``competition.toml`` with :func:`check`, hosts' edits go through
:func:`problems`, and docs/competition-format.md's table of keys is :func:`markdown_table`
(a test keeps the two the same).
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from dataclasses import MISSING, dataclass, field, fields
from typing import Any, Mapping

from .limits import SUBMISSION_LIMIT_MB

TOML = "competition.toml"
#: A competition's short name: lowercase letters, digits and '-', at most 80 characters.
REF_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
#: Seconds a metric file may take to import and score one split, unless ``metric_timeout`` says otherwise.
DEFAULT_METRIC_TIMEOUT = 60
#: The longest ``metric_timeout`` (seconds) a bundle may ask for.
MAX_METRIC_TIMEOUT = 600
#: ``rows``: one row per test id, or any number (free rows, see freerows.py).
ROWS = ("one", "free")
LEADERBOARDS = ("kaggle", "ladder")

_STR, _INT, _FLOAT, _BOOL = (str,), (int,), (int, float), (bool,)
_DATE = (dt.datetime, dt.date)
_LIST, _TABLE = (list,), (dict,)


def setting(toml_types: tuple, default_text: str, doc: str, *, default: Any = None, factory=None,
            required: bool = False, at_least: int | None = None, positive: bool = False,
            at_most: float | None = None, unit: str = "", choices: Mapping[str, str] | None = None,
            items: type | None = None):
    """A field of :class:`Settings`: the TOML types it accepts, its default, its line in the docs, and the
    values it may take (checked by :func:`value_problems`): ``at_least``, ``positive`` and ``at_most`` (in
    ``unit``) for a number, ``choices`` (each with what it means, or "") for a text, ``items`` (``str`` or
    ``dict``) for the elements of a list."""
    meta = {"toml_types": toml_types, "default_text": default_text, "doc": doc, "required": required,
            "at_least": at_least, "positive": positive, "at_most": at_most, "unit": unit, "choices": choices,
            "items": items}
    if factory is not None:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


def text(doc: str, default_text: str = '`""`'):
    """A field of :class:`Settings` holding text (Markdown or plain), empty unless given."""
    return setting(_STR, default_text, doc, default="")


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Every key of ``competition.toml`` with its default (lists as tuples)."""

    title: str | None = setting(
        _STR, 'required',
        'shown everywhere',
        default=None, required=True)
    metric: str | None = setting(
        _STR, 'required',
        'a name from `scrimmage metrics` (see [metrics.md](metrics.md)); with `metric_file`, a display '
        'name',
        default=None, required=True)
    id_column: str | None = setting(
        _STR, 'required',
        'the column that identifies a row in test, sample submission and solution',
        default=None, required=True)
    ref: str | None = setting(
        _STR, 'folder name',
        "the competition's short name in URLs and commands: lowercase letters, digits and `-`",
        default=None)
    targets: tuple[str, ...] | None = setting(
        _LIST, 'solution columns minus id and `Usage`',
        'the target column(s) in `solution.csv`',
        default=None, items=str)
    public_fraction: float = setting(
        _FLOAT, '`0.25`',
        'share of Public rows when `solution.csv` has no `Usage`',
        default=0.25)
    split_seed: int | None = setting(
        _INT, 'a secret random seed',
        'seed of that Public/Private split (never shown)',
        default=None)
    daily_limit: int = setting(
        _INT, '`5`',
        'scored submissions per team per UTC day (rejected files do not count)',
        default=5, at_least=1)
    final_selections: int = setting(
        _INT, '`2`',
        'submissions a team may select for the private leaderboard',
        default=2, at_least=1)
    deadline: dt.datetime | None = setting(
        _DATE, 'none',
        'TOML date-time (`2026-12-31T23:59:00Z`); after it no submissions, the private leaderboard is '
        'revealed',
        default=None)
    leaderboard: str = setting(
        _STR, '`"kaggle"`',
        '`"kaggle"` (best public score) or `"ladder"` (the Ladder of Blum & Hardt 2015, see below)',
        default="kaggle", choices=dict.fromkeys(LEADERBOARDS, ""))
    metric_kwargs: dict = setting(
        _TABLE, '`{}`',
        'extra keyword arguments for the metric, e.g. `{ beta = 2 }` for `fbeta`, `{ k = 5 }` for `map_at_k`',
        factory=dict)
    metric_file: str | None = setting(
        _STR, 'none',
        'a Python file in the bundle with a Kaggle-contract `score` function (below)',
        default=None)
    metric_files: tuple[str, ...] = setting(
        _LIST, '`[]`',
        'more hidden files the metric imports or reads, e.g. `["helpers.py", "weights.json"]`; without '
        '`metric_file`, the first of them is the metric file',
        default=(), items=str)
    metric_timeout: float = setting(
        _FLOAT, '`60`',
        'seconds (at most 600) a `metric_file` may take to import, and to score each split (a '
        "submission's two splits are scored in one process, given twice this); it is stopped after this, "
        'with every process it started',
        default=DEFAULT_METRIC_TIMEOUT, positive=True, at_most=MAX_METRIC_TIMEOUT, unit="seconds")
    greater_is_better: bool | None = setting(
        _BOOL, 'from the metric',
        'required with `metric_file`',
        default=None)
    submission_limit_mb: float = setting(
        _FLOAT, '`500`',
        'the largest submission file accepted, in MB (10^6 bytes); a `.gz` or `.zip` is held to it once '
        'decompressed too',
        default=SUBMISSION_LIMIT_MB, positive=True)
    max_team_size: int = setting(
        _INT, '`5`',
        'members per team',
        default=5, at_least=1)
    merger_deadline: dt.datetime | None = setting(
        _DATE, 'none',
        'last moment teams may merge',
        default=None)
    tags: tuple[str, ...] = setting(
        _LIST, '`[]`',
        'application and technique, e.g. `["binary-classification", "tabular", "time-split"]`',
        default=(), items=str)
    split: str = text(
        'how test was separated from train: `random`, `stratified`, `group`, `time`, ... (shown to learners)',
        'none')
    description: str = text('Markdown: the story, the data dictionary')
    evaluation: str = text('Markdown: how submissions are scored', 'generated from the metric')
    data: str = text('Markdown: what each file holds')
    source: str = text('where the data comes from')
    license: str = text("the data's licence")
    provenance: tuple[dict, ...] = setting(
        _LIST, '`[]`',
        'array of tables, one per source file: `package`, `version`, `file`, `sha256`, `license`',
        default=(), items=dict)
    reference_scores: tuple[dict, ...] = setting(
        _LIST, '`[]`',
        'array of tables: `name`, `public`, `private` (numbers), optionally `model` (what the pipeline '
        'does) — scores of reference pipelines on this split, shown among the teams on the leaderboards '
        '(see [lessons.md](lessons.md#reference-scores))',
        default=(), items=dict)
    reveal: str = text(
        'Markdown shown in the description once the competition is closed (the post-mortem of a lesson)')
    rows: str = setting(
        _STR, '`"one"`',
        '`"one"`: one submission row per test id; `"free"`: any number of rows per test id (detection, '
        'particle picking, masks, top-k lists in rows; see [Free rows](#free-rows))',
        default="one", choices=dict(zip(ROWS, ("one row per test id", "any number"))))
    max_rows_per_id: int = setting(
        _INT, '`100`',
        'with `rows = "free"`: a submission may have at most this many rows per test id on average '
        '(`max_rows_per_id` × test ids in all)',
        default=100, at_least=1)


#: key -> (accepted TOML types, default as read from TOML); in the order of the docs.
KEYS: dict[str, tuple[tuple, Any]] = {}
for _f in fields(Settings):
    _default = _f.default_factory() if _f.default is MISSING else _f.default
    KEYS[_f.name] = (_f.metadata["toml_types"], list(_default) if isinstance(_default, tuple) else _default)
REQUIRED_KEYS = tuple(f.name for f in fields(Settings) if f.metadata["required"])


def default(key: str) -> Any:
    """The default of ``key`` as read from TOML (a fresh copy: lists and tables may be changed)."""
    return copy.deepcopy(KEYS[key][1])


def check(conf: Mapping[str, Any], problems: list[str]) -> dict[str, Any]:
    """The settings of a ``competition.toml``: every key, a missing or mistyped one at its default.

    Every problem (unknown key, missing required key, wrong type, bad value) is appended to ``problems``.
    """
    values: dict[str, Any] = {}
    for key in conf:
        if key not in KEYS:
            problems.append(f"unknown key {key!r} in {TOML}; valid keys: {', '.join(KEYS)}")
    for key, (types, _) in KEYS.items():
        if key not in conf:
            if key in REQUIRED_KEYS:
                problems.append(f"missing key {key!r} in {TOML}")
            values[key] = default(key)
            continue
        value = conf[key]
        ok = bool in types if isinstance(value, bool) else isinstance(value, types)
        if not ok:
            names = " or ".join(_type_name(t) for t in types)
            problems.append(f"key {key!r} in {TOML} must be {names}, got {value!r}")
            value = default(key)
        values[key] = value
    problems.extend(value_problems(values))
    return values


def value_problems(values: dict[str, Any]) -> list[str]:
    """What is wrong with well-typed ``values`` (every key present). Fills ``metric_file`` from ``metric_files``."""
    problems = []
    ref = values.get("ref")
    if ref is not None and not REF_RE.match(ref):
        problems.append(f"ref {ref!r} must be lowercase letters, digits and '-' (at most 80)")
    if not 0 < values["public_fraction"] < 1:
        problems.append(f"public_fraction must be between 0 and 1 (exclusive), got {values['public_fraction']}")
    problems += [p for f in fields(Settings) if (p := _bound_problem(f.name, values[f.name], f.metadata))]
    problems += [p for f in fields(Settings) if (p := _choice_problem(f.name, values[f.name], f.metadata))]
    problems += [p for f in fields(Settings) if (p := _items_problem(f.name, values[f.name], f.metadata))]
    for i, row in enumerate(values["reference_scores"], start=1):
        if isinstance(row, dict) and not (isinstance(row.get("name"), str) and _number(row.get("public"))
                                          and _number(row.get("private"))):
            problems.append(f"reference_scores table {i} needs a text name and numbers public and private")
    if values["metric_files"] and not values["metric_file"] and all(isinstance(t, str) for t in values["metric_files"]):
        values["metric_file"] = values["metric_files"][0]  # the first of them holds score()
    if values["rows"] == "free" and values["leaderboard"] == "ladder":
        problems.append('rows = "free" does not go with leaderboard = "ladder" (it needs one row per test id)')
    if values["metric_file"] and values["greater_is_better"] is None:
        problems.append("metric_file needs greater_is_better = true or false")
    if values["metric_file"] and values["leaderboard"] == "ladder":
        problems.append('metric_file does not go with leaderboard = "ladder" (the Ladder rescores the public rows '
                        'hundreds of times per submission); use a built-in metric or leaderboard = "kaggle"')
    return problems


def _bound_problem(key: str, value, meta: Mapping[str, Any]) -> str | None:
    """What is wrong with the number ``value`` of ``key`` given its bounds, or None."""
    unit = meta["unit"]
    if meta["at_least"] is not None and value < meta["at_least"]:
        return f"{key} must be at least {meta['at_least']}, got {value}"
    if meta["positive"] and value <= 0:
        return f"{key} must be positive{f' ({unit})' if unit else ''}, got {value}"
    if meta["at_most"] is not None and value > meta["at_most"]:
        return f"{key} must be at most {meta['at_most']} {unit}".rstrip() + f", got {value}"
    return None


def _choice_problem(key: str, value, meta: Mapping[str, Any]) -> str | None:
    """What is wrong with the text ``value`` of ``key`` given its choices, or None."""
    choices = meta["choices"]
    if choices is None or value in choices:
        return None
    named = " or ".join(f'"{c}"' + (f" ({meaning})" if meaning else "") for c, meaning in choices.items())
    return f"{key} must be {named}, got {value!r}"


def _items_problem(key: str, value, meta: Mapping[str, Any]) -> str | None:
    """What is wrong with the elements of the list ``value`` of ``key``, or None."""
    items = meta["items"]
    if items is None or value is None or all(isinstance(t, items) for t in value):
        return None
    return f"{key} must be a list of strings" if items is str else f"{key} must be an array of tables ([[{key}]])"


def problems(stored: Mapping[str, Any]) -> list[str]:
    """What is wrong with a stored competition's settings (dates as ISO text, as the store keeps them)."""
    values = {}
    for key in KEYS:
        value = stored.get(key)
        if value is None:  # the store keeps an unset key as None: its default, as when a TOML file leaves it out
            continue
        if key in ("deadline", "merger_deadline") and isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        values[key] = value
    found: list[str] = []
    check(values, found)
    return found


def markdown_table() -> str:
    """The table of keys in docs/competition-format.md."""
    rows = ["| key | default | meaning |", "|---|---|---|"]
    rows += [f"| `{f.name}` | {f.metadata['default_text']} | {f.metadata['doc']} |" for f in fields(Settings)]
    return "\n".join(rows)


def _number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _type_name(t) -> str:
    return {str: "a string", int: "an integer", float: "a number", bool: "true or false", list: "a list",
            dict: "a table", dt.datetime: "a date-time", dt.date: "a date"}.get(t, t.__name__)
