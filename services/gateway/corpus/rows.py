"""The archive's functional core: what one finished article becomes in the archive's tables.

Pure: the same result always gives the same rows, which is what makes an archive write (and
``newsflow reindex``) idempotent.
"""

import struct
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from services.gateway.corpus.keys import entity_key, slug
from shared.models import ArticleResult

# Entities and keyphrases a story match compares: the most salient few carry the event.
STORY_ENTITIES = 8
STORY_TERMS = 10


@dataclass(frozen=True)
class StoryFeatures:
    """What story clustering reads of an article (stories.py)."""

    signature: tuple[int, ...]
    entities: frozenset[str]
    terms: frozenset[str]
    source: str


@dataclass(frozen=True)
class ArchiveRows:
    article: dict[str, Any]
    entities: list[dict[str, Any]]
    places: list[dict[str, Any]]
    story: StoryFeatures


def as_utc(value: date | datetime) -> datetime:
    """A publication date is midnight UTC of that day; a naive time is taken as UTC."""
    if not isinstance(value, datetime):
        return datetime.combine(value, time(), tzinfo=UTC)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def dated_at(result: ArticleResult) -> datetime:
    published = result.document.published_at if result.document else None
    if published is not None:
        return as_utc(published)
    return as_utc(result.finished_at or result.updated_at)


def stored_json(result: ArticleResult) -> str:
    """The result as archived: the document's text lives in its own column, so it is left out."""
    if result.document is None:
        return result.model_dump_json()
    document = result.document.model_copy(update={"text": ""})
    return result.model_copy(update={"document": document}).model_dump_json()


def restored(raw: str, text: str) -> ArticleResult:
    result = ArticleResult.model_validate_json(raw)
    if result.document is not None:
        result.document.text = text
    return result


def article_rows(result: ArticleResult, now: datetime) -> ArchiveRows:
    document, extraction = result.document, result.extraction
    when = dated_at(result)
    owner = result.owner or ""
    article: dict[str, Any] = {
        "id": result.id,
        "owner": owner,
        "run_id": result.run_id,
        "title": document.title if document else None,
        "source": document.source if document else None,
        "url": (document.url if document else None) or result.url,
        "language": document.language if document else None,
        "published_at": as_utc(document.published_at)
        if document and document.published_at
        else None,
        "dated_at": when,
        "day": when.date(),
        "finished_at": result.finished_at,
        "word_count": document.word_count if document else 0,
        "summary": result.summary.text if result.summary else "",
        "text": document.text if document else "",
        "result": stored_json(result),
        "archived_at": now,
    }
    entities: dict[str, dict[str, Any]] = {}
    for entity in extraction.entities if extraction else []:
        key = entity_key(entity.type, entity.name)
        if key.endswith(":"):
            continue  # a name with no word characters has nothing to look up by
        row = entities.get(key)
        if row is None:
            entities[key] = {
                "key": key,
                "owner": owner,
                "type": entity.type,
                "name": entity.name,
                "mentions": entity.count,
                "salience": entity.salience,
                "day": when.date(),
                "dated_at": when,
            }
        else:  # two entities of one article folding to one key: one row, counts summed
            row["mentions"] += entity.count
            row["salience"] = max(row["salience"], entity.salience)
    places: dict[str, dict[str, Any]] = {}
    for place in extraction.places if extraction else []:
        # One row per way the article names the place ("United States", "US", "American"), so
        # a filter by any of them finds it; all carry the place's gazetteer id and pin.
        for key in dict.fromkeys(slug(n) for n in (place.name, *(m.text for m in place.mentions))):
            if key and key not in places:
                places[key] = {
                    "key": key,
                    "name": place.name,
                    "source_id": place.source_id,
                    "country_code": place.country_code,
                    "latitude": place.latitude,
                    "longitude": place.longitude,
                }
    salient = sorted(entities.values(), key=lambda r: (-r["salience"], r["key"]))
    terms = [slug(k.text) for k in extraction.keyphrases] if extraction else []
    story = StoryFeatures(
        signature=tuple(document.minhash) if document else (),
        entities=frozenset(r["key"] for r in salient[:STORY_ENTITIES]),
        terms=frozenset(t for t in terms[:STORY_TERMS] if t),
        source=(document.source if document else None) or "",
    )
    article["minhash"] = pack_signature(story.signature)
    article["story_keys"] = " ".join(sorted(story.entities))
    article["story_terms"] = " ".join(sorted(story.terms))
    return ArchiveRows(article, list(entities.values()), list(places.values()), story)


def pack_signature(signature: tuple[int, ...]) -> bytes:
    return struct.pack(f"<{len(signature)}I", *signature)


def unpack_signature(raw: bytes) -> tuple[int, ...]:
    return struct.unpack(f"<{len(raw) // 4}I", raw)
