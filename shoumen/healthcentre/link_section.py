"""The satisfaction survey on the page behind a resident's personal link: for each of the
link's persons whom an open survey of their centre has not heard from, the same answer as
on the survey's QR page (the link is the credential: no ID number asked)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shoumen.healthcentre.survey_forms import AnswerForm
from shoumen.healthcentre.survey_selectors import open_surveys_for, staff_contacts
from shoumen.healthcentre.survey_services import survey_answer
from shoumen.lib.dates import today
from shoumen.lib.names import mask_name
from shoumen.lib.pages import add_service_errors
from shoumen.observation.link_sections import LinkSection, SectionPosted, register_link_section

KEY = "health_survey"
MSG_THANKS = _("Thank you: your answer was received.")
ERR_NO_SURVEY = _("This survey is not open for you.")


def _entries(persons, state):
    day = today()
    entries = []
    for index, (person, survey) in enumerate(open_surveys_for(persons, day)):
        contacts = staff_contacts(person, day)
        form = AnswerForm(prefix=f"sv{person.pk}", contacts=contacts)
        if isinstance(state, dict) and state.get("person") == person.pk:
            form = state["form"]
        entries.append(
            {
                "index": index,
                "person_id": person.pk,
                "name": mask_name(person.name),
                "survey": survey,
                "form": form,
            }
        )
    return entries


def _context(request, link, persons, state):
    entries = _entries(persons, state)
    if not entries:
        return None
    return {"entries": entries, "error": state if isinstance(state, str) else ""}


def _post(request, link, persons) -> SectionPosted:
    try:
        person_pk = int(request.POST.get("person", ""))
    except ValueError:
        return SectionPosted(False, state=str(ERR_NO_SURVEY))
    found = [(p, s) for p, s in open_surveys_for(persons, today()) if p.pk == person_pk]
    if not found:
        return SectionPosted(False, state=str(ERR_NO_SURVEY))
    person, survey = found[0]
    form = AnswerForm(
        request.POST, prefix=f"sv{person.pk}", contacts=staff_contacts(person, today())
    )
    if form.is_valid():
        try:
            survey_answer(
                survey=survey,
                person=person,
                **form.answer(),
                via="link",
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return SectionPosted(True, MSG_THANKS)
    return SectionPosted(False, state={"person": person.pk, "form": form})


def register() -> None:
    register_link_section(
        LinkSection(
            key=KEY,
            template="healthcentre/surveys/_link_section.html",
            context=_context,
            post=_post,
            order=40,
        )
    )
