"""RFC 9457 problem details: the body of every error the gateway answers, as the API documents it.

The gateway writes these bodies itself (``services/gateway/problems.py``); this model is what its
OpenAPI promises, so a test can hold every real answer to it.
"""

from pydantic import BaseModel, ConfigDict, Field


class FieldError(BaseModel):
    """One reason a request was refused, and where in the request it lies."""

    model_config = ConfigDict(extra="forbid")

    field: str = Field(description="where: body.text, query.since, header.content-type, ...")
    reason: str


class ProblemDetails(BaseModel):
    """``application/problem+json``: ``detail`` and ``errors`` appear only when there is one."""

    model_config = ConfigDict(extra="forbid")

    type: str = Field("about:blank", description="a URI naming the problem; about:blank: none")
    title: str = Field(description="short, the same for every problem of this kind")
    status: int = Field(ge=400, le=599, description="the HTTP status code of the response")
    detail: str | None = Field(None, description="what went wrong with this request")
    errors: list[FieldError] | None = Field(None, description="each field that was refused")
