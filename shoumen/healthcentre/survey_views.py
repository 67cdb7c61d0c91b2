"""The survey pages: the centre's surveys (the manager opens a quarter's), one survey's
results (aggregates only), its printable QR poster, and the public page the QR opens,
where a resident checked against the registry answers (no login, limited per client
address like the other public pages)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import require_somewhere
from shoumen.healthcentre import survey_selectors as sel
from shoumen.healthcentre.page_helpers import submit
from shoumen.healthcentre.setup_selectors import centres_of
from shoumen.healthcentre.survey_forms import AnswerForm, IdentityForm, SurveyOpenForm
from shoumen.healthcentre.survey_services import survey_answer, survey_open
from shoumen.lib.dates import today
from shoumen.lib.errors import deny
from shoumen.lib.pages import add_service_errors, or_404, posted
from shoumen.lib.qr import qr_svg_inline
from shoumen.lib.throttle import kept_private, public_page_limits

MSG_OPENED = _("The survey is open: print its poster.")
ERR_NOT_FOUND = _(
    "We could not check who you are. Give your name and resident ID number as registered "
    "in your community."
)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def surveys(request):
    require_somewhere(request.user, Perm.VIEW_HEALTH_RECORDS)
    managed = list(centres_of(request.user, Perm.MANAGE_HEALTH_CENTRE))
    if request.method == "POST" and not managed:
        raise deny()
    form = SurveyOpenForm(posted(request), centres=managed) if managed else None
    if form is not None and request.method == "POST":
        done = submit(
            request,
            form,
            lambda data: survey_open(
                actor=request.user,
                centre=form.centres[data["centre"]],
                year=data["year"],
                quarter=data["quarter"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
            ),
            message=MSG_OPENED,
            then=lambda survey: redirect("health:survey", pk=survey.pk),
        )
        if done:
            return done
    status = 400 if request.method == "POST" else 200
    context = {"surveys": sel.surveys_of(request.user), "form": form, "today": today()}
    return render(request, "healthcentre/surveys/list.html", context, status=status)


@login_required
@require_safe
def survey(request, pk: int):
    require_somewhere(request.user, Perm.VIEW_HEALTH_RECORDS)
    item = or_404(sel.survey_for, request.user, pk)
    context = {
        "survey": item,
        "results": sel.survey_results(request.user, item),
        "min_ratings": sel.min_ratings(),
        "is_open": sel.is_open(item, today()),
    }
    return render(request, "healthcentre/surveys/detail.html", context)


@login_required
@require_safe
def survey_poster(request, pk: int):
    require_somewhere(request.user, Perm.VIEW_HEALTH_RECORDS)
    item = or_404(sel.survey_for, request.user, pk)
    url = request.build_absolute_uri(reverse("health:survey_answer", args=[item.token]))
    context = {"survey": item, "url": url, "qr_svg": qr_svg_inline(url, scale=8)}
    return render(request, "healthcentre/surveys/poster.html", context)


def _public(request, template, context, status=200):
    return kept_private(render(request, f"healthcentre/surveys/{template}", context, status=status))


# The token in the address is the credential and the page's "no-referrer" policy makes
# browsers send "Origin: null", which the CSRF check refuses (as on the self-report page).
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
@public_page_limits("health-survey")
def survey_answer_page(request, token: str):
    """Reached by scanning the survey's poster: who you are, then your answer."""
    item = sel.survey_by_token(token)
    if item is None:
        return _public(request, "invalid.html", {}, status=404)
    context: dict = {"survey": item}
    if not sel.is_open(item, today()):
        return _public(
            request, "closed.html", context, status=400 if request.method == "POST" else 200
        )
    identity = IdentityForm(posted(request))
    context["identity"] = identity
    if request.method != "POST":
        return _public(request, "answer.html", context)
    person = None
    if identity.is_valid():
        person = sel.survey_respondent(
            item, identity.cleaned_data["name"], identity.cleaned_data["id_number"]
        )
    if person is None:
        context["error"] = ERR_NOT_FOUND
        return _public(request, "answer.html", context, status=400)
    if item.responses.filter(person=person).exists():
        return _public(request, "done.html", {**context, "again": True})
    contacts = sel.staff_contacts(person, today())
    answering = request.POST.get("step") == "answer"
    form = AnswerForm(request.POST if answering else None, contacts=contacts)
    context.update({"form": form, "identified": True})
    if answering and form.is_valid():
        try:
            survey_answer(
                survey=item,
                person=person,
                **form.answer(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _public(request, "done.html", context)
    return _public(request, "answer.html", context, status=400 if answering else 200)
