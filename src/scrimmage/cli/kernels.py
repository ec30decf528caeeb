"""``scrimmage kernels``: share, pull and list notebooks, in the vocabulary of Kaggle's CLI.

``push -p FOLDER`` reads ``FOLDER/kernel-metadata.json`` in Kaggle's format (``id``
"user/slug", ``title``, ``code_file``, ``language``, ``kernel_type``, ``is_private``,
``competition_sources``); ``pull USER/SLUG -p DIR [-m]`` writes the file (and the metadata).
Nothing is ever run: a notebook shows the outputs its author ran.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from .. import atomic
from ..errors import ConfigError
from . import cli
from ._output import echo, table
from .competitions import arena

METADATA = "kernel-metadata.json"
TYPES = {"notebook": ".ipynb", "script": ".py"}


@cli.group()
def kernels():
    """Shared notebooks ("Code"): push, pull and list them (Kaggle's `kaggle kernels` verbs)."""


def _me(a) -> str:
    return a.settings.user if hasattr(a, "settings") else a.notebooks.me()


def _ref(ref: str) -> tuple[str, str]:
    owner, sep, slug = (ref or "").partition("/")
    if not sep or not owner or not slug or "/" in slug:
        raise ConfigError(f"bad notebook {ref!r}: give it as USER/SLUG, e.g. 'pat/my-baseline'")
    return owner, slug


def read_metadata(folder: Path, me: str) -> dict:
    """``kernel-metadata.json`` of ``folder``, pushed by ``me``: every problem it has, at once, each with its fix.
    (Whether its competition exists, and the notebook itself, are checked when the arena receives it.)"""
    from ..community.notebooks import VISIBILITIES, check_slug, check_title

    if not folder.is_dir():
        raise ConfigError(f"no folder {folder}: give -p the folder that holds {METADATA} and the code file")
    path = folder / METADATA
    if not path.is_file():
        raise ConfigError(f"no {METADATA} in {folder}: write one (see `scrimmage kernels pull USER/SLUG -m` for "
                          "an example), with id, title, code_file and competition_sources")
    try:
        meta = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid JSON ({exc}); fix it and push again") from None
    if not isinstance(meta, dict):
        raise ConfigError(f"{path} must hold a JSON object with id, title, code_file and competition_sources")
    problems = []

    def check(field: str, checker, value) -> None:
        try:
            checker(value)
        except ConfigError as exc:
            problems.append(f"{field}: {exc.message}")

    ref = meta.get("id")
    owner, sep, slug = ref.partition("/") if isinstance(ref, str) else ("", "", "")
    if not sep or not owner or not slug or "/" in slug:
        problems.append('id: give "USER/SLUG"')
    else:
        if owner != me:
            problems.append(f"id: {ref!r} is not yours (you are {me}): set it to \"{me}/{slug}\", or copy the "
                            "notebook first (Copy and edit on its page)")
        check("id", check_slug, slug)
    if meta.get("title"):  # none: the code file's name
        check("title", check_title, str(meta["title"]))
    code_file = meta.get("code_file")
    if not isinstance(code_file, str) or not code_file:
        problems.append("code_file: give the notebook's (.ipynb) or script's (.py) file name")
    elif not (folder / code_file).is_file():
        problems.append(f"code_file: there is no file {code_file!r} in {folder}")
    sources = meta.get("competition_sources")
    if not isinstance(sources, list) or len(sources) != 1 or not isinstance(sources[0], str):
        problems.append('competition_sources: give the one competition it is for, e.g. ["titanic"]')
    if str(meta.get("language", "python")).lower() != "python":
        problems.append(f"language: scrimmage shares Python notebooks and scripts only (not {meta['language']!r})")
    kind = meta.get("kernel_type", "notebook")
    if kind not in TYPES:
        problems.append(f"kernel_type: use notebook or script (not {kind!r})")
    elif isinstance(code_file, str) and Path(code_file).suffix.lower() != TYPES[kind]:
        problems.append(f"code_file: a {kind} is a {TYPES[kind]} file")
    if meta.get("visibility") is not None and meta["visibility"] not in VISIBILITIES:
        problems.append(f"visibility: use one of {', '.join(VISIBILITIES)} (not {meta['visibility']!r})")
    if problems:
        raise ConfigError(f"{path} has problems; fix them and push again", problems)
    return meta


@kernels.command("push")
@click.option("-p", "--path", "folder", default=".", show_default=True, type=click.Path(file_okay=False),
              help=f"The folder with {METADATA} and the code file.")
@click.option("--submission", type=int, help="Link one of your team's submissions (its score shows).")
def push(folder, submission):
    """Share the notebook of a folder: a new notebook, or a new version of its id."""
    folder = Path(folder)
    a = arena()
    me = _me(a)
    meta = read_metadata(folder, me)
    slug = meta["id"].partition("/")[2]
    code = folder / meta["code_file"]
    visibility = meta.get("visibility") or ("private" if meta.get("is_private", True) else "public")
    nb = a.notebooks.push(meta["competition_sources"][0], me, code.name, code.read_bytes(), slug=slug,
                          title=meta.get("title") or None, visibility=visibility,
                          submission=submission if submission is not None else meta.get("submission"))
    echo(f"Pushed {nb.ref} version {nb.version} ({nb.kind}, {nb.visibility}) for {nb.competition}: /code/{nb.ref}")


@kernels.command("pull")
@click.argument("ref")
@click.option("-p", "--path", "folder", default=".", show_default=True, type=click.Path(file_okay=False),
              help="Where to write the file.")
@click.option("-m", "--metadata", is_flag=True, help=f"Write {METADATA} too (to push a new version).")
@click.option("-v", "--version", "version", type=click.IntRange(1), help="A version (default: the latest).")
def pull(ref, folder, metadata, version):
    """Download a notebook (USER/SLUG) you may see."""
    owner, slug = _ref(ref)
    a = arena()
    me = a.settings.user if hasattr(a, "settings") else None  # remote: the server knows the token's user
    name, data, nb = a.notebooks.download(owner, slug, me, version)
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    _write(out / name, data)
    echo(f"Wrote {out / name} ({nb.ref} version {version or nb.version})")
    if metadata:
        meta = {"id": nb.ref, "title": nb.title, "code_file": name, "language": nb.language,
                "kernel_type": nb.kind, "is_private": nb.visibility == "private", "visibility": nb.visibility,
                "competition_sources": [nb.competition], "dataset_sources": [], "kernel_sources": [],
                "enable_gpu": False, "enable_internet": False}
        _write(out / METADATA, (json.dumps(meta, indent=2) + "\n").encode())
        echo(f"Wrote {out / METADATA}")


@kernels.command("list")
@click.argument("ref", required=False)
@click.option("--sort", type=click.Choice(["votes", "score", "recent"]), default="votes", show_default=True)
@click.option("--mine", is_flag=True, help="Only your notebooks.")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV instead of a table.")
def list_(ref, sort, mine, as_csv):
    """The notebooks you may see of a competition (REF, or the default one; all with --mine)."""
    a = arena()
    ref = ref or (a.settings.competition if hasattr(a, "settings") else a.default_competition)
    if not ref and not mine:
        raise ConfigError("no competition given: pass REF, or --mine for all yours, or set a default with "
                          "`scrimmage config set competition REF`")
    me = a.settings.user if hasattr(a, "settings") else None
    found = a.notebooks.list(ref, me, sort, mine)
    if not found and not as_csv:
        echo(("You have not shared any notebook yet" + (f" for {ref}" if ref else "") if mine else
              "No notebooks shared with you yet") + ". Share one with `scrimmage kernels push -p FOLDER`.")
        return
    table(["ref", "title", "kind", "visibility", "version", "votes", "score", "updated"],
          [[n.ref, n.title + (" (top solution)" if n.highlighted else ""), n.kind, n.visibility, n.version, n.votes,
            "" if n.public_score is None else f"{n.public_score:.5f}", n.updated_at] for n in found], as_csv)


def _write(path: Path, data: bytes) -> None:
    atomic.write_bytes(path, data)


