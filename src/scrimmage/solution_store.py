"""A competition's hidden answer as the arena keeps it: the prepared solution and the split seed.

Both live in the competition's internal folder (:func:`scrimmage.storage.layout.internal`),
beside the folder whose public files are served, never in it. When ``solution.csv`` has no
``Usage`` column the Public/Private split is drawn from a seed: the bundle's ``split_seed``
when the host set one (for reproducible material), else a secret random one drawn here.
Either way the seed is written to ``split.json`` in the internal folder and shown nowhere.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path

from .storage import layout

SOLUTION_CACHE = "solution.parquet"
SPLIT_FILE = "split.json"
#: Bits of a drawn split seed: far beyond what anyone can try one by one.
SEED_BITS = 128


def draw_seed() -> int:
    """A secret random seed for a Public/Private split."""
    return secrets.randbits(SEED_BITS)


def prepare_solution(bundle, solution_csv: Path, folder: Path, seed: int | None = None):
    """Write the prepared solution of ``bundle`` (and its split seed, when one is used) into ``folder``;
    returns the :class:`~scrimmage.solution.Solution`. ``seed``: the split seed to keep (a rescore with a
    fixed solution keeps the competition's Public/Private rows); by default the bundle's, else a new one."""
    from .solution import Solution

    if bundle.has_usage:
        seed = None
    elif seed is None:
        seed = bundle.split_seed if bundle.split_seed is not None else draw_seed()
    if getattr(bundle, "rows", "one") == "free":  # Public/Private by id: any number of rows per id
        from .freerows import free_solution

        solution = free_solution(solution_csv, bundle.id_column, bundle.targets, bundle.prediction_columns,
                                 bundle.public_fraction, seed if seed is not None else 0)
    else:
        solution = Solution.from_csv(solution_csv, bundle.id_column, bundle.targets, bundle.prediction_columns,
                                     bundle.public_fraction, seed if seed is not None else 0)
    solution.save(folder / SOLUTION_CACHE)
    record = {"usage": "from solution.csv"} if seed is None else {
        "usage": "drawn", "seed": str(seed), "public_fraction": bundle.public_fraction,
        "seed_from": "competition.toml" if bundle.split_seed is not None else "drawn at creation"}
    (folder / SPLIT_FILE).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    return solution


def stored_seed(objects, key: str) -> int | None:
    """The split seed a competition kept at ``key`` was created with (None: Usage from its solution)."""
    try:
        data = objects.read_bytes(f"{layout.internal(key)}/{SPLIT_FILE}")
    except FileNotFoundError:
        return None
    seed = json.loads(data.decode("utf-8")).get("seed")
    return int(seed) if seed is not None else None


def solution_key(objects, key: str) -> str:
    """The key of the prepared solution of the competition kept at ``key`` (inside its folder for arenas made
    before the internal folder existed)."""
    inside = f"{layout.internal(key)}/{SOLUTION_CACHE}"
    return inside if objects.exists(inside) else f"{key}/{SOLUTION_CACHE}"


__all__ = ["SOLUTION_CACHE", "SPLIT_FILE", "prepare_solution", "solution_key", "draw_seed", "stored_seed"]
