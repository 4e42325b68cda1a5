"""URLs for benchmarks/intake_load.py: Longreach plus the peer it is measured against.

The peer is what a plain Django site would do with the same post: a Django
form with a FileField, Django's default upload handlers, the file saved with
FileSystemStorage, a page rendered back. No encryption, no receipt.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.files.storage import FileSystemStorage
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.urls import include, path

from django import forms

_storage = FileSystemStorage(location=Path(os.environ["LONGREACH_VAR_DIR"]) / "peer-files")


class PeerForm(forms.Form):
    host_country = forms.CharField(max_length=2)
    origin_state = forms.CharField(max_length=2)
    story = forms.CharField(required=False, max_length=20_000)
    files = forms.FileField()


_PAGE = engines["django"].from_string(
    '<form method="post" enctype="multipart/form-data">{% csrf_token %}{{ form }}</form>{{ saved }}'
)


def peer(request: HttpRequest) -> HttpResponse:
    form = PeerForm(request.POST or None, request.FILES or None)
    saved = ""
    if request.method == "POST" and form.is_valid():
        saved = _storage.save("upload", form.cleaned_data["files"])
    return HttpResponse(_PAGE.render({"form": form, "saved": saved}, request))


urlpatterns = [path("bench/peer/", peer), path("", include("longreach.site.urls"))]
