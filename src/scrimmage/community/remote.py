"""The discussion of a remote arena over its REST API: the same methods and values as
:class:`~scrimmage.community.discussion.Discussion` (the server knows who you are from your token)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import typing

from . import records as d


def _value(cls, data: dict):
    """A frozen dataclass from its JSON form (dates parsed)."""
    hints = typing.get_type_hints(cls)
    out = {}
    for f in dataclasses.fields(cls):
        v = data.get(f.name)
        if v is not None and dt.datetime in typing.get_args(hints[f.name]) + (hints[f.name],):
            v = dt.datetime.fromisoformat(v)
        out[f.name] = v
    return cls(**out)


class RemoteDiscussion:
    def __init__(self, remote):
        self.remote = remote  # a RemoteArena: its HTTP client and error mapping

    def _do(self, method: str, url: str, **kw):
        return self.remote.send(method, f"/api/discussion{url}", **kw)

    def topics(self, ref, viewer=None, sort="active", page=1):
        data = self._do("GET", "/topics", params={k: v for k, v in
                                                  (("competition", ref), ("sort", sort), ("page", page)) if v})
        return [_value(d.Topic, t) for t in data["topics"]], data["total"]

    def thread(self, topic_id, viewer=None, page=1):
        data = self._do("GET", f"/topics/{int(topic_id)}")
        return d.Thread(_value(d.Topic, data["topic"]), [_value(d.Post, p) for p in data["posts"]],
                        data["can_moderate"], data["can_reply"])

    def history(self, post_id, viewer=None):
        return [_value(d.Edit, e) for e in self._do("GET", f"/posts/{int(post_id)}/history")]

    def search(self, query, viewer=None, ref=None, everywhere=False, limit=20):
        params = {"q": query, "everywhere": str(bool(everywhere)).lower(), "limit": limit}
        if ref:
            params["competition"] = ref
        return [_value(d.Hit, h) for h in self._do("GET", "/search", params=params)]

    def create_topic(self, ref, user, title, body):
        data = self._do("POST", "/topics", json={"competition": ref, "title": title, "body": body})
        return d.Thread(_value(d.Topic, data["topic"]), [_value(d.Post, p) for p in data["posts"]],
                        data["can_moderate"], data["can_reply"])

    def reply(self, topic_id, user, body):
        return _value(d.Post, self._do("POST", f"/topics/{int(topic_id)}/replies", json={"body": body}))

    def edit(self, post_id, user, body, title=None):
        return _value(d.Post, self._do("PATCH", f"/posts/{int(post_id)}", json={"body": body, "title": title}))

    def delete(self, post_id, user):
        self._do("DELETE", f"/posts/{int(post_id)}")

    def vote(self, post_id, user, up=True):
        return self._do("POST" if up else "DELETE", f"/posts/{int(post_id)}/vote")["votes"]

    def report(self, post_id, user, reason):
        self._do("POST", f"/posts/{int(post_id)}/report", json={"reason": reason})

    def moderate_topic(self, topic_id, user, *, pinned=None, locked=None, hidden=None):
        flags = {"pinned": pinned, "locked": locked, "hidden": hidden}
        return _value(d.Topic, self._do("POST", f"/topics/{int(topic_id)}/moderate", json=flags))

    def moderate_post(self, post_id, user, hidden):
        self._do("POST", f"/posts/{int(post_id)}/moderate", json={"hidden": hidden})

    def reports(self, ref, user):
        return [_value(d.Report, r) for r in self._do("GET", "/reports", params={"competition": ref} if ref else {})]

    def whats_new(self, user, ref=None, mark=True, limit=100):
        params = {"mark": str(mark).lower()}
        if ref:
            params["competition"] = ref
        return [_value(d.NewItem, n) for n in self._do("GET", "/new", params=params)]


class RemoteProfiles:
    def __init__(self, remote):
        self.remote = remote

    def me(self) -> str:
        return self.remote.send("GET", "/api/me")["name"]

    def get(self, name, viewer=None):
        name = name or self.me()
        from .records import Profile, Result, TrackRecord

        data = self.remote.send("GET", f"/api/users/{name}/profile")
        data.pop("tier", None)
        data["joined"] = dt.datetime.fromisoformat(data["joined"])
        data["results"] = [Result(**r) for r in data["results"]]
        data["tracks"] = [TrackRecord(**tr) for tr in data["tracks"]]
        data["writeups"] = [tuple(w) for w in data["writeups"]]
        data["notebooks"] = [_value(d.Notebook, n) for n in data.get("notebooks", [])]
        return Profile(top_posts=[], **data)

    def set_public(self, user, public):
        user = user or self.me()
        self.remote.send("PUT", f"/api/users/{user}/profile/visibility", json={"public": public})


class RemoteNotebooks:
    """Shared notebooks of a remote arena: the methods ``scrimmage kernels`` uses."""

    def __init__(self, remote):
        self.remote = remote

    def me(self) -> str:
        return self.remote.send("GET", "/api/me")["name"]

    def push(self, ref, user, file_name, data, *, slug=None, title=None, visibility=None, submission=None):
        form = {k: str(v) for k, v in (("competition", ref), ("slug", slug), ("title", title),
                                       ("visibility", visibility), ("submission", submission)) if v is not None}
        made = self.remote.send("POST", "/api/notebooks", data=form,
                                files={"file": (file_name, data, "application/octet-stream")})
        return _value(d.Notebook, made)

    def list(self, ref, viewer=None, sort="votes", mine=False, owner=None, page=1):
        params = {k: v for k, v in (("competition", ref), ("sort", sort), ("mine", "true" if mine else None),
                                    ("owner", owner), ("page", page)) if v}
        return [_value(d.Notebook, n) for n in self.remote.send("GET", "/api/notebooks", params=params)["notebooks"]]

    def get(self, owner, slug, viewer=None):
        return _value(d.Notebook, self.remote.send("GET", f"/api/notebooks/{owner}/{slug}")["notebook"])

    def download(self, owner, slug, viewer=None, version=None):
        page = self.remote.send("GET", f"/api/notebooks/{owner}/{slug}")
        number = version or page["notebook"]["version"]
        found = [v for v in page["versions"] if v["number"] == number]
        resp = self.remote.response("GET", f"/api/notebooks/{owner}/{slug}/file", params={"version": number})
        name = found[0]["file_name"] if found else f"{slug}.ipynb"
        return name, resp.content, _value(d.Notebook, page["notebook"])
