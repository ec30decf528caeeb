"""A real browser (Playwright, the system Chromium) through shared notebooks, with a hostile
notebook: its outputs carry <script>, event handlers, javascript: links, a JavaScript output,
an SVG and HTML with iframes. A learner shares it from the Code tab; another reads it, upvotes,
comments and copies it; nothing in it runs, in the page or in the framed rendering."""


from browserutil import ARGS, CHROMIUM, server, signed_up_pages  # noqa: F401 - server: the live server fixture
from components import require_module, require_program
from notebooks_hostile import hostile

require_program(CHROMIUM, "Chromium", module_level=True)
sync_playwright = require_module("playwright.sync_api", "playwright", module_level=True).sync_playwright


def test_hostile_notebook_in_the_browser(server, tmp_path):
    app, url, folder = server
    evil = tmp_path / "evil.ipynb"
    evil.write_bytes(hostile())
    dialogs = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pages = signed_up_pages(browser, url, ("hal", "pat", "quin"), dialogs)
        pat, quin = pages["pat"], pages["quin"]
        app.state.arena.create_competition(folder, host="hal")

        pat.goto(f"{url}/c/churn")
        pat.click("nav.tabs >> text=Code")
        pat.set_input_files("input[name=file]", str(evil))
        pat.fill("input[name=title]", "Evil notebook")
        pat.select_option("select[name=visibility]", "public")
        pat.click("button:has-text('Share')")
        pat.wait_for_url(f"{url}/code/pat/evil-notebook?*")
        assert "Shared version 1." in pat.inner_text(".flash.ok")

        quin.goto(f"{url}/c/churn/code")
        quin.click("text=Evil notebook")
        quin.wait_for_url(f"{url}/code/pat/evil-notebook")
        frame_el = quin.wait_for_selector("iframe.nb-frame")
        assert frame_el.get_attribute("sandbox") == ""
        frame = frame_el.content_frame()
        frame.wait_for_selector("text=still here")
        text = frame.inner_text("body")
        assert "bold output" in text and "Hostile" in text
        assert frame.evaluate("document.querySelectorAll('script, iframe, svg, [onerror], [onload], "
                              "[onmouseover]').length") == 0
        hrefs = frame.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
        assert all(h.startswith(("http", "#", "mailto:")) for h in hrefs), hrefs
        srcs = frame.eval_on_selector_all("img[src]", "els => els.map(e => e.getAttribute('src'))")
        assert all(s.startswith("data:image/") for s in srcs), srcs
        assert frame.evaluate("window.pwned") is None and quin.evaluate("window.pwned") is None
        quin.hover("iframe.nb-frame")  # the mouse over the outputs: no handler fires
        for link in frame.query_selector_all("a"):
            link.click(timeout=2000, no_wait_after=True)
        assert frame.evaluate("window.pwned") is None and quin.evaluate("window.pwned") is None

        quin.click("button:has-text('Upvote')")
        assert "Upvoted." in quin.inner_text(".flash.ok")
        quin.fill("textarea[name=body]", "Careful: <script>window.pwned = 9</script> **nice**")
        quin.click("button:has-text('Post comment')")
        assert "Comment posted." in quin.inner_text(".flash.ok")
        assert quin.evaluate("window.pwned") is None
        quin.click("button:has-text('Copy and edit')")
        quin.wait_for_url(lambda u: u.startswith(f"{url}/code/quin/evil-notebook?notice="))
        assert "copied from pat/evil-notebook" in quin.inner_text("main")

        # opened on its own, the rendering is a sandboxed document with a policy that runs nothing
        response = quin.goto(f"{url}/code/pat/evil-notebook/rendered")
        assert "sandbox" in response.headers["content-security-policy"]
        assert quin.evaluate("window.pwned") is None
        quin.screenshot(path=str(tmp_path / "notebook.png"), full_page=True)
        browser.close()
    assert dialogs == []
