"""The self-report door and the resident's confirmation, on the page behind their link:
"I need help" (what, how urgent, a few words) and their requests (their household's too),
open and delivered, with "Received" to confirm a delivery."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shoumen.lib.names import mask_name
from shoumen.lib.pages import add_service_errors
from shoumen.observation.link_sections import LinkSection, SectionPosted, register_link_section
from shoumen.services import selectors
from shoumen.services.forms import LinkAskForm
from shoumen.services.models import Door, RequestStatus
from shoumen.services.services import request_confirm, request_create

KEY = "services"
PREFIX = "help"
MSG_ASKED = _("Your request was sent to the community; you can follow it below.")
MSG_CONFIRMED = _("Thank you: you confirmed that you received it.")
ERR_NO_REQUEST = _("This request is not one of yours.")


def _form(persons, data=None) -> LinkAskForm:
    return LinkAskForm(
        data, prefix=PREFIX, persons=persons, names=[mask_name(p.name) for p in persons]
    )


def _context(request, link, persons, state):
    if not persons:
        return None
    form = state if isinstance(state, LinkAskForm) else _form(persons)
    error = state if isinstance(state, str) else ""
    rows = [
        {"req": req, "confirmable": req.status == RequestStatus.DONE}
        for req in selectors.link_requests(persons)
    ]
    return {"form": form, "requests": rows, "error": error}


def _post(request, link, persons) -> SectionPosted:
    if request.POST.get("action") == "confirm":
        req = selectors.link_request(persons, request.POST.get("request"))
        if req is None:
            return SectionPosted(False, state=str(ERR_NO_REQUEST))
        try:
            request_confirm(actor=None, request=req, link=link)
        except ValidationError as exc:
            return SectionPosted(False, state=" ".join(exc.messages))
        return SectionPosted(True, MSG_CONFIRMED)
    form = _form(persons, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            request_create(
                actor=None,
                door=Door.SELF_REPORT,
                kind=data["kind"],
                urgency=data["urgency"],
                note=data["note"],
                person=data["whom"],
                link=link,
                client_uuid=data["client_uuid"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return SectionPosted(True, MSG_ASKED)
    return SectionPosted(False, state=form)


def register() -> None:
    register_link_section(
        LinkSection(
            key=KEY,
            template="services/link/_section.html",
            context=_context,
            post=_post,
            order=20,
        )
    )
