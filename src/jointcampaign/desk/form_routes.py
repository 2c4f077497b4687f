"""The desk's form route: start a campaign from fields instead of a folder (see desk_form.py)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from jointcampaign.desk.form import (
    ASPECTS,
    CampaignForm,
    build_from_form,
    form_field_of,
    form_problems,
    validate_built,
)
from jointcampaign.desk.routes import LeadDep, desk_for, desk_page
from jointcampaign.desk.service import Desk
from jointcampaign.portal.lead_tokens import LeadGrant

form_router = APIRouter(prefix="/desk")


def _form_page(
    desk: Desk, grant: LeadGrant, form: CampaignForm, problems: list[dict[str, object]], status: int = 200
) -> HTMLResponse:
    by_field: dict[str, list[dict[str, object]]] = {}
    for problem in problems:
        by_field.setdefault(form_field_of(problem), []).append(problem)
    return desk_page(
        "desk_new.html",
        status=status,
        lead=grant.lead,
        campaigns=sorted(grant.campaigns),
        form=form,
        aspects=ASPECTS,
        errors=by_field,
        error_count=len(problems),
    )


@form_router.get("/new", response_class=HTMLResponse)
def new_form(request: Request, grant: LeadDep) -> HTMLResponse:
    first = sorted(grant.campaigns)[0] if grant.campaigns else ""
    return _form_page(desk_for(request), grant, CampaignForm(campaign=first), [])


@form_router.post("/new")
async def new_from_form(request: Request, grant: LeadDep) -> Response:
    desk = desk_for(request)
    fields = await request.form()
    form = CampaignForm.from_fields(dict(fields), [str(c) for c in fields.getlist("cuts")])
    problems = form_problems(form, set(grant.campaigns))
    if problems:
        return _form_page(desk, grant, form, [p.as_dict() for p in problems], status=422)
    ident, folder = desk.new_draft()
    built = await run_in_threadpool(
        lambda: validate_built(
            build_from_form(form, folder, desk.config.assets_dir, dt.date.today()), desk.config.has_model
        )
    )
    draft = desk.save_draft(ident, grant, built)
    if not draft.ok:
        return _form_page(desk, grant, form, draft.errors, status=422)
    return RedirectResponse(f"/desk/drafts/{ident}", status_code=303)
