"""The HTTP API under /api/v1/ (django-ninja), authenticated by bearer tokens.

Output schemas are explicit allow-lists: a sealed field added to a model can
never leak through an automatic serializer.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import NinjaAPI, Schema
from ninja.security import HttpBearer

from longreach.accounts import selectors
from longreach.accounts.models import User
from longreach.accounts.roles import allowed
from longreach.accounts.services import token_authenticate
from longreach.keys.context import activate_for_request


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = token_authenticate(token)
        if found is None:
            return None
        user, keyring = found
        request.user = user
        request.keyring = keyring  # type: ignore[attr-defined]
        activate_for_request(keyring)
        return user


api = NinjaAPI(
    title="Longreach API",
    version="1",
    urls_namespace="api",
    auth=TokenAuth(),
    docs_url=None,  # the bundled docs page loads assets from a CDN; the spec is at openapi.json
)


class ErrorOut(Schema):
    detail: str


class MeOut(Schema):
    code: str
    username: str
    role: str


class CompartmentOut(Schema):
    code: str
    slug: str
    name: str
    key_version: int
    intake_public_key: str


def _compartment_out(c: Any) -> dict[str, Any]:
    return {
        "code": c.code,
        "slug": c.slug,
        "name": c.name,
        "key_version": c.key_version,
        "intake_public_key": bytes(c.intake_public_key).hex(),
    }


@api.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict[str, Any]:
    user: User = request.auth  # type: ignore[attr-defined]
    return {"code": user.code, "username": user.username, "role": user.role}


@api.get("/compartments", response=list[CompartmentOut])
def compartments(request: HttpRequest) -> list[dict[str, Any]]:
    return [_compartment_out(c) for c in selectors.compartments_for_user(user=request.auth)]  # type: ignore[attr-defined]


@api.get("/compartments/{code}", response={200: CompartmentOut, 404: ErrorOut})
def compartment(request: HttpRequest, code: str) -> Any:
    user: User = request.auth  # type: ignore[attr-defined]
    if not allowed(user, "compartment.view"):
        raise Http404("not found")
    return _compartment_out(selectors.compartment_for_user(user=user, code=code))
