"""axe-core (vendored in tests/vendor/axe-core, MPL-2.0) run inside a selenium browser.

Used by tests/test_browser.py on every page of the built book, in light and dark mode, at a
desktop and a phone width; ``python -m tests.axe DIR`` prints the same counts for any built
book (for example another checkout's _build/html) without pytest.
"""

from __future__ import annotations

import time
from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
SEVERE = ("critical", "serious")
WIDTHS = (1400, 390)
MODES = ("light", "dark")

RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})
  .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
       nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3), count: v.nodes.length}))))
  .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: [], count: 1}]));
"""


def set_mode(browser, mode: str) -> None:
    """Switch the theme (pydata-sphinx-theme reads data-theme and data-mode on <html>)."""
    browser.execute_script(
        "document.documentElement.dataset.theme = arguments[0];"
        "document.documentElement.dataset.mode = arguments[0];"
        "localStorage.setItem('theme', arguments[0]); localStorage.setItem('mode', arguments[0]);",
        mode,
    )
    time.sleep(0.4)  # let colour transitions finish before contrast is measured


def violations(browser) -> list[dict]:
    """axe's violations on the page now loaded (injecting axe when the page lacks it)."""
    if not browser.execute_script("return typeof axe !== 'undefined'"):
        browser.execute_script(AXE.read_text(encoding="utf-8"))
    browser.set_script_timeout(120)
    return browser.execute_async_script(RUN, TAGS)


def severe(found: list[dict]) -> list[dict]:
    return [v for v in found if v["impact"] in SEVERE]


def pages(html: Path) -> list[str]:
    """Every page of a built book, relative to its root (the redirecting index.html left out)."""
    return sorted(
        str(p.relative_to(html))
        for p in html.rglob("*.html")
        if p.name != "index.html" and not str(p.relative_to(html)).startswith("_")
    )


if __name__ == "__main__":  # pragma: no cover - a measuring tool, exercised by the tests
    import functools
    import http.server
    import sys
    import threading
    import time
    from collections import Counter

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    root = Path(sys.argv[1])
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    totals: Counter = Counter()
    for page in pages(root):
        for width in WIDTHS:
            for mode in MODES:
                driver.set_window_size(width, 1000)
                driver.get(f"http://127.0.0.1:{httpd.server_address[1]}/{page}")
                set_mode(driver, mode)
                for v in severe(violations(driver)):
                    totals[(v["impact"], v["id"], mode)] += v["count"]
                    print(page, width, mode, v["impact"], v["id"], v["count"], v["nodes"][:2])
    driver.quit()
    httpd.shutdown()
    for key, n in sorted(totals.items()):
        print(*key, n)
