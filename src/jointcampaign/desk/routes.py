"""The campaign desk's routes, all under /desk: sign in, upload, fix, submit, follow, look back.

Every route starts from the lead's grant; a submission, draft or campaign outside it answers 404,
the same as one that does not exist. Desk pages may run the desk's own script (progress polling),
so they carry their own Content-Security-Policy: scripts from this origin only, never inline.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from jointcampaign.desk.auth import (
    clear_desk_session,
    desk_of,
    require_lead,
    set_desk_session,
)
from jointcampaign.desk.intake import take_in
from jointcampaign.desk.pages import DeskPages, problem_groups
from jointcampaign.desk.run_view import current_view, run_url, when
from jointcampaign.desk.service import Desk, Draft
from jointcampaign.desk.store import FAILED, PARTIAL, Submission
from jointcampaign.portal.auth import NotSignedIn, client_of
from jointcampaign.portal.files import file_response
from jointcampaign.portal.lead_tokens import LeadGrant
from jointcampaign.portal.routes import DOCUMENT_POLICY
from jointcampaign.portal.snapshot_files import spec_diff, zip_snapshot
from jointcampaign.portal.tokens import Denied, Grant
from jointcampaign.portal.uploads import ZIP_NAME, receive_upload

STATIC = Path(__file__).parent / "static"
DESK_POLICY = (
    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
STATIC_FILES = {"desk.js": "text/javascript; charset=utf-8", "desk.css": "text/css; charset=utf-8"}
BUNDLE_DOCUMENTS = {"brief.html", "qc.html"}
RETRYABLE = {FAILED, PARTIAL}
REDEMPTIONS_MAX_BYTES = 5 * 1024 * 1024  # a year of a small shop's sales is far less

desk_router = APIRouter(prefix="/desk")
LeadDep = Annotated[LeadGrant, Depends(require_lead)]
pages = DeskPages()


def desk_for(request: Request) -> Desk:
    desk = desk_of(request)
    assert isinstance(desk, Desk)
    return desk


def desk_page(template: str, status: int = 200, **context: object) -> HTMLResponse:
    return HTMLResponse(
        pages.render(template, **context),
        status_code=status,
        headers={"Content-Security-Policy": DESK_POLICY},
    )


@desk_router.get("/static/{name}", include_in_schema=False)
def static_file(name: str) -> Response:
    if name not in STATIC_FILES:
        raise HTTPException(status_code=404, detail="not found")
    return Response(
        (STATIC / name).read_bytes(),
        media_type=STATIC_FILES[name],
        headers={"Cache-Control": "public, max-age=3600"},
    )


@desk_router.get("/t/{token}")
def sign_in(token: str, request: Request) -> Response:
    desk = desk_for(request)
    checked = desk.leads.check(token)
    if isinstance(checked, Denied):
        request.app.state.portal.audit.record(
            None,
            f"desk-denied:{checked.name.lower()}",
            path="/desk/t/[redacted]",
            status=401,
            client=client_of(request),
        )
        raise NotSignedIn(f"{checked.value.capitalize()}. Ask whoever runs the portal for a new lead link.")
    response = RedirectResponse("/desk", status_code=303)
    set_desk_session(response, request, token, checked, desk.leads.clock())
    request.app.state.portal.audit.record(
        None, "desk-sign-in", path=f"lead:{checked.lead}", client=client_of(request)
    )
    return response


@desk_router.post("/signout")
def sign_out() -> Response:
    response = RedirectResponse("/desk", status_code=303)
    clear_desk_session(response)
    return response


def _campaign_cards(desk: Desk, grant: LeadGrant) -> list[dict[str, object]]:
    cards: list[dict[str, object]] = []
    for slug in sorted(grant.campaigns):
        history = desk.submissions.for_campaign(slug, limit=1)
        latest = history[0] if history else None
        cards.append({"slug": slug, "latest": latest, "latest_url": run_url(latest) if latest else None})
    return cards


@desk_router.get("", response_class=HTMLResponse)
def home(request: Request, grant: LeadDep) -> HTMLResponse:
    desk = desk_for(request)
    return desk_page(
        "desk_home.html",
        lead=grant.lead,
        campaigns=_campaign_cards(desk, grant),
        limits=desk.config.limits,
        runner_label=desk.runner.label,
        draft=None,
        groups=[],
    )


@desk_router.post("/upload")
async def upload(request: Request, grant: LeadDep) -> Response:
    desk = desk_for(request)
    ident, folder = desk.new_draft()
    received = await receive_upload(request, folder / "files", folder / ZIP_NAME, desk.config.limits)
    intake = await run_in_threadpool(
        take_in,
        received,
        folder,
        desk.config.assets_dir,
        desk.config.limits,
        desk.config.has_model,
        grant.covers,
    )
    draft = desk.save_draft(ident, grant, intake)
    request.app.state.portal.audit.record(
        None,
        "desk-upload",
        campaign=draft.slug,
        path=f"lead:{grant.lead}",
        status=200 if draft.ok else 422,
        client=client_of(request),
    )
    return RedirectResponse(f"/desk/drafts/{ident}", status_code=303)


def _draft_or_404(desk: Desk, ident: str, grant: LeadGrant) -> Draft:
    draft = desk.draft(ident, grant)
    if draft is None:
        raise HTTPException(status_code=404, detail="not found")
    return draft


def _draft_page(desk: Desk, grant: LeadGrant, draft: Draft, status: int = 200) -> HTMLResponse:
    return desk_page(
        "desk_home.html",
        status=status,
        lead=grant.lead,
        campaigns=_campaign_cards(desk, grant),
        limits=desk.config.limits,
        runner_label=desk.runner.label,
        draft=draft,
        groups=problem_groups(draft.files, draft.errors + draft.warnings),
    )


@desk_router.get("/drafts/{ident}", response_class=HTMLResponse)
def draft_page(ident: str, request: Request, grant: LeadDep) -> HTMLResponse:
    desk = desk_for(request)
    draft = _draft_or_404(desk, ident, grant)
    return _draft_page(desk, grant, draft, status=200 if draft.ok else 422)


@desk_router.post("/drafts/{ident}/submit")
def submit(ident: str, request: Request, grant: LeadDep) -> Response:
    desk = desk_for(request)
    draft = _draft_or_404(desk, ident, grant)
    if not draft.ok:
        return _draft_page(desk, grant, draft, status=422)  # never queued
    outcome = desk.submit(draft, grant)
    if isinstance(outcome, list):
        draft.ok = False
        draft.errors = [p.as_dict() for p in outcome]
        return _draft_page(desk, grant, draft, status=422)
    request.app.state.portal.audit.record(
        None, "desk-submit", campaign=outcome.campaign, path=f"lead:{grant.lead}", client=client_of(request)
    )
    return RedirectResponse(run_url(outcome), status_code=303)


def _submission_or_404(desk: Desk, ident: str, grant: LeadGrant) -> Submission:
    found = desk.submission(ident, grant)
    if found is None:
        raise HTTPException(status_code=404, detail="not found")
    return found


@desk_router.get("/runs/{ident}", response_class=HTMLResponse)
def run_page(ident: str, request: Request, grant: LeadDep) -> HTMLResponse:
    desk = desk_for(request)
    submission = _submission_or_404(desk, ident, grant)
    view = current_view(
        submission,
        desk.runner,
        desk.submissions,
        desk.plan(submission),
        time.time(),
        desk.typical_duration(submission),
    )
    return desk_page("desk_run.html", lead=grant.lead, run=view, can_retry=submission.state in RETRYABLE)


@desk_router.get("/runs/{ident}/status.json")
def run_status(ident: str, request: Request, grant: LeadDep) -> JSONResponse:
    desk = desk_for(request)
    submission = _submission_or_404(desk, ident, grant)
    view = current_view(
        submission,
        desk.runner,
        desk.submissions,
        desk.plan(submission),
        time.time(),
        desk.typical_duration(submission),
    )
    return JSONResponse(view.as_dict(), headers={"Cache-Control": "no-store"})


@desk_router.post("/runs/{ident}/retry")
def retry(ident: str, request: Request, grant: LeadDep) -> Response:
    desk = desk_for(request)
    submission = _submission_or_404(desk, ident, grant)
    if submission.state not in RETRYABLE or not submission.snapshot.is_dir():
        raise HTTPException(status_code=409, detail="only a failed run whose snapshot is kept can be retried")
    again = desk.retry(submission, grant)
    request.app.state.portal.audit.record(
        None, "desk-retry", campaign=again.campaign, path=f"lead:{grant.lead}", client=client_of(request)
    )
    return RedirectResponse(run_url(again), status_code=303)


def _partner_bundle(request: Request, submission: Submission, grant: LeadGrant, partner: str) -> object:
    # the lead sees every partner's bundle of a campaign they lead, through the partners' own catalog
    portal = request.app.state.portal
    as_partner = Grant(grant.token_id, partner, submission.campaign, grant.expires_at)
    bundle = portal.catalog.bundle(as_partner, submission.campaign)
    if bundle is None:
        raise HTTPException(status_code=404, detail="not found")
    return bundle


@desk_router.api_route("/runs/{ident}/bundles/{name}", methods=["GET", "HEAD"])
def run_bundle_zip(ident: str, name: str, request: Request, grant: LeadDep) -> Response:
    desk = desk_for(request)
    submission = _submission_or_404(desk, ident, grant)
    partner = name.removesuffix(".zip")
    recorded = submission.result.get("bundle_facts", {}).get(partner)
    if not name.endswith(".zip") or not isinstance(recorded, dict):
        raise HTTPException(status_code=404, detail="not found")
    bundle = _partner_bundle(request, submission, grant, partner)
    found = request.app.state.portal.catalog.zip_file(bundle)
    if found is None or found[1] != recorded.get("sha256"):
        # a later submission has replaced this one's bundle: never hand out bytes of another run
        raise HTTPException(status_code=410, detail="a later run of this campaign has replaced this bundle")
    path, sha256 = found
    return file_response(request, path, sha256, download_name=f"{submission.campaign}-{partner}.zip")


@desk_router.get("/runs/{ident}/bundles/{partner}/{document}")
def run_bundle_document(
    ident: str, partner: str, document: str, request: Request, grant: LeadDep
) -> Response:
    desk = desk_for(request)
    submission = _submission_or_404(desk, ident, grant)
    if document not in BUNDLE_DOCUMENTS or partner not in submission.result.get("bundle_facts", {}):
        raise HTTPException(status_code=404, detail="not found")
    bundle = _partner_bundle(request, submission, grant, partner)
    found = request.app.state.portal.catalog.payload_file(bundle, document)
    if found is None:
        raise HTTPException(status_code=404, detail="not found")
    path, listed = found
    return file_response(
        request, path, listed.sha256, extra_headers={"Content-Security-Policy": DOCUMENT_POLICY}
    )


@desk_router.get("/runs/{ident}/snapshot.zip")
def snapshot_download(ident: str, request: Request, grant: LeadDep) -> Response:
    desk = desk_for(request)
    submission = _submission_or_404(desk, ident, grant)
    if not submission.snapshot.is_dir():
        raise HTTPException(status_code=410, detail="this snapshot has been removed from the desk")
    path = zip_snapshot(submission.snapshot, desk.runs_dir / submission.id / "snapshot.zip")
    from jointcampaign.fileio import sha256_file

    name = (
        f"{submission.campaign}-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(submission.submitted_at))}.zip"
    )
    return file_response(request, path, sha256_file(path), download_name=name)


def _campaign_or_404(grant: LeadGrant, slug: str) -> None:
    if not grant.covers(slug):
        raise HTTPException(status_code=404, detail="not found")


@desk_router.get("/campaigns/{slug}", response_class=HTMLResponse)
def history(slug: str, request: Request, grant: LeadDep) -> HTMLResponse:
    _campaign_or_404(grant, slug)
    return _history_page(desk_for(request), grant, slug)


def _history_page(
    desk: Desk, grant: LeadGrant, slug: str, status: int = 200, imported: str | None = None,
    problems: list[str] | None = None,
) -> HTMLResponse:  # fmt: skip
    rows = [
        {"submission": s, "url": run_url(s), "when": when(s.submitted_at)}
        for s in desk.submissions.for_campaign(slug)
    ]
    return desk_page("desk_history.html", status, lead=grant.lead, slug=slug, rows=rows, imported=imported,
                     import_problems=problems or [])  # fmt: skip


@desk_router.post("/campaigns/{slug}/redemptions", response_class=HTMLResponse)
async def import_redemptions(slug: str, request: Request, grant: LeadDep) -> HTMLResponse:
    """A till's CSV export, counted like `jointcampaign kpis import` against the latest submitted spec."""
    desk = desk_for(request)
    _campaign_or_404(grant, slug)
    latest = desk.submissions.for_campaign(slug, limit=1)
    if not latest:
        return _history_page(desk, grant, slug, 409, problems=["Submit the campaign first: its offer codes "
                                                               "come from the submitted campaign.yaml."])  # fmt: skip
    if int(request.headers.get("content-length") or 0) > REDEMPTIONS_MAX_BYTES:
        return _history_page(desk, grant, slug, 413, problems=["The export is over 5 MB: split it by month."])
    form = await request.form(max_files=1, max_fields=4)
    upload, order = form.get("file"), str(form.get("dates") or "") or None
    if upload is None or isinstance(upload, str) or not upload.filename:
        return _history_page(desk, grant, slug, 422, problems=["Choose the CSV file exported from the till."])
    data = await upload.read(REDEMPTIONS_MAX_BYTES + 1)
    if len(data) > REDEMPTIONS_MAX_BYTES:
        return _history_page(desk, grant, slug, 413, problems=["The export is over 5 MB: split it by month."])
    outcome = await run_in_threadpool(
        _import_export, latest[0].campaign_dir, Path(upload.filename).name, data, order,
        request.app.state.portal.metrics.url,
    )  # fmt: skip
    if isinstance(outcome, list):
        return _history_page(desk, grant, slug, 422, problems=outcome)
    request.app.state.portal.audit.record(None, "desk-redemptions", campaign=slug, path=f"lead:{grant.lead}",
                                          status=200, client=client_of(request))  # fmt: skip
    return _history_page(desk, grant, slug, imported=outcome)


def _import_export(campaign_dir: Path, name: str, data: bytes, order: str | None, db: str) -> str | list[str]:
    """The import's summary line, or every problem (then nothing was stored)."""
    import tempfile

    from jointcampaign.errors import UserInputError
    from jointcampaign.pipeline.measure import import_redemptions, load_for_measuring

    with tempfile.TemporaryDirectory(prefix="jointcampaign-redemptions-") as scratch:
        path = Path(scratch) / (name or "export.csv")
        path.write_bytes(data)
        try:
            if order not in (None, "dmy", "mdy"):
                raise UserInputError.single(path, f"dates {order!r} is not dmy or mdy", "choose day first or month first")
            result, without_code = import_redemptions(load_for_measuring(campaign_dir), path, db, {}, order)
        except UserInputError as exc:
            return [f"{p.location().replace(scratch + '/', '')}: {p.message} (fix: {p.fix})" for p in exc.problems]
    return (f"Imported {result.added} redemption(s) from {name}; {result.already_imported} already counted; "
            f"{without_code} sale(s) without a code skipped.")  # fmt: skip


@desk_router.get("/campaigns/{slug}/diff", response_class=HTMLResponse)
def diff(slug: str, request: Request, grant: LeadDep, before: str = "", after: str = "") -> HTMLResponse:
    desk = desk_for(request)
    _campaign_or_404(grant, slug)
    old = desk.submission(before, grant)
    new = desk.submission(after, grant)
    if old is None or new is None or old.campaign != slug or new.campaign != slug:
        raise HTTPException(status_code=404, detail="not found")
    if not old.snapshot.is_dir() or not new.snapshot.is_dir():
        raise HTTPException(status_code=410, detail="one of these snapshots has been removed from the desk")
    changes = spec_diff(old.snapshot, new.snapshot)
    return desk_page(
        "desk_diff.html",
        lead=grant.lead,
        slug=slug,
        before=old,
        after=new,
        before_when=when(old.submitted_at),
        after_when=when(new.submitted_at),
        changes=changes,
        history_url=f"/desk/campaigns/{quote(slug)}",
    )


@desk_router.get("/drafts/{ident}/folder.zip")
def draft_folder(ident: str, request: Request, grant: LeadDep) -> Response:
    """A valid draft as a folder to keep editing (campaigns/<slug>/ and assets/partners/)."""
    desk = desk_for(request)
    draft = _draft_or_404(desk, ident, grant)
    workspace = desk.drafts_dir / draft.id / "workspace"
    if not draft.ok or not workspace.is_dir():
        raise HTTPException(status_code=404, detail="not found")
    path = zip_snapshot(workspace, desk.drafts_dir / draft.id / "folder.zip")
    from jointcampaign.fileio import sha256_file

    return file_response(request, path, sha256_file(path), download_name=f"{draft.slug}.zip")
