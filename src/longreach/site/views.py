"""The home page: a person's compartments and the approvals waiting for them."""

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
        "site/home.html",
        {
            "compartments": account_selectors.compartments_for_user(user=user),
            "pending": account_selectors.pending_for_user(user=user)[:10],
        },
    )
