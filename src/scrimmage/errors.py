"""One exception hierarchy for everything scrimmage reports to a person.

Each error knows the HTTP status and the CLI exit code it maps to, and carries
``problems``: every individual problem found (a submission check or a bundle
check reports all of them at once, never only the first).
"""

from __future__ import annotations


class ScrimmageError(Exception):
    """Base class: a problem the user can fix, with a message that says how."""

    status = 400
    exit_code = 1

    def __init__(self, message: str, problems: list[str] | None = None):
        self.message = message
        self.problems = list(problems or [])
        super().__init__(self.__str__())

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        lines = [self.message] + [f"  - {p}" for p in self.problems]
        return "\n".join(lines)

    def to_dict(self) -> dict:
        """The JSON error envelope shared by the web API and ``--json`` output."""
        return {"ok": False, "error": self.message, "errors": self.problems, "status": self.status}


class ConfigError(ScrimmageError):
    """A setting is missing or malformed."""


class BundleError(ScrimmageError):
    """A competition folder is not a valid bundle; ``problems`` lists every issue."""


class SubmissionError(ScrimmageError):
    """A submission file was rejected; ``problems`` lists every issue found."""


class NotFoundError(ScrimmageError):
    status = 404


class AuthError(ScrimmageError):
    """Not signed in, or wrong credentials."""

    status = 401


class ForbiddenError(ScrimmageError):
    status = 403


class LimitError(ScrimmageError):
    """A rule of the competition forbids this now (daily limit, deadline, selections)."""

    status = 429


class ConflictError(ScrimmageError):
    status = 409


class TooLargeError(ScrimmageError):
    """A request, an upload or a file (once decompressed) is over its size limit."""

    status = 413


class DiskFullError(ScrimmageError):
    """The server ran out of disk space; nothing was kept."""

    status = 507


class QuotaError(ScrimmageError):
    """A storage quota (per team or for the whole server) leaves no room for a file; nothing was kept."""

    status = 507


class MissingFileError(ScrimmageError):
    """A file the store records is gone from the disk (an admin finds them with ``scrimmage admin check-files``)."""

    status = 410


class StorageError(ScrimmageError):
    """The arena's file store (an object store such as S3) did not answer, or refused a request.

    Its message is the same for everyone: where the files are (a bucket, an endpoint, keys) is no business
    of a participant. ``detail`` says what happened, for the server's log and the admin's command line."""

    status = 503
    SHOWN = ("the arena's file store did not answer; try again in a minute (the server's log says why, "
             "for its admin)")

    def __init__(self, detail: str):
        super().__init__(self.SHOWN)
        self.detail = detail


class ScoringError(ScrimmageError):
    """The metric failed. ``message`` is safe for the participant; ``host_detail`` is not."""

    status = 422

    def __init__(self, message: str, host_detail: str | None = None):
        super().__init__(message)
        self.host_detail = host_detail


class HostCodeError(ScrimmageError):
    """A host's code (a metric file) failed or ran past its time limit.

    ``message`` and ``host_detail`` are for the host only: scoring turns this
    error into a :class:`ScoringError` whose message is safe for the participant.
    """

    status = 422

    def __init__(self, message: str):
        super().__init__(message)
        self.host_detail = message


class CatalogueError(ScrimmageError):
    """A built-in catalogue entry is broken (two entries share a ref, a builder made inconsistent files).

    Nothing a user typed causes it: the message names the entry and what is wrong with it.
    """

    status = 500


class ParticipantVisibleError(Exception):
    """Raised by a metric when its message may be shown to the participant.

    This is Kaggle's metric contract: any other exception from a metric is shown
    to the host only, and the participant sees a generic scoring error. Metric
    files written for Kaggle define their own class of this name; scrimmage
    recognises those too (see :func:`is_participant_visible`).
    """


class HostVisibleError(Exception):
    """Raised by a metric when its message is for the host only."""


#: What a metric raises where it is not defined on the rows it was given (AUC of one class only,
#: r2 of one row, ...): code scoring resamples and folds catches these, and nothing else.
METRIC_UNDEFINED: tuple[type[Exception], ...] = (ValueError, ArithmeticError, ParticipantVisibleError)


def is_participant_visible(exc: BaseException) -> bool:
    """True for our ParticipantVisibleError and for any class of that name.

    Kaggle metric files declare ``class ParticipantVisibleError(Exception)``
    themselves, so a dropped-in file raises its own class, not ours.
    """
    return any(cls.__name__ == "ParticipantVisibleError" for cls in type(exc).__mro__)
