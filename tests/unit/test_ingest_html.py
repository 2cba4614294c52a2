"""HTML extraction keeps the story and drops the page around it."""

from datetime import date
from pathlib import Path

from services.ingest.html import extract_html

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

STORY = [
    "The city council approved the new bridge on Monday after a two-year debate.",
    "“This bridge will connect two halves of our city,” said Mayor Ana Costa, who first "
    "proposed the project in 2022 and campaigned on it during the last election.",
    "Construction is expected to start in the spring and to take about three years, with the "
    "regional government paying roughly half of the cost.",
]

PAGE = f"""<!doctype html>
<html><head>
<title>Council approves bridge | Daily Example</title>
<meta property="og:title" content="Council approves bridge">
<meta property="og:site_name" content="Daily Example">
<meta property="article:published_time" content="2024-05-06T08:00:00Z">
</head><body>
<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies?</div>
<nav><a href="/">Home</a> <a href="/politics">Politics</a> <a href="/sport">Sport section</a></nav>
<article>
<h1>Council approves bridge</h1>
<p>{STORY[0]}</p>
<div class="ad-container inline-ad">Advertisement<br>Buy one mattress, get a second free.</div>
<p>{STORY[1]}</p>
<p>{STORY[2]}</p>
</article>
<aside class="related"><h3>Related</h3><a href="/x">Mayor unveils a new ferry timetable</a></aside>
<footer>© 2021 Daily Example Ltd. All rights reserved. Privacy policy</footer>
</body></html>"""

BOILERPLATE = ["cookies", "Politics", "mattress", "Advertisement", "ferry", "rights reserved"]


def test_story_text_and_metadata() -> None:
    page = extract_html(PAGE)
    for paragraph in STORY:
        assert paragraph in page.text
    for junk in BOILERPLATE:
        assert junk not in page.text
    assert page.title == "Council approves bridge"
    assert page.published == date(2024, 5, 6)
    assert page.sitename == "Daily Example"


def test_copyright_year_is_not_a_publication_date() -> None:
    undated = PAGE.replace(
        '<meta property="article:published_time" content="2024-05-06T08:00:00Z">', ""
    )
    assert "2024-05-06" not in undated
    page = extract_html(undated)
    assert page.published is None


def test_fragment_and_bare_text_are_accepted() -> None:
    assert extract_html("<p>Hello world. Short one.</p>").text == "Hello world. Short one."
    assert extract_html("No markup at all.").text.strip() == "No markup at all."
    assert extract_html("<html><body></body></html>").text == ""


def test_wrapper_with_a_boilerplate_name_is_kept_when_it_holds_the_story() -> None:
    page = extract_html(f'<div class="cookie-consent-active"><p>{STORY[2]}</p></div>')
    assert STORY[2] in page.text
    script = "<script>" + "var x = 1;" * 2000 + "</script>"
    wrapped = f'<html><body>{script}<form class="promo">{"".join(STORY)}</form></body></html>'
    assert STORY[2] in extract_html(wrapped).text


def test_seed_pages_lose_their_boilerplate() -> None:
    for name, junk in [
        ("hamburg-flood-walls.html", ["Accept all", "Save 40%", "Most read", "Imprint", "Ferries"]),
        ("kenya-tea-auction.html", ["business account", "I accept", "Trending", "Sign in", "$289"]),
    ]:
        text = extract_html((SEEDS / name).read_text(encoding="utf-8")).text
        assert len(text) > 1500, name
        for phrase in junk:
            assert phrase not in text, (name, phrase)
