"""``newsflow submit`` cuts what it sends into batch requests (services/cli/submit.py)."""

from services.cli.submit import requests


def items(*sizes: int) -> list[tuple[str, dict[str, object]]]:
    return [(f"f{n}", {"text": "x" * size}) for n, size in enumerate(sizes)]


def test_requests_keep_order_and_hold_at_most_size_articles() -> None:
    cut = requests(items(*[10] * 7), size=3)
    assert [[label for label, _ in group] for group in cut] == [
        ["f0", "f1", "f2"],
        ["f3", "f4", "f5"],
        ["f6"],
    ]
    assert requests([], size=3) == []


def test_requests_stay_under_the_byte_budget_unless_one_article_is_larger() -> None:
    cut = requests(items(400, 400, 900, 200), size=50, max_bytes=1000)
    assert [[label for label, _ in group] for group in cut] == [["f0", "f1"], ["f2"], ["f3"]]
    alone = requests(items(5000, 10), size=50, max_bytes=1000)
    assert [[label for label, _ in group] for group in alone] == [["f0"], ["f1"]]
