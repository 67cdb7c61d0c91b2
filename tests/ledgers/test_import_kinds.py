"""The ledger import takes registered kinds of file: the residents' ledger stays the default
and unchanged; a class roster job is seen and run only by who may edit the school's pupils,
a residents' job only by who may edit the registry."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shoumen.ledgers import import_jobs
from shoumen.ledgers.importing.kinds import ERR_KIND_UNKNOWN, RESIDENTS, all_kinds, kind_of
from shoumen.ledgers.importing.reading import ERR_UNIT_LEVEL
from shoumen.ledgers.models import ImportJob, ImportStatus
from tests.ledgers.ledgers import xlsx


def test_residents_and_class_rosters_are_registered_kinds():
    assert {k.slug for k in all_kinds()} >= {RESIDENTS, "class_roster"}
    assert kind_of(RESIDENTS).remembers_mapping and not kind_of("class_roster").remembers_mapping
    with pytest.raises(LookupError):
        kind_of("payroll")


def test_an_upload_is_a_residents_ledger_unless_said_otherwise(world):
    job = import_jobs.import_job_create(
        actor=world.community_staff, org_unit=world.grid_a, filename="台账.xlsx", data=xlsx([])
    )
    assert job.kind == RESIDENTS and job.options == {}


def test_an_unknown_kind_is_refused(world):
    with pytest.raises(ValidationError) as caught:
        import_jobs.import_job_create(
            actor=world.admin_user,
            org_unit=world.grid_a,
            filename="台账.xlsx",
            data=xlsx([]),
            kind="payroll",
        )
    assert caught.value.message_dict["kind"] == [str(ERR_KIND_UNKNOWN)]


def test_each_kind_goes_into_its_own_level_of_unit_with_its_own_right(world):
    with pytest.raises(ValidationError) as caught:
        import_jobs.import_job_create(
            actor=world.admin_user,
            org_unit=world.grid_a,
            filename="花名册.xlsx",
            data=xlsx([]),
            kind="class_roster",
        )
    assert caught.value.message_dict["org_unit"] == [str(ERR_UNIT_LEVEL)]
    with pytest.raises(PermissionDenied):
        import_jobs.import_job_create(
            actor=world.community_staff,
            org_unit=world.school.unit,
            filename="花名册.xlsx",
            data=xlsx([]),
            kind="class_roster",
        )
    with pytest.raises(PermissionDenied):
        import_jobs.import_job_create(
            actor=world.school_doctor, org_unit=world.grid_a, filename="台账.xlsx", data=xlsx([])
        )


def test_jobs_are_seen_by_who_holds_their_kinds_right(world):
    residents = ImportJob.objects.create(
        org_unit=world.grid_a,
        created_by=world.community_staff,
        filename="台账.xlsx",
        status=ImportStatus.CHECKED,
    )
    roster = ImportJob.objects.create(
        org_unit=world.school.unit,
        created_by=world.school_doctor,
        kind="class_roster",
        filename="花名册.xlsx",
        status=ImportStatus.CHECKED,
    )
    seen = lambda user: set(import_jobs.import_jobs_visible_to(user))  # noqa: E731
    assert seen(world.community_staff) == {residents}
    assert seen(world.school_doctor) == seen(world.principal) == {roster}
    assert seen(world.teacher) == seen(world.education_officer) == set()
    assert seen(world.admin_user) == {residents, roster}
