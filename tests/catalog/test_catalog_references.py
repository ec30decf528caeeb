"""The catalogue's shipped reference scores: present for every competition, written
into every bundle, and honest (recomputed for the small competitions)."""

from __future__ import annotations

import math

import pytest
import tomllib

from scrimmage import catalog
from scrimmage.references import NAMES
from scrimmage.references.pipelines import compute

#: Recomputed by the test; the others (flights, digits, diamonds, ...) take longer and are
#: checked with `python scripts/reference_scores.py --check`.
SMALL = ["titanic", "palmer-penguins", "mauna-loa-co2", "basic-motions", "ames-house-prices", "bike-share-demand"]
TOLERANCE = 1e-4  # the same as scripts/reference_scores.py --check


@pytest.mark.parametrize("ref", catalog.refs())
def test_every_competition_ships_its_three_references(ref):
    rows = catalog.reference_scores(ref)
    assert [r["name"] for r in rows] == list(NAMES)
    for r in rows:
        assert set(r) == {"name", "public", "private", "model"} and r["model"]
        assert math.isfinite(r["public"]) and math.isfinite(r["private"])
    rows[0]["public"] = -1.0  # a copy: the shipped table cannot be changed by accident
    assert catalog.reference_scores(ref)[0]["public"] != -1.0


@pytest.mark.parametrize("ref", SMALL)
def test_shipped_reference_scores_match_a_recomputation(ref, tmp_path):
    folder = catalog.build(ref, tmp_path / ref)
    shipped = catalog.reference_scores(ref)
    conf = tomllib.loads((folder / "competition.toml").read_text(encoding="utf-8"))
    assert conf["reference_scores"] == shipped, "the build writes the shipped figures into the bundle"
    fresh = compute(folder)
    for new, old in zip(fresh, shipped, strict=True):
        assert new["name"] == old["name"]
        assert new["model"] == old["model"]
        for side in ("public", "private"):
            assert math.isclose(new[side], old[side], rel_tol=0, abs_tol=TOLERANCE), (
                f"{ref} {new['name']} {side}: recomputed {new[side]}, shipped {old[side]}; "
                "rerun python scripts/reference_scores.py"
            )
