"""``scrimmage serve``: run the arena server (web pages and REST API) with uvicorn."""

from __future__ import annotations

import click

from . import cli
from ._output import echo


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0 for everyone).")
@click.option("--port", default=8000, show_default=True, type=int, help="Port to listen on.")
@click.option("--db", "db_url", metavar="URL", help="Database URL (default: the configured store, SQLite under SCRIMMAGE_HOME).")
@click.option("--secure-cookies", is_flag=True, help="Mark cookies Secure (when served over HTTPS).")
@click.option("--trusted-proxy", "trusted_proxies", multiple=True, metavar="ADDR",
              help="A reverse proxy (address or network) whose X-Forwarded-For header is believed; repeat for more "
                   "(default: the trusted_proxies setting, else none).")
def serve(host, port, db_url, secure_cookies, trusted_proxies):
    """Run the arena server: web pages and the REST API."""
    import uvicorn

    from ..config import Settings
    from ..web import create_app

    proxies = ",".join(trusted_proxies) or None
    settings = Settings.load(database_url=db_url, trusted_proxies=proxies)
    app = create_app(settings, secure_cookies=secure_cookies)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    base = f"{'https' if secure_cookies else 'http'}://{shown}:{port}"
    echo(f"scrimmage arena at http://{shown}:{port}/  (REST API docs: http://{shown}:{port}/api/docs)")
    echo("The first account signed up becomes the admin. Stop with Ctrl-C.")
    echo(app.state.arena.host_code.describe())
    _local_learner(app, settings.user, base)
    # the app decides which proxies to believe (trusted_proxies), not uvicorn's own default of 127.0.0.1
    uvicorn.run(app, host=host, port=port, log_level="warning", proxy_headers=False)


def _local_learner(app, name: str, base: str) -> None:
    """Tell the local learner (the CLI's user) how to be the same person in the browser."""
    from ..user_admin import SYSTEM_NAMES, UserAdmin

    link = UserAdmin(app.state.arena.store).local_link(name, base)
    if link:
        echo(f"You are {name!r} here (the CLI and the quickstart submit as {name}). To see your work in the browser, "
             f"open this one-time link and set a password for {name!r} (valid 24 hours; it makes you the admin "
             f"if the arena has none):")
        echo(f"  {link}")
    elif name.lower() not in SYSTEM_NAMES:
        echo(f"The CLI submits as {name!r}: log in as {name!r} in the browser to see its submissions.")
