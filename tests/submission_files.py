"""Small solutions and submission files for the tests of reading and checking submissions."""

from __future__ import annotations

import polars as pl
import pytest

from scrimmage.errors import SubmissionError
from scrimmage.solution import Solution
from scrimmage.submissions import check_and_align

IDS = ["007", "008", "009", "010"]
GOOD = "id,target\n007,0.1\n008,0.9\n009,0.8\n010,0.2\n"


def solution(targets=("target",), predictions=None, values=None):
    data = {"id": IDS}
    for t in targets:
        data[t] = values if values is not None else [0, 1, 1, 0]
    data["Usage"] = ["Public", "Private", "Private", "Private"]
    return Solution("id", tuple(targets), tuple(predictions or targets), pl.DataFrame(data))


def write(tmp_path, text: str | bytes, name="sub.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def problems(tmp_path, text, sol=None, kind="score", name="sub.csv", limit_mb=500):
    with pytest.raises(SubmissionError) as info:
        check_and_align(write(tmp_path, text, name), sol or solution(), kind, limit_mb)
    assert info.value.message == f"submission rejected: {len(info.value.problems)} problem(s) found"
    return info.value.problems


def sol(n: int = 4) -> Solution:
    ids = [f"{i:03d}" for i in range(n)]
    return Solution("id", ("target",), ("target",),
                    pl.DataFrame({"id": ids, "target": [i % 2 for i in range(n)], "Usage": ["Public"] * n}))


def problems_of(path, limit_mb=500.0, kind="score"):
    with pytest.raises(SubmissionError) as info:
        check_and_align(path, sol(), kind, limit_mb)
    return info.value.problems
