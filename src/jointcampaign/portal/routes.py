"""The portal's routes. The partner always comes from the grant; URLs name only campaigns and files."""

from __future__ import annotations

import datetime as dt
import logging
import time
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse

from jointcampaign.errors import StoreUnavailableError
from jointcampaign.metrics.summary import KpiReport, summarize
from jointcampaign.metrics.useragent import ua_class
from jointcampaign.portal.auth import NotSignedIn, clear_session, client_of, deny, require_grant, set_session
from jointcampaign.portal.catalog import Bundle
from jointcampaign.portal.files import file_response
from jointcampaign.portal.state import Portal
from jointcampaign.portal.tokens import Denied, Grant

log = logging.getLogger("jointcampaign.portal")
RESULTS_UNAVAILABLE = "The results cannot be counted right now (the metrics database does not answer). Try again in a few minutes."

STATIC = Path(__file__).parent / "static"
# bundle HTML (brief, QC report) is generated from text both partners wrote: no scripts, ever
DOCUMENT_POLICY = (
    "default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; media-src 'self'; "
    "font-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)

router = APIRouter()
GrantDep = Annotated[Grant, Depends(require_grant)]


def _portal(request: Request) -> Portal:
    portal: Portal = request.app.state.portal
    return portal


def _bundle_or_404(request: Request, grant: Grant, slug: str) -> Bundle:
    bundle = _portal(request).catalog.bundle(grant, slug)
    if bundle is None:
        # the same answer for "not yours" and "does not exist", so nothing can be probed
        raise HTTPException(status_code=404, detail="not found")
    return bundle


@router.get("/healthz", include_in_schema=False)
def healthz() -> PlainTextResponse:
    return PlainTextResponse("ok")


@router.get("/static/portal.css", include_in_schema=False)
def stylesheet() -> Response:
    css = (STATIC / "portal.css").read_bytes()
    return Response(
        css, media_type="text/css; charset=utf-8", headers={"Cache-Control": "public, max-age=3600"}
    )


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    return Response(status_code=204)


@router.api_route("/r/{link_id}", methods=["GET", "HEAD"], include_in_schema=False)
def tracked_redirect(link_id: str, request: Request) -> Response:
    """A QR scan or link click: count it (time, link, browser class; no IP) and send it on (302).

    Only ids the pipeline published are known; anything else, including URLs, is a 404.
    """
    portal = _portal(request)
    target = portal.links.resolve(link_id)
    if target is None:
        raise HTTPException(status_code=404, detail="not found")
    if request.method == "GET":  # link previews probe with HEAD: they are not visitors
        try:
            portal.metrics.record_click(
                target.campaign, target.link.id, ua_class(request.headers.get("user-agent")), time.time()
            )
        except StoreUnavailableError as exc:
            # The customer still reaches the partner's page; only this one click goes uncounted.
            log.warning("click on %s not counted: %s", target.link.id, exc)
    return RedirectResponse(target.link.url, status_code=302, headers={"Cache-Control": "no-store"})


@router.get("/t/{token}")
def sign_in(token: str, request: Request) -> Response:
    """Open a personal link: remember the token in an HttpOnly cookie and continue without it in the URL."""
    portal = _portal(request)
    checked = portal.tokens.check(token)
    if isinstance(checked, Denied):
        deny(portal.audit, request, checked)
        raise NotSignedIn(f"{checked.value.capitalize()}. Ask your campaign lead for a new link.")
    target = f"/campaigns/{quote(checked.campaign)}" if checked.campaign else "/"
    response = RedirectResponse(target, status_code=303)
    set_session(response, request, token, checked, portal.tokens.clock())
    portal.audit.record(checked, "sign-in", campaign=checked.campaign, client=client_of(request))
    return response


@router.post("/signout")
def sign_out() -> Response:
    response = RedirectResponse("/", status_code=303)
    clear_session(response)
    return response


@router.get("/", response_class=HTMLResponse)
def home(request: Request, grant: GrantDep) -> HTMLResponse:
    portal = _portal(request)
    bundles = portal.catalog.bundles_for(grant)
    name = bundles[0].partner_name if bundles else grant.partner
    return HTMLResponse(portal.pages.campaigns(name, bundles))


@router.get("/campaigns/{slug}", response_class=HTMLResponse)
def campaign(slug: str, request: Request, grant: GrantDep) -> HTMLResponse:
    portal = _portal(request)
    bundle = _bundle_or_404(request, grant, slug)
    portal.audit.record(grant, "view", campaign=slug, path=f"/campaigns/{slug}", client=client_of(request))
    try:
        results, unavailable = _results(request, grant, slug), False
    except StoreUnavailableError as exc:
        # The bundle is what a partner comes for: the page still serves it, and says why results are missing.
        log.warning("results of %s not shown: %s", slug, exc)
        results, unavailable = None, True
    page = portal.pages.campaign(bundle, portal.catalog.zip_file(bundle), results, results_unavailable=unavailable)
    return HTMLResponse(page)


@router.get("/campaigns/{slug}/kpis/{name}")
def kpi_plot(slug: str, name: str, request: Request, grant: GrantDep) -> Response:
    """A plot of the partner's own or shared KPIs, drawn from the live counts."""
    from jointcampaign.metrics.plots import plot_svg

    _bundle_or_404(request, grant, slug)
    try:
        results = _results(request, grant, slug)
    except StoreUnavailableError as exc:
        log.warning("plot %s of %s not drawn: %s", name, slug, exc)
        raise HTTPException(status_code=503, detail=RESULTS_UNAVAILABLE) from None
    svg = plot_svg(results, name) if results is not None else None
    if svg is None:
        raise HTTPException(status_code=404, detail="not found")
    return Response(svg, media_type="image/svg+xml", headers={"Content-Security-Policy": DOCUMENT_POLICY})


def _results(request: Request, grant: Grant, slug: str) -> KpiReport | None:
    """What the grant's partner may see of the campaign's KPIs today: its own and the shared ones."""
    portal = _portal(request)
    plan = portal.links.plan(slug)
    if plan is None or grant.partner not in plan.partners:
        return None
    clicks, redemptions = portal.metrics.clicks(slug), portal.metrics.redemptions(slug)
    return summarize(plan, clicks, redemptions, dt.date.today()).for_partner(grant.partner)


@router.api_route("/campaigns/{slug}/bundle.zip", methods=["GET", "HEAD"])
def bundle_zip(slug: str, request: Request, grant: GrantDep) -> Response:
    portal = _portal(request)
    bundle = _bundle_or_404(request, grant, slug)
    found = portal.catalog.zip_file(bundle)
    if found is None:
        raise HTTPException(status_code=404, detail="not found")
    path, sha256 = found
    response = file_response(request, path, sha256, download_name=f"{slug}-{bundle.partner}.zip")
    _audit_download(request, grant, slug, f"{bundle.partner}.zip", response)
    return response


@router.api_route("/campaigns/{slug}/files/{rel:path}", methods=["GET", "HEAD"])
def payload_file(slug: str, rel: str, request: Request, grant: GrantDep, download: bool = False) -> Response:
    portal = _portal(request)
    bundle = _bundle_or_404(request, grant, slug)
    found = portal.catalog.payload_file(bundle, rel)
    if found is None:
        raise HTTPException(status_code=404, detail="not found")
    path, listed = found
    is_document = path.suffix.lower() in {".html", ".htm"}
    response = file_response(
        request,
        path,
        listed.sha256,
        download_name=path.name if download else None,
        extra_headers={"Content-Security-Policy": DOCUMENT_POLICY},
    )
    if download:
        _audit_download(request, grant, slug, rel, response)
    elif is_document and request.method == "GET" and response.status_code == 200:
        portal.audit.record(grant, "open", campaign=slug, path=rel, client=client_of(request))
    return response


def _audit_download(request: Request, grant: Grant, slug: str, path: str, response: Response) -> None:
    if request.method != "GET" or response.status_code not in (200, 206):
        return
    _portal(request).audit.record(
        grant,
        "download",
        campaign=slug,
        path=path,
        status=response.status_code,
        byte_range=response.headers.get("content-range"),
        client=client_of(request),
    )
