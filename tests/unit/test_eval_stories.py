"""The story evaluation's stream construction and scoring, on tiny hand-made inputs."""

import random
from datetime import datetime, timedelta

import pytest

from services.evaluation.stories import (
    VARIANT_KINDS,
    VARIANT_LAG,
    Item,
    PairScore,
    category_of,
    duplicate_recall,
    hard_negatives,
    joined,
    natural_groups,
    pairwise,
    purity,
    rewrite,
    same_cluster_pairs,
    score,
    stream,
)
from services.ingest.minhash import shingles

TEXT = (
    "The council said on Monday it would close the old bridge. Engineers found cracks.\n\n"
    "Drivers will use the coast road, the company said. The detour adds about twenty minutes.\n\n"
    "The bridge opened in 1962. Its last repair was in 1998.\n\n"
    "Shops near the bridge expect fewer customers, people said."
)


def _records(n: int) -> list[dict[str, str]]:
    cats = ("business", "sport")
    return [
        {
            "id": f"bbc/{cats[i % 2]}/{i:03d}",
            "title": f"Title {i}",
            "article": TEXT.replace("bridge", f"bridge{i}"),
        }
        for i in range(n)
    ]


def test_pairwise_counts_pairs_against_gold() -> None:
    gold = {"a": 1, "b": 1, "c": 1, "d": 2}
    predicted = {"a": 7, "b": 7, "c": 8, "d": 8}
    s = pairwise(gold, predicted)
    assert s == PairScore(true_positives=1, predicted=2, gold=3)
    assert s.precision == 0.5
    assert s.recall == pytest.approx(1 / 3)
    assert s.f1 == pytest.approx(0.4)


def test_pairwise_of_singletons_is_perfect_by_convention() -> None:
    s = pairwise({"a": 1, "b": 2}, {"a": 1, "b": 2})
    assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0)


def test_same_cluster_pairs_are_sorted_and_within_clusters() -> None:
    assert same_cluster_pairs({"b": 1, "a": 1, "c": 2}) == {("a", "b")}


def test_purity_takes_each_clusters_majority() -> None:
    labels = {"a": "x", "b": "x", "c": "y", "d": "y"}
    assert purity(labels, {"a": 1, "b": 1, "c": 1, "d": 2}) == 0.75
    assert purity(labels, {"a": 1, "b": 2, "c": 3, "d": 4}) == 1.0
    assert purity(labels, {}) == 1.0


def test_joined_counts_pairs_in_one_cluster() -> None:
    assert joined([("a", "b"), ("a", "c")], {"a": 1, "b": 1, "c": 2}) == (1, 2)


def test_category_comes_from_the_id() -> None:
    assert category_of("bbc/business/001") == "business"
    assert category_of("plain") == "plain"


def test_natural_groups_join_only_copies() -> None:
    other = "A completely different text about football and a late winning goal in the cup."
    groups = natural_groups({"a": TEXT, "b": TEXT + " One more line.", "c": other})
    assert groups["a"] == groups["b"] != groups["c"]


def test_each_rewrite_changes_the_text_but_keeps_much_of_it() -> None:
    original = shingles(TEXT)
    for kind in VARIANT_KINDS:
        text = rewrite(TEXT, kind, random.Random(3), "Newswire")
        assert text != TEXT
        kept = shingles(text)
        assert len(original & kept) / len(original | kept) > 0.2, kind


def test_rewrites_are_seeded() -> None:
    a = rewrite(TEXT, "heavy", random.Random("s"), "Newswire")
    assert a == rewrite(TEXT, "heavy", random.Random("s"), "Newswire")


def test_stream_dates_variants_after_their_original_under_another_source() -> None:
    items = stream(_records(40), seed=1)
    assert items == stream(_records(40), seed=1)
    assert [i.published for i in items] == sorted(i.published for i in items)
    by_id = {i.id: i for i in items}
    variants = [i for i in items if i.kind != "original"]
    assert variants
    for v in variants:
        original = by_id[v.group]
        assert v.source != original.source
        assert timedelta(0) <= v.published - original.published <= VARIANT_LAG
        assert v.category == original.category


def test_hard_negatives_are_same_category_and_close_in_time() -> None:
    items = stream(_records(40), seed=1)
    by_id = {i.id: i for i in items}
    pairs = hard_negatives(items)
    assert pairs
    for a, b in pairs:
        assert by_id[a].category == by_id[b].category
        assert abs(by_id[a].published - by_id[b].published) <= timedelta(hours=12)
        assert all(i.group != b for i in items if i.kind != "original")


def _item(id_: str, group: str, kind: str = "original", category: str = "x") -> Item:
    return Item(id_, group, category, kind, "s", datetime(2005, 1, 1), "", "")


def test_duplicate_recall_per_kind() -> None:
    items = [
        _item("a", "a"),
        _item("a~wire", "a", "wire"),
        _item("a~cut", "a", "cut"),
        _item("b", "b"),
    ]
    recall = duplicate_recall(items, {"a": 1, "a~wire": 1, "a~cut": 2, "b": 3})
    assert recall["wire"] == (1, 1)
    assert recall["cut"] == (0, 1)
    assert recall["all"] == (1, 2)


def test_score_counts_wrong_joins_and_category_purity() -> None:
    items = [
        _item("a", "a", category="x"),
        _item("a~wire", "a", "wire", category="x"),
        _item("b", "b", category="x"),
        _item("c", "c", category="y"),
    ]
    stories = {"a": 1, "a~wire": 1, "b": 2, "c": 2}
    figures = score(items, stories, {"a": "a", "b": "b", "c": "c"})
    assert figures["wrong_pairs"] == 1
    assert figures["pair_precision"] == 0.5
    assert figures["pair_recall"] == 1.0
    assert figures["category_purity"] == pytest.approx(2 / 3, abs=1e-4)
    assert figures["stories"] == 2


def test_set_overrides_are_typed_like_the_constants_they_replace() -> None:
    from services.cli.eval_stories import overrides

    values = overrides(["EVENT_WINDOW=2", "BANDS=32", "EVENT_SIMILARITY=0.25"])
    assert values == {"EVENT_WINDOW": timedelta(days=2), "BANDS": 32, "EVENT_SIMILARITY": 0.25}
    with pytest.raises(SystemExit):
        overrides(["MAX_CANDIDATES=5"])
