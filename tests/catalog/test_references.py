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
#: What to do when a shipped figure is off: the figures are written by the script, never by hand.
REGENERATE = ("regenerate the shipped figures with `python scripts/reference_scores.py {ref}` "
              "(it rewrites src/scrimmage/catalog/_references.py) and commit them with the change that moved them")


@pytest.mark.parametrize("ref", catalog.refs())
def test_every_competition_ships_its_three_references(ref):
    rows = catalog.reference_scores(ref)
    fix = REGENERATE.format(ref=ref)
    assert [r["name"] for r in rows] == list(NAMES), f"{ref} ships {[r['name'] for r in rows]}: {fix}"
    for r in rows:
        assert set(r) == {"name", "public", "private", "model"} and r["model"], f"{ref} {r}: {fix}"
        assert math.isfinite(r["public"]) and math.isfinite(r["private"]), f"{ref} {r}: {fix}"
    rows[0]["public"] = -1.0  # a copy: the shipped table cannot be changed by accident
    assert catalog.reference_scores(ref)[0]["public"] != -1.0


@pytest.mark.parametrize("ref", SMALL)
def test_shipped_reference_scores_match_a_recomputation(ref, tmp_path):
    folder = catalog.build(ref, tmp_path / ref)
    shipped = catalog.reference_scores(ref)
    conf = tomllib.loads((folder / "competition.toml").read_text(encoding="utf-8"))
    assert conf["reference_scores"] == shipped, "the build writes the shipped figures into the bundle"
    fresh = compute(folder)
    fix = REGENERATE.format(ref=ref)
    assert [r["name"] for r in fresh] == [r["name"] for r in shipped], fix
    for new, old in zip(fresh, shipped, strict=True):
        assert new["model"] == old["model"], f"{ref} {new['name']}: recomputed {new['model']!r}, shipped {old['model']!r}; {fix}"
        for side in ("public", "private"):
            assert math.isclose(new[side], old[side], rel_tol=0, abs_tol=TOLERANCE), (
                f"{ref} {new['name']} {side}: recomputed {new[side]}, shipped {old[side]}; {fix}"
            )
