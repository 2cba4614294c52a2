"""``/docs`` (Swagger UI) and ``/redoc``, served from this gateway's own files: they work offline.

FastAPI's own pages load their scripts from a CDN, so without internet they were blank. The
assets come from the pinned ``fastapi-offline`` package (Swagger UI 5, ReDoc 2; MIT and Apache-2.0),
mounted at ``STATIC_URL`` by the app.
"""

from importlib.resources import files

from fastapi import APIRouter, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

STATIC_URL = "/docs/static"
# The files fastapi-offline ships in its package folder ``static``.
SWAGGER_JS, SWAGGER_CSS, REDOC_JS, FAVICON = (
    "swagger-ui-bundle.js",
    "swagger-ui.css",
    "redoc.standalone.js",
    "favicon.png",
)
# validatorUrl None: Swagger UI would otherwise fetch a badge from its public validator.
SWAGGER_PARAMETERS = {"validatorUrl": None}

router = APIRouter(include_in_schema=False)


def static_files() -> StaticFiles:
    return StaticFiles(directory=str(files("fastapi_offline") / "static"))


def _base(request: Request) -> str:
    """Behind a proxy with a path prefix (``--root-path``) the assets live under it too."""
    return str(request.scope.get("root_path", "")).rstrip("/")


@router.get("/docs")
def swagger_ui(request: Request) -> HTMLResponse:
    base = _base(request)
    return get_swagger_ui_html(
        openapi_url=f"{base}{request.app.openapi_url}",
        title=f"{request.app.title} - Swagger UI",
        swagger_js_url=f"{base}{STATIC_URL}/{SWAGGER_JS}",
        swagger_css_url=f"{base}{STATIC_URL}/{SWAGGER_CSS}",
        swagger_favicon_url=f"{base}{STATIC_URL}/{FAVICON}",
        swagger_ui_parameters=SWAGGER_PARAMETERS,
    )


@router.get("/redoc")
def redoc(request: Request) -> HTMLResponse:
    base = _base(request)
    return get_redoc_html(
        openapi_url=f"{base}{request.app.openapi_url}",
        title=f"{request.app.title} - ReDoc",
        redoc_js_url=f"{base}{STATIC_URL}/{REDOC_JS}",
        redoc_favicon_url=f"{base}{STATIC_URL}/{FAVICON}",
        with_google_fonts=False,
    )
