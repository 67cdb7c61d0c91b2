"""The schools pages of this part, merged into test_page_matrix: ROUTES as there
(name: (args factory, expected GET status per persona)) and POST_ROUTES (name: expected
status of an empty POST per persona).

Anyone who sees the school sees its absences; the follow-up, the call, the certificate and
the guardian's link are the health officer's (Perm.FOLLOW_UP_ABSENCES), admission the class
teacher's (Perm.RECORD_CLASS_CHECKS, which the health officer also holds)."""

from tests.personas import PERSONAS

ANONYMOUS = "anonymous"
VIEW_SCHOOLS = {
    "admin_user",
    "teacher",
    "other_teacher",
    "school_doctor",
    "principal",
    "education_officer",
    "cdc_officer",
}
FOLLOW_UP = {"admin_user", "school_doctor"}
ADMIT = {"admin_user", "teacher", "school_doctor"}
# Class K1 is outside the other class's teacher's scope.
SEE_CLASS_A = VIEW_SCHOOLS - {"other_teacher"}


def _absence_table(allowed: set[str], ok: int) -> dict[str, int]:
    """On one absence of class K1: ``ok`` for ``allowed``, 404 for those who do not see the
    class, 403 for those who see it without the right, and for roles without schools."""
    table = {
        p: ok if p in allowed else 404 if p in VIEW_SCHOOLS - SEE_CLASS_A else 403 for p in PERSONAS
    }
    table[ANONYMOUS] = 302
    return table


def _only(allowed: set[str], ok: int) -> dict[str, int]:
    table = {p: ok if p in allowed else 403 for p in PERSONAS}
    table[ANONYMOUS] = 302
    return table


def _all(status: int, anonymous: int = 302) -> dict[str, int]:
    return {**dict.fromkeys(PERSONAS, status), ANONYMOUS: anonymous}


def _absence(w):
    """An open illness absence of 张小明 (class K1), as a class check opens one."""
    from shoumen.lib.dates import today
    from shoumen.schools.models import Absence

    pupil = w.pupil("张小明")
    found = Absence.objects.filter(pupil=pupil).exclude(status="returned").first()
    if found is None:
        found = Absence.objects.create(
            pupil=pupil, klass=pupil.klass, school=pupil.school, first_day=today()
        )
    return [found.pk]


def _certified(w):
    """李小红's varicella absence (class K1) with its return-to-class certificate."""
    from django.utils import timezone

    from shoumen.lib.dates import today
    from shoumen.schools.models import Absence, Disease, ReturnCertificate

    pupil = w.pupil("李小红")
    found = Absence.objects.filter(pupil=pupil).exclude(status="returned").first()
    if found is None:
        found = Absence.objects.create(
            pupil=pupil,
            klass=pupil.klass,
            school=pupil.school,
            first_day=today(),
            disease=Disease.objects.get(code="varicella"),
            status="awaiting_return",
        )
        ReturnCertificate.objects.create(
            absence=found,
            number="FK-SCH1-2026-9999",
            hospital_certificate_checked=True,
            issued_by=w.school_doctor,
            issued_at=timezone.now(),
        )
    return [found.pk]


def _ming(w):
    return [w.pupil("张小明").pk]


def _linked(w):
    """张小明 with a live guardian's link."""
    from shoumen.schools.guardian_links import guardian_link_is_live, guardian_link_issue
    from shoumen.schools.models import GuardianLink

    pupil = w.pupil("张小明")
    if not guardian_link_is_live(GuardianLink.objects.filter(pupil=pupil).first()):
        guardian_link_issue(actor=w.school_doctor, pupil=pupil)
    return [pupil.pk]


def _token(w):
    from shoumen.schools.guardian_links import guardian_link_token
    from shoumen.schools.models import GuardianLink

    _linked(w)
    return [guardian_link_token(GuardianLink.objects.get(pupil=w.pupil("张小明")))]


ROUTES: dict = {
    "schools:absences": (lambda w: [], _only(VIEW_SCHOOLS, 200)),
    "schools:absence": (_absence, _absence_table(SEE_CLASS_A, 200)),
    "schools:absence_follow_up": (_absence, _all(405)),
    "schools:absence_call": (_absence, _all(405)),
    "schools:absence_return": (_absence, _all(405)),
    "schools:certificate_new": (_absence, _all(405)),
    "schools:absence_admit": (_certified, _all(405)),
    "schools:certificate_pdf": (_certified, _absence_table(ADMIT, 200)),
    "schools:guardian_link": (_ming, _only(FOLLOW_UP, 200)),
    "schools:guardian_link_issue": (_ming, _all(405)),
    "schools:guardian_link_revoke": (_linked, _all(405)),
    "schools:guardian_link_qr": (_linked, _only(FOLLOW_UP, 200)),
    # The guardian's public page: no login.
    "schools:guardian": (_token, _all(200, anonymous=200)),
}

POST_ROUTES: dict = {
    "schools:absences": _all(405),
    "schools:absence": _all(405),
    # Empty forms: 400 for those who may, refused (403 or 404) for the others.
    "schools:absence_follow_up": _absence_table(FOLLOW_UP, 400),
    "schools:absence_call": _absence_table(FOLLOW_UP, 400),
    "schools:absence_return": _absence_table(FOLLOW_UP, 400),
    "schools:certificate_new": _absence_table(FOLLOW_UP, 400),
    "schools:absence_admit": _absence_table(ADMIT, 400),
    "schools:certificate_pdf": _all(405),
    "schools:guardian_link": _all(405),
    "schools:guardian_link_issue": _only(FOLLOW_UP, 400),
    "schools:guardian_link_revoke": _only(FOLLOW_UP, 400),
    "schools:guardian_link_qr": _all(405),
    "schools:guardian": _all(400, anonymous=400),
}


def absence_day(w) -> dict:
    """The absences' part of the day's work (tests.pages.home_world): an open absence to
    follow up, one with its certificate waiting for admission, and a guardian's live link."""
    from shoumen.schools.models import Absence

    return {
        "absence": Absence.objects.get(pk=_absence(w)[0]),
        "certified_absence": Absence.objects.get(pk=_certified(w)[0]),
        "guardian_pupil": _linked(w)[0],
    }
