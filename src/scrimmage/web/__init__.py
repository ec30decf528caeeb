"""The arena server: server-rendered pages and a REST API over the same :class:`~scrimmage.arena.Arena`.

``create_app(settings)`` builds the FastAPI application; ``scrimmage serve`` runs it.
"""

from .app import create_app

__all__ = ["create_app"]
