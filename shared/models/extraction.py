"""The extraction stage's output: who, what, where and when an article is about."""

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

# OntoNotes labels that name things; numbers, amounts and times are not entities (DATE -> dates).
ENTITY_TYPES = frozenset(
    {
        "PERSON",
        "ORG",
        "GPE",
        "LOC",
        "NORP",
        "EVENT",
        "FAC",
        "PRODUCT",
        "WORK_OF_ART",
        "LAW",
        "LANGUAGE",
        "MISC",
    }
)


class Mention(BaseModel):
    start: int = Field(ge=0, description="character offset into Document.text")
    end: int = Field(ge=0, description="exclusive")
    text: str
    sentence: int = Field(ge=0)


class Entity(BaseModel):
    id: str = Field(description="stable within the article: TYPE:canonical-name")
    name: str = Field(description="canonical name: the longest full form used in the article")
    type: str = Field(description="OntoNotes-style: PERSON, ORG, GPE, LOC, NORP, EVENT, FAC, ...")
    count: int = Field(ge=1)
    first_offset: int = Field(ge=0)
    salience: float = Field(ge=0, le=1)
    mentions: list[Mention]


class DateMention(BaseModel):
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    sentence: int = Field(ge=0)
    value: date | None = Field(None, description="ISO date (start of a range or period)")
    end_value: date | None = Field(None, description="end of a range, if the text gives one")
    granularity: (
        Literal["day", "week", "month", "quarter", "half", "season", "year", "decade", "century"]
        | None
    ) = None
    type: Literal["DATE", "TIME", "DURATION", "SET"] = Field(
        "DATE", description="TIMEX3 type; durations and sets carry no calendar value"
    )
    timex: str | None = Field(
        None,
        description="TIMEX3 value: 1998-01-08, 1998-W32, 1998-Q1, 1998-SU, 199, PRESENT_REF, P3M",
    )


class Quote(BaseModel):
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    sentence: int = Field(ge=0)
    speaker: str | None = None
    speaker_entity: str | None = Field(None, description="Entity.id of the speaker")
    speaker_start: int | None = Field(
        None, ge=0, description="start of the words naming the speaker at the attribution"
    )
    speaker_end: int | None = Field(None, ge=0, description="end of those words (exclusive)")


class Place(BaseModel):
    entity: str | None = Field(
        None, description="Entity.id; None for a place named inside another name's mention"
    )
    name: str = Field(description="the gazetteer's name when resolved, else the text's")
    country_code: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    source_id: str | None = Field(None, description="e.g. geonames:2022890")
    feature: (
        Literal["continent", "country", "admin1", "admin2", "city", "region", "water"] | None
    ) = Field(None, description="what kind of place the pin stands for")
    mentions: list[Mention] = Field(
        default_factory=list,
        description="every span naming this place: its entity's mentions, a nationality "
        "adjective of a country ('Russian'), a place inside a longer name ('Ohio' in 'Ohio "
        "State Police')",
    )


class Keyphrase(BaseModel):
    text: str
    score: float = Field(ge=0)
    count: int = Field(ge=1)


class Extraction(BaseModel):
    schema_version: Literal[1] = 1
    model: str = Field(description="NER model name and version")
    entities: list[Entity] = Field(default_factory=list)
    dates: list[DateMention] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    places: list[Place] = Field(default_factory=list)
    keyphrases: list[Keyphrase] = Field(default_factory=list)
    warnings: list[str] = Field(
        default_factory=list, description="why parts of this result deserve less trust"
    )
