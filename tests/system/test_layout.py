"""The tests mirror the source: the tests of ``src/scrimmage/x/y.py`` are in ``tests/x/test_y.py``.

The rule (docs/architecture.md, "Tests"):

- ``src/scrimmage/<path>/<name>.py`` is tested in ``tests/<path>/test_<name>.py``, leading
  underscores dropped (``coach/_splits.py`` -> ``tests/coach/test_splits.py``);
- a package's own tests (its ``__init__.py``, or the package as a whole) are
  ``tests/<path>/<package>/test_<package>.py``; a folder that is not a package (the migrations)
  is tested in ``test_<folder>.py`` beside the tests of its parent's modules;
- a module whose tests outgrow one file adds a topic: ``test_<name>_<topic>.py``;
- tests of behaviour across modules and faces (a real server under attack, a browser, the
  official kaggle client, concurrency, the docs, the import graph) are in ``tests/system/``;
- every test folder is a package (``__init__.py``), so mirrored names may repeat
  (``tests/cli/test_discussion.py`` and ``tests/community/test_discussion.py``).
"""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SYSTEM = "system"


def names_in(folder: Path) -> set[str]:
    """What a test file in the mirror of ``folder`` may be named after."""
    names = set()
    for entry in folder.iterdir():
        if entry.suffix == ".py" and entry.name != "__init__.py":
            names.add(entry.stem.strip("_"))
        elif entry.is_dir() and not (entry / "__init__.py").exists() and entry.name != "__pycache__":
            names.add(entry.name)
    if (folder / "__init__.py").exists():
        names.add(folder.name)
    return names


def misplaced(test: Path, src: Path) -> str | None:
    """Why ``test`` (relative to tests/) is not where the rule puts it, and where it goes; None if it is."""
    shown = f"tests/{test.as_posix()}"
    if test.parts[0] == SYSTEM:
        return None
    folder = src.joinpath(*test.parts[:-1])
    if not (folder / "__init__.py").exists():
        return (f"{shown}: there is no package src/{folder.relative_to(src.parent).as_posix()}; "
                f"name the file after the module it tests (tests/<path>/test_<module>.py), or move it to "
                f"tests/{SYSTEM}/ if it tests behaviour across modules and faces")
    stem = test.stem.removeprefix("test_")
    names = names_in(folder)
    modules = names - {folder.name}
    if folder.name in names and stem.startswith(folder.name + "_"):
        rest = stem[len(folder.name) + 1:]
        if any(rest == name or rest.startswith(name + "_") for name in modules):
            return f"{shown}: drop the package's name: tests/{test.with_name('test_' + rest + '.py').as_posix()}"
    if any(stem == name or stem.startswith(name + "_") for name in names):
        return None
    where = f"src/{folder.relative_to(src.parent).as_posix()}"
    return (f"{shown}: no module {where}/{stem}.py (nor _{stem}.py) and no package {where}/{stem}/; name the file "
            f"after the module it tests (test_<module>.py or test_<module>_<topic>.py, one of: "
            f"{', '.join(sorted(names))}), or move it to tests/{SYSTEM}/ if it tests behaviour across "
            f"modules and faces")


def test_every_test_file_mirrors_a_module_or_is_a_system_test():
    tests = ROOT / "tests"
    src = ROOT / "src" / "scrimmage"
    found = sorted(path.relative_to(tests) for path in tests.rglob("test_*.py"))
    assert len(found) > 50
    problems = [problem for test in found if (problem := misplaced(test, src))]
    assert not problems, "\n".join(problems)


def test_every_test_folder_is_a_package():
    tests = ROOT / "tests"
    folders = sorted(path for path in tests.rglob("*") if path.is_dir() and path.name != "__pycache__"
                     and any(path.glob("test_*.py")))
    missing = [f"tests/{folder.relative_to(tests).as_posix()}/__init__.py" for folder in folders
               if not (folder / "__init__.py").exists()]
    assert not missing, "add an empty " + ", ".join(missing) + " (mirrored test names repeat across folders)"


CASES = [
    ("metrics/test_points.py", None),
    ("coach/test_splits.py", None),
    ("coach/test_time_forms.py", None),
    ("lessons/test_lessons_traps.py", None),
    ("web/pages/test_pages.py", None),
    ("store/test_migrations.py", None),
    ("test_submissions_bounds.py", None),
    ("system/test_anything.py", None),
    ("metrics/test_metrics_points.py", "tests/metrics/test_metrics_points.py: drop the package's name: "
                                       "tests/metrics/test_points.py"),
    ("test_alignment.py", "tests/test_alignment.py: no module src/scrimmage/alignment.py (nor _alignment.py) "
                          "and no package src/scrimmage/alignment/; name the file after the module it tests"),
    ("web/test_web_api.py", "tests/web/test_web_api.py: drop the package's name: tests/web/test_api.py"),
    ("web/test_forms.py", "tests/web/test_forms.py: no module src/scrimmage/web/forms.py"),
    ("nowhere/test_it.py", "tests/nowhere/test_it.py: there is no package src/scrimmage/nowhere; "),
]


@pytest.mark.parametrize("test, message", CASES, ids=[test for test, _ in CASES])
def test_a_misplaced_test_file_is_named_with_where_it_goes(test, message):
    problem = misplaced(Path(test), ROOT / "src" / "scrimmage")
    if message is None:
        assert problem is None
    else:
        assert problem.startswith(message), problem
