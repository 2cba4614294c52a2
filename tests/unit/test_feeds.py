"""parse_feed on small real-shaped feeds: RSS 2.0 and 1.0, Atom, JSON Feed, news sitemaps and
sitemap indexes, and the inputs it must refuse (HTML, malformed, entity bombs, XXE)."""

import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.gateway.monitor.feeds import (
    FeedError,
    FeedPage,
    content_hash,
    parse_feed,
    plain_text,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "feeds"


def read(name: str, base_url: str, content_type: str | None = "application/xml") -> FeedPage:
    body = (FIXTURES / name).read_bytes()
    return parse_feed(body, content_type=content_type, base_url=base_url)


def refused(body: bytes, content_type: str | None = "application/xml") -> str:
    with pytest.raises(FeedError) as caught:
        parse_feed(body, content_type=content_type, base_url="https://news.example.com/feed")
    return str(caught.value)


def test_rss2_items_with_content_encoded_and_a_guid_that_is_not_a_link() -> None:
    page = read("rss2.xml", "https://news.example.com/world/rss.xml", "application/rss+xml")
    assert (page.kind, page.format, page.title) == ("rss", "rss20", "Harbour Gazette & Wires")
    first, second = page.items
    assert first.guid == "harbour-gazette-article-48213"  # isPermaLink="false": an id, kept
    # The relative link made absolute against the feed's URL; its query left to canonical_url.
    assert first.url == (
        "https://news.example.com/world/2026/11/30/hamburg-flood-walls"
        "?utm_source=rss&utm_medium=feed"
    )
    assert first.title == "Hamburg backs €640m plan for higher flood walls"
    assert first.published_at == datetime(2026, 11, 30, 8, 15, tzinfo=UTC)
    assert first.author == "Anna Weber"
    assert first.summary == "The city senate approved the plan on Monday."
    assert first.content is not None and "Work starts in spring." in first.content
    assert "<script" not in first.content  # feedparser sanitises the HTML
    assert second.guid == second.url == "https://news.example.com/world/2026/11/29/port-strike"
    # No link and a non-link guid, a mailto: link, and a repeated guid: left out, and said so.
    assert page.total == 5 and page.skipped == 3 and not page.truncated
    assert page.notes == [
        "2 items without an http(s) link skipped",
        "1 item repeating an earlier item's GUID skipped",
    ]


def test_rss1_rdf() -> None:
    page = read("rss1.rdf", "https://science.example.net/rss", "application/rdf+xml")
    assert (page.kind, page.format, page.title) == ("rss", "rss10", "Science Desk")
    (item,) = page.items
    assert item.url == item.guid == "https://science.example.net/2026/comet"
    assert item.author == "Observatory staff"
    # dc:date is RSS 1.0's only date: it is the update time, and stands in for publication.
    assert item.updated_at == item.published_at == datetime(2026, 11, 28, 6, 0, tzinfo=UTC)


def test_atom_relative_links_resolve_against_xml_base() -> None:
    page = read("atom.xml", "https://blog.example.org/feed", "application/atom+xml")
    assert (page.kind, page.format) == ("atom", "atom10")
    record, storage = page.items
    assert record.url == "https://blog.example.org/energy/2026/offshore-record"
    assert storage.url == "https://blog.example.org/archive/storage.html"  # the entry's own base
    assert record.guid == "tag:blog.example.org,2026:/energy/offshore-record"
    assert record.title == "Offshore wind: record output in November"  # type="html" made text
    assert record.published_at == datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
    assert record.updated_at == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    assert record.author == "Lars Nilsen"
    assert record.content == "<p>Turbines delivered a record share.</p>"


def test_json_feed() -> None:
    page = read("feed.json", "https://metro.example.com/feed.json", "application/feed+json")
    assert (page.kind, page.format, page.title) == ("json", "json1.1", "Metro Desk")
    tram, wire = page.items
    assert tram.url == "https://metro.example.com/2026/11/30/new-tram-line"
    assert tram.guid == "metro-2026-1130-tram" and tram.author == "Mia Costa, Tom Ruiz"
    assert tram.published_at == datetime(2026, 11, 30, 4, 30, tzinfo=UTC)
    assert tram.updated_at == datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
    assert tram.content == "<p>The first trams ran at dawn.</p>"
    assert wire.guid == "1024" and wire.url == "https://wire.example.org/story/1024"
    assert wire.author == "Wire staff" and wire.content == "The budget passed 31 to 20."
    assert page.total == 4 and page.skipped == 2  # no URL at all; not an object


def test_json_feed_is_recognised_by_its_body_whatever_the_label() -> None:
    body = (FIXTURES / "feed.json").read_bytes()
    page = parse_feed(body, content_type="text/plain", base_url="https://metro.example.com/")
    assert page.kind == "json" and len(page.items) == 2


def test_news_sitemap() -> None:
    page = read("news-sitemap.xml", "https://daily.example.com/news-sitemap.xml")
    assert (page.kind, page.format, page.sitemaps) == ("sitemap", "urlset", [])
    talks, derby = page.items
    assert talks.url == talks.guid
    assert talks.url == "https://daily.example.com/politics/2026/11/30/coalition-talks"
    assert talks.title == "Coalition talks resume after weekend break"
    assert talks.published_at == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    assert talks.updated_at == datetime(2026, 11, 30, 11, 20, tzinfo=UTC)
    assert derby.published_at == datetime(2026, 11, 30, tzinfo=UTC)  # a date alone
    assert page.skipped == 1 and page.notes == ["1 URL without <news:news> skipped"]


def test_sitemap_index_gives_its_children_newest_first() -> None:
    page = read("sitemap-index.xml", "https://daily.example.com/sitemap.xml", "text/xml")
    assert (page.kind, page.format, page.items) == ("sitemap", "sitemapindex", [])
    assert page.sitemaps == [
        "https://daily.example.com/sitemaps/news-2026-11-30.xml",  # relative, resolved
        "https://daily.example.com/sitemaps/news-2026-11-29.xml",
        "https://daily.example.com/sitemaps/static.xml",  # no lastmod: last
    ]
    assert page.skipped == 1  # the ftp: one


def test_a_sitemap_index_is_bounded() -> None:
    children = "".join(
        f"<sitemap><loc>https://e.example/s{n}.xml</loc></sitemap>" for n in range(30)
    )
    body = f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{children}'
    page = parse_feed(
        (body + "</sitemapindex>").encode(),
        content_type="application/xml",
        base_url="https://e.example/",
        max_items=5,
    )
    assert len(page.sitemaps) == 5 and page.truncated and page.total == 30


def test_a_plain_sitemap_is_not_taken_for_news_but_an_empty_news_sitemap_is_fine() -> None:
    plain = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://e.example/about</loc></url></urlset>"
    )
    assert refused(plain).startswith("not a news sitemap")
    empty = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"></urlset>'
    page = parse_feed(empty, content_type="text/xml", base_url="https://e.example/")
    assert page.items == [] and page.kind == "sitemap"


def test_a_huge_feed_is_truncated_and_says_so() -> None:
    items = "".join(
        f"<item><title>Story {n}</title><link>https://e.example/{n}</link></item>"
        for n in range(1200)
    )
    body = f'<rss version="2.0"><channel><title>Big</title>{items}</channel></rss>'.encode()
    page = parse_feed(body, content_type=None, base_url="https://e.example/rss", max_items=50)
    assert len(page.items) == 50 and page.truncated and page.total == 1200
    assert page.items[-1].url == "https://e.example/49"
    assert page.notes == ["the page has 1200 items; the first 50 are read"]


def test_an_html_page_is_not_a_feed() -> None:
    page = b"<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'><title>Home</title>"
    assert refused(page + b"</head><body><p>News<br></body></html>", "text/html") == (
        "not a feed: HTML page"
    )
    assert refused(b"\n<!-- cms -->\n<HTML><body><p>a < b</p></body></HTML>", None) == (
        "not a feed: HTML page"
    )


def test_malformed_xml_says_where() -> None:
    body = b'<?xml version="1.0"?>\n<rss version="2.0">\n<channel><title>x</title\n<item>'
    message = refused(body + b"<title>a</title></item></channel></rss>")
    assert message.startswith("malformed XML at line 4")


def test_a_slightly_broken_feed_is_read_leniently_and_says_so() -> None:
    body = (
        b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>x</title>\n'
        b"<item><title>Fish & chips</title><link>https://e.example/1</link></item>"
        b"</channel></rss>"
    )
    page = parse_feed(body, content_type="application/rss+xml", base_url="https://e.example/")
    assert [item.title for item in page.items] == ["Fish & chips"]
    assert page.notes[0].startswith("malformed XML at line 3") and "leniently" in page.notes[0]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"   \n", "not a feed: the body is empty"),
        (b"Just some words.", "not a feed: neither XML nor JSON"),
        (b"https://127.0.0.1:9/feed.xml", "not a feed: neither XML nor JSON"),  # never fetched
        (b"/etc/passwd", "not a feed: neither XML nor JSON"),  # never opened
        (b'<?xml version="1.0"?><note><to>x</to></note>', "not a feed: no RSS, Atom or JSON"),
        (
            b'{"version": "https://jsonfeed.org/version/1.1", "items": [}',
            "malformed JSON at line 1",
        ),
        (b'{"title": "an API answer"}', "not a feed: JSON without a JSON Feed version"),
        (b"[1, 2, 3]", "not a feed: JSON, but not a JSON Feed object"),
        (b'{"version":"https://jsonfeed.org/version/1","items":' + b"[" * 50_000, "malformed JSON"),
    ],
)
def test_what_is_not_a_feed_is_refused_with_a_reason(body: bytes, message: str) -> None:
    content_type = "application/json" if body.startswith((b"{", b"[")) else None
    assert refused(body, content_type).startswith(message)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
"""
SITEMAP_BOMB = BILLION_LAUGHS + (
    b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
    b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url>'
    b"<loc>https://e.example/&lol9;</loc><news:news><news:title>&lol9;</news:title></news:news>"
    b"</url></urlset>"
)
RSS_BOMB = BILLION_LAUGHS + (
    b'<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title>'
    b"<link>https://e.example/1</link></item></channel></rss>"
)


@pytest.mark.parametrize("body", [SITEMAP_BOMB, RSS_BOMB], ids=["sitemap", "rss"])
def test_a_billion_laughs_is_refused_without_expanding(body: bytes) -> None:
    tracemalloc.start()
    try:
        message = refused(body)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert message.startswith("refused: the XML declares entities")
    assert peak < 5_000_000  # lol9 is 3 GB expanded; nothing near it was built


@pytest.mark.parametrize("root", ["sitemap", "rss"])
def test_an_external_entity_is_never_read(root: str, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-TOKEN")
    doctype = f'<!DOCTYPE r [<!ENTITY xxe SYSTEM "file://{secret}">]>'.encode()
    if root == "sitemap":
        body = (
            b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            b'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"><url>'
            b"<loc>https://e.example/1</loc><news:news><news:title>&xxe;</news:title>"
            b"</news:news></url></urlset>"
        )
    else:
        body = (
            b'<rss version="2.0"><channel><title>&xxe;</title><item><title>&xxe;</title>'
            b"<link>https://e.example/1</link></item></channel></rss>"
        )
    message = refused(b'<?xml version="1.0"?>\n' + doctype + body)
    assert message.startswith("refused: the XML declares entities")
    assert "TOP-SECRET" not in message


def test_an_rss_091_feed_with_the_netscape_dtd_is_still_read() -> None:
    body = (
        b'<?xml version="1.0"?>\n<!DOCTYPE rss PUBLIC'
        b' "-//Netscape Communications//DTD RSS 0.91//EN"'
        b' "http://my.netscape.com/publish/formats/rss-0.91.dtd">\n<rss version="0.91"><channel>'
        b"<title>Old</title><item><title>A</title><link>https://e.example/a</link></item>"
        b"</channel></rss>"
    )
    page = parse_feed(body, content_type="text/xml", base_url="https://e.example/")
    assert page.kind == "rss" and [item.url for item in page.items] == ["https://e.example/a"]


def test_a_feed_mislabelled_as_html_and_in_latin1_is_read() -> None:
    body = (
        '<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>Café</title>'
        "<item><title>Résumé</title><link>https://e.example/r</link></item></channel></rss>"
    ).encode("latin-1")
    page = parse_feed(body, content_type="text/html", base_url="https://e.example/")
    assert page.title == "Café" and page.items[0].title == "Résumé"


def test_content_hash_changes_with_words_or_update_time_only() -> None:
    when = datetime(2026, 11, 30, tzinfo=UTC)
    base = content_hash("Title", "Summary", "<p>Body</p>", when)
    assert base == content_hash("Title", "Summary", "<p>Body</p>", when)
    assert base != content_hash("Title!", "Summary", "<p>Body</p>", when)
    assert base != content_hash("Title", "Summary.", "<p>Body</p>", when)
    assert base != content_hash("Title", "Summary", "<p>Body.</p>", when)
    assert base != content_hash("Title", "Summary", "<p>Body</p>", None)
    # Fields do not run into each other.
    assert content_hash("ab", "c", None, None) != content_hash("a", "bc", None, None)


def test_a_changed_item_gets_a_new_hash_through_the_parser() -> None:
    def first_hash(title: str) -> str:
        body = (
            f'<rss version="2.0"><channel><item><title>{title}</title>'
            "<link>https://e.example/1</link></item></channel></rss>"
        ).encode()
        return (
            parse_feed(body, content_type=None, base_url="https://e.example/").items[0].content_hash
        )

    assert first_hash("Draft") == first_hash("Draft") != first_hash("Corrected")


def test_plain_text_of_an_html_title() -> None:
    assert plain_text("Wind: <em>record</em>  &amp; more") == "Wind: record & more"


def test_an_element_with_thousands_of_attributes_is_refused_before_feedparser() -> None:
    """feedparser's strict reader is quadratic in them (100,000 took minutes)."""
    attributes = b" ".join(b'a%d="1"' % n for n in range(100_000))
    body = b'<rss version="2.0"><channel><item ' + attributes + b"><link>https://e.example/1</link>"
    assert (
        refused(body + b"</item></channel></rss>") == "refused: an element with 100000 attributes"
    )
