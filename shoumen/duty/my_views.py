"""One's own shifts on the phone: the list, checking in and out (also from a checkpoint's
scan page), and the calendar feed with its secret address."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.messages.storage.base import Message
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from shoumen.duty import ical, my_selectors
from shoumen.duty.checkin_services import calendar_token_reset, check_in_record
from shoumen.duty.models import CheckKind, DutyPerson
from shoumen.lib.pages import or_404

ERR_NOTHING_SENT = gettext_lazy("Nothing was recorded: use the buttons on the page.")
# The scan page shows no messages of its own: its check-in box shows those tagged so.
SCAN_TAG = "duty-check"
MSG_RESET_CONFIRM = gettext_lazy("Confirm that the old calendar address should stop working.")


class CheckInForm(forms.Form):
    kind = forms.ChoiceField(choices=CheckKind.choices)
    client_uuid = forms.UUIDField()
    from_scan = forms.BooleanField(required=False)
    next = forms.CharField(required=False, max_length=300)


def _back(request, next_url: str = ""):
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    return redirect("duty:my_shifts")


def _feeds(request, people: list[DutyPerson]) -> list[dict]:
    feeds = []
    for person in people:
        url = request.build_absolute_uri(reverse("duty:calendar", args=[person.calendar_token]))
        webcal = "webcal://" + url.split("://", 1)[1]
        feeds.append({"person": person, "url": url, "webcal": webcal})
    return feeds


@login_required
@require_safe
def my_shifts(request):
    shifts = my_selectors.my_shifts(request.user)
    context = {
        "shifts": shifts,
        "feeds": _feeds(request, shifts.people),
        "now": timezone.now(),
    }
    return render(request, "duty/my/shifts.html", context)


@login_required
@require_POST
def check_in(request, assignment_pk: int):
    assignment = or_404(my_selectors.assignment_for_check_in, request.user, assignment_pk)
    form = CheckInForm(request.POST)
    if not form.is_valid():
        messages.error(request, ERR_NOTHING_SENT)
        return _back(request, request.POST.get("next", ""))
    data = form.cleaned_data
    tag = SCAN_TAG if data["from_scan"] else ""
    try:
        recorded = check_in_record(
            actor=request.user,
            assignment=assignment,
            kind=data["kind"],
            client_uuid=data["client_uuid"],
            from_scan_page=data["from_scan"],
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message, extra_tags=tag)
        return _back(request, data["next"])
    at = timezone.localtime(recorded.check_in.at).strftime("%H:%M")
    if recorded.replay:
        text = _("Already recorded at %(time)s.")
    elif data["kind"] == CheckKind.IN:
        text = _("Checked in at %(time)s.")
    else:
        text = _("Checked out at %(time)s.")
    messages.success(request, text % {"time": at}, extra_tags=tag)
    return _back(request, data["next"])


@require_safe
def calendar(request, token):
    try:
        person = my_selectors.feed_person(token)
    except DutyPerson.DoesNotExist:
        raise Http404 from None
    body = ical.calendar_of(person, list(my_selectors.feed_shifts(person)))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="duty.ics"'
    response["Cache-Control"] = "private, max-age=300"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
@require_POST
def calendar_reset(request):
    if request.POST.get("confirm") != "yes":
        messages.warning(request, MSG_RESET_CONFIRM)
        return redirect("duty:my_shifts")
    try:
        calendar_token_reset(actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("duty:my_shifts")
    messages.success(
        request,
        _("The calendar has a new address: subscribe again; the old one no longer works."),
    )
    return redirect("duty:my_shifts")


def _scan_messages(request) -> list:
    """The check-in messages waiting for the scan page; the others wait for the next page."""
    said: list[Message] = []
    others: list[Message] = []
    for m in messages.get_messages(request):
        (said if SCAN_TAG in m.tags else others).append(m)
    for m in others:
        messages.add_message(request, m.level, m.message, extra_tags=m.extra_tags)
    return said


def scan_page_check_in(request, checkpoint) -> str:
    """The check-in box of a checkpoint's scan page: shown to whoever stands the post of
    this checkpoint now (or within the hour), until they check out."""
    row = my_selectors.scan_page_shift(request.user, checkpoint)
    said = _scan_messages(request)
    if row is None and not said:
        return ""
    context = {
        "row": row,
        "said": said,
        "next": request.get_full_path(),
    }
    return render_to_string("duty/my/_scan_check_in.html", context, request=request)
