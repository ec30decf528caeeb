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
def serve(host, port, db_url, secure_cookies):
    """Run the arena server: web pages and the REST API."""
    import uvicorn

    from ..config import Settings
    from ..web import create_app

    app = create_app(Settings.load(database_url=db_url), secure_cookies=secure_cookies)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    echo(f"scrimmage arena at http://{shown}:{port}/  (REST API docs: http://{shown}:{port}/api/docs)")
    echo("The first account signed up becomes the admin. Stop with Ctrl-C.")
    uvicorn.run(app, host=host, port=port, log_level="warning")
