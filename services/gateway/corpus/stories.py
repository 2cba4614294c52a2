"""Story clusters: each archived article joins the story of its best earlier match, or starts one.

Candidates come from two indexes, so a new article never compares against all:
- **bands**: ingest's 64-value MinHash signature is cut into ``BANDS`` bands; articles sharing
  any band's hash are candidates from any date (locality-sensitive hashing);
- **entities**: articles within ``EVENT_WINDOW`` sharing at least ``EVENT_SHARED_ENTITIES`` of
  their most salient entities.
A candidate is a **near-duplicate** (a rewrite of one wire copy) when the signatures' estimated
Jaccard similarity reaches ``DUPLICATE_SIMILARITY``, or only ``CLOSE_DUPLICATE_SIMILARITY`` within
``EVENT_WINDOW``: a recent article already sharing salient entities needs little shared wording to
be the same copy cut short and re-edited. It is **the same event from another source** when it
lies within the window and the overlap of salient entities and keyphrases (``event_similarity``)
reaches ``EVENT_SIMILARITY``. Clustering is incremental and single-link to the best match: an
article that bridges two stories joins the better one (stories are not merged), and ``newsflow
reindex`` replays every article in date order. ``newsflow eval stories`` measures the thresholds
(docs/corpus.md, "Story clusters"; figures below are its train half).
"""

import hashlib
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import (
    Connection,
    Select,
    and_,
    bindparam,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)

from services.gateway.corpus.rows import StoryFeatures, as_utc, unpack_signature
from services.gateway.corpus.tables import article_bands, article_entities, articles, stories

# 16 bands of 4 rows: band candidates from an estimated Jaccard of about (1/16)^(1/4) = 0.5, the
# duplicate cut for any date. 32 bands of 2 found no more rewrites and joined 30 more wrong pairs.
BANDS = 16
DUPLICATE_SIMILARITY = 0.5
# Within EVENT_WINDOW, 4 of 64 values: a cut or heavily edited rewrite agrees with its original
# in a median 0.41 / 0.25 of values, a tenth of them under 0.11 / 0.09. Pair F1 0.9879 (5 wrong
# pairs); 2/64 0.9829 (18), 5/64 0.9808 (4), 7/64 0.9742 (1), 0.5 as for any date 0.8627.
CLOSE_DUPLICATE_SIMILARITY = 0.05
EVENT_WINDOW = timedelta(days=3)
EVENT_SHARED_ENTITIES = 2
# Event matches: 0.4 with entities at 0.4 of the score joins no pair the duplicates do not (F1
# 0.9879, as with events off); 0.3 with entities at 0.6 (the first guess) 0.9801, 21 wrong pairs.
EVENT_SIMILARITY = 0.4
ENTITY_WEIGHT = 0.4  # of event_similarity; the rest is keyphrase overlap
MAX_CANDIDATES = 200


@dataclass(frozen=True)
class Candidate:
    pk: int
    story_id: int | None
    dated_at: datetime
    signature: tuple[int, ...]
    entities: frozenset[str]
    terms: frozenset[str]


def band_hashes(signature: Sequence[int]) -> list[tuple[int, int]]:
    """(band, signed 64-bit hash of the band's values); none for an empty signature."""
    if not signature:
        return []
    rows = len(signature) // BANDS
    out = []
    for band in range(BANDS):
        chunk = struct.pack(f"<{rows}I", *signature[band * rows : (band + 1) * rows])
        digest = hashlib.blake2b(chunk, digest_size=8).digest()
        out.append((band, int.from_bytes(digest, "little", signed=True)))
    return out


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def signature_similarity(a: Sequence[int], b: Sequence[int]) -> float:
    if not a or len(a) != len(b):
        return 0.0
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def event_similarity(a: StoryFeatures, b: Candidate) -> float:
    return ENTITY_WEIGHT * jaccard(a.entities, b.entities) + (1 - ENTITY_WEIGHT) * jaccard(
        a.terms, b.terms
    )


def best_match(
    features: StoryFeatures, when: datetime, candidates: Sequence[Candidate]
) -> Candidate | None:
    """The functional core: the candidate this article (dated ``when``) should join, if any.

    A near-duplicate beats an event match; among equals, the most similar, then the earliest.
    An event match must lie within ``EVENT_WINDOW``: a band candidate may be from any date.
    """
    scored: list[tuple[int, float, datetime, int, Candidate]] = []
    for c in candidates:
        dup = signature_similarity(features.signature, c.signature)
        close = abs(as_utc(c.dated_at) - as_utc(when)) <= EVENT_WINDOW
        if dup >= (CLOSE_DUPLICATE_SIMILARITY if close else DUPLICATE_SIMILARITY):
            scored.append((1, dup, as_utc(c.dated_at), c.pk, c))
            continue
        if not close:
            continue
        shared = len(features.entities & c.entities)
        event = event_similarity(features, c)
        if shared >= EVENT_SHARED_ENTITIES and event >= EVENT_SIMILARITY:
            scored.append((0, event, as_utc(c.dated_at), c.pk, c))
    if not scored:
        return None
    return max(scored, key=lambda s: (s[0], s[1], -s[2].timestamp(), -s[3]))[4]


@cache
def _same_band() -> Select[int]:
    """Articles sharing a band with the given hashes: built once (building this OR afresh for
    each archived article cost more CPU than running it). The owner is repeated in every arm of
    the OR, so each arm is one seek on the (owner, band, hash) index; with it outside the OR,
    SQLite's plan read every band row of the owner, which grew with the archive."""
    b = article_bands.c
    same_band = or_(
        *(
            and_(b.owner == bindparam("owner"), b.band == i, b.hash == bindparam(f"hash{i}"))
            for i in range(BANDS)
        )
    )
    return (
        select(b.article_pk)
        .where(same_band, b.article_pk != bindparam("pk"))
        .distinct()
        .limit(MAX_CANDIDATES)
    )


@cache
def _sharing_entities() -> Select[int]:
    """Articles near in time that share enough salient entities (built once, like the bands)."""
    e = article_entities.c
    return (
        select(e.article_pk)
        .where(
            e.owner == bindparam("owner"),
            e.key.in_(bindparam("keys", expanding=True)),
            e.day.between(bindparam("first"), bindparam("last")),
            e.article_pk != bindparam("pk"),
        )
        .group_by(e.article_pk)
        .having(func.count() >= EVENT_SHARED_ENTITIES)
        .limit(MAX_CANDIDATES)
    )


@cache
def _candidate_rows() -> Select[tuple[int, int, datetime, bytes, str, str]]:
    a = articles.c
    return select(a.pk, a.story_id, a.dated_at, a.minhash, a.story_keys, a.story_terms).where(
        a.pk.in_(bindparam("pks", expanding=True)), a.story_id.is_not(None)
    )


_s = stories.c
_NEW_STORY = insert(stories).returning(_s.id)
_STORY = select(stories).where(_s.id == bindparam("story_id"))
# The story's dates and first article come with the parameters; its size counts up here.
_GROW_STORY = update(stories).where(_s.id == bindparam("story_id")).values(size=_s.size + 1)
_JOIN_STORY = (
    update(articles)
    .where(articles.c.pk == bindparam("article_pk"))
    .values(story_id=bindparam("story_id"))
)


def _candidates(
    conn: Connection, pk: int, owner: str, when: datetime, features: StoryFeatures
) -> list[Candidate]:
    pks: set[int] = set()
    bands = band_hashes(features.signature)
    if bands:
        params = {f"hash{band}": value for band, value in bands}
        found = conn.execute(_same_band(), {"owner": owner, "pk": pk, **params})
        pks.update(int(p) for (p,) in found)
    if len(features.entities) >= EVENT_SHARED_ENTITIES:
        found = conn.execute(
            _sharing_entities(),
            {
                "owner": owner,
                "keys": sorted(features.entities),
                "first": (when - EVENT_WINDOW).date(),
                "last": (when + EVENT_WINDOW).date(),
                "pk": pk,
            },
        )
        pks.update(int(p) for (p,) in found)
    if not pks:
        return []
    rows = conn.execute(_candidate_rows(), {"pks": sorted(pks)})
    return [
        Candidate(
            pk=int(r.pk),
            story_id=int(r.story_id),
            dated_at=r.dated_at,
            signature=unpack_signature(r.minhash),
            entities=frozenset(r.story_keys.split()),
            terms=frozenset(r.story_terms.split()),
        )
        for r in rows
    ]


def assign(conn: Connection, pk: int, owner: str, when: datetime, features: StoryFeatures) -> int:
    """Put the archived article ``pk`` into a story (its bands indexed first); its story id."""
    bands = band_hashes(features.signature)
    if bands:
        conn.execute(
            insert(article_bands),
            [{"article_pk": pk, "band": b, "hash": h, "owner": owner} for b, h in bands],
        )
    match = best_match(features, when, _candidates(conn, pk, owner, when, features))
    if match is None or match.story_id is None:
        story_id = int(
            conn.execute(
                _NEW_STORY,
                {
                    "owner": owner,
                    "first_article_pk": pk,
                    "earliest_at": when,
                    "latest_at": when,
                    "size": 1,
                },
            ).scalar_one()
        )
    else:
        story_id = match.story_id
        story = conn.execute(_STORY, {"story_id": story_id}).one()
        earlier = as_utc(when) < as_utc(story.earliest_at)
        conn.execute(
            _GROW_STORY,
            {
                "story_id": story_id,
                "earliest_at": when if earlier else story.earliest_at,
                "first_article_pk": pk if earlier else story.first_article_pk,
                "latest_at": max(as_utc(when), as_utc(story.latest_at)),
            },
        )
    conn.execute(_JOIN_STORY, {"article_pk": pk, "story_id": story_id})
    return story_id


def remove(conn: Connection, pk: int, story_id: int | None) -> None:
    """Take ``pk`` out of its story (before it is deleted or re-archived)."""
    conn.execute(delete(article_bands).where(article_bands.c.article_pk == pk))
    if story_id is None:
        return
    a, s = articles.c, stories.c
    rest = conn.execute(
        select(a.pk, a.dated_at)
        .where(a.story_id == story_id, a.pk != pk)
        .order_by(a.dated_at, a.pk)
    ).all()
    if not rest:
        conn.execute(delete(stories).where(s.id == story_id))
        return
    conn.execute(
        update(stories)
        .where(s.id == story_id)
        .values(
            size=len(rest),
            first_article_pk=rest[0].pk,
            earliest_at=rest[0].dated_at,
            latest_at=max(as_utc(r.dated_at) for r in rest),
        )
    )
