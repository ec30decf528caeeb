"""``scrimmage profile``: a learner's record (yours by default), and making it public."""

from __future__ import annotations

import click

from ..errors import ConfigError
from . import cli
from ._output import echo, table
from .competitions import arena


@cli.command()
@click.argument("name", required=False)
@click.option("--public", is_flag=True, help="Make your profile readable by everyone with its link.")
@click.option("--private", is_flag=True, help="Make your profile readable only by you and the admins.")
def profile(name, public, private):
    """Show a learner's profile: results, medals, tiers, tracks, posts."""
    if public and private:
        raise click.UsageError("give --public or --private, not both")
    a = arena()
    me = a.settings.user if hasattr(a, "settings") else None
    if public or private:
        if name and me and name != me:
            raise ConfigError("--public/--private change your own profile only")
        who = me or name or a.profiles.me()
        a.profiles.set_public(who, public)
        if not public:
            echo("Your profile is private: only you and the admins can read it.")
        elif hasattr(a, "server"):
            echo(f"Your profile is public: anyone with its link can read it: {a.server}/u/{who}")
        else:
            echo(f"Your profile is public: anyone with its link can read it: /u/{who} on this arena's web server "
                 "(`scrimmage serve`)")
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
