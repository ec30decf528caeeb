"""``scrimmage competitions`` (alias ``c``): Kaggle's verbs, plus the host's."""

from __future__ import annotations

import contextlib
from pathlib import Path

import click

from . import cli
from ._output import echo, error, fmt, progress, size, table


def arena():
    """The local Arena, or a remote one over HTTP when a server is given (``--server`` or ``config set server``)."""
    from ..config import Settings

    ctx = click.get_current_context(silent=True)
    server = (ctx.find_root().obj or {}).get("server") if ctx else None
    settings = Settings.load(server=server)
    if settings.server:
        from ..client import RemoteArena

        return RemoteArena(settings.server, settings.token, settings.competition)
    from ..arena import Arena

    return Arena(settings)


@cli.group(cls=type(cli))
def competitions():
    """List, download, submit, see leaderboards (alias: c)."""


csv_option = click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of a table.")
ref_argument = click.argument("ref", required=False)


@competitions.command("list")
@click.option("--tag", help="Only competitions with this tag (e.g. time-split, regression).")
@click.option("-s", "--search", help="Only competitions whose ref, title or tags contain this text.")
@csv_option
def list_(tag, search, as_csv):
    """List the competitions."""
    comps = arena().list_competitions(tag=tag, search=search)
    if not comps and not as_csv:
        echo("No competitions found." + (" Try without --tag/--search." if tag or search else
                                         " Create one with `scrimmage competitions create FOLDER`."))
        return
    table(
        ["ref", "title", "deadline", "metric", "teamCount", "userHasEntered", "tags", "availability"],
        [[c.ref, c.title, c.deadline or ("closed" if c.closed_at else "none"), c.metric, c.team_count,
          c.user_has_entered, " ".join(c.tags), availability(c)] for c in comps],
        as_csv,
    )


def availability(comp) -> str:
    """``ready``, ``fetched on first use``, ``not created`` (a lesson) or ``unavailable: REASON``."""
    if comp.built:
        return "ready"
    if comp.settings.get("lesson"):
        return "not created"
    return comp.settings.get("availability") or "ready"


@competitions.command()
@ref_argument
@csv_option
def files(ref, as_csv):
    """List the public data files of REF."""
    table(["name", "size", "creationDate"], [[f.name, size(f.size), f.modified] for f in arena().files(ref)], as_csv)


@competitions.command()
@ref_argument
@click.option("-f", "--file", "file_name", help="Download only this file.")
@click.option("-p", "--path", default=".", show_default=True, type=click.Path(file_okay=False), help="Folder to download into.")
@click.option("-q", "--quiet", is_flag=True)
def download(ref, file_name, path, quiet):
    """Download the public files of REF."""
    a = arena()
    a.competition(ref)  # a built-in one is built first: fetching its data shows pip's own progress bar
    with progress(quiet=quiet) as bar:
        task = bar.add_task("Downloading", total=None)

        def advance(done, total):
            bar.update(task, completed=done, total=total)

        paths = a.download(ref, path, file_name, on_progress=advance)
    if not quiet:
        for p in paths:
            echo(f"{p} ({size(p.stat().st_size)})")
        _honour(a.competition(ref).ref)


def _honour(ref: str) -> None:
    """Say plainly, on stderr, when ``ref`` is built from public data (see scrimmage.practice)."""
    from ..practice import honour_notice

    notice = honour_notice(ref)
    if notice:
        error(notice)


@competitions.command()
@ref_argument
@click.option("-f", "--file", "file_path", required=True, type=click.Path(), help="The submission CSV (.csv, .csv.gz or .zip).")
@click.option("-m", "--message", required=True, help="A description of this submission.")
@click.option("-q", "--quiet", is_flag=True)
def submit(ref, file_path, message, quiet):
    """Submit FILE to REF and print its public score."""
    from rich.console import Console

    a = arena()
    big = Path(file_path).is_file() and Path(file_path).stat().st_size > 20_000_000
    with Console(stderr=True).status("Scoring...", spinner="dots") if big and not quiet else _null():
        sub = a.submit(ref, file_path, message)
    if not quiet:
        echo(f"Successfully submitted to {sub.competition} (submission {sub.id})")
        echo(f"Public score: {fmt(sub.public_score)}" + (f"   Private score: {fmt(sub.private_score)}" if sub.private_score is not None else ""))
        if sub.late:
            echo("This is a late submission: it is scored but not ranked.")
        used, limit = a.used_today(sub.competition)
        echo(f"{max(limit - used, 0)} of {limit} submissions left today (UTC)")


class _null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@competitions.command()
@ref_argument
@csv_option
def submissions(ref, as_csv):
    """Your team's submissions to REF, newest first."""
    subs = arena().submissions(ref)
    if not subs and not as_csv:
        echo("No submissions yet.")
        return
    table(["id", "fileName", "date", "description", "status", "publicScore", "privateScore", "selected"],
          [[s.id, s.file_name, s.date, s.description, _status(s, as_csv), s.public_score, s.private_score, s.selected]
           for s in subs], as_csv)
    rejected = [s for s in subs if s.status == "error" and len(_problems(s)) > 1]
    if rejected and not as_csv:
        for s in rejected:
            echo(f"Submission {s.id} ({s.file_name}) was rejected; every problem:")
            for line in _problems(s):
                echo(f"  - {line}")


def _problems(sub) -> list[str]:
    return sub.problems or (sub.error or "").splitlines()


def _status(sub, as_csv: bool) -> str:
    """``complete``, or ``error:`` with every problem (in --csv) or the first and how many more (in the table)."""
    if sub.status != "error":
        return sub.status
    problems = _problems(sub)
    if as_csv or len(problems) < 2:
        return "error: " + "; ".join(problems)
    return f"error: {problems[0]} (+{len(problems) - 1} more, below)"


@competitions.command()
@ref_argument
@click.option("--private", is_flag=True, help="The private leaderboard (after the competition closes).")
@click.option("-s", "--show", is_flag=True, help="Show the leaderboard (the default; for Kaggle muscle memory).")
@click.option("-d", "--download", "dl", is_flag=True, help="Write the leaderboard as REF-leaderboard.csv.")
@csv_option
def leaderboard(ref, private, show, dl, as_csv):
    """The public (or private) leaderboard of REF."""
    a = arena()
    board = a.leaderboard(ref, private=private)
    if dl:
        out = Path(f"{board.competition.ref}-{'private' if private else 'public'}-leaderboard.csv")
        with open(out, "w", newline="") as fh:
            with contextlib.redirect_stdout(fh):
                print_leaderboard(board, as_csv=True)
        echo(f"Wrote {out}")
        return
    print_leaderboard(board, as_csv)
    if not as_csv:
        _honour(board.competition.ref)
    if private and not as_csv:
        _personal_postmortem(a, board)


def _personal_postmortem(a, board) -> None:
    """Below a closed lesson's post-mortem: what this learner did (local arena only)."""
    from ..lessons import is_lesson
    from ..arena import Arena

    if not (isinstance(a, Arena) and board.competition.closed and is_lesson(board.competition)):
        return
    from ..lessons import postmortem

    echo("")
    echo(click.style("Your post-mortem", bold=True))
    echo(str(postmortem(a, board.competition.ref)))


def print_leaderboard(board, as_csv: bool) -> None:
    """The leaderboard with the reference pipelines' rows interleaved by score (see scrimmage.references)."""
    from ..references import board_rows, medal_legend

    shown = board_rows(board)
    if board.private:
        cols = ["rank", "teamId", "teamName", "submissionDate", "score", "publicRank", "move", "medal", "entries"]
        rows = [[r.rank, r.team_id, r.team_name, r.submission_date, r.score, r.public_rank, r.move, r.medal or "",
                 r.entries] for r in shown]
    else:
        cols = ["rank", "teamId", "teamName", "submissionDate", "score", "entries"]
        rows = [[r.rank, r.team_id, r.team_name, r.submission_date, r.score, r.entries] for r in shown]
    by_reference = any(r.by_reference for r in shown)
    if by_reference:
        cols.append("byReference")
        for row, r in zip(rows, shown):
            row.append(r.by_reference)
    if not board.rows and not as_csv:
        echo("No scored submissions yet." + (" The reference scores to beat:" if rows else ""))
        if not rows:
            return
    kind = "private" if board.private else "public"
    table(cols, rows, as_csv, title=None if as_csv else f"{board.competition.title}: {kind} leaderboard")
    if as_csv:
        return
    legend = medal_legend(board)
    if legend:
        echo(legend)
    if board.private and board.shake_up and board.shake_up.teams:
        s = board.shake_up
        rho = "n/a" if s.spearman is None else f"{s.spearman:.3f}"
        echo(f"Shake-up: mean |private rank - public rank| / teams = {s.mean_shift:.3f} "
             f"(top 10 %: {s.top_shift:.3f}); Spearman(public, private) = {rho}")
    reveal = (board.competition.settings.get("reveal") or "").strip()
    if board.private and board.competition.closed and reveal:
        echo("")
        echo(click.style("Post-mortem", bold=True))
        echo(reveal)


@competitions.command()
@click.argument("folder", type=click.Path())
def create(folder):
    """Create a competition from a bundle FOLDER (see docs/competition-format.md)."""
    comp = arena().create_competition(folder)
    direction = "higher is better" if comp.greater_is_better else "lower is better"
    echo(f"Created competition {comp.ref}: {comp.title} (metric {comp.metric}, {direction})")
    echo(f"Participants can now run: scrimmage competitions download {comp.ref}")


@competitions.command()
@ref_argument
def close(ref):
    """Close REF now and reveal the private leaderboard (host only)."""
    comp = arena().close(ref)
    echo(f"Closed {comp.ref}; the private leaderboard is revealed: scrimmage competitions leaderboard {comp.ref} --private")


@competitions.command()
@click.argument("args", nargs=-1, required=True, metavar="[REF] SUBMISSION_ID")
@click.option("--unselect", is_flag=True, help="Drop the submission from your final selection.")
def select(args, unselect):
    """Select SUBMISSION_ID of REF for the private leaderboard."""
    if len(args) > 2:
        raise click.UsageError("give at most REF and SUBMISSION_ID")
    ref, raw = (None, args[0]) if len(args) == 1 else args
    if not raw.isdigit():
        raise click.BadParameter(f"{raw!r} is not a submission id (see `scrimmage competitions submissions`)",
                                 param_hint="SUBMISSION_ID")
    sub = arena().select(ref, int(raw), unselect=unselect)
    echo(f"Submission {sub.id} {'unselected' if unselect else 'selected'} for the private leaderboard")
