"""`scrimmage profile`: making yours public says where its link leads."""

from __future__ import annotations

from cliutil import run_as


def test_public_says_where_the_profile_is_and_both_flags_are_refused(tiny, capsys, monkeypatch):
    assert run_as(capsys, monkeypatch, "hal", "profile", "--public") == (0, (
        "Your profile is public: anyone with its link can read it: /u/hal on this arena's web server "
        "(`scrimmage serve`)\n"), "")
    assert run_as(capsys, monkeypatch, "hal", "profile", "--private") == (
        0, "Your profile is private: only you and the admins can read it.\n", "")
    code, out, err = run_as(capsys, monkeypatch, "hal", "profile", "--public", "--private")
    assert (code, out, err.splitlines()[-1]) == (2, "", "Error: give --public or --private, not both")
