"""robots.txt rules: what a site's file allows, and what an error answer means."""

import pytest

from services.gateway.monitor.robots import (
    ROBOTS_MAX_BYTES,
    allowed,
    crawl_delay,
    parse_robots,
    robots_url,
    rules_for_status,
)

AGENT = "Newsflow-monitor/0.1 (+https://github.com/newsflow)"
ROBOTS = b"""\xef\xbb\xbf# robots.txt for news.example.com
User-agent: *
Disallow: /private/
Disallow: /search
Allow: /

User-agent: Newsflow-monitor
Disallow: /premium/
Crawl-delay: 10

User-agent: GPTBot
Disallow: /
"""


def test_a_group_for_our_agent_applies_instead_of_the_default() -> None:
    rules = rules_for_status(200, ROBOTS)
    assert allowed(rules, AGENT, "https://news.example.com/world/flood")
    assert not allowed(rules, AGENT, "https://news.example.com/premium/long-read")
    # Our group replaces "*": its Disallow lines are the ones that count for us.
    assert allowed(rules, AGENT, "https://news.example.com/private/x")
    assert crawl_delay(rules, AGENT) == 10.0


def test_the_default_group_applies_to_other_agents() -> None:
    rules = parse_robots(ROBOTS)
    other = "OtherBot/2.0"
    assert not allowed(rules, other, "https://news.example.com/private/x")
    assert not allowed(rules, other, "https://news.example.com/search?q=flood")
    assert allowed(rules, other, "https://news.example.com/world/flood")
    assert crawl_delay(rules, other) is None
    assert not allowed(rules, "GPTBot/1.1", "https://news.example.com/world/flood")


def test_robots_txt_itself_is_always_allowed() -> None:
    rules = rules_for_status(200, b"User-agent: *\nDisallow: /\n")
    assert not allowed(rules, AGENT, "https://news.example.com/feed.xml")
    assert allowed(rules, AGENT, "https://news.example.com/robots.txt")


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (404, True),  # no robots.txt: everything allowed
        (410, True),
        (401, True),
        (403, True),
        (301, True),  # the fetcher gave up following redirects: unavailable
        (429, False),  # too many requests: as a server error
        (500, False),  # the site may be down: nothing until a later try
        (503, False),
        (None, False),  # no answer at all
    ],
)
def test_error_answers(status: int | None, expected: bool) -> None:
    rules = rules_for_status(status, b"User-agent: *\nDisallow: /\n")  # the body is ignored
    assert allowed(rules, AGENT, "https://news.example.com/world/flood") is expected
    assert crawl_delay(rules, AGENT) is None


def test_a_304_is_the_caller_keeping_its_rules() -> None:
    with pytest.raises(ValueError, match="304"):
        rules_for_status(304, None)


def test_an_empty_or_garbage_file_allows_everything() -> None:
    assert allowed(rules_for_status(200, b""), AGENT, "https://e.example/a")
    assert allowed(rules_for_status(204, None), AGENT, "https://e.example/a")
    assert allowed(parse_robots(b"<html>Not found</html>"), AGENT, "https://e.example/a")


def test_only_the_first_500_kib_are_read() -> None:
    padding = b"# padding\n" * (ROBOTS_MAX_BYTES // 10 + 1)
    rules = parse_robots(b"User-agent: *\nDisallow: /a/\n" + padding + b"Disallow: /b/\n")
    assert not allowed(rules, AGENT, "https://e.example/a/1")
    assert allowed(rules, AGENT, "https://e.example/b/1")


def test_rules_can_be_rebuilt_from_what_they_keep() -> None:
    rules = parse_robots(ROBOTS)
    again = rules_for_status(200, rules.text)
    assert again == rules
    assert not allowed(again, AGENT, "https://news.example.com/premium/x")


def test_robots_url() -> None:
    assert robots_url("HTTPS://user:pw@News.Example.com:8443/a/b?c#d") == (
        "https://news.example.com:8443/robots.txt"
    )
