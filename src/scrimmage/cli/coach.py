"""``scrimmage coach``: the coach from the command line (the Python API is ``scrimmage.coach``)."""

from __future__ import annotations

import click

from . import cli
from ._output import echo, fmt, table

ref_argument = click.argument("ref", required=False)
csv_option = click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of a table.")


def _coach():
    from .. import coach

    return coach


@cli.group(cls=type(cli))
@click.pass_context
def coach(ctx):
    """Split advice, checks, baselines, runs, CV-vs-leaderboard, blends, report."""
    server = (ctx.find_root().obj or {}).get("server")
    if server:  # `scrimmage --server URL coach ...`; a configured server is refused by the coach itself
        from ..coach import refuse_remote

        refuse_remote(server)


@coach.command()
@ref_argument
@click.option("--folds", "n_folds", default=5, show_default=True, type=int, help="Number of folds.")
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--split", help="Use this split instead of the recommended one.")
@click.option("--group", help="The group column (for a group split).")
@click.option("--date", help="The date column (for a time split).")
def advise(ref, n_folds, seed, split, group, date):
    """Recommend a validation split for REF and save its folds."""
    echo(str(_coach().advise_split(ref, n_folds=n_folds, seed=seed, split=split, group=group, date=date)))


@coach.command()
@ref_argument
def check(ref):
    """Leakage and sanity checks on REF (no test labels needed)."""
    echo(str(_coach().check(ref)))


def load_model(spec: str):
    """``FILE.py:NAME`` or ``module:NAME``: an estimator, or a function returning one."""
    import importlib
    import runpy

    if ":" not in spec:
        raise click.BadParameter(f"{spec!r} is not FILE.py:NAME or module:NAME", param_hint="--model")
    where, name = spec.rsplit(":", 1)
    try:
        space = runpy.run_path(where) if where.endswith(".py") else vars(importlib.import_module(where))
    except (OSError, ImportError) as exc:
        raise click.BadParameter(f"cannot load {where!r}: {exc}", param_hint="--model") from None
    except Exception as exc:  # noqa: BLE001 - the model file's own code does not parse, or failed while it ran
        if (click.get_current_context().find_root().obj or {}).get("debug"):
            raise
        raise click.BadParameter(f"cannot load {where!r}: {_failure(exc, where)}", param_hint="--model") from None
    if name not in space:
        raise click.BadParameter(f"{where!r} has no {name!r}", param_hint="--model")
    obj = space[name]
    return obj() if callable(obj) and not hasattr(obj, "fit") else obj


def _failure(exc: BaseException, where: str) -> str:
    """Where the user's model code failed, and why: ``line 3: SyntaxError: '(' was never closed``."""
    import traceback

    if isinstance(exc, SyntaxError):
        file, line, problem = exc.filename, exc.lineno, f"SyntaxError: {exc.msg}"
    else:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.endswith("runpy.py")]
        file, line = (frames[-1].filename, frames[-1].lineno) if frames else (where, None)
        problem = f"{type(exc).__name__}: {exc}"
    if line is None:
        return problem
    return f"line {line}{'' if file == where else f' of {file}'}: {problem}"


@coach.command()
@ref_argument
@click.option("--model", "model_spec", help="Your model as FILE.py:NAME (an estimator or a function returning one).")
@click.option("--frac", default=1.0, show_default=True, type=float, help="Share of the training rows to use.")
@click.option("--n-jobs", type=int, help="Folds fitted in parallel.")
@click.option("--drop", multiple=True, help="A column to leave out (repeatable).")
def ladder(ref, model_spec, frac, n_jobs, drop):
    """Baselines on the saved folds: constant, group mean, linear, shallow tree, your model."""
    model = load_model(model_spec) if model_spec else None
    echo(str(_coach().ladder(ref, model=model, frac=frac, n_jobs=n_jobs, drop=drop)))


@coach.command()
@ref_argument
@csv_option
def runs(ref, as_csv):
    """Every recorded run of REF with its CV and leaderboard scores."""
    rows = _coach().runs(ref)
    if not rows and not as_csv:
        echo("No runs yet: `scrimmage coach ladder` records the baselines; coach.run(model) records yours.")
        return
    table(["id", "name", "kind", "split", "frac", "cvScore", "cvStd", "publicScore", "privateScore", "fitSeconds",
           "memoryMB", "submission"],
          [[r.id, r.name, r.kind, r.split_id, f"{r.frac:g}", r.cv_mean, r.cv_std, r.public_score, r.private_score,
            None if r.fit_seconds is None else round(r.fit_seconds, 2),
            None if r.peak_memory_mb is None else round(r.peak_memory_mb, 1), r.submission_id or ""] for r in rows],
          as_csv)
    splits = sorted({r.split_id for r in rows})
    if len(splits) > 1 and not as_csv:
        echo(f"\nThese runs used {len(splits)} different fold assignments (splits {', '.join(map(str, splits))}): "
             "a CV is comparable only with CVs of the same split.")


def _ref_and(args, names: str, count: int):
    if len(args) not in (count, count + 1):
        raise click.UsageError(f"give [REF] {names}")
    return (None, list(args)) if len(args) == count else (args[0], list(args[1:]))


@coach.command()
@click.argument("args", nargs=-1, required=True, metavar="[REF] RUN_A RUN_B")
def compare(args):
    """Does RUN_B beat RUN_A beyond fold noise? (ids or names)"""
    ref, (a, b) = _ref_and(args, "RUN_A RUN_B", 2)
    echo(str(_coach().compare(a, b, comp=ref)))


@coach.command()
@click.argument("args", nargs=-1, required=True, metavar="[REF] RUN")
@click.option("-m", "--message", help="Submission description (default: the run and its CV).")
def submit(args, message):
    """Submit a recorded RUN (id or name) and link it to its submission."""
    ref, (run,) = _ref_and(args, "RUN", 1)
    r = _coach().submit(run, message, comp=ref)
    echo(f"Submitted run {r.id} {r.name!r} (submission {r.submission_id}): CV {fmt(r.cv_mean)}, "
         f"public {fmt(r.public_score)}")


@coach.command()
@ref_argument
def track(ref):
    """CV against the public (and after the reveal, private) scores of your submitted runs."""
    echo(str(_coach().track(ref)))


@coach.command()
@ref_argument
@click.option("--runs", "run_ids", help="Comma-separated run ids or names (default: every run on the current folds).")
@click.option("--method", default="best", show_default=True,
              type=click.Choice(["best", "weighted", "rank", "caruana", "stacking"]))
@click.option("--submit", "do_submit", is_flag=True, help="Also submit the blend.")
@click.option("-m", "--message", help="Submission description with --submit.")
def ensemble(ref, run_ids, method, do_submit, message):
    """Blend recorded runs from their out-of-fold predictions; writes the blended submission."""
    c = _coach()
    ids = [s.strip() for s in run_ids.split(",") if s.strip()] if run_ids else None
    result = c.ensemble(ids, comp=ref, method=method)
    echo(str(result))
    if do_submit:
        r = c.submit(result.run, message, comp=ref)
        echo(f"Submitted run {r.id} (submission {r.submission_id}): public {fmt(r.public_score)}")


@coach.command()
@ref_argument
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="The HTML file (default: REF-coach-report.html).")
def report(ref, output):
    """Write the coach's report on REF as one self-contained HTML file."""
    echo(f"Wrote {_coach().report(ref, path=output)}")
