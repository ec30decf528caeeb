"""Write-ups: visible after the deadline, or earlier when the author shares; author-only edits."""

import pytest

from scrimmage.errors import ConfigError, ForbiddenError, NotFoundError
from scrimmage.arena import Arena


@pytest.fixture
def arena(db_url, bundle):
    arena = Arena()
    arena.create_competition(bundle, host="hoster")
    for name in ("ada", "bob"):
        arena.teams.join("tiny", name)
    return arena


def test_visibility_before_and_after_close(arena):
    draft = arena.writeups.post("tiny", "ada", "My approach", "Gradient *boosting*.")
    shared = arena.writeups.post("tiny", "bob", "Shared early", "Hello", shared=True)
    assert [w.id for w in arena.writeups.list("tiny", "bob")] == [shared.id]
    assert {w.id for w in arena.writeups.list("tiny", "ada")} == {draft.id, shared.id}
    assert {w.id for w in arena.writeups.list("tiny", "hoster")} == {draft.id, shared.id}
    assert [w.id for w in arena.writeups.list("tiny", None)] == [shared.id]
    with pytest.raises(NotFoundError, match=f"^no write-up {draft.id} in 'tiny' that you can read$"):
        arena.writeups.get("tiny", draft.id, "bob")
    arena.close("tiny", user="hoster")
    assert {w.id for w in arena.writeups.list("tiny", None)} == {draft.id, shared.id}


def test_edit_and_errors(arena):
    post = arena.writeups.post("tiny", "ada", "T", "B")
    edited = arena.writeups.edit("tiny", "ada", post.id, "T2", "B2", True)
    assert (edited.title, edited.body, edited.shared) == ("T2", "B2", True)
    with pytest.raises(ForbiddenError, match="^only its author can edit a write-up$"):
        arena.writeups.edit("tiny", "bob", post.id, "x", "y", True)
    with pytest.raises(ConfigError) as info:
        arena.writeups.post("tiny", "ada", " ", "")
    assert info.value.message == "the write-up was not saved"
    assert info.value.problems == ["a write-up needs a title", "a write-up needs some text"]
    with pytest.raises(ForbiddenError, match="^join 'tiny' before writing about it$"):
        arena.writeups.post("tiny", "zed", "T", "B")


def test_too_long(arena):
    with pytest.raises(ConfigError) as info:
        arena.writeups.post("tiny", "ada", "t" * 201, "b" * 100_001)
    assert info.value.problems == ["the title is too long: at most 200 characters",
                                   "the text is too long: at most 100,000 characters"]
