"""Unpack an uploaded bundle (.zip) safely: size cap, zip-slip and zip-bomb rejected.

Every problem is listed at once in one :class:`~scrimmage.errors.BundleError`.
The bundle may sit at the top of the zip or inside one top-level folder.
"""

from __future__ import annotations

import re
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from .errors import BundleError

MAX_UPLOAD_MB = 200
MAX_UNPACKED_MB = 2048
MAX_FILES = 200
#: An entry over 1 MB compressed more than this is taken for a zip bomb.
MAX_RATIO = 200
REJECTED = "the bundle upload was rejected"


def extract_bundle_zip(zip_path: str | Path, dest: str | Path, *, max_upload_mb: float = MAX_UPLOAD_MB,
                       max_unpacked_mb: float = MAX_UNPACKED_MB, max_files: int = MAX_FILES) -> Path:
    """Unpack ``zip_path`` into a new folder under ``dest`` and return that bundle folder."""
    zip_path = Path(zip_path)
    size = zip_path.stat().st_size
    if size > max_upload_mb * 1e6:
        raise BundleError(REJECTED, [f"the upload is {size / 1e6:.1f} MB; bundle uploads are limited to {max_upload_mb:g} MB"])
    if not zipfile.is_zipfile(zip_path):
        raise BundleError(REJECTED, ["the upload is not a .zip file: zip the bundle folder and upload the .zip"])
    problems: list[str] = []
    with zipfile.ZipFile(zip_path) as zf:
        entries = [i for i in zf.infolist() if not _junk(i.filename)]
        files = [i for i in entries if not i.is_dir()]
        for info in entries:
            problems.extend(_entry_problems(info))
        if len(files) > max_files:
            problems.append(f"the zip holds {len(files)} files; a bundle may hold at most {max_files}")
        total = sum(i.file_size for i in files)
        if total > max_unpacked_mb * 1e6:
            problems.append(f"the zip unpacks to {total / 1e6:.1f} MB; bundles are limited to {max_unpacked_mb:g} MB")
        if not files:
            problems.append("the zip is empty: it must hold competition.toml and the data files")
        if problems:
            raise BundleError(REJECTED, problems)
        prefix, name = _root(files, zip_path)
        folder = Path(dest) / name
        folder.mkdir(parents=True, exist_ok=False)
        for info in files:
            rel = PurePosixPath(info.filename).relative_to(prefix) if prefix else PurePosixPath(info.filename)
            target = folder.joinpath(*rel.parts)
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                _copy(zf, info, target)
            except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
                raise BundleError(REJECTED, [f"the zip is damaged at {info.filename!r} ({exc}); zip the bundle again"]) from None
    return folder


def _copy(zf: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path) -> int:
    """Unpack one entry. zipfile never yields more than the entry declares (it checks size and CRC),
    and the declared sizes were checked against the caps above."""
    written = 0
    with zf.open(info) as src, open(target, "wb") as out:
        for chunk in iter(lambda: src.read(1 << 20), b""):
            written += len(chunk)
            out.write(chunk)
    return written


def _junk(name: str) -> bool:
    parts = PurePosixPath(name).parts
    return bool(parts) and (parts[0] == "__MACOSX" or parts[-1] in (".DS_Store", "Thumbs.db"))


def _entry_problems(info: zipfile.ZipInfo) -> list[str]:
    name = info.filename
    path = PurePosixPath(name.replace("\\", "/"))
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name) or ".." in path.parts:
        return [f"unsafe path in the zip: {name!r} (every path must stay inside the bundle folder)"]
    if stat.S_ISLNK(info.external_attr >> 16):
        return [f"symbolic link in the zip: {name!r} (links are not allowed in a bundle)"]
    if info.flag_bits & 0x1:
        return [f"{name!r} is encrypted; upload a zip without a password"]
    if info.file_size > 1_000_000 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
        return [f"{name!r} is compressed more than {MAX_RATIO}:1 (a zip bomb?); such files are rejected"]
    return []


def _root(files: list[zipfile.ZipInfo], zip_path: Path) -> tuple[str, str]:
    """(the prefix to strip, the bundle folder's name): one top folder, or the zip's own name."""
    tops = {PurePosixPath(i.filename).parts[0] for i in files}
    nested = all(len(PurePosixPath(i.filename).parts) > 1 for i in files)
    if len(tops) == 1 and nested:
        top = tops.pop()
        return top, _folder_name(top)
    return "", _folder_name(zip_path.stem)


def _folder_name(raw: str) -> str:
    """A folder name that is also a valid default ref."""
    name = re.sub(r"[^a-z0-9-]+", "-", raw.lower()).strip("-")[:80]
    return name or "bundle"


__all__ = ["extract_bundle_zip", "MAX_UPLOAD_MB", "MAX_UNPACKED_MB"]
