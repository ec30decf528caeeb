"""A broken catalogue entry is a named error (CatalogueError) that says which entry and what is wrong."""

from __future__ import annotations

import pandas as pd
import pytest

from scrimmage import catalog
from scrimmage.catalog._common import CatalogEntry, Parts
from scrimmage.errors import CatalogueError, ScrimmageError


def _parts(test_ids, solution_ids) -> Parts:
    return Parts(
        id_column="id", targets=("y",),
        train=pd.DataFrame({"id": [1, 2], "x": [0.5, 0.7], "y": [0, 1]}),
        test=pd.DataFrame({"id": test_ids, "x": [0.1] * len(test_ids)}),
        solution=pd.DataFrame({"id": solution_ids, "y": [0] * len(solution_ids),
                               "Usage": ["Public", "Private"][: len(solution_ids)]}),
        sample_submission=pd.DataFrame({"id": test_ids, "y": [0] * len(test_ids)}),
        story="s", split_note="n", dictionary=[("id", "row"), ("x", "feature"), ("y", "target")],
        evaluation="e", sources=(), source="src", license="CC0")


def _entry(builder) -> CatalogEntry:
    return CatalogEntry("broken-entry", "Broken", "", (), "roc_auc", "random", (), builder)


def test_a_builder_making_inconsistent_files_is_a_catalogue_error_and_writes_nothing(monkeypatch, tmp_path):
    entry = _entry(lambda: _parts([3, 4], [3, 5]))
    monkeypatch.setattr(catalog, "_ENTRIES", {entry.ref: entry})
    with pytest.raises(CatalogueError) as info:
        catalog.build(entry.ref, tmp_path / "out")
    assert isinstance(info.value, ScrimmageError) and info.value.status == 500
    assert info.value.message == "catalogue builder 'broken-entry' made inconsistent files; nothing was written"
    assert info.value.problems == ["test, sample_submission and solution ids differ"]
    assert not (tmp_path / "out").exists()


def test_two_modules_with_one_ref_are_a_catalogue_error(monkeypatch):
    monkeypatch.setattr(catalog, "_ENTRIES", None)
    monkeypatch.setattr(catalog, "_MODULES", ("titanic", "titanic"))
    with pytest.raises(CatalogueError, match=r"catalogue ref 'titanic' is defined twice: by the modules titanic "
                                             r"and titanic; give one of them another ref"):
        catalog.refs()
