"""The notebook API: ``scrimmage.competition(ref)``.

>>> comp = scrimmage.competition("breast-cancer")      # doctest: +SKIP
>>> train, test = comp.load()                          # doctest: +SKIP
>>> comp.submit(predictions, message="baseline")       # doctest: +SKIP
{'id': 1, 'status': 'complete', 'public': 0.98765, 'private': None}
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from .errors import SubmissionError
from .arena import Arena
from .records import CompetitionInfo


def _is_frame(value) -> bool:
    import pandas as pd
    import polars as pl

    return isinstance(value, (pd.DataFrame, pl.DataFrame))


class Competition:
    def __init__(self, arena: Arena, info: CompetitionInfo):
        self.arena = arena
        self.info = info
        self.ref = info.ref

    @classmethod
    def open(cls, ref: str | None = None, user: str | None = None, arena: Arena | None = None) -> "Competition":
        arena = arena or Arena(user=user)
        return cls(arena, arena.competition(ref))

    def __repr__(self) -> str:
        return f"<Competition {self.ref!r}: {self.info.title} ({self.info.metric})>"

    # data -------------------------------------------------------------------
    def files(self) -> list[Path]:
        """Local paths of the public files (from a remote store: this machine's checked copies)."""
        return [self.arena.objects.local_path(f.key, f) for f in self.arena.files(self.ref)]

    def path(self, name: str) -> Path:
        for p in self.files():
            if p.name == name:
                return p
        raise FileNotFoundError(f"{self.ref} has no public file {name!r}; files: {[p.name for p in self.files()]}")

    def read(self, name: str):
        """Any public CSV file as a pandas DataFrame (e.g. an extra table to join)."""
        import pandas as pd

        id_col = self.info.settings["id_column"]
        frame = pd.read_csv(self.path(name), dtype={id_col: str})
        if id_col in frame.columns:
            ids = frame[id_col]
            # ids that survive a round trip through int (no leading zeros, no text) become integers
            if ids.notna().all() and ids.str.fullmatch(r"-?(0|[1-9][0-9]{0,17})").all():
                frame[id_col] = ids.astype("int64")
        return frame

    def load(self):
        """``(train, test)`` as pandas DataFrames."""
        return self.read("train.csv"), self.read("test.csv")

    def sample_submission(self):
        return self.read("sample_submission.csv")

    # submitting ---------------------------------------------------------------
    def submit(self, predictions, message: str = "") -> dict:
        """Submit a pandas or polars DataFrame (written as CSV without an index), a file path, or the predictions alone.

        Predictions alone are a pandas Series, a numpy array or a list with one value per
        row of ``test.csv``, in its order (2-d, one column per prediction column, when the
        competition has several); the ids are taken from ``test.csv``.

        Returns ``{"id", "status", "public", "private"}``; a rejected file raises
        :class:`scrimmage.errors.SubmissionError` whose ``problems`` list every issue.
        """
        if isinstance(predictions, (str, Path)):
            sub = self.arena.submit(self.ref, predictions, message)
        else:
            frame = predictions if _is_frame(predictions) else self._frame_of(predictions)
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "notebook-submission.csv"
                if hasattr(frame, "write_csv"):  # polars
                    frame.write_csv(path)
                else:
                    frame.to_csv(path, index=False)
                sub = self.arena.submit(self.ref, path, message)
        return {"id": sub.id, "status": sub.status, "public": sub.public_score, "private": sub.private_score}

    def _frame_of(self, predictions):
        """A submission frame from predictions in test order: the ids of ``test.csv`` beside them."""
        import numpy as np
        import pandas as pd

        id_col, columns = self.info.settings["id_column"], list(self.info.settings["prediction_columns"])
        how = (f"give a DataFrame with the columns {', '.join([id_col, *columns])} (like sample_submission.csv), "
               f"a file path, or one prediction per row of test.csv in its order (a Series, numpy array or list"
               + (f" with {len(columns)} columns: {', '.join(columns)})" if len(columns) > 1 else ")"))
        try:
            values = np.asarray(predictions.to_numpy() if isinstance(predictions, pd.Series) else predictions)
        except (TypeError, ValueError) as exc:
            raise SubmissionError(f"cannot submit a {type(predictions).__name__}: {how}", [str(exc)]) from None
        if values.ndim not in (1, 2):
            raise SubmissionError(f"cannot submit a {type(predictions).__name__}: {how}")
        if values.ndim == 1 and len(columns) == 1:
            values = values.reshape(-1, 1)
        ids = pd.read_csv(self.path("test.csv"), dtype={id_col: str}, usecols=[id_col], keep_default_na=False)[id_col]
        if values.ndim != 2 or values.shape[1] != len(columns):
            shape = "x".join(map(str, values.shape))
            raise SubmissionError(f"the predictions have shape {shape}; {self.ref!r} needs {len(ids)}x{len(columns)} "
                                  f"({', '.join(columns)}): {how}")
        if len(values) != len(ids):
            raise SubmissionError(f"the predictions have {len(values)} rows but test.csv has {len(ids)}: {how}")
        return pd.DataFrame({id_col: ids, **{c: values[:, k] for k, c in enumerate(columns)}})

    def submissions(self):
        import pandas as pd

        rows = [
            {"id": s.id, "date": s.date, "fileName": s.file_name, "description": s.description, "status": s.status,
             "publicScore": s.public_score, "privateScore": s.private_score, "selected": s.selected, "error": s.error}
            for s in self.arena.submissions(self.ref)
        ]
        return pd.DataFrame(rows, columns=["id", "date", "fileName", "description", "status", "publicScore",
                                           "privateScore", "selected", "error"])

    def leaderboard(self, private: bool = False, references: bool = True):
        """The leaderboard as a DataFrame.

        With ``references`` (the default) the reference pipelines' scores are
        interleaved by score (``isReference``, no rank), and with fewer than 20
        teams ``byReference`` says where each team stands against them (medals
        by reference). The private leaderboard adds ``publicRank``, ``move``
        (public to private, e.g. ``+3``) and ``medal``.
        """
        import pandas as pd

        from .references import board_rows

        board = self.arena.leaderboard(self.ref, private=private)
        shown = [r for r in board_rows(board) if references or not r.is_reference]
        rows = [
            {"rank": r.rank, "teamId": r.team_id, "teamName": r.team_name, "submissionDate": r.submission_date,
             "score": r.score, "entries": r.entries, "publicRank": r.public_rank, "move": r.move, "medal": r.medal,
             "isReference": r.is_reference, "byReference": r.by_reference}
            for r in shown
        ]
        cols = ["rank", "teamId", "teamName", "submissionDate", "score", "entries"]
        cols += ["publicRank", "move", "medal"] if private else []
        cols += ["isReference"] if any(r.is_reference for r in shown) else []
        cols += ["byReference"] if any(r.by_reference for r in shown) else []
        frame = pd.DataFrame(rows, columns=cols)
        for c in ("rank", "teamId", "entries", "publicRank"):
            if c in frame.columns:
                frame[c] = frame[c].astype("Int64")
        return frame

    def select(self, submission_id: int, unselect: bool = False) -> None:
        self.arena.select(self.ref, submission_id, unselect=unselect)

    # discussion ---------------------------------------------------------------------------
    def discussion(self, sort: str = "active"):
        """The competition's discussion topics as a DataFrame (pinned first)."""
        import pandas as pd

        topics, _ = self.arena.discussion.topics(self.ref, self.arena.settings.user, sort)
        cols = ["id", "title", "author", "replies", "votes", "last_post_at", "pinned", "locked"]
        return pd.DataFrame([{c: getattr(t, c) for c in cols} for t in topics], columns=cols)

    def topic(self, topic_id: int):
        """A topic with its posts (a :class:`scrimmage.community.records.Thread`)."""
        return self.arena.discussion.thread(topic_id, self.arena.settings.user)

    def post(self, title: str, body: str) -> int:
        """Open a topic in the competition's discussion; its id."""
        return self.arena.discussion.create_topic(self.ref, self.arena.settings.user, title, body).topic.id

    def reply(self, topic_id: int, body: str) -> int:
        """Reply to a topic; the reply's id."""
        return self.arena.discussion.reply(topic_id, self.arena.settings.user, body).id

    # shared notebooks -----------------------------------------------------------------------
    def share_notebook(self, path: str | Path, title: str | None = None, submission: int | None = None,
                       visibility: str | None = None, slug: str | None = None):
        """Share a notebook (``.ipynb``) or script (``.py``) for this competition: a new version when its slug
        (from the title) is yours already. ``submission``: one of your team's submission ids, whose score it
        shows. ``visibility``: ``private`` (the default for a new one), ``competition`` or ``public``.
        Returns a :class:`scrimmage.community.records.Notebook` (its ``ref`` is ``USER/SLUG``)."""
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"no file at {path}: give the path of a .ipynb or .py file")
        return self.arena.notebooks.push(self.ref, self.arena.settings.user, path.name, path.read_bytes(),
                                         slug=slug, title=title, visibility=visibility, submission=submission)

    def notebooks(self, sort: str = "votes"):
        """The competition's notebooks you may see, as a DataFrame (``votes``, ``score`` or ``recent``)."""
        import pandas as pd

        found = self.arena.notebooks.list(self.ref, self.arena.settings.user, sort)
        cols = ["ref", "title", "kind", "visibility", "version", "votes", "public_score", "highlighted", "updated_at"]
        return pd.DataFrame([{c: getattr(n, c) for c in cols} for n in found], columns=cols)
