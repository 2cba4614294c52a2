"""The summarization stage's output: an extractive summary, sentences in document order."""

from typing import Literal

from pydantic import BaseModel, Field


class SummarySentence(BaseModel):
    index: int = Field(ge=0, description="Document.sentences index")
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    score: float


class Summary(BaseModel):
    schema_version: Literal[1] = 1
    method: str
    method_version: str
    budget: int = Field(ge=0, description="sentences asked for, after applying options")
    sentences: list[SummarySentence] = Field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(s.text for s in self.sentences)
