"""Story clustering: its pure core, and a rewrite joining its original through a SQLite archive."""

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from services.gateway.corpus import stories
from services.gateway.corpus.rows import StoryFeatures
from services.gateway.corpus.stories import Candidate, band_hashes, best_match
from shared.models import ArticleResult

FIXTURES = Path(__file__).parents[1] / "fixtures" / "summaries-small.jsonl"
WHEN = datetime(2005, 1, 10, 9, tzinfo=UTC)
SIGNATURE = tuple(range(1000, 1064))


def _signature(shared: int) -> tuple[int, ...]:
    """A signature agreeing with SIGNATURE in its first ``shared`` of 64 positions."""
    return SIGNATURE[:shared] + tuple(range(5000, 5000 + 64 - shared))


def _features(
    signature: tuple[int, ...] = SIGNATURE,
    entities: frozenset[str] = frozenset(),
    terms: frozenset[str] = frozenset(),
) -> StoryFeatures:
    return StoryFeatures(signature=signature, entities=entities, terms=terms, source="s")


def _candidate(
    pk: int,
    signature: tuple[int, ...] = (),
    entities: frozenset[str] = frozenset(),
    terms: frozenset[str] = frozenset(),
) -> Candidate:
    return Candidate(pk, pk * 10, WHEN, signature, entities, terms)


def test_band_hashes_are_deterministic_and_one_per_band() -> None:
    bands = band_hashes(SIGNATURE)
    assert bands == band_hashes(list(SIGNATURE))
    assert [b for b, _ in bands] == list(range(stories.BANDS))
    assert all(-(2**63) <= h < 2**63 for _, h in bands)
    assert band_hashes(()) == []


def test_band_hashes_change_only_with_their_band() -> None:
    changed = (0, *SIGNATURE[1:])
    same = [a == b for a, b in zip(band_hashes(SIGNATURE), band_hashes(changed), strict=True)]
    assert same == [False] + [True] * (stories.BANDS - 1)


def test_a_near_duplicate_beats_a_closer_event_match() -> None:
    people = frozenset({"person:a", "person:b", "org:c"})
    features = _features(entities=people, terms=frozenset({"x", "y"}))
    event = _candidate(1, _signature(0), people, frozenset({"x", "y"}))
    duplicate = _candidate(2, _signature(60))
    assert best_match(features, WHEN, [event, duplicate]) == duplicate


def test_the_most_similar_duplicate_wins() -> None:
    weaker, stronger = _candidate(1, _signature(40)), _candidate(2, _signature(62))
    assert best_match(_features(), WHEN, [weaker, stronger]) == stronger


def _at(similarity: float) -> int:
    """The fewest agreeing positions of 64 that reach ``similarity``."""
    return next(n for n in range(65) if n / 64 >= similarity)


def test_duplicate_thresholds_are_honoured_near_and_far() -> None:
    far = WHEN + stories.EVENT_WINDOW + timedelta(days=30)
    for when, threshold in (
        (WHEN, stories.CLOSE_DUPLICATE_SIMILARITY),
        (far, stories.DUPLICATE_SIMILARITY),
    ):
        at = _at(threshold)
        assert best_match(_features(), when, [_candidate(1, _signature(at))]) is not None
        assert best_match(_features(), when, [_candidate(1, _signature(at - 1))]) is None


def test_an_old_article_needs_more_shared_text_than_a_recent_one() -> None:
    assert stories.CLOSE_DUPLICATE_SIMILARITY < stories.DUPLICATE_SIMILARITY


def test_event_match_needs_enough_shared_entities() -> None:
    needed = stories.EVENT_SHARED_ENTITIES
    keys = frozenset(f"person:{i}" for i in range(needed))
    terms = frozenset({"budget", "deficit"})
    features = _features(_signature(0), keys, terms)
    assert best_match(features, WHEN, [_candidate(1, (), keys, terms)]) is not None
    fewer = frozenset(sorted(keys)[: needed - 1]) | {"person:other"}
    assert best_match(features, WHEN, [_candidate(1, (), fewer, terms)]) is None


def test_event_similarity_threshold_is_honoured() -> None:
    keys = frozenset(f"person:{i}" for i in range(stories.EVENT_SHARED_ENTITIES))
    features = _features(_signature(0), keys | {f"org:{i}" for i in range(20)})
    candidate = _candidate(1, (), keys)
    assert stories.event_similarity(features, candidate) < stories.EVENT_SIMILARITY
    assert best_match(features, WHEN, [candidate]) is None


def test_an_event_match_must_be_within_the_window_a_duplicate_need_not() -> None:
    keys = frozenset(f"person:{i}" for i in range(stories.EVENT_SHARED_ENTITIES))
    features = _features(_signature(0), keys, frozenset({"budget"}))
    far = WHEN + stories.EVENT_WINDOW + timedelta(hours=1)
    event = Candidate(1, 10, far, (), keys, frozenset({"budget"}))
    assert best_match(features, WHEN, [event]) is None
    assert best_match(features, far - timedelta(hours=2), [event]) == event
    duplicate = Candidate(2, 20, far + timedelta(days=300), SIGNATURE, frozenset(), frozenset())
    assert best_match(_features(), WHEN, [duplicate]) == duplicate


def _rewrite(text: str) -> str:
    """A wire rewrite: dateline, a few words changed, a boilerplate line."""
    edited = text.replace(" will ", " is to ", 1).replace(" said ", " stated ", 1)
    return f"LONDON (Newswire) - {edited}\n\nCopyright 2005 Newswire. All rights reserved."


@pytest.fixture(scope="module")
def results() -> dict[str, ArticleResult]:
    """Results of three fixture articles and of a rewrite of the first, built by the cores."""
    from services.extraction.core import extract, load_pipeline
    from services.ingest.core import build_document
    from services.summarization.core import summarize
    from shared.models import ArticleSubmission, StageStatus
    from shared.settings import Settings

    rows = [json.loads(line) for line in FIXTURES.read_text(encoding="utf-8").splitlines()][:3]
    inputs = [
        (r["id"], r["title"], r["article"], "bbc", WHEN + timedelta(hours=i))
        for i, r in enumerate(rows)
    ]
    lead = rows[0]
    inputs.append(
        ("rewrite", lead["title"], _rewrite(lead["article"]), "newswire", WHEN + timedelta(days=1))
    )
    settings = Settings()
    pipeline = load_pipeline(settings)
    out = {}
    for article_id, title, text, source, when in inputs:
        submission = ArticleSubmission(text=text, title=title, source=source, published_at=when)
        document = build_document(article_id, submission, settings)
        out[article_id] = ArticleResult(
            id=article_id,
            run_id="r",
            status="done",
            content_type="text",
            submitted_at=when,
            updated_at=when,
            finished_at=when,
            document=document,
            extraction=extract(pipeline, document),
            summary=summarize(document, submission.options.summary, settings),
            stages={
                s: StageStatus(status="done") for s in ("ingest", "extraction", "summarization")
            },
        )
    return out


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    from services.gateway.corpus.database import connect, upgrade

    e = connect(f"sqlite:///{tmp_path}/archive.db")
    upgrade(e)
    yield e
    e.dispose()


def test_a_rewrite_joins_its_originals_story_in_the_archive(
    results: dict[str, ArticleResult], engine: Engine
) -> None:
    from services.gateway.corpus import archive

    ids = {r.id: archive.archive(engine, r) for r in results.values()}
    assert ids["rewrite"] == ids["fixture/lead"]
    others = [ids["fixture/lead"], ids["fixture/later"], ids["fixture/headline-repeated"]]
    assert len(set(others)) == 3


def test_the_band_query_seeks_each_band_on_sqlite(tmp_path: Path) -> None:
    """Each (owner, band, hash) arm is one index seek. With the owner outside the OR, SQLite read
    every band row of the owner, so archiving an article cost more the larger the archive."""
    from sqlalchemy.dialects import sqlite

    from services.gateway.corpus.database import connect, upgrade
    from services.gateway.corpus.stories import BANDS, _same_band

    engine = connect(f"sqlite:///{tmp_path / 'archive.db'}")
    upgrade(engine)
    sql = str(_same_band().compile(dialect=sqlite.dialect()))
    params = tuple(range(sql.count("?")))
    with engine.connect() as conn:
        plan = [row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {sql}", params)]
    seeks = [step for step in plan if step.startswith("SEARCH article_bands")]
    assert len(seeks) == BANDS, plan
    assert all("(owner=? AND band=? AND hash=?)" in step for step in seeks), plan
