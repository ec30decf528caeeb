"""Downloading a competition's public files into a folder: the local arena and the remote client alike."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

from .errors import NotFoundError


class PublicFile(Protocol):
    name: str
    size: int


def download_files(files: Sequence[PublicFile], dest: str | Path, file: str | None,
                   chunks: Callable[[PublicFile], AbstractContextManager[Iterable[bytes]]],
                   on_progress: Callable[[int, int], None] | None = None) -> list[Path]:
    """Write ``files`` (or only the one named ``file``) into ``dest``, each from ``chunks(f)``
    (a context giving its bytes); ``on_progress(done, total)`` sees the bytes. An unknown
    ``file`` lists the files there are."""
    if file is not None:
        chosen = [f for f in files if f.name == file]
        if not chosen:
            raise NotFoundError(f"no public file {file!r}; the files are: {', '.join(f.name for f in files)}")
        files = chosen
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    total, done = sum(f.size for f in files), 0
    for f in files:
        with chunks(f) as parts, open(dest / f.name, "wb") as out:
            for chunk in parts:
                out.write(chunk)
                done += len(chunk)
                if on_progress:
                    on_progress(done, total)
    return [dest / f.name for f in files]
