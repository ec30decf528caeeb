"""The values the discussion hands to its faces (and the remote client rebuilds from JSON)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from . import tiers as t


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


@dataclass(frozen=True)
class Result:
    competition: str
    title: str
    closed: bool
    team: str
    solo: bool
    rank: int | None  # private rank once closed, public rank while open
    teams: int
    score: float | None
    medal: str | None  # final medals only (closed competitions)
    standing: str  # where the score stands against the references, in words
    lesson: bool


@dataclass(frozen=True)
class TrackRecord:
    name: str
    title: str
    done: int
    steps: int

    @property
    def completed(self) -> bool:
        return self.steps > 0 and self.done == self.steps


@dataclass(frozen=True)
class Profile:
    name: str
    display_name: str
    joined: dt.datetime
    public: bool
    results: list[Result]
    tracks: list[TrackRecord]
    writeups: list[tuple[str, int, str]]  # (competition, id, title)
    posts: int
    post_votes: int
    top_posts: list[dict]
    medals: dict[str, dict[str, int]]  # category -> class -> count
    tiers: dict[str, str]
    next_steps: dict[str, str] = field(default_factory=dict)
    notebooks: list = field(default_factory=list)  # the Notebooks the viewer may see, most votes first
    notebook_votes: int = 0  # on the notebooks shared beyond the team

    @property
    def tier(self) -> str:
        return t.highest(self.tiers)


@dataclass(frozen=True)
class Notebook:
    ref: str  # "owner/slug"
    owner: str
    slug: str
    competition: str
    title: str
    kind: str  # notebook | script
    visibility: str  # private | competition | public
    version: int
    votes: int
    comments: int
    highlighted: bool
    submission_id: int | None
    public_score: float | None
    private_score: float | None  # only once the competition closes
    copied_from: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    voted: bool  # by the viewer
    language: str = "python"


@dataclass(frozen=True)
class NotebookVersion:
    number: int
    file_name: str
    size_bytes: int
    sha256: str
    cells: int
    note: str
    created_at: dt.datetime


@dataclass(frozen=True)
class Comment:
    id: int
    author: str
    body: str | None  # None once deleted
    created_at: dt.datetime
    deleted: bool


@dataclass(frozen=True)
class NotebookPage:
    notebook: Notebook
    versions: list[NotebookVersion]
    comments: list[Comment]
    can_highlight: bool
