"""robots.txt: whether a followed site lets us fetch a URL, and how often.

Parsed by the standard library's urllib.robotparser. Its matching is simpler than RFC 9309: rules
are plain path prefixes (no ``*`` or ``$`` wildcards), the first matching rule of a group wins
rather than the longest, and Crawl-delay is read only as whole seconds. It errs both ways on
wildcard rules, so a site relying on them is not fully honoured; that is the known limit here.

What an answer other than 200 means follows RFC 9309 §2.3.1 and the big crawlers: a 4xx means
there is no robots.txt, so everything is allowed; a 5xx, or no answer at all, means the site may
be down or overloaded, so nothing is fetched until a later try says otherwise. 429 (too many
requests) counts as the latter, as Google treats it.
"""

from dataclasses import dataclass
from functools import cached_property
from typing import Literal
from urllib.parse import urlsplit, urlunsplit
from urllib.robotparser import RobotFileParser

# RFC 9309 §2.5: crawlers must parse at least the first 500 KiB; past that they may stop.
ROBOTS_MAX_BYTES = 500 * 1024

Verdict = Literal["rules", "allow_all", "disallow_all"]


@dataclass(frozen=True)
class RobotsRules:
    """A site's robots.txt as read: its rules, or a blanket answer when there is none."""

    verdict: Verdict
    text: str = ""  # the robots.txt body for "rules": enough to cache and rebuild these rules

    @cached_property
    def _parser(self) -> RobotFileParser:
        parser = RobotFileParser()
        parser.parse(self.text.splitlines())
        return parser


ALLOW_ALL = RobotsRules("allow_all")
DISALLOW_ALL = RobotsRules("disallow_all")


def parse_robots(body: bytes | str) -> RobotsRules:
    """The rules of a robots.txt body (UTF-8, read up to ROBOTS_MAX_BYTES)."""
    if isinstance(body, bytes):
        body = body[:ROBOTS_MAX_BYTES].decode("utf-8-sig", errors="replace")
    return RobotsRules("rules", body[:ROBOTS_MAX_BYTES])


def rules_for_status(status: int | None, body: bytes | str | None) -> RobotsRules:
    """The rules an answer to GET /robots.txt gives: ``status`` None when there was no answer
    (connection refused, timed out, DNS failure), as when shared.fetch raises a FetchError whose
    ``status`` is None. A 304 is not handled here: the rules cached before still hold."""
    if status is None:
        return DISALLOW_ALL
    if status == 304:
        raise ValueError("304 Not Modified: keep the rules read before")
    if 200 <= status < 300:
        return parse_robots(body or b"")
    if 300 <= status < 400:
        # Only reached when the fetcher gave up following redirects: RFC 9309 §2.3.1.2 lets a
        # crawler then take robots.txt as unavailable.
        return ALLOW_ALL
    if status == 429:
        return DISALLOW_ALL
    if 400 <= status < 500:
        return ALLOW_ALL
    return DISALLOW_ALL


def allowed(rules: RobotsRules, user_agent: str, url: str) -> bool:
    """Whether ``user_agent`` (matched on its product token, e.g. "Newsflow-monitor") may fetch
    ``url``; robots.txt itself is always allowed."""
    if rules.verdict != "rules":
        return rules.verdict == "allow_all"
    if urlsplit(url).path == "/robots.txt":
        return True
    return rules._parser.can_fetch(user_agent, url)


def crawl_delay(rules: RobotsRules, user_agent: str) -> float | None:
    """The Crawl-delay (seconds) of the group that applies to ``user_agent``, if it gives one."""
    if rules.verdict != "rules":
        return None
    delay = rules._parser.crawl_delay(user_agent)
    return float(delay) if delay is not None else None


def robots_url(url: str) -> str:
    """Where the robots.txt that governs ``url`` lives: its scheme, host and port, /robots.txt."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2].lower()  # never the credentials
    return urlunsplit((parts.scheme.lower(), host, "/robots.txt", "", ""))
