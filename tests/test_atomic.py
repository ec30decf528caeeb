"""Files and folders replaced whole: the old one or the new one, never a part, nothing temporary left."""

from __future__ import annotations

import pytest

from scrimmage.atomic import replacing, staged_folder, write_text
from scrimmage.errors import ConflictError


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(tmp_path):
    dest = tmp_path / "a.toml"
    write_text(dest, "old = 1\n")
    with pytest.raises(RuntimeError):
        with replacing(dest) as tmp:
            tmp.write_text("new = ")
            raise RuntimeError("interrupted")
    assert dest.read_text() == "old = 1\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.toml"]


def test_a_staged_folder_becomes_the_destination_or_vanishes(tmp_path):
    dest = tmp_path / "bundle"
    with pytest.raises(RuntimeError):
        with staged_folder(dest) as tmp:
            (tmp / "train.csv").write_text("id\n")
            raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []
    with staged_folder(dest) as tmp:
        (tmp / "train.csv").write_text("id\n1\n")
    assert [p.name for p in tmp_path.iterdir()] == ["bundle"] and (dest / "train.csv").read_text() == "id\n1\n"
    assert oct(dest.stat().st_mode & 0o777) == "0o755"


def test_replace_swaps_a_whole_folder_and_a_filled_one_is_kept_otherwise(tmp_path):
    dest = tmp_path / "bundle"
    dest.mkdir()
    (dest / "old.csv").write_text("x\n")
    with pytest.raises(ConflictError, match=f"^{dest} was filled while the bundle was being built$"):
        with staged_folder(dest) as tmp:
            (tmp / "new.csv").write_text("y\n")
    assert [p.name for p in dest.iterdir()] == ["old.csv"] and [p.name for p in tmp_path.iterdir()] == ["bundle"]
    with staged_folder(dest, replace=True) as tmp:
        (tmp / "new.csv").write_text("y\n")
    assert [p.name for p in dest.iterdir()] == ["new.csv"] and [p.name for p in tmp_path.iterdir()] == ["bundle"]
