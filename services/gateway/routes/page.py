"""``/``: the results page, and ``/static/...``: its files, shipped in this package (no CDN).

The page (services/gateway/page/) is plain HTML, CSS and ES modules with no build step: it calls
the same public API as any client (POST /articles, the SSE events, the corpus endpoints), so it
needs no route of its own beyond these two.
"""

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

STATIC_URL = "/static"
PAGE_DIR = Path(__file__).parents[1] / "page"
INDEX = PAGE_DIR / "index.html"
# The page is tiny and changes with the gateway's version: revalidate each load, never stale.
CACHE_CONTROL = "no-cache"

router = APIRouter(include_in_schema=False)


def static_files() -> StaticFiles:
    return StaticFiles(directory=PAGE_DIR)


@router.get("/")
def page() -> FileResponse:
    return FileResponse(INDEX, media_type="text/html", headers={"Cache-Control": CACHE_CONTROL})


def install(app: FastAPI) -> None:
    """One line in ``create_app``: the page's route and its files."""
    app.include_router(router)
    app.mount(STATIC_URL, static_files(), name="page-static")
