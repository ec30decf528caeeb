"""A real browser (Playwright, the system Chromium) through the discussion, with hostile posts:
two learners and a host talk, vote, report and moderate; nothing anyone posted runs as script."""

import os

from browserutil import ARGS, CHROMIUM, server, signed_up_pages  # noqa: F401 - server: the live server fixture
from components import require_module, require_program
from webutil import bundle_zip

HOSTILE = """Try this **trick**:

<script>window.__pwned = 1</script>
<img src=x onerror="window.__pwned = 2">
[docs](javascript:window.__pwned=3)
![x](javascript:window.__pwned=4)
[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)

```python
print("<script>window.__pwned = 5</script>")
```
"""

require_program(CHROMIUM, "Chromium", module_level=True)
sync_playwright = require_module("playwright.sync_api", "playwright", module_level=True).sync_playwright


def test_discussion_in_the_browser(server, tmp_path):
    app, url, folder = server
    dialogs = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pages = signed_up_pages(browser, url, ("hal", "pat", "quin"), dialogs)
        hal, pat, quin = pages["hal"], pages["pat"], pages["quin"]  # hal signed up first: the admin

        hal.click("text=Host a competition")
        hal.set_input_files("input[name=bundle]", str(bundle_zip(folder, tmp_path / "churn.zip")))
        hal.click("button:has-text('Create competition')")
        hal.wait_for_url(f"{url}/c/churn/host?*")

        # pat opens a topic with hostile markdown in the competition's Discussion tab
        pat.goto(f"{url}/c/churn")
        pat.click("nav.tabs >> text=Discussion")
        pat.fill("input[name=title]", "A trick for the baseline")
        pat.fill("textarea[name=body]", HOSTILE)
        pat.click("button:has-text('Post topic')")
        pat.wait_for_url(f"{url}/discussion/*")
        assert "Topic posted." in pat.inner_text(".flash.ok")
        topic_url = pat.url.split("?")[0]

        # quin reads it: the text is there, nothing ran, the dangerous links are gone
        quin.goto(topic_url)
        body = quin.inner_text(".post-body")
        assert "trick" in body and 'print("<script>window.__pwned = 5</script>")' in body
        assert quin.evaluate("window.__pwned") is None
        hrefs = quin.eval_on_selector_all(".post-body a, .post-body img",
                                          "els => els.map(e => e.getAttribute('href') || e.getAttribute('src'))")
        assert all(h.startswith(("http", "/", "#")) for h in hrefs if h), hrefs
        assert quin.evaluate("document.querySelectorAll('.post-body script, .post-body [onerror]').length") == 0
        quin.fill("textarea[name=body]", "Nice, but **careful** with leakage.")
        quin.click("button:has-text('Post reply')")
        assert "Reply posted." in quin.inner_text(".flash.ok")
        quin.click(".post >> nth=0 >> button:has-text('Upvote')")
        assert "Upvoted." in quin.inner_text(".flash.ok")

        # pat sees the reply in what's new, then reports nothing; the host pins and locks
        pat.click("text=Discussion >> nth=0")
        pat.goto(f"{url}/discussion/new")
        assert "Reply to you" in pat.inner_text("main") and "A trick for the baseline" in pat.inner_text("main")
        hal.goto(topic_url)
        hal.click("button:has-text('Pin')")
        hal.click("button:has-text('Lock')")
        assert "Locked" in hal.inner_text(".topic-title")
        pat.goto(topic_url)
        assert "This topic is locked" in pat.inner_text("main")
        assert pat.evaluate("window.__pwned") is None
        pat.screenshot(path=str(tmp_path / "topic.png"), full_page=True)
        os.environ.get("SCRIMMAGE_KEEP_SHOTS") and pat.screenshot(path=os.environ["SCRIMMAGE_KEEP_SHOTS"], full_page=True)
        browser.close()
    assert dialogs == []
