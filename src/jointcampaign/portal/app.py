"""Assemble the portal: stores, security headers, HTML error pages and the routes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from jointcampaign.metrics.store import MetricsStore
from jointcampaign.portal.audit import AuditLog
from jointcampaign.portal.catalog import Catalog
from jointcampaign.portal.pages import Pages
from jointcampaign.portal.redirects import LinkRegistry
from jointcampaign.portal.routes import router
from jointcampaign.portal.state import Portal
from jointcampaign.portal.tokens import TokenStore

PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; media-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
ERROR_TITLES = {
    401: "Please use your personal link",
    403: "Not allowed",
    404: "Not found",
    405: "Not allowed",
    503: "Try again in a few minutes",
}


def create_app(output_dir: Path, db_path: Path, *, metrics_db: str | Path | None = None) -> FastAPI:
    """The portal over ``output_dir`` (OUT/<campaign>/<partner>/ bags and zips), state in ``db_path``;
    clicks and redemptions in ``metrics_db`` (a path or a sqlite:///, postgresql:// URL), else there too.

    The campaign desk for leads is an edge above this library: jointcampaign.desk.app mounts it.
    """
    app = FastAPI(title="jointcampaign partner portal", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.portal = Portal(
        TokenStore(db_path),
        AuditLog(db_path),
        Catalog(output_dir),
        Pages(),
        LinkRegistry(output_dir),
        MetricsStore(metrics_db if metrics_db is not None else db_path),
    )
    app.include_router(router)

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        response.headers.setdefault("Content-Security-Policy", PAGE_POLICY)
        response.headers["X-Content-Type-Options"] = "nosniff"
        # sign-in links carry the token in their path; never pass a URL on to anyone
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _error_page(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> Response:
        return _error_page(request, 400, "This address is not one the portal understands.")

    return app


def _error_page(request: Request, status: int, detail: str) -> Response:
    portal: Portal = request.app.state.portal
    title = ERROR_TITLES.get(status, "Something went wrong")
    message = detail if status == 401 else "There is nothing here for your link." if status == 404 else detail
    headers = {"WWW-Authenticate": 'Bearer realm="partner portal"'} if status == 401 else None
    if request.method == "HEAD":
        return Response(status_code=status, headers=headers)
    return HTMLResponse(portal.pages.error(status, title, message), status_code=status, headers=headers)
