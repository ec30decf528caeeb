"""A server's local copies of stored files: one changed on disk after it was fetched is never used."""

from __future__ import annotations

import os

import pytest

from scrimmage.storage.cache import ReadCache


def fetcher(data: bytes, calls: list):
    def fetch(dest):
        calls.append(dest.name)
        dest.write_bytes(data)
    return fetch


def test_a_copy_changed_on_disk_is_fetched_again(tmp_path):
    cache, calls = ReadCache(tmp_path / "cache"), []
    first = cache.file("competitions/.internal/t/solution.parquet", "v1", fetcher(b"the true answers", calls))
    assert cache.file("competitions/.internal/t/solution.parquet", "v1", fetcher(b"unused", calls)) == first
    assert calls == ["solution.parquet"]  # used as it is while it holds what was fetched
    st = first.stat()
    first.write_bytes(b"the fake answers")  # the same size, its time put back: only the bytes differ
    os.utime(first, ns=(st.st_atime_ns, st.st_mtime_ns))
    again = ReadCache(tmp_path / "cache").file("competitions/.internal/t/solution.parquet", "v1",
                                               fetcher(b"the true answers", calls))
    assert again.read_bytes() == b"the true answers" and len(calls) == 2
    first.write_bytes(b"changed in this very process")
    assert cache.file("competitions/.internal/t/solution.parquet", "v1",
                      fetcher(b"the true answers", calls)).read_bytes() == b"the true answers"
    assert len(calls) == 3


@pytest.mark.parametrize("poison", ["added", "removed", "manifest"])
def test_a_folder_with_a_file_added_or_removed_is_fetched_again(tmp_path, poison):
    cache, fills = ReadCache(tmp_path / "cache"), []

    def fill(folder):
        fills.append(1)
        (folder / "hidden").mkdir()
        (folder / "metric.py").write_text("def score(a, b): return 0\n")
        (folder / "hidden" / "w.csv").write_text("w\n1\n")

    folder = cache.folder("competitions/t\nv1", fill)
    if poison == "added":
        (folder / "hidden" / "extra.py").write_text("import os\n")
    elif poison == "removed":
        (folder / "hidden" / "w.csv").unlink()
    else:
        next(cache.root.glob("*.sha256")).write_text("{}")
    again = cache.folder("competitions/t\nv1", fill)
    assert len(fills) == 2
    assert sorted(p.relative_to(again).as_posix() for p in again.rglob("*") if p.is_file()) == [
        "hidden/w.csv", "metric.py"]
