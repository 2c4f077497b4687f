"""Who is asking: a token from the session cookie or an `Authorization: Bearer` header.

Each request re-checks the token against the store, so expiry and revocation apply immediately.
"""

from __future__ import annotations

from fastapi import HTTPException, Request, Response

from jointcampaign.portal.audit import AuditLog
from jointcampaign.portal.logs import redact
from jointcampaign.portal.state import Portal
from jointcampaign.portal.tokens import Denied, Grant

COOKIE = "jc_portal"
SIGN_IN_HINT = "Open the personal link your campaign lead sent you; if it fails, ask them for a new one."


class NotSignedIn(HTTPException):
    def __init__(self, message: str) -> None:
        super().__init__(status_code=401, detail=message)


def presented_token(request: Request) -> str | None:
    authorization = request.headers.get("authorization", "")
    scheme, _, value = authorization.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.cookies.get(COOKIE)


def client_of(request: Request) -> str | None:
    return request.client.host if request.client else None


def require_grant(request: Request) -> Grant:
    """The request's grant, or 401 with a page that says how to get a working link."""
    portal: Portal = request.app.state.portal
    token = presented_token(request)
    if token is None:
        raise NotSignedIn(SIGN_IN_HINT)
    checked = portal.tokens.check(token)
    if isinstance(checked, Denied):
        deny(portal.audit, request, checked)
        raise NotSignedIn(f"{checked.value.capitalize()}. {SIGN_IN_HINT}")
    return checked


def deny(audit: AuditLog, request: Request, reason: Denied) -> None:
    # the presented token is never written down, not even in part
    audit.record(
        None,
        f"denied:{reason.name.lower()}",
        path=redact(request.url.path),
        status=401,
        client=client_of(request),
    )


def set_session(response: Response, request: Request, token: str, grant: Grant, now: float) -> None:
    response.set_cookie(
        COOKIE,
        token,
        max_age=max(1, int(grant.expires_at - now)),
        httponly=True,
        secure=request.url.scheme == "https",
        samesite="lax",  # "strict" would drop the cookie on the redirect after a link opened from e-mail
        path="/",
    )


def clear_session(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/")
