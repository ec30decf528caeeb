"""The served OpenAPI document: the API's routes as FastAPI describes them, plus the session cookie.

The web pages (not part of the API) sign in with the ``scrimmage_session`` cookie; the document
names that scheme too, so a reader sees both ways in.
"""

from __future__ import annotations

from fastapi import FastAPI

from .deps import SESSION_COOKIE
from .schemas import STATUS_TEXT

SESSION_SCHEME = {
    "type": "apiKey", "in": "cookie", "name": SESSION_COOKIE,
    "description": "The browser session of the web pages (set by signing in; pages only, never the API)",
}


def install(app: FastAPI) -> None:
    """Make ``app.openapi()`` add the session-cookie scheme to FastAPI's document."""
    build = app.openapi

    def openapi() -> dict:
        schema = build()
        components = schema.setdefault("components", {})
        components.setdefault("securitySchemes", {}).setdefault("sessionCookie", SESSION_SCHEME)
        # a bad parameter is answered with the error envelope (app._validation_error), not FastAPI's default
        envelope = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for code, answer in operation.get("responses", {}).items():
                    if code == "422":
                        answer.update(description=STATUS_TEXT[422], content=envelope)
                    elif code[:1] in "45" and not answer.get("content"):  # every error is the envelope
                        answer["content"] = envelope
        for name in ("HTTPValidationError", "ValidationError"):
            components.get("schemas", {}).pop(name, None)
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
