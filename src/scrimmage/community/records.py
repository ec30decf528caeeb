"""The values the discussion hands to its faces (and the remote client rebuilds from JSON)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    id: int
    competition: str | None  # None: the site forum
    title: str
    author: str
    created_at: dt.datetime
    last_post_at: dt.datetime
    replies: int
    votes: int
    pinned: bool
    locked: bool
    hidden: bool


@dataclass(frozen=True)
class Post:
    id: int
    topic_id: int
    author: str
    body: str | None  # None when deleted, or hidden from this viewer
    votes: int
    created_at: dt.datetime
    edited_at: dt.datetime | None
    opening: bool
    hidden: bool
    deleted: bool
    voted: bool  # by the viewer


@dataclass(frozen=True)
class Thread:
    topic: Topic
    posts: list[Post]
    can_moderate: bool
    can_reply: bool


@dataclass(frozen=True)
class Edit:
    editor: str
    edited_at: dt.datetime
    title: str | None
    body: str


@dataclass(frozen=True)
class Hit:
    topic_id: int
    post_id: int
    competition: str | None
    title: str
    author: str
    excerpt: str
    created_at: dt.datetime


@dataclass(frozen=True)
class NewItem:
    kind: str  # topic | reply | reply-to-you
    topic_id: int
    post_id: int
    competition: str | None
    title: str
    author: str
    at: dt.datetime
    excerpt: str


@dataclass(frozen=True)
class Report:
    id: int
    post_id: int
    topic_id: int
    competition: str | None
    title: str
    author: str
    reporter: str
    reason: str
    created_at: dt.datetime
    hidden: bool
