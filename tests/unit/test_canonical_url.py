"""canonical_url: the same article under campaign tags, case, ports and shuffled queries is one
URL, and a clean URL canonicalises to exactly what its article id is computed from."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.gateway.ids import article_id, normalise_url
from services.gateway.monitor.canonical import canonical_url, is_tracking_parameter
from shared.models import ArticleSubmission


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("HTTPS://News.Example.COM/World/Story/", "https://news.example.com/World/Story"),
        ("https://news.example.com/a#comments", "https://news.example.com/a"),
        ("https://news.example.com:443/a", "https://news.example.com/a"),
        ("http://news.example.com:80/a", "http://news.example.com/a"),
        ("https://news.example.com:8443/a", "https://news.example.com:8443/a"),  # not default
        ("http://news.example.com:443/a", "http://news.example.com:443/a"),  # not http's
        ("https://news.example.com", "https://news.example.com/"),
        (
            "https://news.example.com/a?utm_source=rss&id=7&utm_medium=feed&fbclid=x1#top",
            "https://news.example.com/a?id=7",
        ),
        (
            "https://news.example.com/a?gclid=1&mc_cid=2&mc_eid=3&ocid=4&cmpid=5",
            "https://news.example.com/a",
        ),
        ("https://news.example.com/a?UTM_Campaign=x&b=2", "https://news.example.com/a?b=2"),
        ("https://news.example.com/a?b=2&a=1&c=3", "https://news.example.com/a?a=1&b=2&c=3"),
        ("https://news.example.com/a?tag=z&tag=y", "https://news.example.com/a?tag=z&tag=y"),
        (
            "https://news.example.com/a?q=caf%C3%A9+bar",
            "https://news.example.com/a?q=caf%C3%A9+bar",
        ),
        ("https://news.example.com/a?&&x=1&", "https://news.example.com/a?x=1"),
        ("  https://news.example.com/a  ", "https://news.example.com/a"),
    ],
)
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_tracking_parameters() -> None:
    assert all(
        is_tracking_parameter(name)
        for name in ("utm_source", "utm_anything", "fbclid", "GCLID", "mc_cid", "ocid", "cmpid")
    )
    assert not any(
        is_tracking_parameter(name) for name in ("id", "page", "utm", "q", "ref_id", "cid")
    )


def test_the_same_story_from_two_feeds_is_one_url() -> None:
    from_rss = "https://News.example.com/world/flood/?utm_source=rss&utm_medium=feed"
    from_sitemap = "https://news.example.com:443/world/flood#main"
    assert canonical_url(from_rss) == canonical_url(from_sitemap)


def test_a_clean_url_keeps_its_article_id() -> None:
    """For a URL with nothing to strip, canonical_url is ids.normalise_url: a feed item's
    canonical URL and the article it is submitted as agree."""
    clean = "https://NEWS.example.com/world/flood/?b=2&page=1#top"
    assert canonical_url(clean) == normalise_url(clean)
    submission = ArticleSubmission(url=canonical_url(clean))
    assert article_id(submission) == article_id(ArticleSubmission(url=clean))


_segment = st.text(alphabet="abcXYZ019-_.~%", min_size=0, max_size=8)
_param = st.tuples(
    st.sampled_from(["a", "b", "Page", "utm_source", "fbclid", "q", "x"]), _segment
).map(lambda pair: f"{pair[0]}={pair[1]}")
_urls = st.builds(
    lambda scheme, host, port, path, params, fragment: (
        f"{scheme}://{host}{port}/{'/'.join(path)}"
        + ("?" + "&".join(params) if params else "")
        + (f"#{fragment}" if fragment else "")
    ),
    st.sampled_from(["http", "https", "HTTPS"]),
    st.sampled_from(["news.example.com", "NEWS.Example.com", "127.0.0.1", "[::1]"]),
    st.sampled_from(["", ":80", ":443", ":8080"]),
    st.lists(_segment, max_size=3),
    st.lists(_param, max_size=4),
    _segment,
)


@given(_urls)
def test_canonical_url_is_idempotent_and_normalised(url: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once
    assert normalise_url(once) == once
    assert "#" not in once and "utm_" not in once and "fbclid" not in once
