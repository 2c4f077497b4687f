"""Who is at the desk: a lead token from the desk's own cookie or an `Authorization: Bearer` header.

The desk's cookie is separate from the partner portal's (and scoped to /desk), and lead tokens are
checked only against the lead store: a partner's token is unknown here, whatever it unlocks elsewhere.
"""

from __future__ import annotations

from fastapi import HTTPException, Request, Response

from jointcampaign.portal.auth import NotSignedIn, client_of
from jointcampaign.portal.lead_tokens import LeadGrant
from jointcampaign.portal.logs import redact
from jointcampaign.portal.tokens import Denied

COOKIE = "jc_desk"
COOKIE_PATH = "/desk"
SIGN_IN_HINT = (
    "The campaign desk needs a lead's personal link. Open the link you were given; "
    "if it fails, ask whoever runs the portal for a new one (`jointcampaign portal lead create`)."
)


def desk_of(request: Request) -> object:
    desk = getattr(request.app.state, "desk", None)
    if desk is None:
        raise HTTPException(status_code=404, detail="not found")
    return desk


def presented_lead_token(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.cookies.get(COOKIE)


def require_lead(request: Request) -> LeadGrant:
    """The request's lead grant, or 401 with a page that says how to get a working link."""
    from jointcampaign.desk.service import Desk

    desk = desk_of(request)
    assert isinstance(desk, Desk)
    token = presented_lead_token(request)
    if token is None:
        raise NotSignedIn(SIGN_IN_HINT)
    checked = desk.leads.check(token)
    if isinstance(checked, Denied):
        request.app.state.portal.audit.record(
            None,
            f"desk-denied:{checked.name.lower()}",
            path=redact(request.url.path),
            status=401,
            client=client_of(request),
        )
        raise NotSignedIn(f"{checked.value.capitalize()}. {SIGN_IN_HINT}")
    return checked


def set_desk_session(response: Response, request: Request, token: str, grant: LeadGrant, now: float) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=max(1, int(grant.expires_at - now)),
        httponly=True,
        secure=request.url.scheme == "https",
        samesite="lax",
        path=COOKIE_PATH,
    )


def clear_desk_session(response: Response) -> None:
    response.delete_cookie(COOKIE, path=COOKIE_PATH)
