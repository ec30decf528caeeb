"""Rules every community text obeys, whatever carries it (a post, a shared notebook, a comment)."""

from __future__ import annotations

import re

from ..errors import ForbiddenError
from ..store import community as q


def no_private_score(arena, conn, me, text: str, what: str) -> None:
    """A host or admin who sees private scores before the close: nothing they write may quote one, wherever
    they write it (another competition, the site forum). ``what`` names it: "this post", "this comment".

    Only those who may see the private scores now are checked (not a host or admin with a team in the
    competition, nor a lesson's learner), so nobody can use the check to guess a score they may not see."""
    for cid, ref in q.moderated_competitions(conn, me.id, everything=me.role == "admin"):
        comp = arena.competition(ref, full=False)
        if comp.closed or not arena.sees_private(comp, me.name):
            continue
        for value in q.private_scores(conn, cid):
            shown = f"{value:.5f}"
            if shown in text:
                raise ForbiddenError(f"{what} quotes a private score ({shown}) of {ref!r}, which is open: "
                                     "private scores are revealed when the competition closes")


#: Left out of what people write: control characters but tab and newlines (PostgreSQL refuses
#: NUL, XML all of them), lone surrogates (no database stores them: they are not UTF-8) and
#: Unicode's noncharacters (U+FDD0-U+FDEF and the last two of every plane: XML refuses U+FFFE
#: and U+FFFF).
UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufdd0-\ufdef"
                       + "".join(chr(plane * 0x10000 + 0xFFFE) + chr(plane * 0x10000 + 0xFFFF) for plane in range(17))
                       + "]")


def plain(text: str | None) -> str:
    """Text as stored: without control characters, lone surrogates and noncharacters."""
    return UNWANTED.sub("", text or "")
