"""`coach check` and `coach advise` agree on what is a group column, and say why when the folds differ."""

from __future__ import annotations

from coach_bundles import make_bundle
from scrimmage import coach

N = 600


def group_finding(ref, column):
    [found] = [f for f in coach.check(ref).about(column) if f.check == "new categories in test"]
    return found


def test_a_unique_name_column_is_not_groups(tmp_path, arena):
    folder = make_bundle(tmp_path / "names", "binary", n=N, extra_train={"name": [f"Person {i}" for i in range(N)]},
                         extra_test={"name": [f"Person {N + i}" for i in range(N)]})
    ref = arena.create_competition(folder).ref
    advice = coach.advise_split(ref)
    assert advice.split not in ("group", "stratified-group") and advice.groups == []
    found = group_finding(ref, "name")
    assert found.severity == "info"
    assert found.means == ("name hardly repeats within train (600 values in 600 rows): it is an identifier or free "
                           "text (like a name), not groups, so the split needs no groups for it; a model learns "
                           "nothing from a value it saw once.")
    assert "Validate with groups" not in str(coach.check(ref))


def test_titanic_check_and_advise_agree(arena):
    """The learner's case: advise chooses repeated K-fold, and check no longer calls `name` groups."""
    assert coach.advise_split("titanic").split == "repeated"
    found = group_finding("titanic", "name")
    assert found.severity == "info" and "not groups" in found.means
    assert "Validate with groups" not in str(coach.check("titanic"))


def test_a_group_column_names_the_saved_split_that_ignores_it(tmp_path, arena):
    folder = make_bundle(tmp_path / "sites", "binary", n=N, extra_train={"site": [f"s{i % 40}" for i in range(N)]},
                         extra_test={"site": [f"t{i % 40}" for i in range(N)]})
    ref = arena.create_competition(folder).ref
    coach.advise_split(ref, split="random")
    found = group_finding(ref, "site")
    assert found.severity == "warning"
    assert found.todo.endswith("Your saved folds are a random split, which does not keep the rows of one site together: "
                               "rerun `coach advise --split group --group site`.")
    assert coach.advise_split(ref).split in ("group", "stratified-group")  # the advisor sees the same groups
    assert group_finding(ref, "site").todo == ("Validate with groups (the split advisor's group split) and do not feed "
                                               "site itself to the model.")


def test_too_few_groups_for_a_group_split_is_said(tmp_path, arena):
    folder = make_bundle(tmp_path / "few", "binary", n=N, extra_train={"site": [f"s{i % 5}" for i in range(N)]},
                         extra_test={"site": [f"t{i % 5}" for i in range(N)]})
    ref = arena.create_competition(folder).ref
    assert coach.advise_split(ref).groups == []
    assert group_finding(ref, "site").todo.endswith(
        "With only 5 values, too few for a group K-fold, the split advisor does not split by it; force it with "
        "`coach advise --split group --group site` and fewer folds.")
