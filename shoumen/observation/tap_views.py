"""Today's small taps: call the person (recorded, no reason prompt) and undo a mistaken
"Normal" within a few minutes. The phone number travels only in a response, never in a
URL: the POST carries the person id, the answer is the ``tel:`` link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.lib.errors import deny
from shoumen.lib.pages import or_404
from shoumen.observation.calls import person_call
from shoumen.registry.selectors import person_for


class TelRedirect(HttpResponseRedirect):
    allowed_schemes = ["tel"]


def tel_href(phone: str) -> str:
    return "tel:" + "".join(ch for ch in phone if ch.isdigit() or ch == "+")


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_POST
@never_cache  # the number must not stay in a browser or proxy cache
def person_call_view(request):
    """Record the call and answer the ``tel:`` link: as JSON for the page's script (which
    then dials), or as a redirect for a plain form post."""
    if not can(request.user, Perm.RECORD_HEALTH_REPORTS):
        raise deny()
    try:
        person_pk = int(request.POST.get("person", ""))
    except ValueError:
        return HttpResponse(status=400)
    person = or_404(person_for, request.user, pk=person_pk, perm=Perm.RECORD_HEALTH_REPORTS)
    try:
        phone = person_call(actor=request.user, person=person)
    except ValidationError as exc:
        if _wants_json(request):
            return JsonResponse({"error": " ".join(exc.messages)}, status=403)
        messages.error(request, " ".join(exc.messages))
        return redirect(_back(request))
    href = tel_href(phone)
    if _wants_json(request):
        return JsonResponse({"href": href})
    return TelRedirect(href)


def _back(request) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("observation:today")
