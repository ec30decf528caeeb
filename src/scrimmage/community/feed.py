"""An Atom feed (RFC 4287) of a discussion's newest posts, for feed readers.

Each entry carries a plain-text summary of its post (at most ``SUMMARY`` characters) and a
link to it, never the whole rendered post: the feed stays small and cheap to make however
long the posts are. Whatever was stored, the feed is well-formed XML: characters XML 1.0
forbids are left out of every text in it.
"""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

ATOM = "http://www.w3.org/2005/Atom"
#: Characters of a post in its feed entry's summary.
SUMMARY = 500
#: What XML 1.0 does not allow in a document (its ``Char`` production's complement).
_NOT_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str | None) -> str:
    """``text`` without the characters XML 1.0 forbids (control characters, lone surrogates,
    U+FFFE and U+FFFF)."""
    return _NOT_XML.sub("", text or "")


def _stamp(value: dt.datetime) -> str:
    return value.replace(tzinfo=dt.timezone.utc, microsecond=0).isoformat().replace("+00:00", "Z")


def atom(ref: str | None, rows, base_url: str) -> str:
    """The feed: one entry per post (newest first); ``rows`` come from ``store.community.recent``."""
    from .markup import excerpt

    base = xml_text(base_url).rstrip("/")
    page = f"{base}/c/{ref}/discussion" if ref else f"{base}/discussion"
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}title").text = xml_text(f"{ref} — discussion" if ref else "Discussion")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = page
    ET.SubElement(feed, f"{{{ATOM}}}link", href=page)
    ET.SubElement(feed, f"{{{ATOM}}}link", rel="self", href=f"{page}.atom")
    newest = max((r.edited_at or r.created_at for r in rows), default=dt.datetime(2000, 1, 1))
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = _stamp(newest)
    for r in rows:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        link = f"{base}/discussion/{r.topic_id}#post-{r.post_id}"
        ET.SubElement(entry, f"{{{ATOM}}}title").text = xml_text(r.title if r.opening else f"Re: {r.title}")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = link
        ET.SubElement(entry, f"{{{ATOM}}}link", href=link)
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = _stamp(r.edited_at or r.created_at)
        ET.SubElement(entry, f"{{{ATOM}}}published").text = _stamp(r.created_at)
        author = ET.SubElement(entry, f"{{{ATOM}}}author")
        ET.SubElement(author, f"{{{ATOM}}}name").text = xml_text(r.author)
        ET.SubElement(entry, f"{{{ATOM}}}summary", type="text").text = xml_text(excerpt(r.body, SUMMARY))
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(feed, encoding="unicode")
