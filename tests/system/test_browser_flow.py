"""A real browser (Playwright driving the system Chromium) through a whole competition.

Sign up, join, download, submit a good and a bad file, see the errors, select
finals, the host closes, the private leaderboard shows medals. Screenshots of
the main pages go to a temporary folder, or to $SCRIMMAGE_SCREENSHOTS when set:
``python scripts/screenshots.py`` regenerates docs/screenshots/ that way (the suite
itself never changes a tracked file).
"""

import os
from pathlib import Path

import pytest

from browserutil import ARGS, CHROMIUM, sign_up
from components import require_module, require_program
from webutil import bundle_zip, live_server, write_bundle, write_predictions
from scrimmage import accounts
from scrimmage.config import Settings
from scrimmage.web import create_app

SAFETY_MS = 180_000  # Playwright's waits: long enough for a loaded machine
DESCRIPTION = """\
Which customers will leave next month? Each row of `train.csv` is a customer with one
feature `x` and the label `target` (1 = churned).

Predict the **probability of churn** for every id in `test.csv`.

| file | rows |
| --- | --- |
| train.csv | 200 |
| test.csv | 200 |
"""
SHOT_NAMES = ["host_new", "overview", "data", "submissions", "leaderboard_public", "team", "writeup", "host",
              "leaderboard_private", "competitions"]
RIVALS = ["gradient-gnomes", "overfit-owls", "random-forest-rangers", "lasso-llamas", "boosted-badgers",
          "kernel-koalas", "dropout-dingos", "bagging-bats", "stacking-storks"]

require_program(CHROMIUM, "Chromium", module_level=True)
sync_playwright = require_module("playwright.sync_api", "playwright", module_level=True).sync_playwright


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where the screenshots go: $SCRIMMAGE_SCREENSHOTS (scripts/screenshots.py), else a temporary folder."""
    return Path(os.environ.get("SCRIMMAGE_SCREENSHOTS") or tmp_path / "screenshots")


@pytest.fixture
def server(tmp_path, monkeypatch):
    monkeypatch.setattr(accounts, "PASSWORD_HASH", {"time_cost": 1, "memory_cost": 1024, "parallelism": 1})
    app = create_app(Settings.load())
    toml = f'title = "Customer churn (demo)"\nmetric = "roc_auc"\nid_column = "id"\ndaily_limit = 5\n' \
           f'tags = ["tabular", "binary-classification"]\ndescription = """{DESCRIPTION}"""\n'
    folder = write_bundle(tmp_path / "churn", toml=toml)
    with live_server(app) as url:
        yield app, url, folder


def page(browser, **options):
    """A page in a new context whose waits are generous safety nets, not timing assumptions."""
    context = browser.new_context(**options)
    context.set_default_timeout(SAFETY_MS)
    return context.new_page()


def shot(page, name, folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)


def test_a_competition_in_the_browser(server, shots, tmp_path):
    app, url, folder = server
    arena = app.state.arena
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        host, pat = (page(browser, viewport={"width": 1280, "height": 800}, accept_downloads=True) for _ in range(2))

        # the host (the first account: admin) creates the competition from a bundle .zip
        sign_up(host, url, "hal")
        host.click("text=Host a competition")
        shot(host, "host_new", shots)
        host.set_input_files("input[name=bundle]", str(bundle_zip(folder, tmp_path / "churn.zip")))
        host.click("button:has-text('Create competition')")
        host.wait_for_url(f"{url}/c/churn/host?*")
        assert "Competition created." in host.inner_text(".flash.ok")

        # a participant signs up, finds it, joins and downloads the data
        sign_up(pat, url, "pat")
        pat.click("details.tag-group:has(a.tag:has-text('binary-classification')) > summary")  # open its group
        pat.click("details.tag-group a.tag:has-text('binary-classification')")
        pat.click("text=Customer churn (demo)")
        assert pat.inner_text(".prose h2") == "Evaluation" and "probability of churn" in pat.inner_text(".prose")
        shot(pat, "overview", shots)
        pat.click("button:has-text('Join competition')")
        pat.wait_for_url(f"{url}/c/churn/data?*")
        with pat.expect_download() as dl:
            pat.click("tr:has-text('train.csv') >> text=Download")
        assert Path(dl.value.path()).read_bytes() == (folder / "train.csv").read_bytes()
        shot(pat, "data", shots)

        # nine rivals submit through the core: ten teams, so medals by Kaggle's thresholds (1 gold, 1 silver, 2 bronze)
        for i, name in enumerate(RIVALS):
            arena.submit("churn", write_predictions(tmp_path / f"{name}.csv", folder, 0.05 + 0.02 * i, seed=i),
                         "", user=name)

        # a good file, then a bad one: every problem is shown
        pat.click("text=My submissions")
        pat.set_input_files("input[name=file]", str(write_predictions(tmp_path / "good.csv", folder, 0.3, seed=42)))
        pat.fill("input[name=message]", "logistic regression baseline")
        pat.click("button:has-text('Submit')")
        assert "scored: public score" in pat.inner_text(".flash.ok")
        bad = tmp_path / "bad.csv"
        bad.write_text("id,target\n200,abc\n200,0.5\nzzz,0.1\n")
        pat.set_input_files("input[name=file]", str(bad))
        pat.fill("input[name=message]", "oops, wrong file")
        pat.click("button:has-text('Submit')")
        shown = pat.inner_text(".flash.bad")
        [rejected, good] = arena.submissions("churn", user="pat")
        assert "submission rejected: 5 problem(s) found" in shown
        for problem in rejected.problems:
            assert problem in shown
        assert "4 of 5 submissions left today (UTC)" in pat.inner_text(".quota")

        # final selection
        pat.click(f"tr:has-text('logistic regression baseline') >> button:has-text('Select')")
        assert "added to your final selection" in pat.inner_text(".flash.ok")
        assert arena.submissions("churn", user="pat")[1].selected
        shot(pat, "submissions", shots)
        pat.click("text=Leaderboard")
        assert pat.inner_text("tr.mine td.team").startswith("pat")
        shot(pat, "leaderboard_public", shots)
        pat.click("nav.tabs >> text=Team")
        pat.fill("input[aria-label='User to invite']", "gradient-gnomes")
        pat.click("button:has-text('Invite to my team')")
        assert "Invitation sent to gradient-gnomes." in pat.inner_text(".flash.ok")
        shot(pat, "team", shots)
        pat.click("nav.tabs >> text=Write-ups")
        pat.click("text=Write one")
        pat.fill("input[name=title]", "A calibrated baseline")
        pat.fill("textarea[name=body]", "I fitted a **logistic regression** on `x`.\n\n- 5-fold CV AUC 0.71\n- public LB close to CV")
        pat.check("input[name=shared]")
        pat.click("button:has-text('Save')")
        assert pat.inner_text("article h2") == "A calibrated baseline"
        assert pat.inner_text("article strong") == "logistic regression"
        shot(pat, "writeup", shots)

        # the host sees every submission, closes and reveals
        host.goto(f"{url}/c/churn/host")
        shot(host, "host", shots)
        host.check("input[name=confirm]")
        host.click("button:has-text('Close and reveal')")
        assert "the private leaderboard is revealed" in host.inner_text(".flash.ok")

        # the private leaderboard, with medals and the shake-up
        pat.goto(f"{url}/c/churn/leaderboard")
        assert pat.inner_text(".seg a.on") == "Private"
        medals = pat.locator(".medal").all_inner_texts()
        assert medals.count("Gold") == 1 and medals.count("Silver") == 1 and medals.count("Bronze") == 2
        assert "Spearman" in pat.inner_text(".shakeup")
        board = arena.leaderboard("churn", private=True)
        mine = next(r for r in board.rows if r.team_name == "pat")
        assert pat.inner_text("tr.mine td.score") == f"{mine.score:.5f}"
        shot(pat, "leaderboard_private", shots)
        pat.goto(f"{url}/")
        shot(pat, "competitions", shots)

        # a catalogue overview: one Evaluation heading, the provenance once, its SHA-256 wrapped on a narrow screen
        arena.competition("titanic")
        narrow = page(browser, viewport={"width": 600, "height": 800})
        narrow.goto(f"{url}/c/titanic")
        headings = narrow.locator(".prose h1, .prose h2").all_inner_texts()
        assert [h for h in headings if "Evaluation" in h] == ["Evaluation: ROC AUC"]
        assert narrow.inner_text(".prose").count("compiled by Thomas Cason") == 1
        assert narrow.locator("code:has-text('c617db2c7470716250f6f001be51304c')").count() == 1
        assert narrow.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        browser.close()
    assert sorted(p.name for p in shots.iterdir()) == sorted(f"{n}.png" for n in SHOT_NAMES)
