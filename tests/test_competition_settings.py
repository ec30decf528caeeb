"""competition.toml's keys: one typed model, read by the bundle and used by hosts' edits."""

from __future__ import annotations

import dataclasses

from scrimmage import competition_settings as cs
from scrimmage.bundle import Bundle, load_bundle


def test_the_bundle_is_the_settings_model_plus_what_its_files_say():
    names = {f.name for f in dataclasses.fields(Bundle)}
    assert set(cs.KEYS) <= names
    assert names - set(cs.KEYS) == {"path", "prediction_columns", "public_files", "has_usage"}


def test_a_bundle_without_optional_keys_takes_the_models_defaults(bundle):
    loaded = load_bundle(bundle)
    for key in ("daily_limit", "final_selections", "max_team_size", "leaderboard", "rows", "max_rows_per_id",
                "submission_limit_mb", "metric_timeout", "public_fraction"):
        assert getattr(loaded, key) == cs.default(key), key


def test_stored_settings_are_checked_like_a_toml_file(bundle):
    stored = load_bundle(bundle).settings()
    assert cs.problems(stored) == []
    assert cs.problems({**stored, "max_team_size": 0, "leaderboard": "best"}) == [
        "max_team_size must be at least 1, got 0", 'leaderboard must be "kaggle" or "ladder", got \'best\'']


def test_defaults_are_fresh_copies():
    tags = cs.default("tags")
    tags.append("x")
    assert cs.default("tags") == []
