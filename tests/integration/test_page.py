"""The results page in a real headless Chromium (Debian's ``chromium``, driven by Playwright; no
browser is downloaded) against the real stack: the seed article submitted through the page,
its stages watched live, its highlights, timeline, map, summary and quotes checked against the
API's own result, the corpus search finding it, and the Monitor tab following a loopback feed.

Screenshots go to ``NEWSFLOW_SCREENSHOTS`` when set (``docs/screenshots`` for the README, see
"The page" there), else to the test's temporary directory. Without ``chromium`` on PATH the test
is skipped, unless ``NEWSFLOW_REQUIRE_BROWSER=1`` (``.ci/run`` sets it and installs chromium).
"""

import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, Response, ViewportSize, expect, sync_playwright

from services.seeds import SEEDS, seed_submissions
from tests.integration.conftest import Running, wait_finished, wait_until
from tests.integration.test_cli_monitor import feeds, serve_news  # noqa: F401 - a fixture
from tests.monitor.feedserver import FeedServer

pytestmark = pytest.mark.browser
SEED = SEEDS / "vostok-2022-china-russia.txt"
SEED_PUBLISHED = "2022-08-17"  # seeds/metadata.json
# Waits inside the page, in ms (Playwright's unit): a run takes seconds, archiving a few more.
RUN_TIMEOUT_MS = 120_000
ARCHIVE_TIMEOUT_S = 60.0
POLL_TIMEOUT_MS = 60_000  # the scheduler's tick (1 s), the poll, then the view's refresh (10 s)
ALERT_TIMEOUT_MS = 150_000  # two articles run and archived, the alert fired, a refresh
VIEWPORT: ViewportSize = {"width": 1360, "height": 900}  # the README's screenshots


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        if os.environ.get("NEWSFLOW_REQUIRE_BROWSER") == "1":
            pytest.fail("chromium is not installed (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        # --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        launched = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser, running: Running) -> Iterator[Page]:
    """A fresh tab that records every request it makes, to prove the page loads nothing remote."""
    context = browser.new_context(viewport=VIEWPORT, base_url=running.gateway)
    tab = context.new_page()
    requested: list[str] = []
    tab.on("request", lambda request: requested.append(request.url))
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    context.close()
    gateway = urlsplit(running.gateway).netloc
    remote = [u for u in requested if urlsplit(u).netloc not in (gateway, "")]
    assert remote == [], f"the page fetched from elsewhere: {remote}"
    assert errors == [], f"script errors: {errors}"


@pytest.fixture
def screenshots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("NEWSFLOW_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def submit(page: Page, text: str, published: str | None = None) -> tuple[str, bool]:
    """Through the form, as a reader would; the article's id and whether it was a duplicate."""
    page.goto("/")
    page.fill("#content", text)
    if published:
        page.fill("#published_at", published)

    def accepted(response: Response) -> bool:  # 202, or 200 for a duplicate of a finished run
        return response.request.method == "POST" and response.url.endswith("/articles")

    with page.expect_response(accepted) as answer:
        page.click("#analyse")
    assert answer.value.ok, answer.value.text()
    body: dict[str, Any] = answer.value.json()
    expect(page.locator("body[data-article]")).to_have_attribute(
        "data-article", "done", timeout=RUN_TIMEOUT_MS
    )
    return body["id"], bool(body["duplicate"])


def test_seed_article_through_the_page(
    page: Page, running: Running, client: httpx.Client, screenshots: Path
) -> None:
    article_id, duplicate = submit(page, SEED.read_text(encoding="utf-8"), SEED_PUBLISHED)
    assert page.url.endswith(f"#/article/{article_id}")
    result = wait_finished(client, article_id)
    assert result["status"] == "done"
    document, extraction = result["document"], result["extraction"]
    text = document["text"]

    # The three stages, each with the worker that ran it and its time.
    for stage in ("ingest", "extraction", "summarization"):
        card = page.locator(f'.stage[data-stage="{stage}"]')
        expect(card).to_have_attribute("data-status", "done")
        expect(card.locator(".stage-worker")).to_have_text(result["stages"][stage]["worker"])
        expect(card.locator(".stage-time")).to_contain_text("ms")
    if not duplicate:  # a fresh run was watched live: every event arrived over SSE
        log = page.locator(".event-log")
        expect(log).to_contain_text("done")
        assert log.locator(".ev-stage_done").count() == 3

    # Every entity is highlighted with its type, over exactly its words, and says who it is.
    marks = page.locator("mark[data-entity]")
    assert marks.count() >= len(extraction["entities"]) > 10
    for entity in extraction["entities"]:
        mark = page.locator(f'mark[data-entity="{entity["id"]}"]').first
        expect(mark).to_have_attribute("data-type", entity["type"])
        title = mark.get_attribute("title") or ""
        assert title.startswith(entity["name"]) and f"{entity['count']} mention" in title
        start = int(mark.get_attribute("data-start") or -1)
        mention = next(m for m in entity["mentions"] if m["start"] == start)
        assert mark.inner_text() == text[mention["start"] : mention["end"]] == mention["text"]
    types = {m.get_attribute("data-type") for m in marks.all()}
    assert {"PERSON", "GPE", "ORG"} <= types

    # The summary sentences are marked in the text, and only they.
    summary = [s["index"] for s in result["summary"]["sentences"]]
    marked = page.locator(".sentence.summary")
    assert [int(m.get_attribute("data-sentence") or -1) for m in marked.all()] == summary

    # A point on the timeline per calendar date; a pin on the map per located place.
    dated = [d for d in extraction["dates"] if d["value"]]
    assert page.locator("#timeline .tl-point").count() == len(dated) > 0
    located = [p for p in extraction["places"] if p["latitude"] is not None]
    assert page.locator("#places .world-map .marker").count() == len(located) > 0
    assert page.locator("#places .world-map .land path").count() > 150  # the world outline
    assert page.locator("#places .world-map path.named").count() > 0  # countries named

    # Quotes with their speakers.
    quotes = page.locator("#quotes .quotes > li")
    assert quotes.count() == len(extraction["quotes"]) > 0
    speakers = [q["speaker"] for q in extraction["quotes"] if q["speaker"]]
    expect(page.locator("#quotes")).to_contain_text(speakers[0])

    page.mouse.move(0, 0)  # no hover state in the picture
    page.screenshot(path=str(screenshots / "article.png"), full_page=True)

    # Clicking an entity focuses its mentions; the corpus search for it is one click away.
    person = next(e for e in extraction["entities"] if e["type"] == "PERSON")
    page.locator(f'mark[data-entity="{person["id"]}"]').first.click()
    expect(page.locator(".filter-bar")).to_contain_text(person["name"])
    focused = page.locator("mark.focus")
    assert focused.count() == page.locator(f'mark[data-entity="{person["id"]}"]').count()
    expect(page.locator(".article-text")).to_have_class("article-text focusing")


def test_corpus_search_finds_the_seed(page: Page, client: httpx.Client, screenshots: Path) -> None:
    for other in seed_submissions():  # the other seeds too, so the corpus has more than one
        answer = client.post("/articles", json=other)
        assert answer.status_code in (200, 202), answer.text
        wait_finished(client, answer.json()["id"])
    article_id, _ = submit(page, SEED.read_text(encoding="utf-8"), SEED_PUBLISHED)
    page.click('nav a[data-tab="corpus"]')
    hit = page.locator(f'.hit[data-id="{article_id}"]')
    deadline = time.monotonic() + ARCHIVE_TIMEOUT_S  # the collector archives after the run ends
    while True:
        page.fill("#q", "joint exercises")
        with page.expect_response(lambda r: "/articles?" in r.url):
            page.press("#q", "Enter")
        page.wait_for_selector(".result-count, .results .error")
        if hit.count() or time.monotonic() > deadline:
            break
        time.sleep(1)
    expect(hit).to_be_visible()
    expect(hit.locator(".snippet mark").first).to_be_visible()  # the match, highlighted
    expect(page.locator(".top-entities .entity-row").first).to_be_visible()
    hit.locator("h3 a").click()
    expect(page.locator("#article-title")).to_be_visible()

    # Without a query: the newest articles, every seed among them.
    page.goto("/#/corpus")
    page.wait_for_function(
        "n => document.querySelectorAll('.hits .hit').length >= n", arg=len(seed_submissions())
    )
    page.mouse.move(0, 0)
    page.screenshot(path=str(screenshots / "corpus.png"), full_page=True)


def test_article_strings_are_text_never_markup(page: Page) -> None:
    """A hostile article shows its markup as words: nothing it carries becomes an element."""
    hostile = (
        'The mayor of Springfield said <img src=x onerror="window.pwned=1"> on Monday that '
        "the <script>window.pwned=2</script> bridge would reopen. "
        "Officials in Ohio confirmed the date."
    )
    submit(page, hostile)
    body = page.locator(".article-text")
    expect(body).to_contain_text("<img src=x")
    assert body.locator("img, script").count() == 0
    assert page.evaluate("window.pwned") is None


def test_monitor_tab_follows_a_feed_and_shows_its_alert(
    page: Page,
    client: httpx.Client,
    feeds: FeedServer,  # noqa: F811
    screenshots: Path,
) -> None:
    feed = serve_news(feeds, "Page feed")
    watch = client.post(
        "/watchlists",
        json={"name": "Ferries", "query": {"keywords": [feed.keyword], "sources": [feed.title]}},
    )
    assert watch.status_code == 201, watch.text
    watch_id = watch.json()["id"]
    page.goto("/")
    page.click('nav a[data-tab="monitor"]')
    expect(page.locator("#watchlist-form")).to_be_visible()
    expect(page.locator(f'.watch-list li[data-id="{watch_id}"]')).to_contain_text(feed.keyword)
    # A watchlist through the form: refused without a criterion, listed with one.
    page.fill('#watchlist-form input[name="name"]', "Nothing to match")
    page.click('#watchlist-form button[type="submit"]')
    expect(page.locator("#watchlist-form .form-error")).to_contain_text("at least one criterion")
    page.fill('#watchlist-form input[name="keywords"]', "harbour master, dredging")
    page.click('#watchlist-form button[type="submit"]')
    expect(page.locator(".watch-list li", has_text="Nothing to match")).to_contain_text(
        "keyword: harbour master | dredging"
    )

    # A source added through the form: listed, polled, healthy.
    page.fill('#source-form input[name="url"]', feed.url)
    page.fill('#source-form input[name="interval_seconds"]', "3600")
    page.fill('#source-form input[name="tags"]', "page, ferries")

    def added(response: Response) -> bool:
        return response.request.method == "POST" and response.url.endswith("/sources")

    with page.expect_response(added) as answer:
        page.click('#source-form button[type="submit"]')
    assert answer.value.status == 201, answer.value.text()
    source_id = answer.value.json()["id"]
    # The same feed again is refused, the problem's field and reason shown by the form.
    page.fill('#source-form input[name="url"]', feed.url)
    page.click('#source-form button[type="submit"]')
    expect(page.locator("#source-form .form-error")).to_contain_text(
        f"url: already followed as {source_id}"
    )
    row = page.locator(f'tr[data-source-id="{source_id}"]')
    expect(row).to_have_attribute("data-status", "ok", timeout=POLL_TIMEOUT_MS)
    expect(row.locator(".health")).to_have_text("ok")
    expect(row.locator(".source-name")).to_contain_text(feed.title)

    # Its newest items, each linking to the article it became.
    items = wait_until(
        lambda: (
            (found := client.get(f"/sources/{source_id}/items").json())
            and all(i["article_id"] for i in found)
            and found
        ),
        ARCHIVE_TIMEOUT_S,
        "the items' articles",
    )
    row.locator(".source-name button.link").click()
    links = page.locator("#source-items .feed-item a")
    expect(links).to_have_count(len(items))
    hrefs = {links.nth(n).get_attribute("href") for n in range(len(items))}
    assert hrefs == {f"#/article/{i['article_id']}" for i in items}

    # The watchlist's alert, its keyword highlighted in the title, linking to the article.
    matching = next(i["article_id"] for i in items if i["title"] == feed.titles[0])
    alert = page.locator(f'.alert[data-article="{matching}"]')
    expect(alert).to_be_visible(timeout=ALERT_TIMEOUT_MS)
    expect(alert.locator("h3 mark")).to_have_text(feed.keyword)
    expect(alert.locator(".match[data-kind='keyword'] mark").first).to_have_text(feed.keyword)
    assert page.locator(".alert[data-article]").count() >= 1
    page.mouse.move(0, 0)
    page.screenshot(path=str(screenshots / "monitor.png"), full_page=True)
    alert.locator("h3 a").click()
    expect(page.locator("#article-title")).to_be_visible(timeout=RUN_TIMEOUT_MS)
    assert page.url.endswith(f"#/article/{matching}")
