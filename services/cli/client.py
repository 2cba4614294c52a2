"""A typed Python client of the gateway's API: what the ``newsflow`` CLI uses, and what a script
can import (``from services.cli.client import NewsflowClient``).

Answers come back as the ``shared`` models the gateway serves. A ``429`` or ``503`` is retried,
waiting what ``Retry-After`` says (capped), a few times; any other refusal raises ``Refused``
with the problem+json body, so a caller can read which field was wrong and why.
"""

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import quote

import httpx

from shared.models import ArticleEvent, ArticleResult, BatchResult, SubmitResponse
from shared.models.corpus import (
    ArticleFilters,
    ArticlePage,
    EntityCount,
    EntityDetail,
    ExportFormat,
    Story,
    StoryPage,
)
from shared.models.sources import FeedItemRecord, Source, SourceCreate, SourcePatch
from shared.models.watchlists import (
    AlertPage,
    Watchlist,
    WatchlistCreate,
    WatchlistPatch,
)

DEFAULT_GATEWAY = "http://127.0.0.1:8000"
TIMEOUT_SECONDS = 30.0
RETRIES = 4  # of a 429 or 503, each after the server's Retry-After
MAX_RETRY_AFTER_SECONDS = 30.0  # a longer Retry-After is a reason to stop, not to sleep
RETRY_STATUSES = (429, 503)
FINAL = ("done", "failed")


class GatewayError(Exception):
    """Base of everything this client raises."""


class Unreachable(GatewayError):
    """No answer from the gateway (down, wrong URL, network)."""


class Refused(GatewayError):
    """The gateway answered with a problem (4xx, or 5xx after retries)."""

    def __init__(self, status: int, problem: dict[str, Any]) -> None:
        self.status, self.problem = status, problem
        errors = "; ".join(f"{e['field']}: {e['reason']}" for e in problem.get("errors", []))
        title = problem.get("title") or f"HTTP {status}"
        super().__init__(f"{status} {title}: {errors or problem.get('detail', '')}".rstrip(": "))


class NewsflowClient:
    def __init__(
        self,
        base_url: str = DEFAULT_GATEWAY,
        api_key: str | None = None,
        timeout: float = TIMEOUT_SECONDS,
        retries: int = RETRIES,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        headers = {"X-API-Key": api_key} if api_key else {}
        self.http = httpx.Client(
            base_url=base_url, headers=headers, timeout=timeout, transport=transport
        )
        self.retries, self.sleep = retries, sleep

    def __enter__(self) -> "NewsflowClient":
        return self

    def __exit__(self, *_: object) -> None:
        self.http.close()

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        for attempt in range(self.retries + 1):
            try:
                response = self.http.request(method, path, **kwargs)
            except httpx.TransportError as exc:
                raise Unreachable(
                    f"cannot reach the gateway at {self.http.base_url}: {exc}"
                ) from exc
            wait = retry_after(response)
            if (
                response.status_code in RETRY_STATUSES
                and attempt < self.retries
                and wait is not None
            ):
                self.sleep(wait)
                continue
            if response.status_code >= 400:
                raise Refused(response.status_code, problem_of(response))
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    def submit(self, body: dict[str, Any], force: bool = False) -> SubmitResponse:
        response = self._send(
            "POST", "/articles", json=body, params={"force": force} if force else None
        )
        return SubmitResponse.model_validate(response.json())

    def submit_batch(self, bodies: list[dict[str, Any]], force: bool = False) -> BatchResult:
        """Several articles in one request (``POST /articles/batch``), which the pipeline then
        carries several to a message. Each item is accepted or refused alone: a 422 that lists
        items (none was accepted) is an answer, not an error."""
        try:
            response = self._send(
                "POST", "/articles/batch", json=bodies, params={"force": force} if force else None
            )
        except Refused as refused:
            if refused.status == 422 and "items" in refused.problem:
                return BatchResult.model_validate(refused.problem)
            raise
        return BatchResult.model_validate(response.json())

    def article(self, article_id: str) -> ArticleResult:
        return ArticleResult.model_validate(self._send("GET", f"/articles/{article_id}").json())

    def delete(self, article_id: str) -> None:
        self._send("DELETE", f"/articles/{article_id}")

    def events(self, article_id: str) -> Iterator[ArticleEvent]:
        """The article's events as they happen (Server-Sent Events), ending with done or failed."""
        try:
            with self.http.stream(
                "GET", f"/articles/{article_id}/events", timeout=None
            ) as response:
                if response.status_code >= 400:
                    response.read()
                    raise Refused(response.status_code, problem_of(response))
                for line in response.iter_lines():
                    if line.startswith("data: "):
                        event = ArticleEvent.model_validate_json(line[len("data: ") :])
                        yield event
                        if event.type in FINAL:
                            return
        except httpx.TransportError as exc:
            raise Unreachable(f"lost the gateway at {self.http.base_url}: {exc}") from exc

    def wait(self, article_id: str, timeout: float, poll: float = 0.25) -> ArticleResult:
        """The article once done or failed; ``TimeoutError`` past ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            result = self.article(article_id)
            if result.status in FINAL:
                return result
            if time.monotonic() > deadline:
                raise TimeoutError(f"{article_id} still {result.status} after {timeout:.0f} s")
            self.sleep(poll)

    def search(
        self, filters: ArticleFilters, limit: int = 20, cursor: str | None = None
    ) -> ArticlePage:
        query = {**_query(filters), "limit": limit, **({"cursor": cursor} if cursor else {})}
        return ArticlePage.model_validate(self._send("GET", "/articles", params=query).json())

    def entities(self, **query: Any) -> list[EntityCount]:
        raw = self._send("GET", "/entities", params=_clean(query)).json()
        return [EntityCount.model_validate(e) for e in raw]

    def entity(self, key: str, **query: Any) -> EntityDetail:
        path = f"/entities/{quote(key, safe='')}"
        return EntityDetail.model_validate(self._send("GET", path, params=_clean(query)).json())

    def stories(self, **query: Any) -> StoryPage:
        return StoryPage.model_validate(self._send("GET", "/stories", params=_clean(query)).json())

    def story(self, story_id: int) -> Story:
        return Story.model_validate(self._send("GET", f"/stories/{story_id}").json())

    @contextmanager
    def export(self, filters: ArticleFilters, fmt: ExportFormat) -> Iterator[Iterator[bytes]]:
        """The export's body as it streams in: any size, constant memory."""
        query = {**_query(filters), "format": fmt}
        try:
            with self.http.stream("GET", "/export", params=query, timeout=None) as response:
                if response.status_code >= 400:
                    response.read()
                    raise Refused(response.status_code, problem_of(response))
                yield response.iter_bytes()
        except httpx.TransportError as exc:
            raise Unreachable(f"lost the gateway at {self.http.base_url}: {exc}") from exc

    def add_source(self, spec: SourceCreate) -> Source:
        body = spec.model_dump(mode="json", exclude_unset=True)
        return Source.model_validate(self._send("POST", "/sources", json=body).json())

    def sources(self, tag: str | None = None) -> list[Source]:
        raw = self._send("GET", "/sources", params=_clean({"tag": tag})).json()
        return [Source.model_validate(s) for s in raw]

    def source(self, source_id: str) -> Source:
        return Source.model_validate(self._send("GET", _path("sources", source_id)).json())

    def change_source(self, source_id: str, change: SourcePatch) -> Source:
        """Only the fields set on ``change`` are sent, so only they change."""
        body = change.model_dump(mode="json", exclude_unset=True)
        path = _path("sources", source_id)
        return Source.model_validate(self._send("PATCH", path, json=body).json())

    def remove_source(self, source_id: str) -> None:
        self._send("DELETE", _path("sources", source_id))

    def poll_source(self, source_id: str) -> Source:
        """Asks for a poll now (202): the answer is the source as due, not the poll's outcome."""
        path = _path("sources", source_id) + "/poll"
        return Source.model_validate(self._send("POST", path).json())

    def source_items(self, source_id: str, limit: int = 50) -> list[FeedItemRecord]:
        path = _path("sources", source_id) + "/items"
        raw = self._send("GET", path, params={"limit": limit}).json()
        return [FeedItemRecord.model_validate(i) for i in raw]

    def add_watchlist(self, spec: WatchlistCreate) -> Watchlist:
        body = spec.model_dump(mode="json", exclude_unset=True)
        return Watchlist.model_validate(self._send("POST", "/watchlists", json=body).json())

    def watchlists(self) -> list[Watchlist]:
        return [Watchlist.model_validate(w) for w in self._send("GET", "/watchlists").json()]

    def watchlist(self, watchlist_id: str) -> Watchlist:
        path = _path("watchlists", watchlist_id)
        return Watchlist.model_validate(self._send("GET", path).json())

    def change_watchlist(self, watchlist_id: str, change: WatchlistPatch) -> Watchlist:
        body = change.model_dump(mode="json", exclude_unset=True)
        path = _path("watchlists", watchlist_id)
        return Watchlist.model_validate(self._send("PATCH", path, json=body).json())

    def remove_watchlist(self, watchlist_id: str) -> None:
        self._send("DELETE", _path("watchlists", watchlist_id))

    def alerts(
        self,
        watchlist: str | None = None,
        since: str | None = None,
        limit: int = 20,
        cursor: str | None = None,
    ) -> AlertPage:
        """Alerts newest first; ``since`` is an ISO date or time, inclusive."""
        query = _clean({"watchlist": watchlist, "since": since, "limit": limit, "cursor": cursor})
        return AlertPage.model_validate(self._send("GET", "/alerts", params=query).json())


def retry_after(response: httpx.Response) -> float | None:
    """Seconds the server asked to wait, if it asked and the wait is worth it."""
    raw = response.headers.get("retry-after")
    try:
        wait = float(raw) if raw is not None else None
    except ValueError:
        return None
    return wait if wait is not None and 0 <= wait <= MAX_RETRY_AFTER_SECONDS else None


def problem_of(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except (json.JSONDecodeError, UnicodeDecodeError):
        return {"title": f"HTTP {response.status_code}", "detail": response.text[:200]}
    return body if isinstance(body, dict) else {"detail": str(body)[:200]}


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None and v != ""}


def _path(collection: str, item_id: str) -> str:
    """An id as one path segment, whatever it holds (a typo never reaches another route)."""
    return f"/{collection}/{quote(item_id, safe='')}"


def _query(filters: ArticleFilters) -> dict[str, Any]:
    return _clean(filters.model_dump(mode="json"))
