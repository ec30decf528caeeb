"""The official ``kaggle`` client's ``kernels list``, ``kernels pull`` and ``kernels push`` against
scrimmage (the real CLI in a subprocess, on port 80), and the verbs that would run a notebook,
which scrimmage refuses with a sentence saying it does not run notebooks."""

from __future__ import annotations

import json

from notebooks_hostile import ordinary
from kaggle_cli import kaggle, kaggle_env, table
from system.test_kaggle_client import arena_on_80, port_80  # noqa: F401
from webutil import app, client, token_for, world  # noqa: F401

import pytest

pytestmark = pytest.mark.xdist_group("port-80")  # port 80: one worker, one test at a time


def test_the_official_client_lists_pulls_and_pushes_kernels(arena_on_80, tmp_path):
    a, folder = arena_on_80
    a.teams.join("tiny", "pat")
    a.notebooks.push("tiny", "ada", "eda.ipynb", ordinary("eda"), title="Quick EDA", visibility="public")
    env = kaggle_env(tmp_path, "pat", a.accounts.create_token("pat", "kaggle"))

    rows = table(kaggle(env, "kernels", "list", "--competition", "tiny").stdout)
    assert [(r["ref"], r["title"], r["author"], r["totalVotes"]) for r in rows] == [("ada/quick-eda", "Quick EDA", "ada", "0")]

    # pull with its metadata: the file as shared, outputs and all
    dest = tmp_path / "pulled"
    kaggle(env, "kernels", "pull", "ada/quick-eda", "-p", str(dest), "-m")
    assert json.loads((dest / "quick-eda.ipynb").read_text()) == json.loads(ordinary("eda"))
    meta = json.loads((dest / "kernel-metadata.json").read_text())
    assert (meta["id"], meta["code_file"], meta["kernel_type"], meta["competition_sources"]) == \
        ("ada/quick-eda", "quick-eda.ipynb", "notebook", ["tiny"])

    # push a notebook of pat's own: a plain push asks for a run, which scrimmage refuses with the way out
    work = tmp_path / "work"
    work.mkdir()
    (work / "mine.ipynb").write_bytes(ordinary("pat"))
    (work / "kernel-metadata.json").write_text(json.dumps({
        "id": "pat/my-first-notebook", "title": "My first notebook", "code_file": "mine.ipynb",
        "language": "python", "kernel_type": "notebook", "is_private": False, "competition_sources": ["tiny"]}))
    proc = kaggle(env, "kernels", "push", "-p", str(work), ok=False)
    assert "scrimmage does not run notebooks: push with `kaggle kernels push -p FOLDER --no-run`" in proc.stderr
    out = kaggle(env, "kernels", "push", "-p", str(work), "--no-run").stdout
    assert "Kernel version 1 successfully saved without running." in out and "/code/pat/my-first-notebook" in out
    nb = a.notebooks.get("pat", "my-first-notebook", "pat")
    assert (nb.version, nb.visibility, nb.competition) == (1, "public", "tiny")
    assert "<strong>pat</strong>" in a.notebooks.rendered("pat", "my-first-notebook", None)
    assert kaggle(env, "kernels", "push", "-p", str(work), "--no-run").stdout.count("Kernel version 2 ") == 1

    # the verbs that would read a run say why there is none
    proc = kaggle(env, "kernels", "status", "pat/my-first-notebook", ok=False)
    assert "scrimmage does not run notebooks" in proc.stderr
    proc = kaggle(env, "kernels", "output", "pat/my-first-notebook", "-p", str(tmp_path / "out"), ok=False)
    assert "scrimmage does not run notebooks" in proc.stderr


def test_the_kernels_service_shapes_and_errors(app, world):
    pat, quin = token_for(app, "pat"), token_for(app, "quin")
    c = client(app)
    url = "/api/v1/kernels.KernelsApiService"
    save = {"slug": "pat/solve", "newTitle": "Solve", "text": "print(1)\n", "language": "python",
            "kernelType": "script", "isPrivate": True, "competitionDataSources": ["tiny"],
            "kernelExecutionType": "QUICK_SAVE"}
    r = c.post(f"{url}/SaveKernel", json=save, headers=pat)
    assert r.status_code == 200 and r.json()["ref"] == "pat/solve" and r.json()["versionNumber"] == 1
    assert r.json()["url"].endswith("/code/pat/solve")
    r = c.post(f"{url}/SaveKernel", json=save, headers=quin)
    assert r.status_code == 403 and r.json()["message"] == (
        "kernel-metadata.json says id 'pat/solve', which is not yours (you are quin): set it to \"quin/solve\"")
    r = c.post(f"{url}/SaveKernel", json={**save, "kernelExecutionType": "SAVE_AND_RUN_ALL"}, headers=pat)
    assert r.status_code == 400 and r.json()["message"].startswith("scrimmage does not run notebooks")
    r = c.post(f"{url}/SaveKernel", json={**save, "competitionDataSources": []}, headers=pat)
    assert r.status_code == 400 and r.json()["message"].startswith("competition_sources in kernel-metadata.json")
    # a lone surrogate (valid JSON, no valid text) is refused naming where it is, never a 500
    import json

    for field, value, where in (("text", "x = '\ud800'\n", "text"), ("newTitle", "t\udfff", "newTitle"),
                                ("competitionDataSources", ["ti\ud800ny"], "competitionDataSources[0]")):
        r = c.post(f"{url}/SaveKernel", content=json.dumps({**save, field: value}), headers=pat)
        assert (r.status_code, r.json()["message"]) == (400, f"{where} is not valid text: it holds a lone surrogate "
                                                             "(an escape such as \\ud800 without its pair); send UTF-8 text")
    # private: quin does not see it, pat does
    assert c.post(f"{url}/ListKernels", json={"competition": "tiny"}, headers=quin).json()["kernels"] == []
    [k] = c.post(f"{url}/ListKernels", json={"competition": "tiny"}, headers=pat).json()["kernels"]
    assert (k["ref"], k["isPrivate"], k["kernelType"], k["currentVersionNumber"]) == ("pat/solve", True, "script", 1)
    r = c.post(f"{url}/GetKernel", json={"userName": "pat", "kernelSlug": "solve"}, headers=quin)
    assert r.status_code == 404 and r.json()["message"] == "no notebook pat/solve, or it is not shared with you"
    blob = c.post(f"{url}/GetKernel", json={"userName": "pat", "kernelSlug": "solve", "versionLabel": "v1"},
                  headers=pat).json()["blob"]
    assert blob == {"source": "print(1)\n", "language": "python", "kernelType": "script", "slug": "solve"}
    r = c.post(f"{url}/ListKernels", json={})
    assert r.status_code == 400 and r.json()["message"].startswith("name a competition")
    for bad in ({"competition": "tiny", "page": "x"}, {"competition": "tiny", "pageToken": "9" * 40}):
        r = c.post(f"{url}/ListKernels", json=bad)
        assert r.status_code == 400 and ("whole number" in r.json()["message"] or "pageToken" in r.json()["message"])
    r = c.post(f"{url}/ListKernels", json={"competition": "tiny", "page": 10**30}, headers=pat)
    assert r.status_code == 200 and r.json()["kernels"] == []
    for verb in ("GetKernelSessionStatus", "ListKernelSessionOutput", "CreateKernelSession"):
        r = c.post(f"{url}/{verb}", json={}, headers=pat)
        assert r.status_code == 400 and r.json()["message"].startswith("scrimmage does not run notebooks: "), verb
