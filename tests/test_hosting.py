"""The host's use cases: edit settings (every bad value reported at once), see every submission."""

import pytest

from scrimmage import hosting
from scrimmage.errors import ConfigError, ForbiddenError
from scrimmage.arena import Arena


@pytest.fixture
def arena(db_url, bundle):
    arena = Arena()
    arena.create_competition(bundle, host="hoster")
    return arena


def test_edit(arena):
    comp = hosting.edit(arena, "tiny", "hoster", {"deadline": "2031-02-03T04:05", "tags": "a, b c", "max_team_size": " 3 ",
                                                  "merger_deadline": "", "description": " Hi "})
    assert comp.deadline.isoformat() == "2031-02-03T04:05:00" and comp.tags == ["a", "b", "c"]
    assert (comp.settings["max_team_size"], comp.settings["merger_deadline"], comp.description) == (3, None, "Hi")


def test_edit_errors(arena):
    with pytest.raises(ConfigError) as info:
        hosting.edit(arena, "tiny", "hoster", {"title": " ", "daily_limit": "five", "final_selections": 0})
    assert info.value.message == "'tiny' was not changed"
    assert info.value.problems == ["title cannot be empty", "daily_limit must be a whole number, got 'five'",
                                   "final_selections must be at least 1, got 0"]
    with pytest.raises(ForbiddenError, match="^only the host of 'tiny' can do this$"):
        hosting.edit(arena, "tiny", "someone", {"title": "x"})
    with pytest.raises(ForbiddenError, match="^only the host of 'tiny' can do this$"):
        hosting.submissions(arena, "tiny", "someone")
