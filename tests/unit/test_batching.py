"""How articles are cut into the batches they travel in (shared/batching.py)."""

from shared.batching import groups
from shared.cutting import cut
from shared.models import ArticleSubmission, IngestRequest
from shared.settings import Settings


def test_batches_keep_order_and_hold_at_most_the_article_limit() -> None:
    assert cut(list(range(7)), lambda _: 1, max_items=3, max_chars=100) == [
        [0, 1, 2],
        [3, 4, 5],
        [6],
    ]
    assert cut([], lambda _: 1, max_items=3, max_chars=100) == []


def test_batches_hold_at_most_the_character_limit_and_a_large_article_goes_alone() -> None:
    sizes = [40, 50, 20, 120, 30, 30, 30]
    batches = cut(sizes, lambda n: n, max_items=8, max_chars=100)
    assert batches == [[40, 50], [20], [120], [30, 30, 30]]
    assert all(sum(b) <= 100 or len(b) == 1 for b in batches)


def test_one_article_a_message_when_the_limit_is_one() -> None:
    assert cut(["a", "b"], len, max_items=1, max_chars=100) == [["a"], ["b"]]


def _request(n: int, **submission: str) -> IngestRequest:
    return IngestRequest(
        article_id=f"a{n}", run_id=f"r{n}", submission=ArticleSubmission.model_validate(submission)
    )


def test_a_url_goes_alone_and_text_and_html_are_counted_by_their_characters() -> None:
    settings = Settings(batch_max_articles=8, batch_max_chars=1_000)
    requests = [
        _request(0, text="x" * 300),
        _request(1, html="<p>" + "y" * 300 + "</p>"),
        _request(2, url="https://example.com/a"),
        _request(3, text="z" * 600),
        _request(4, text="w" * 500),
    ]
    cut_ids = [[r.article_id for r in batch] for batch in groups(requests, settings)]
    assert cut_ids == [["a0", "a1"], ["a2"], ["a3"], ["a4"]]
