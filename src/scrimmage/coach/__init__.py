"""The coach: a Kaggle grandmaster's routine, made executable, in the competition you are in.

A session (each step needs the competition's data, so this is shown, not run)::

    from scrimmage import coach
    advice = coach.advise_split("time-drift-lesson")
    coach.check()                                                 # leakage and sanity checks
    coach.ladder()                                                # constant -> group mean -> simple model
    run = coach.run(my_pipeline, name="hgb", frac=0.05)           # recorded on the saved folds
    coach.compare("ridge", run)                                   # beyond fold noise?
    coach.submit(run, message="hgb v1")                           # linked: CV beside the public score
    coach.track()                                                 # does CV track the leaderboard?
    coach.ensemble()                                              # blend recorded runs
    coach.report(path="report.html")                              # the story, one HTML file

Every function takes ``comp=`` (a ``scrimmage.competition(...)`` object or a
ref); left out, it is the competition of the previous coach call, else the
configured default competition. See docs/coach.md.
"""

from __future__ import annotations

__all__ = [
    "Workspace",
    "refuse_remote",
    "advise_split",
    "check",
    "compare",
    "ensemble",
    "ladder",
    "report",
    "run",
    "runs",
    "submit",
    "track",
    "use",
]

_current = None


def use(comp=None, *, arena=None):
    """The coach's workspace for ``comp`` (a Competition, a ref, or None for the current one)."""
    global _current
    from ._workspace import Workspace

    if isinstance(comp, Workspace):
        _current = comp
        return comp
    if comp is None and _current is not None and arena is None:
        return _current
    ref = getattr(comp, "ref", comp)
    if _current is not None and ref is not None and _current.ref == ref and arena is None and _same_home(_current):
        from ..notebook import Competition

        if not isinstance(comp, Competition) or comp.arena is _current.arena:
            return _current
    _current = Workspace(comp, arena=arena)
    return _current


def _same_home(ws) -> bool:
    from .. import config

    return ws.arena.settings.home == config.home() and ws.user == (config.Settings.load().user)


def advise_split(comp=None, *, n_folds: int = 5, seed: int = 0, split: str | None = None, group: str | None = None,
                 date: str | None = None, save: bool = True):
    """Inspect train and test, recommend a validation split and save its folds (see :mod:`._splits`)."""
    from ._splits import advise

    return advise(use(comp), n_folds=n_folds, seed=seed, split=split, group=group, date=date, save=save)


def check(comp=None):
    """Leakage and sanity checks that need no test labels (see :mod:`._checks`)."""
    from ._checks import run_checks

    return run_checks(use(comp))


def ladder(comp=None, *, model=None, frac: float = 1.0, seed: int = 0, n_jobs=None, threads: int | None = 1,
           drop=()):
    """Constant -> one-column group mean -> linear model -> shallow tree -> ``model``, on the saved folds."""
    from ._ladder import build

    return build(use(comp), model, frac=frac, seed=seed, n_jobs=n_jobs, threads=threads, drop=drop)


def run(model, *, name: str | None = None, frac: float = 1.0, seed: int = 0, comp=None, features=None, drop=(),
        n_jobs=None, threads: int | None = 1, notes: str = "", workdir=None):
    """Fit ``model`` on the saved folds and record the run.

    ``frac=0.05`` fits on a seeded 5 % of the training rows (a smaller share is
    always inside a larger one). ``features``/``drop`` choose the columns the
    model sees (default: every column of both train and test but the id).
    ``n_jobs`` fits folds in parallel through joblib (a Dask or Ray joblib
    backend spreads them over a cluster); each fit uses ``threads`` threads.
    ``workdir`` is the folder whose git commit and uncommitted changes are
    recorded (default: the current directory).
    """
    from ._journal import record

    return record(use(comp), model, name=name, frac=frac, seed=seed, features=features, drop=drop, n_jobs=n_jobs,
                  threads=threads, notes=notes, workdir=workdir)


def runs(comp=None):
    """Every recorded run, oldest first, with public/private scores of submitted ones."""
    from ._journal import runs as all_runs

    return all_runs(use(comp))


def submit(run, message: str | None = None, *, comp=None):
    """Submit a run's test predictions (``Arena.submit``) and link the submission to the run."""
    from ._journal import submit as submit_run

    return submit_run(use(comp), run, message)


def compare(a, b, *, comp=None):
    """Does run ``b`` beat run ``a`` beyond fold noise? (a paired, corrected t-test on the fold scores)"""
    from ._compare import compare as compare_runs

    return compare_runs(use(comp), a, b)


def track(comp=None, *, n_boot: int = 1000, seed: int = 0):
    """CV against the leaderboard across your submitted runs (see :mod:`._tracking`)."""
    from ._tracking import track as track_runs

    return track_runs(use(comp), n_boot=n_boot, seed=seed)


def ensemble(run_ids=None, *, comp=None, method: str = "best", rounds: int = 25, init: int = 3, name: str | None = None):
    """Blend recorded runs from their out-of-fold predictions (see :mod:`._ensemble`)."""
    from ._ensemble import blend

    return blend(use(comp), run_ids, method=method, rounds=rounds, init=init, name=name)


def report(comp=None, *, path=None):
    """Write the learner's story as one self-contained HTML file; returns its path."""
    from ._report import write_report

    return write_report(use(comp), path)


def __getattr__(name):
    if name in ("Workspace", "refuse_remote"):  # loaded when asked for: `import scrimmage.coach` stays light
        from . import _workspace

        return getattr(_workspace, name)
    raise AttributeError(f"module 'scrimmage.coach' has no attribute {name!r}")
