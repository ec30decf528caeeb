"""``scrimmage profile``: a learner's record (yours by default), and making it public."""

from __future__ import annotations

import click

from ..errors import ConfigError
from . import cli
from ._output import echo, table
from .competitions import arena


@cli.command()
@click.argument("name", required=False)
@click.option("--public/--private", "public", default=None,
              help="Make your profile readable by everyone (or only by you and the admins).")
def profile(name, public):
    """Show a learner's profile: results, medals, tiers, tracks, posts."""
    a = arena()
    me = a.settings.user if hasattr(a, "settings") else None
    if public is not None:
        if name and me and name != me:
            raise ConfigError("--public/--private change your own profile only")
        a.profiles.set_public(me or name, public)
        echo("Your profile is public: anyone with the link can read it." if public else
             "Your profile is private: only you and the admins can read it.")
        return
    p = a.profiles.get(name or me, me)
    echo(f"{p.display_name} ({p.name}) · {p.tier} · joined {p.joined:%Y-%m-%d} · "
         f"{'public' if p.public else 'private'} profile")
    for cat, tier in p.tiers.items():
        m = p.medals[cat]
        nxt = f" · next — {p.next_steps[cat]}" if p.next_steps[cat] else ""
        echo(f"  {cat}: {tier} ({m['gold']} gold, {m['silver']} silver, {m['bronze']} bronze){nxt}")
    if p.results:
        table(["competition", "team", "rank", "teams", "score", "medal", "final"],
              [[r.competition, r.team, r.rank, r.teams, r.score, r.medal or "", r.closed] for r in p.results])
    for tr in p.tracks:
        echo(f"  track {tr.name}: {tr.done} of {tr.steps} steps{' (completed)' if tr.completed else ''}")
    echo(f"  notebooks: {len(p.notebooks)} shared, {p.notebook_votes} upvotes")
    echo(f"  discussion: {p.posts} posts, {p.post_votes} upvotes")
