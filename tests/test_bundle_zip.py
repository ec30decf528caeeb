"""Bundle uploads: a zip unpacks to a bundle; too big, zip-slip, links and zip bombs are rejected."""

import stat
import zipfile

import pytest

from scrimmage.bundle_zip import extract_bundle_zip
from scrimmage.errors import BundleError


def zip_folder(folder, path, top=True):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for p in folder.iterdir():
            zf.write(p, f"{folder.name}/{p.name}" if top else p.name)
    return path


def problems(path, tmp_path, **kw):
    with pytest.raises(BundleError) as info:
        extract_bundle_zip(path, tmp_path / "out", **kw)
    assert info.value.message == "the bundle upload was rejected"
    return info.value.problems


def test_folder_inside_or_at_top(bundle, tmp_path):
    got = extract_bundle_zip(zip_folder(bundle, tmp_path / "x.zip"), tmp_path / "a")
    assert got.name == "tiny" and (got / "solution.csv").read_bytes() == (bundle / "solution.csv").read_bytes()
    got = extract_bundle_zip(zip_folder(bundle, tmp_path / "My Comp (2).zip", top=False), tmp_path / "b")
    assert got.name == "my-comp-2" and (got / "competition.toml").is_file()


def test_size_cap_and_not_a_zip(bundle, tmp_path):
    path = zip_folder(bundle, tmp_path / "x.zip")
    size = path.stat().st_size / 1e6
    assert problems(path, tmp_path, max_upload_mb=0.001) == [
        f"the upload is {size:.1f} MB; bundle uploads are limited to 0.001 MB"]
    (tmp_path / "n.zip").write_text("id,target\n")
    assert problems(tmp_path / "n.zip", tmp_path) == [
        "the upload is not a .zip file: zip the bundle folder and upload the .zip"]
    assert problems(path, tmp_path, max_unpacked_mb=0.001)[0].startswith("the zip unpacks to 0.0 MB; bundles are limited to 0.001 MB")


def test_zip_slip_and_links_are_rejected(tmp_path):
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("b/../../escape.txt", "x")
        zf.writestr("/etc/passwd", "x")
        link = zipfile.ZipInfo("b/link")
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, "/etc/shadow")
    assert problems(path, tmp_path) == [
        "unsafe path in the zip: 'b/../../escape.txt' (every path must stay inside the bundle folder)",
        "unsafe path in the zip: '/etc/passwd' (every path must stay inside the bundle folder)",
        "symbolic link in the zip: 'b/link' (links are not allowed in a bundle)",
    ]
    assert not (tmp_path / "escape.txt").exists() and not (tmp_path / "out").exists()


def test_zip_bomb_is_rejected(tmp_path):
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("b/train.csv", b"0" * 50_000_000)
    assert problems(path, tmp_path) == ["'b/train.csv' is compressed more than 200:1 (a zip bomb?); such files are rejected"]


def test_lying_sizes_stop_the_unpacking(tmp_path):
    path = tmp_path / "liar.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr("b/a.csv", b"x" * 1000)
    data = bytearray(path.read_bytes())
    # shrink the declared size in the central directory (1000 -> 10); the local header keeps the truth
    central = data.rfind(b"PK\x01\x02")
    data[central + 24:central + 28] = (10).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    assert problems(path, tmp_path) == ["the zip is damaged at 'b/a.csv' (Bad CRC-32 for file 'b/a.csv'); zip the bundle again"]


def test_encrypted_empty_and_too_many_files(bundle, tmp_path):
    path = zip_folder(bundle, tmp_path / "x.zip")
    assert problems(path, tmp_path, max_files=2) == ["the zip holds 5 files; a bundle may hold at most 2"]
    empty = tmp_path / "empty.zip"
    with zipfile.ZipFile(empty, "w") as zf:
        zf.writestr("__MACOSX/._junk", "x")
    assert problems(empty, tmp_path) == ["the zip is empty: it must hold competition.toml and the data files"]
    locked = tmp_path / "locked.zip"
    with zipfile.ZipFile(locked, "w") as zf:
        zf.writestr("b/train.csv", "x")
    data = bytearray(locked.read_bytes())  # set the "encrypted" flag in both headers
    data[data.find(b"PK\x03\x04") + 6] |= 1
    data[data.rfind(b"PK\x01\x02") + 8] |= 1
    locked.write_bytes(bytes(data))
    assert problems(locked, tmp_path) == ["'b/train.csv' is encrypted; upload a zip without a password"]
