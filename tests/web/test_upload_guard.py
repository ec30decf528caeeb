"""Request bodies are bounded at the server: anonymous uploads are refused before their body is read,
bodies past the limit are cut off (declared or chunked), scratch files never outlive their request."""

from __future__ import annotations

import gzip
import json
import select
import socket
from urllib.parse import urlsplit

import httpx
import pytest

from webutil import (  # noqa: F401 - fixtures
    API_SIGN_IN_TEXT,
    cheap_hashing,
    live_server,
    local_app,
    signed_up,
    token_for,
    write_bundle,
    write_predictions,
)

MB = 1_000_000


def exchange(url: str, method: str, path: str, headers: dict, chunks=(), chunked: bool = False):
    """Send a request by hand: its headers, then ``chunks`` of body until the server answers; read the answer.

    Returns (status, headers, body, bytes of body sent).
    """
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=60)
    head = f"{method} {path} HTTP/1.1\r\nHost: {parts.netloc}\r\n"
    if chunked:
        headers = {**headers, "Transfer-Encoding": "chunked"}
    head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    sock.sendall(head.encode())
    sent = 0
    for chunk in chunks:
        if select.select([sock], [], [], 0.005)[0]:  # the server has answered: stop sending
            break
        try:
            sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
        except (BrokenPipeError, ConnectionResetError):
            break
        sent += len(chunk)
    data = b""
    while True:
        try:
            got = sock.recv(1 << 16)
        except (ConnectionResetError, TimeoutError):
            break
        if not got:
            break
        data += got
        head_end = data.find(b"\r\n\r\n")
        if head_end >= 0:
            length = [int(line.split(b":")[1]) for line in data[:head_end].lower().split(b"\r\n")
                      if line.startswith(b"content-length:")]
            if length and len(data) >= head_end + 4 + length[0]:
                break
    sock.close()
    head_bytes, _, body = data.partition(b"\r\n\r\n")
    lines = head_bytes.decode().split("\r\n")
    status = int(lines[0].split()[1]) if lines and lines[0] else 0
    return status, lines[1:], body, sent


def multipart_of(total: int, size: int = 64 * 1024):
    """A multipart form whose one file is ``total`` bytes, in chunks (its closing boundary never comes)."""
    yield (b'--x\r\nContent-Disposition: form-data; name="file"; filename="s.csv"\r\n'
           b"Content-Type: text/csv\r\n\r\n")
    for _ in range(total // size):
        yield b"0" * size


@pytest.fixture
def arena_up(local_app, tmp_path):
    """A served arena with 'tiny' (1 MB submission limit), joined by pat (who has a session and a token)."""
    a = local_app.state.arena
    folder = write_bundle(tmp_path / "tiny", extra_toml="submission_limit_mb = 1\n")
    a.create_competition(folder)
    pat = signed_up(local_app, "pat")
    a.teams.join("tiny", "pat")
    with live_server(local_app) as url:
        yield url, a, folder, pat, token_for(local_app, "pat")


UPLOAD_ROUTES = ["/api/competitions/tiny/submissions", "/c/tiny/submissions", "/api/competitions", "/host/new",
                 "/c/tiny/code", "/api/notebooks"]


@pytest.mark.parametrize("path", UPLOAD_ROUTES)
def test_anonymous_uploads_are_refused_before_the_body_is_read(arena_up, path):
    url = arena_up[0]
    # 300 MB announced, not one byte of it sent: the answer comes anyway
    status, _, body, sent = exchange(url, "POST", path, {"Content-Length": str(300 * MB),
                                                         "Content-Type": "multipart/form-data; boundary=x",
                                                         "Accept": "application/json"})
    assert sent == 0 and status == 401
    message = json.loads(body)["error"]
    assert message == (API_SIGN_IN_TEXT if path.startswith("/api/") else "sign in first: this needs an account")


def test_a_bad_token_is_refused_before_the_body_is_read(arena_up):
    url = arena_up[0]
    status, _, body, sent = exchange(url, "POST", "/api/competitions/tiny/submissions",
                                     {"Content-Length": str(300 * MB), "Authorization": "Bearer scr_forged"})
    assert (status, sent) == (401, 0)
    assert json.loads(body)["error"] == "the API token is not valid (revoked or mistyped); create a new one on your account page"


def test_kaggle_upload_put_with_a_forged_token_is_refused_before_the_body(arena_up):
    url = arena_up[0]
    status, _, body, sent = exchange(url, "PUT", "/api/v1/kaggle/uploads/" + "A" * 32, {"Content-Length": str(300 * MB)})
    assert (status, sent) == (404, 0)
    assert "no upload under this token" in json.loads(body)["message"]


def test_a_declared_body_past_the_limit_is_refused_at_once(arena_up):
    url, _, _, _, auth = arena_up
    status, _, body, sent = exchange(url, "POST", "/api/competitions/tiny/submissions",
                                     {"Content-Length": str(300 * MB), **auth,
                                      "Content-Type": "multipart/form-data; boundary=x"})
    assert (status, sent) == (413, 0)
    assert json.loads(body)["error"] == ("the upload is 300.0 MB: a submission may be at most 1 MB here; nothing was "
                                         "stored (compress a submission as .csv.gz or .zip)")


def test_a_chunked_body_is_cut_off_past_the_limit(arena_up):
    url, a, _, _, auth = arena_up
    status, _, body, sent = exchange(url, "POST", "/api/competitions/tiny/submissions",
                                     {**auth, "Content-Type": "multipart/form-data; boundary=x"},
                                     multipart_of(300 * MB), chunked=True)
    assert status == 413
    assert json.loads(body)["error"] == ("the upload passed that size: a submission may be at most 1 MB here; "
                                         "nothing was stored (compress a submission as .csv.gz or .zip)")
    assert sent < 40 * MB  # cut off near the limit, not after the 300 MB were read
    assert a.submissions("tiny", user="pat") == []


def test_other_routes_take_small_bodies_only(arena_up):
    url = arena_up[0]
    status, _, body, sent = exchange(url, "POST", "/login", {"Content-Length": str(50 * MB), "Accept": "application/json"})
    assert (status, sent) == (413, 0)
    assert json.loads(body)["error"] == "the request body is 50.0 MB; this address takes at most 2 MB"


def test_notebooks_take_bodies_up_to_their_own_limit(arena_up):
    """A 5 MB notebook passes the guard (the notebook limit is 20 MB), a 45 MB one does not, on every route."""
    from scrimmage.community.notebook_files import MAX_FILE_MB

    url, _, _, _, auth = arena_up
    script = b"x = 1\n" + b"# " + b"n" * (5 * MB) + b"\n"
    with httpx.Client(base_url=url, headers=auth, timeout=120) as c:
        r = c.post("/api/notebooks", data={"competition": "tiny", "title": "A big script"},
                   files={"file": ("big.py", script, "text/x-python")})
    assert r.status_code != 413, r.text
    for path in ("/api/notebooks", "/api/v1/kernels.KernelsApiService/SaveKernel"):
        status, _, body, sent = exchange(url, "POST", path, {**auth, "Content-Length": str((2 * MAX_FILE_MB + 5) * MB)})
        assert (status, sent) == (413, 0), (path, body)


@pytest.mark.local_files  # looks into the upload folder under the home
def test_kaggle_put_longer_than_announced_is_refused_and_leaves_no_part_file(arena_up, tmp_path):
    url, a, _, _, auth = arena_up
    data = b"id,target\n" + b"x" * 100
    with httpx.Client(base_url=url, headers=auth, timeout=60) as c:
        start = c.post("/api/v1/competitions.CompetitionApiService/StartSubmissionUpload",
                       json={"competitionName": "tiny", "fileName": "s.csv", "contentLength": len(data)}).json()
        token = start["token"]
        path = "/api/v1/kaggle/uploads/" + token
    status, _, body, sent = exchange(url, "PUT", path, {"Content-Length": str(300 * MB)})
    assert (status, sent) == (429, 0)
    assert json.loads(body)["message"] == f"the upload is longer than the {len(data)} bytes announced; run the submit command again"
    status, _, body, _ = exchange(url, "PUT", path, {}, [data, b"y" * 1000], chunked=True)
    assert status == 429
    folder = a.settings.home / "kaggle-uploads" / token
    assert not [p.name for p in folder.iterdir() if p.name.endswith(".part")]  # no partial upload left behind
    assert "upload.json" in {p.name for p in folder.iterdir()}


# what the server stores and shows about a bad upload ------------------------------------------
def test_a_million_column_header_is_rejected_with_its_count(arena_up, tmp_path):
    url, a, _, _, auth = arena_up
    a.create_competition(write_bundle(tmp_path / "wide", extra_toml='ref = "wide"\n'))  # the 500 MB limit
    a.teams.join("wide", "pat")
    header = ",".join(f"c{i}" for i in range(1_000_000)).encode()
    wide = gzip.compress(header + b"\n000,1\n")  # 6.9 MB of header in 1.6 MB of gzip
    r = httpx.post(url + "/api/competitions/wide/submissions", headers=auth, timeout=120,
                   files={"file": ("wide.csv.gz", wide)}, data={"message": "wide"})
    assert r.status_code == 400
    assert r.json()["errors"] == ["the header has 1,000,000 columns; this competition expects 2 (id, target)"]


def test_a_pathological_upload_stores_a_short_error_and_the_page_stays_small(local_app, tmp_path):
    a = local_app.state.arena
    a.create_competition(write_bundle(tmp_path / "tiny"))
    pat = signed_up(local_app, "pat")
    a.teams.join("tiny", "pat")
    # 261 KB of gzip: one row whose id has 268 million characters and no prediction; the id was once quoted
    # whole in two messages (unknown id, empty value): a 536-million-character stored error
    stream = gzip.compress(b"A" * 2**24, 9)
    body = gzip.compress(b"id,target\n") + stream * 16 + gzip.compress(b",\n")
    assert 250_000 < len(body) < 270_000
    with live_server(local_app) as url:
        r = httpx.post(url + "/api/competitions/tiny/submissions", headers=token_for(local_app, "pat"), timeout=300,
                       files={"file": ("p.csv.gz", body)}, data={"message": "pathological"})
        assert r.status_code == 400
        (sub,) = a.submissions("tiny", user="pat")
        assert sub.status == "error" and len(sub.error) < 4_000
        assert "e.g. 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'... (268,435,456 characters)" in sub.error
        page = httpx.get(url + "/c/tiny/submissions", cookies=dict(pat.cookies), timeout=60)
        assert page.status_code == 200 and "268,435,456 characters" in page.text
        assert len(page.content) < 64_000


def test_a_missing_stored_file_gives_a_clear_message_and_the_admin_finds_it(local_app, tmp_path, capsys):
    from scrimmage.cli import main

    a = local_app.state.arena
    a.create_competition(write_bundle(tmp_path / "ladder", extra_toml='leaderboard = "ladder"\nref = "ladder"\n'))
    pat = signed_up(local_app, "pat")
    a.teams.join("ladder", "pat")
    preds = a.storage("ladder") / "sample_submission.csv"
    first = a.submit("ladder", preds, "first", user="pat")
    a.objects.delete(first.stored_path)
    with live_server(local_app) as url:
        r = httpx.get(f"{url}/c/ladder/submissions/{first.id}/file", cookies=dict(pat.cookies),
                      headers={"Accept": "application/json"}, timeout=60)
        assert r.status_code == 410
        assert r.json()["error"] == (f"the stored file of submission {first.id} (sample_submission.csv) is missing "
                                     "from the server's storage; its scores are kept; the arena's admin can list such "
                                     "files with `scrimmage admin check-files`")
        with open(preds, "rb") as fh:  # the ladder compares with the newest accepted file still kept: none here
            r = httpx.post(url + "/api/competitions/ladder/submissions", headers=token_for(local_app, "pat"),
                           files={"file": ("again.csv", fh)}, timeout=60)
        assert r.status_code == 201, r.text
    with pytest.raises(SystemExit) as info:
        main(["admin", "check-files", "--csv"])
    out, err = capsys.readouterr()
    assert info.value.code == 1
    assert out.splitlines() == ["competition,file,problem,path",
                                f"ladder,submission {first.id} (sample_submission.csv),missing,{first.stored_path}"]
    assert err.strip() == ("error: 1 recorded file(s) missing or changed; restore them from a backup "
                           "(nothing is removed from the store)")


def test_check_files_says_when_all_is_in_place(local_app, tmp_path, capsys):
    from scrimmage.cli import main

    local_app.state.arena.create_competition(write_bundle(tmp_path / "tiny"))
    with pytest.raises(SystemExit) as info:
        main(["admin", "check-files"])
    assert info.value.code == 0 and capsys.readouterr().out.strip() == "every recorded file is in place"


def test_an_oversized_error_stored_before_these_bounds_is_shown_cut(local_app, tmp_path):
    a = local_app.state.arena
    a.create_competition(write_bundle(tmp_path / "tiny"))
    pat = signed_up(local_app, "pat")
    a.teams.join("tiny", "pat")
    bad = tmp_path / "bad.csv"
    bad.write_text("nope\n")
    from scrimmage.errors import SubmissionError

    with pytest.raises(SubmissionError):
        a.submit("tiny", bad, "bad", user="pat")
    (sub,) = a.submissions("tiny", user="pat")
    with a.store.write() as conn:  # as an older version stored it
        a.store.update_submission(conn, sub.id, error="1 id(s) are not in the test set, e.g. '" + "A" * 5_000_000 + "'")
    with live_server(local_app) as url:
        page = httpx.get(url + "/c/tiny/submissions", cookies=dict(pat.cookies), timeout=60)
        assert page.status_code == 200 and "characters cut" in page.text and len(page.content) < 64_000
        r = httpx.get(url + "/api/competitions/tiny/submissions", headers=token_for(local_app, "pat"), timeout=60)
        assert len(r.content) < 12_000
