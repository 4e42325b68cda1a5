"""The HTTP API under /api/v1/ (django-ninja), authenticated by bearer tokens.

Output schemas are explicit allow-lists: a sealed field added to a model can
never leak through an automatic serializer.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Schema
from ninja.errors import ValidationError
from ninja.security import HttpBearer

from longreach.accounts import access, selectors
from longreach.accounts.errors import NotAllowed, ServiceError
from longreach.accounts.models import User
from longreach.accounts.roles import allowed
from longreach.accounts.services import token_authenticate
from longreach.insight.api import router as insight_router
from longreach.keys.context import activate_for_request
from longreach.legal.api import router as legal_router
from longreach.registry.api import router as registry_router
from longreach.registry.fields import RecordInvalid, field_errors
from longreach.registry.services import StaleEdit
from longreach.screening.api import router as screening_router


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


_WHERE = ("body", "payload", "query", "path", "q")


def _invalid(request: HttpRequest, errors: list[dict[str, str]]) -> HttpResponse:
    return api.create_response(
        request, {"detail": "the input is not valid; see errors", "errors": errors}, status=422
    )


@api.exception_handler(ValidationError)
def _schema_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    # The same paths and messages as the registry's own checks (the bodies are its input models);
    # ninja puts where the value came from (body, query, path) and the parameter's name in front.
    errors = []
    for e in exc.errors:
        loc = list(e.get("loc", ()))
        while loc and loc[0] in _WHERE:
            loc.pop(0)
        errors.append({**e, "loc": loc})
    return _invalid(request, [{"field": f.path, "message": f.message} for f in field_errors(errors)])


@api.exception_handler(RecordInvalid)
def _record_invalid(request: HttpRequest, exc: RecordInvalid) -> HttpResponse:
    return _invalid(request, [{"field": e.path, "message": e.message} for e in exc.errors])


@api.exception_handler(StaleEdit)
def _stale(request: HttpRequest, exc: StaleEdit) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=409)


@api.exception_handler(NotAllowed)
def _not_allowed(request: HttpRequest, exc: NotAllowed) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=403)


@api.exception_handler(ServiceError)
def _service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=400)


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


@api.get("/me", response={200: MeOut, 401: ErrorOut})
def me(request: HttpRequest) -> dict[str, Any]:
    user: User = request.auth  # type: ignore[attr-defined]
    return {"code": user.code, "username": user.username, "role": user.role}


@api.get("/compartments", response={200: list[CompartmentOut], 401: ErrorOut})
def compartments(request: HttpRequest) -> list[dict[str, Any]]:
    return [_compartment_out(c) for c in selectors.compartments_for_user(user=request.auth)]  # type: ignore[attr-defined]


@api.get("/compartments/{code}", response={401: ErrorOut, 200: CompartmentOut, 404: ErrorOut})
def compartment(request: HttpRequest, code: str) -> Any:
    user: User = request.auth  # type: ignore[attr-defined]
    if not allowed(user, "compartment.view"):
        raise Http404("not found")
    return _compartment_out(access.compartment_for_user(user=user, code=code))


api.add_router("/", registry_router)
api.add_router("/", screening_router)
api.add_router("/", legal_router)
api.add_router("/", insight_router)
