from services.gateway.ids import article_id, normalise_url
from shared.models import ArticleSubmission


def test_same_content_differently_wrapped_gets_the_same_id() -> None:
    a = ArticleSubmission(text="Putin met Xi.\nThey spoke.")
    b = ArticleSubmission(text="  Putin  met Xi.\n\n They spoke. ", title="ignored for identity")
    assert article_id(a) == article_id(b)


def test_different_content_or_kind_gets_a_different_id() -> None:
    text = ArticleSubmission(text="<p>Putin met Xi.</p>")
    html = ArticleSubmission(html="<p>Putin met Xi.</p>")
    other = ArticleSubmission(text="Putin met Biden.")
    assert len({article_id(text), article_id(html), article_id(other)}) == 3


def test_urls_normalise_host_case_fragment_and_trailing_slash() -> None:
    assert normalise_url("HTTPS://Example.ORG/news/1/#top") == "https://example.org/news/1"
    a = ArticleSubmission(url="https://example.org/news/1")
    b = ArticleSubmission(url="https://EXAMPLE.org/news/1/#comments")
    assert article_id(a) == article_id(b)
