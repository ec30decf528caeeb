"""The Kaggle-compatible API for shared notebooks: what the official ``kaggle`` client's
``kernels list``, ``kernels pull`` and ``kernels push`` call (``/api/v1/kernels.KernelsApiService/...``).

Credentials, request bodies and errors are those of :mod:`.kaggle_protocol`. scrimmage never runs
a notebook: ``kernels push`` is taken as a quick save (``--no-run``) and every verb that would
run one or read a run (``status``, ``output``, ``logs``) answers with the client's error shape
and says so. The client strips a notebook's outputs before pushing; ``scrimmage kernels push``
keeps them.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool

from ..errors import ConfigError, ForbiddenError, ScrimmageError
from .deps import arena
from .kaggle_protocol import PREFIX, KaggleRoute, body_of, kaggle_user, when, whole_number

SERVICE = "kernels.KernelsApiService"
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MAX_PAGE = 100_000  # past it, pages are empty anyway
NOT_RUN = ("scrimmage does not run notebooks: a shared notebook shows the outputs its author ran, so there is no "
           "run, status, log or output to fetch here; `kaggle kernels pull USER/SLUG` gets the notebook itself")
RUN_ON_PUSH = ("scrimmage does not run notebooks: push with `kaggle kernels push -p FOLDER --no-run` to share it "
               "as it is (the kaggle client strips its outputs; `scrimmage kernels push -p FOLDER` keeps them)")
#: The client's sort names (``--sort-by``) and the list's (by score: the best first, whichever way is better).
SORTS = {"VOTE_COUNT": "votes", "HOTNESS": "votes", "SCORE_DESCENDING": "score", "SCORE_ASCENDING": "score",
         "DATE_CREATED": "recent", "DATE_RUN": "recent", "COMMENT_COUNT": "votes", "VIEW_COUNT": "votes",
         "RELEVANCE": "votes"}
RUN_VERBS = ("GetKernelSessionStatus", "ListKernelSessionOutput", "DownloadKernelOutput", "DownloadKernelOutputZip",
             "CreateKernelSession", "CancelKernelSession", "GetKernelSessionLogsStream")

router = APIRouter(route_class=KaggleRoute, include_in_schema=False)


def _call(method: str):
    return router.post(f"{PREFIX}/{SERVICE}/{method}")


def _name(user) -> str | None:
    return user.name if user else None


def metadata_json(request: Request, nb) -> dict:
    """A notebook as the client's ``ApiKernelMetadata``."""
    return {"ref": nb.ref, "title": nb.title, "author": nb.owner, "slug": nb.slug, "lastRunTime": when(nb.updated_at),
            "language": nb.language, "kernelType": nb.kind, "isPrivate": nb.visibility == "private",
            "enableGpu": False, "enableTpu": False, "enableInternet": False, "categoryIds": [],
            "datasetDataSources": [], "kernelDataSources": [], "modelDataSources": [],
            "competitionDataSources": [nb.competition], "totalVotes": nb.votes,
            "currentVersionNumber": nb.version}


@_call("ListKernels")
async def list_kernels(request: Request):
    body = await body_of(request)
    return await run_in_threadpool(_list_kernels, request, body)


def _list_kernels(request: Request, body: dict):
    user = _name(kaggle_user(request, required=False))
    competition = (body.get("competition") or "").strip() or None
    mine = body.get("group") == "PROFILE"
    owner = (body.get("user") or "").strip() or None
    if not competition and not mine and not owner:
        raise ConfigError("name a competition: `kaggle kernels list --competition REF` (or --mine, or --user NAME)")
    size = min(max(whole_number(body, "pageSize", DEFAULT_PAGE_SIZE), 1), MAX_PAGE_SIZE)
    token = str(body.get("pageToken") or "")
    if token and not (token.isdigit() and len(token) <= 6):
        raise ConfigError(f"pageToken {token!r} is not one this server gave out")
    page = int(token) if token else min(max(whole_number(body, "page", 1), 1), MAX_PAGE)
    sort = SORTS.get(str(body.get("sortBy") or "HOTNESS"), "votes")
    found = arena(request).notebooks.list(competition, user, sort, mine, owner, page, size)
    search = (body.get("search") or "").strip().lower()
    if search:
        found = [x for x in found if search in x.title.lower() or search in x.ref]
    kind = body.get("kernelType") or "all"
    if kind != "all":
        found = [x for x in found if x.kind == kind]
    return {"kernels": [metadata_json(request, x) for x in found],
            "nextPageToken": str(page + 1) if len(found) == size else ""}


@_call("GetKernel")
async def get_kernel(request: Request):
    body = await body_of(request)
    return await run_in_threadpool(_get_kernel, request, body)


def _get_kernel(request: Request, body: dict):
    user = _name(kaggle_user(request, required=False))
    owner, slug = str(body.get("userName") or ""), str(body.get("kernelSlug") or "")
    label = str(body.get("versionLabel") or "")
    version = None
    if label:
        match = re.fullmatch(r"v?(\d+)", label)
        if not match:
            raise ConfigError(f"version {label!r} is not a version number (e.g. 3)")
        version = int(match.group(1))
    name, data, nb = arena(request).notebooks.download(owner, slug, user, version)
    meta = metadata_json(request, nb)
    return {"metadata": meta, "blob": {"source": data.decode("utf-8"), "language": nb.language,
                                       "kernelType": nb.kind, "slug": nb.slug}}


@_call("SaveKernel")
async def save_kernel(request: Request):
    body = await body_of(request)
    return await run_in_threadpool(_save_kernel, request, body)


def _save_kernel(request: Request, body: dict):
    user = kaggle_user(request)
    if body.get("kernelExecutionType") != "QUICK_SAVE":
        raise ConfigError(RUN_ON_PUSH)
    owner, _, slug = str(body.get("slug") or "").partition("/")
    if not slug:
        raise ConfigError('kernel-metadata.json needs "id": "USER/SLUG"')
    if owner != user.name:
        raise ForbiddenError(f"kernel-metadata.json says id {owner + '/' + slug!r}, which is not yours (you are "
                             f'{user.name}): set it to "{user.name}/{slug}"')
    language = str(body.get("language") or "python").lower()
    if language != "python":
        raise ConfigError(f"scrimmage shares Python notebooks and scripts only (not {language!r})")
    kind = body.get("kernelType") or "notebook"
    if kind not in ("notebook", "script"):
        raise ConfigError(f"kernel_type must be notebook or script (not {kind!r})")
    sources = body.get("competitionDataSources") or []
    if not isinstance(sources, list) or len(sources) != 1:
        raise ConfigError('competition_sources in kernel-metadata.json must name the one competition it is for, '
                          'e.g. ["titanic"]')
    text = body.get("text")
    if not isinstance(text, str):
        raise ConfigError("the push carries no code: name the file in code_file")
    nb = arena(request).notebooks.push(
        str(sources[0]), user.name, f"{slug}{'.ipynb' if kind == 'notebook' else '.py'}", text.encode("utf-8"),
        slug=slug, title=body.get("newTitle") or None,
        visibility="private" if body.get("isPrivate", True) else "public")
    base = str(request.base_url).rstrip("/")
    return {"ref": nb.ref, "url": f"{base}/code/{nb.ref}", "versionNumber": nb.version}


def _refuse_to_run(method: str):
    @_call(method)
    async def refuse(request: Request):
        raise ScrimmageError(NOT_RUN)

    refuse.__name__ = f"refuse_{method}"
    return refuse


for _verb in RUN_VERBS:
    _refuse_to_run(_verb)


