from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from longreach.accounts import selectors as account_selectors
from longreach.accounts.access import staff_user, staff_view


@staff_view()
def home(request: HttpRequest) -> HttpResponse:
    user = staff_user(request)
    return render(
        request,
        "core/home.html",
        {
            "compartments": account_selectors.compartments_for_user(user=user),
            "pending": account_selectors.pending_for_user(user=user)[:10],
        },
    )


def error_404(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def error_500(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)


def error_400(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/400.html", status=400)


def error_403(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "errors/400.html", status=403)
