"""What the health centre's pages share: a form handed to a service, choosing the
resident a page is about, and a register handed out as a file."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse

from shoumen.healthcentre.resident_selectors import resident_for, residents_found
from shoumen.lib.downloads import Download
from shoumen.lib.pages import add_service_errors, or_404
from shoumen.registry.models import Person


def submit(
    request,
    form,
    write: Callable[[dict], Any],
    *,
    message: Any,
    then: Callable[[Any], HttpResponse],
) -> HttpResponse | None:
    """Validate ``form`` and hand its cleaned data to ``write`` (a service call). Done: the
    ``message`` (or ``message(result)``) is flashed and ``then(result)`` answers. Not done
    (the form's or the service's errors, now on the form): None, for the caller to show
    the form again."""
    if not form.is_valid():
        return None
    try:
        done = write(form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    messages.success(request, message(done) if callable(message) else message)
    return then(done)


@dataclass
class ResidentPick:
    """The resident chosen (``person`` in the query or the form), else the search ``q`` and
    the residents it found."""

    person: Person | None = None
    q: str = ""
    candidates: list[Person] = field(default_factory=list)


def resident_pick(request, perm: str) -> ResidentPick:
    """The resident a page is about, among those ``perm`` reaches (404 out of reach)."""
    chosen = request.POST.get("person") or request.GET.get("person") or ""
    if chosen.isdigit():
        return ResidentPick(person=or_404(resident_for, request.user, int(chosen), perm))
    q = request.GET.get("q", "").strip()
    return ResidentPick(q=q, candidates=residents_found(request.user, q, perm) if q else [])


def download_response(download: Download) -> HttpResponse:
    """A register as an attachment, kept out of shared caches (it names residents)."""
    response = HttpResponse(download.content, content_type=download.content_type)
    response["Content-Disposition"] = download.disposition
    response["Cache-Control"] = "private, no-store"
    return response
