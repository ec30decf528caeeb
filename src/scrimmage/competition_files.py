"""A competition's files in the arena's store: its kept bundle, its public files, its prepared solution,
its "download all" archive. Every function takes the store (:class:`~scrimmage.storage.Storage`) and the
competition's key (``competitions/REF``, as its database row records it)."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import uuid
import zipfile
from pathlib import Path

from . import scratch
from .bundle import SOLUTION, load_bundle
from .errors import BundleError
from .hostcode.files import is_hidden, public_names
from .solution_store import prepare_solution, stored_seed
from .storage import Storage, StoredObject, join, layout
from .visibility import is_public_name


def free_key(objects: Storage, ref: str) -> str:
    """``competitions/REF``, or beside it when files are left there (from a deleted database: kept, never
    overwritten)."""
    key = layout.competition(ref)
    while objects.list(key) or objects.list(layout.internal(key)):
        key = layout.competition(ref, f"-{uuid.uuid4().hex[:8]}")
    return key


def store_bundle(objects: Storage, bundle, ref: str):
    """Copy the checked ``bundle`` into the store with its prepared solution; returns (key, Solution).
    Nothing is left in the store when a step fails."""
    key = free_key(objects, ref)
    written: list[str] = []
    try:
        with scratch.folder("bundle") as prepared:
            solution = prepare_solution(bundle, Path(bundle.path) / SOLUTION, prepared)
            for folder, _, names in os.walk(bundle.path, followlinks=True):
                rel = Path(folder).relative_to(bundle.path).as_posix()
                for name in sorted(names):
                    written.append(join(key, rel if rel != "." else "", name))
                    objects.put_file(written[-1], Path(folder) / name)
            for made in sorted(prepared.iterdir()):
                written.append(join(layout.internal(key), made.name))
                objects.put_file(written[-1], made)
    except BaseException:
        for done in written:
            objects.delete(done)
        raise
    return key, solution


def public_files(objects: Storage, key: str, settings: dict) -> list[StoredObject]:
    """The files of the competition a participant may download (see :mod:`scrimmage.visibility`), by name."""
    kept = {o.name: o for o in objects.list(key, recursive=False)}
    named = [settings.get("metric_file")]
    return [kept[n] for n in public_names(settings["public_files"], settings) if n in kept and is_public_name(n, named)]


def metric_folder(objects: Storage, key: str, settings: dict) -> Path:
    """A local folder with the competition's host metric files (its metric file, the others it names and hidden/)."""
    return objects.local_folder(key, only=lambda rel: is_hidden(rel, settings))


def refresh_solution(objects: Storage, key: str):
    """Prepare the solution again from the kept ``solution.csv`` after checking the kept bundle, with the split seed
    the competition was created with (the same Public/Private rows); returns the new Solution."""
    folder = objects.local_folder(key)
    bundle = load_bundle(folder)
    with scratch.folder("solution") as prepared:
        solution = prepare_solution(bundle, folder / SOLUTION, prepared, seed=stored_seed(objects, key))
        for made in sorted(prepared.iterdir()):
            objects.put_file(join(layout.internal(key), made.name), made)
    return solution


def replace_files(objects: Storage, key: str, files: dict[str, Path], metric_file: str | None) -> None:
    """Put new versions of the kept bundle's ``solution.csv`` and metric file in place, after checking the
    bundle with them (in a side folder that links the other files); a bundle that fails changes nothing."""
    import shutil

    allowed = {SOLUTION} | ({metric_file} if metric_file else set())
    unknown = sorted(set(files) - allowed)
    if unknown:
        raise BundleError("only solution.csv and the metric file can be replaced", [
            f"{', '.join(unknown)} cannot be replaced; a rescore takes new versions of {', '.join(sorted(allowed))}"])
    kept = objects.local_folder(key)
    with scratch.folder("check") as side:
        for p in kept.iterdir():
            if p.name not in files:
                os.symlink(p, side / p.name)
        for name, src in files.items():
            shutil.copyfile(src, side / name)
        try:
            load_bundle(side)
        except BundleError as exc:
            raise BundleError(f"with the new {' and '.join(sorted(files))} the competition's bundle is not valid; "
                              "nothing was changed", exc.problems) from None
        for name in files:
            objects.put_file(join(key, name), side / name)


def archive(objects: Storage, ref: str, files: list[StoredObject]) -> StoredObject:
    """The public ``files`` of ``ref`` in one .zip ("download all"), built once per version of the files;
    older versions of it are removed."""
    stamp = hashlib.sha256(repr([(f.name, f.size, f.version) for f in files]).encode()).hexdigest()[:16]
    key = layout.archive(ref, stamp)
    found = objects.head(key)
    if found is not None:
        return found
    with scratch.folder("archive") as work:
        tmp = work / f"{ref}.zip"
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
            for f in files:
                local = objects.local_path(f.key, f)
                zf.write(local, f.name)
        newest = max((f.modified for f in files), default=None)
        if newest is not None:  # the archive reads as unchanged until a file changes
            stamp_s = newest.replace(tzinfo=dt.timezone.utc).timestamp()
            os.utime(tmp, (stamp_s, stamp_s))
        objects.put_file(key, tmp, name=f"{ref}.zip")
    for old in objects.list(layout.ARCHIVES, recursive=False):
        rest = old.name[len(ref) + 1:-4]
        if old.key != key and old.name.startswith(f"{ref}-") and old.name.endswith(".zip") \
                and len(rest) == 16 and rest.isalnum():  # an older version of this one
            objects.delete(old.key)
    return objects.head(key)


__all__ = ["store_bundle", "public_files", "metric_folder", "refresh_solution", "replace_files", "archive",
           "free_key"]
