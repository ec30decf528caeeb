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


def _image_hosts(tmp_path):
    """Two servers of one PNG on 127.0.0.1, one over https (a self-signed certificate), one over
    http: (https URL, http URL, the paths each was asked for, a function that stops both)."""
    import http.server
    import ssl
    import struct
    import subprocess
    import threading
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress((b"\x00" + b"\xff\x00\x00" * 2) * 2))
           + chunk(b"IEND", b""))
    asked = {"https": [], "http": []}

    def handler(scheme):
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                asked[scheme].append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(png)))
                self.end_headers()
                self.wfile.write(png)

            def log_message(self, *args):
                pass
        return Handler

    openssl = require_program("/usr/bin/openssl", "openssl")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True, timeout=120)
    secure = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler("https"))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    secure.socket = context.wrap_socket(secure.socket, server_side=True)
    plain = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler("http"))
    for s in (secure, plain):
        threading.Thread(target=s.serve_forever, daemon=True).start()

    def stop():
        for s in (secure, plain):
            s.shutdown()
            s.server_close()

    return (f"https://127.0.0.1:{secure.server_address[1]}", f"http://127.0.0.1:{plain.server_address[1]}",
            asked, stop)


def test_an_https_image_in_a_post_loads_and_an_http_one_is_a_link(server, tmp_path):
    from browserutil import sign_up

    app, url, folder = server
    secure, plain, asked, stop = _image_hosts(tmp_path)
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            # the certificate is self-signed: the browser is told to accept it, as if a real host's
            pat = browser.new_context(ignore_https_errors=True).new_page()
            pat.add_init_script("window.__blocked = []; document.addEventListener('securitypolicyviolation', "
                                "e => window.__blocked.push(e.violatedDirective + ' ' + e.blockedURI))")
            sign_up(pat, url, "pat")
            pat.goto(f"{url}/discussion")
            pat.fill("input[name=title]", "My ROC curve")
            pat.fill("textarea[name=body]", f"![roc]({secure}/roc.png)\n\n![local]({plain}/local.png)")
            pat.click("button:has-text('Post topic')")
            pat.wait_for_url(f"{url}/discussion/*")
            pat.wait_for_function("document.querySelector('.post-body img').complete")
            assert pat.evaluate("document.querySelector('.post-body img').naturalWidth") == 2  # loaded
            assert pat.evaluate("window.__blocked") == []  # the page's policy let it load
            link = pat.eval_on_selector(".post-body a", "a => [a.getAttribute('href'), a.textContent]")
            assert link == [f"{plain}/local.png", "local"]
            assert pat.evaluate("document.querySelectorAll('.post-body img').length") == 1
            browser.close()
    finally:
        stop()
    assert asked == {"https": ["/roc.png"], "http": []}
