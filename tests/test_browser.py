"""The built HTML book in a real browser: Debian's chromium, driven by selenium + chromedriver.

The book is served from _build/html by a loopback HTTP server inside the test; nothing reaches
the network (a test checks that every resource a page loads comes from that server). Run after
`make book` (`make test` does both).
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading
import time
from pathlib import Path

import pytest

from factcheck.book import render
from factcheck.ledger import claims

from . import axe
from .conftest import toc_files

pytestmark = pytest.mark.build

PHONE_WIDTH = 390
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


@pytest.fixture(scope="module")
def server(built: Path):
    """http://127.0.0.1:<port>/ serving _build/html, for the duration of the module."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # no access log on stderr
            pass

    handler = functools.partial(Quiet, directory=str(built / "html"))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def downloads(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def browser(downloads: Path):
    """Headless chromium with console logging and downloads into a temporary folder."""
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.fail("chromium and chromedriver are not installed: run `make install`")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    options.add_argument("--window-size=1400,1000")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.add_experimental_option(
        "prefs",
        {
            "download.default_directory": str(downloads),
            "download.prompt_for_download": False,
            "plugins.always_open_pdf_externally": True,
        },
    )
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def load(browser, url: str, width: int = 1400) -> None:
    browser.set_window_size(width, 1000)
    browser.get(url)
    for _ in range(50):  # the scorecard's table is built by a script after load
        if browser.execute_script("return document.readyState") == "complete":
            break
        time.sleep(0.1)
    time.sleep(0.3)


def severe_console_messages(browser) -> list[str]:
    return [e["message"] for e in browser.get_log("browser") if e["level"] == "SEVERE"]


def test_every_page_loads_without_console_errors_or_outside_requests(browser, server):
    for doc in toc_files():
        browser.get_log("browser")  # drop earlier messages
        load(browser, f"{server}/{doc}.html")
        assert severe_console_messages(browser) == [], doc
        resources = browser.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)"
        )
        outside = [r for r in resources if not r.startswith((server, "data:", "blob:"))]
        assert outside == [], f"{doc} loads resources from outside the book: {outside}"


def test_no_page_scrolls_sideways_on_a_phone(browser, server):
    wide = {}
    for doc in toc_files():
        load(browser, f"{server}/{doc}.html", width=PHONE_WIDTH)
        inner, scroll = browser.execute_script(
            "return [window.innerWidth, document.documentElement.scrollWidth]"
        )
        if scroll > inner + 1:
            culprits = browser.execute_script(
                """
                const w = window.innerWidth;
                return [...document.querySelectorAll('body *')]
                  .filter(e => e.getBoundingClientRect().right > w + 1)
                  .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > w + 1))
                  .slice(0, 5).map(e => e.tagName + '.' + e.className);
                """
            )
            wide[doc] = (scroll, inner, culprits)
    assert wide == {}, f"pages wider than a {PHONE_WIDTH}px screen: {wide}"


def test_every_claim_anchor_resolves(browser, server):
    book = claims.ledger()
    missing = []
    for chapter, rows in book.claims.groupby("chapter"):
        load(browser, f"{server}/chapters/{chapter}.html")
        ids = list(rows["id"])
        found = browser.execute_script(
            "return arguments[0].filter(id => document.getElementById(id) !== null)", ids
        )
        missing += sorted(set(ids) - set(found))
    assert missing == [], f"claims with no anchor on their chapter page: {missing}"
    # Following a scorecard link lands on the claim.
    first = book.claims.iloc[0]
    load(browser, f"{server}/chapters/{first['chapter']}.html#{first['id']}")
    top = browser.execute_script(
        "return document.getElementById(arguments[0]).getBoundingClientRect().top", first["id"]
    )
    assert 0 <= top < 300, f"#{first['id']} is not scrolled into view (top {top}px)"


def test_scorecard_links_every_claim_and_sorts_by_a_heading(browser, server):
    load(browser, f"{server}/chapters/scorecard.html")
    hrefs = browser.execute_script(
        "return [...document.querySelectorAll('#scorecard-table a')].map(a => a.href)"
    )
    ids = {h.rsplit("#", 1)[1] for h in hrefs if "#" in h}
    assert set(claims.ledger().claims["id"]) <= ids
    column = "[...document.querySelectorAll('#scorecard-table tbody tr td:first-child')]"
    browser.find_element("css selector", "#scorecard-table th button[data-column='0']").click()
    shown = browser.execute_script(f"return {column}.map(td => td.textContent.trim())")
    assert shown == sorted(shown), "the Claim heading does not sort the table"


def test_the_first_screen_carries_the_finding(browser, server):
    """The landing page's bottom line is on the first phone screen; each article chapter's
    verdict card is on its first screen and its first verdict box within two (1400 px)."""
    load(browser, f"{server}/chapters/intro.html", width=PHONE_WIDTH)
    browser.set_window_size(PHONE_WIDTH, 844)
    top = browser.execute_script(
        "return document.querySelector('.bottom-line-lead').getBoundingClientRect().bottom"
    )
    assert top < browser.execute_script("return window.innerHeight"), "bottom line below the fold"
    book = claims.ledger()
    lead = browser.execute_script("return document.querySelector('.bottom-line-lead').innerText")
    for article in book.articles.values():  # each outlet's headline verdict on the first screen
        assert render.short_outlet(article) in lead, render.short_outlet(article)
    for article in book.articles.values():
        for chapter in article.get("chapters") or [article["chapter"]]:
            load(browser, f"{server}/chapters/{chapter}.html")
            screen = browser.execute_script("return window.innerHeight")
            card, box = browser.execute_script(
                "return ['div.verdict-card', 'div.verdict-box'].map(s =>"
                " document.querySelector(s).getBoundingClientRect().top + window.scrollY)"
            )
            assert card < screen, f"{chapter}: the verdict card is below the first screen"
            where = f"{box / screen:.1f} screens"
            assert box < 2 * screen, f"{chapter}: first verdict box at {where}"


def test_no_serious_accessibility_finding_on_any_page(browser, server):
    """axe-core (WCAG 2.0/2.1 A and AA, best practice): no critical or serious finding on any
    page, in light and dark mode, at 1400 and 390 px."""
    found = []
    for doc in [*toc_files(), "search", "genindex"]:
        for width in axe.WIDTHS:
            load(browser, f"{server}/{doc}.html", width=width)
            for mode in axe.MODES:
                axe.set_mode(browser, mode)
                for v in axe.severe(axe.violations(browser)):
                    found.append(f"{doc} {width}px {mode}: {v['impact']} {v['id']} {v['nodes']}")
    assert found == [], "\n".join(found)


def test_pdf_link_downloads_the_book(browser, server, built, downloads):
    load(browser, f"{server}/chapters/intro.html")
    link = browser.find_element("css selector", "p.pdf-download a")
    link.click()
    target = downloads / "book.pdf"
    for _ in range(100):
        if target.exists() and not list(downloads.glob("*.crdownload")):
            break
        time.sleep(0.1)
    assert target.exists(), "clicking the PDF link downloaded nothing"
    assert target.read_bytes() == (built / "latex" / "book.pdf").read_bytes()
    menu = browser.execute_script(
        "return [...document.querySelectorAll('.dropdown-download-buttons a')].map(a => a.href)"
    )
    assert any(h.endswith("/book.pdf") for h in menu), "the download menu does not offer the PDF"


def test_one_search_box_per_page(browser, server):
    for width in (1400, PHONE_WIDTH):
        load(browser, f"{server}/chapters/intro.html", width=width)
        visible = browser.execute_script(
            "return [...document.querySelectorAll('.search-button-field, .bd-search input')]"
            ".filter(e => e.offsetParent !== null && e.getBoundingClientRect().width > 0).length"
        )
        assert visible <= 1, f"{visible} search boxes at {width}px"


MIN_CELL_PX = 120  # a cell of more than one line narrower than this wraps a word or two a line


def test_landing_and_corrections_tables_fit_a_phone(browser, server):
    """At 390 px the landing page's "What is checked" table and the corrections page's tables
    are no wider than the screen and no cell is squeezed into a narrow column (a cell narrower
    than MIN_CELL_PX holds one line: a date, an id); they are cards there. At 1400 px the
    landing table is still a table with its headings."""
    checked = {
        "intro": "div.articles-table table",
        "corrections": "table.status-changes, table.corrections",
    }
    for page, selector in checked.items():
        load(browser, f"{server}/chapters/{page}.html", width=PHONE_WIDTH)
        found = browser.execute_script(
            """
            const tables = [...document.querySelectorAll(arguments[0])];
            return tables.map(t => {
              const r = t.getBoundingClientRect();
              const squeezed = [...t.querySelectorAll('td')].filter(c => {
                const b = c.getBoundingClientRect();
                const line = parseFloat(getComputedStyle(c).lineHeight) || 24;
                return c.textContent.trim() && b.width > 0 && b.width < arguments[1]
                  && b.height > 1.6 * line;
              });
              return [r.right, squeezed.map(c => c.textContent.trim().slice(0, 30))];
            });
            """,
            selector,
            MIN_CELL_PX,
        )
        assert found, f"{page}: no table matches {selector}"
        for right, squeezed in found:
            assert right <= PHONE_WIDTH, f"{page}: a table ends at {right:.0f}px"
            assert squeezed == [], f"{page}: cells squeezed into a narrow column: {squeezed}"
    load(browser, f"{server}/chapters/intro.html")
    heads = browser.execute_script(
        "const h = document.querySelector('div.articles-table thead');"
        "return h ? h.getBoundingClientRect().height : 0"
    )
    assert heads > 0, "at 1400 px the landing table lost its headings"


def test_scorecard_cards_show_no_empty_label(browser, server):
    load(browser, f"{server}/chapters/scorecard.html", width=PHONE_WIDTH)
    empty = browser.execute_script(
        """
        return [...document.querySelectorAll('#scorecard-table td[data-label]')]
          .filter(td => !td.textContent.trim() && td.getBoundingClientRect().height > 0)
          .length
        """
    )
    assert empty == 0, f"{empty} phone cards show a label with nothing after it"
    blank = browser.execute_script(
        "return [...document.querySelectorAll('#scorecard-table td')]"
        ".filter(td => !td.textContent.trim()).length"
    )
    assert blank > 0, "no blank cell to hide: the check tests nothing"


def test_corrections_page_folds_the_review_log(browser, server):
    """The log from before publication is a closed dropdown: the page stays short on a phone,
    and opening the dropdown shows the log."""
    load(browser, f"{server}/chapters/corrections.html", width=PHONE_WIDTH)
    state = browser.execute_script(
        """
        const d = document.querySelector('details.review-log');
        return d ? [d.open, document.documentElement.scrollHeight,
                    d.querySelectorAll('table.corrections tbody tr').length] : null;
        """
    )
    assert state is not None, "no folded review log on the corrections page"
    is_open, height, rows = state
    assert not is_open and rows > 0
    assert height < 15000, f"the corrections page is {height}px tall on a phone"
    browser.execute_script("document.querySelector('details.review-log summary').click()")
    time.sleep(0.3)
    shown = browser.execute_script(
        "return document.querySelector('details.review-log table.corrections')"
        ".getBoundingClientRect().height"
    )
    assert shown > 0, "opening the dropdown does not show the log"
