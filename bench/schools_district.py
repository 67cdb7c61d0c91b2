"""A district of schools for the schools benchmark, written with ``COPY``.

    .venv/bin/python bench/schools_district.py [--schools 200] [--classes 40] [--pupils 45]

Drops and recreates ``shoumen_schools_bench``, migrates it, and loads: one district of 10
streets, ``--schools`` schools spread over them (primary and middle, one in ten boarding),
``--classes`` classes each, ``--pupils`` pupils a class (200 × 40 × 45 = 360,000), the autumn
term from 1 September, and that term's checks on every school day before the bench day
(``DAY``, a Monday): morning and noon (and evening for boarding classes), with a background
of illness absences (each class-day: none 73 %, one 23 %, two 4 %), personal leave (one in
five class-days) and their findings, an illness absence per sick pupil-day (returned), and
every school's confirmed daily report. Also the education bureau and CDC officers of the
district and one health officer per school (the callers of the API). The runner,
``bench/schools_bench.py``, imports this module.
"""

import argparse
import datetime
import json
import os
import random
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB_NAME = "shoumen_schools_bench"
SERVER_URL = "postgres://postgres@127.0.0.1:5432"
os.environ["DATABASE_URL"] = f"{SERVER_URL}/{DB_NAME}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shoumen.settings")

import psycopg  # noqa: E402

# The bench day: a Monday in the autumn term; the morning checks are sent from 07:30.
DAY = datetime.date(2026, 11, 30)
TERM_START = datetime.date(2026, 9, 1)
TERM_END = datetime.date(2027, 1, 15)
MORNING_FROM = datetime.time(7, 30)
STREETS = 10
SYMPTOMS = [
    ["fever"],
    ["cough"],
    ["sore_throat"],
    ["fever", "cough"],
    ["cough", "sore_throat"],
    ["headache"],
    ["abdominal_pain"],
    ["diarrhoea"],
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
GIVEN = "伟强磊军勇杰涛明超刚平辉鹏华飞鑫波斌宇浩芳娜敏静丽艳娟霞秀玲桂英燕红婷雪琳洁梅莉兰萍倩颖慧"


def recreate_database() -> None:
    with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")


def setup_django() -> None:
    import django

    django.setup()


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def build(*, schools: int, classes: int, pupils: int, seed: int = 2026) -> dict:
    """Migrate and load the district; returns the counts and the seconds it took."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from shoumen.accounts.models import RoleAssignment, User
    from shoumen.accounts.roles import Role
    from shoumen.lib.bulk import copy_rows, next_ids
    from shoumen.places.models import Level, OrgUnit
    from shoumen.schools.calendar import school_days
    from shoumen.schools.models import School, SchoolClass, SchoolKind, Term

    call_command("migrate", verbosity=0)
    rng = random.Random(seed)  # noqa: S311 (bench data)
    started = time.perf_counter()
    counts: dict[str, int] = {}
    with transaction.atomic():
        district = OrgUnit.objects.add_root(
            create_kwargs={"code": "SB", "name": "校园基准区", "level": Level.DISTRICT}
        )
        streets = [
            OrgUnit.objects.add_child(
                district,
                create_kwargs={"code": f"SB-S{i}", "name": f"第{i}街道", "level": Level.STREET},
            )
            for i in range(1, STREETS + 1)
        ]
        school_rows = []
        for n in range(1, schools + 1):
            street = streets[(n - 1) % STREETS]
            middle = n % 3 == 0
            unit = OrgUnit.objects.add_child(
                street,
                create_kwargs={
                    "code": f"SB-X{n}",
                    "name": f"第{n}{'中学' if middle else '小学'}",
                    "level": Level.SCHOOL,
                },
            )
            school_rows.append(
                School.objects.create(
                    unit=unit,
                    kind=SchoolKind.MIDDLE if middle else SchoolKind.PRIMARY,
                    boarding=n % 10 == 0,
                )
            )
        Term.objects.bulk_create(
            [
                Term(school=s, name="2026—2027学年第一学期", starts_on=TERM_START, ends_on=TERM_END)
                for s in school_rows
            ]
        )
        # Classes: org units with their tree paths worked out here, then the class rows.
        unit_ids = next_ids(OrgUnit, schools * classes)
        class_ids = next_ids(SchoolClass, schools * classes)
        units, klasses, plan = [], [], []
        k = 0
        for school in school_rows:
            grades = range(7, 10) if school.kind == SchoolKind.MIDDLE else range(1, 7)
            per_grade = -(-classes // len(grades))
            for m in range(1, classes + 1):
                grade = list(grades)[(m - 1) // per_grade]
                path = OrgUnit._get_path(school.unit.path, school.unit.depth + 1, m)
                units.append(
                    (unit_ids[k], path, school.unit.depth + 1, 0, f"SB-X{school.pk}-K{m}",
                     f"{grade}年级{(m - 1) % per_grade + 1}班", Level.CLASS)
                )  # fmt: skip
                klasses.append((class_ids[k], unit_ids[k], school.pk, grade, school.boarding))
                plan.append((class_ids[k], school.pk, school.boarding))
                k += 1
        copy_rows(OrgUnit, ["id", "path", "depth", "numchild", "code", "name", "level"], units)
        OrgUnit.objects.filter(level=Level.SCHOOL).update(numchild=classes)
        copy_rows(SchoolClass, ["id", "unit_id", "school_id", "grade", "boarding"], klasses)
        counts |= {"schools": schools, "classes": len(klasses)}

        # Pupils, without ID numbers (optional; the checks never read them).
        pupil_ids = next_ids(_model("Pupil"), len(plan) * pupils)
        roll: dict[int, list[int]] = {}
        now = _at(TERM_START, 8)
        rows = []
        i = 0
        for class_id, school_id, boarding in plan:
            for _ in range(pupils):
                pid = pupil_ids[i]
                i += 1
                roll.setdefault(class_id, []).append(pid)
                name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
                rows.append(
                    (pid, school_id, class_id, "pupil", name, rng.choice("MF"),
                     datetime.date(2015, 1, 1) + datetime.timedelta(days=rng.randrange(2500)),
                     "", boarding, True, False, now, now)
                )  # fmt: skip
        copy_rows(
            _model("Pupil"),
            ["id", "school_id", "klass_id", "kind", "name", "sex", "birth_date",
             "id_number_last4_index", "boarding", "active", "return_pending",
             "created_at", "updated_at"],
            rows,
        )  # fmt: skip
        counts["pupils"] = len(rows)
        del rows

        # People: the district's officers and each school's health officer.
        people = [
            ("edu_bench", Role.EDUCATION_OFFICER, district),
            ("cdc_bench", Role.CDC_OFFICER, district),
        ] + [(f"doc_bench{n}", Role.SCHOOL_HEALTH_OFFICER, s.unit) for n, s in
             enumerate(school_rows, start=1)]  # fmt: skip
        users = [User(username=u, display_name=u) for u, _, _ in people]
        for user in users:
            user.set_unusable_password()
        users = User.objects.bulk_create(users)
        RoleAssignment.objects.bulk_create(
            [
                RoleAssignment(user=user, role=role, org_unit=unit)
                for user, (_, role, unit) in zip(users, people, strict=True)
            ]
        )
        doctor_of = {s.pk: users[n + 2].pk for n, s in enumerate(school_rows)}

        days = school_days(school_rows[0], TERM_START, DAY - datetime.timedelta(days=1))
        counts |= _history(rng, plan, roll, days, doctor_of)
        counts["school_days_before"] = len(days)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


def _model(name: str):
    from django.apps import apps

    return apps.get_model("schools", name)


def _history(rng, plan, roll, days, doctor_of) -> dict[str, int]:
    """The term's checks, findings, illness absences and daily reports, day after day."""
    from shoumen.lib.bulk import copy_writer, next_ids

    ClassCheck, Finding, Absence, DailyReport = (
        _model(n) for n in ("ClassCheck", "Finding", "Absence", "DailyReport")
    )
    check_cols = ["id", "client_uuid", "klass_id", "school_id", "date", "session", "enrolled",
                  "present", "sick_absent", "personal_absent", "symptomatic", "late",
                  "submitted_by_id", "submitted_at"]  # fmt: skip
    finding_cols = ["check_record_id", "pupil_id", "klass_id", "school_id", "date", "kind",
                    "symptoms", "temperature", "onset_date", "saw_doctor", "disease_id",
                    "diagnosis_note", "to_observation_room", "guardian_notified"]  # fmt: skip
    absence_cols = ["pupil_id", "klass_id", "school_id", "opened_by_finding_id",
                    "reported_by_guardian", "first_day", "symptoms", "onset_date", "saw_doctor",
                    "disease_id", "diagnosis_note", "status", "returned_on", "created_at",
                    "updated_at"]  # fmt: skip
    counts = {"class_checks": 0, "findings": 0, "absences": 0, "daily_reports": 0}
    for d in days:
        sessions_of = {False: ["morning", "noon"], True: ["morning", "noon", "evening"]}
        n_checks = sum(len(sessions_of[b]) for _, _, b in plan)
        ids = iter(next_ids(ClassCheck, n_checks))
        back = d + datetime.timedelta(days=1)
        checks, findings, absences = [], [], []
        for class_id, school_id, boarding in plan:
            pupils = roll[class_id]
            draw = rng.random()
            sick = rng.sample(pupils, 0 if draw < 0.73 else 1 if draw < 0.96 else 2)
            leave = (
                [p for p in rng.sample(pupils, 1) if p not in sick] if rng.random() < 0.2 else []
            )
            symptoms = {p: rng.choice(SYMPTOMS) for p in sick}
            for session in sessions_of[boarding]:
                check_id = next(ids)
                hour = {"morning": 7, "noon": 12, "evening": 19}[session]
                at = _at(d, hour, 40 + rng.randrange(19))
                checks.append(
                    (check_id, uuid.uuid4(), class_id, school_id, d, session, len(pupils),
                     len(pupils) - len(sick) - len(leave), len(sick), len(leave), 0, False,
                     doctor_of[school_id], at)
                )  # fmt: skip
                for p in sick:
                    findings.append(
                        (check_id, p, class_id, school_id, d, "sick", json.dumps(symptoms[p]),
                         None, d, False, None, "", False, False)
                    )  # fmt: skip
                for p in leave:
                    findings.append(
                        (check_id, p, class_id, school_id, d, "personal", "[]", None, None,
                         False, None, "", False, False)
                    )  # fmt: skip
            for p in sick:
                absences.append(
                    (p, class_id, school_id, None, False, d, json.dumps(symptoms[p]), d, False,
                     None, "", "returned", back, _at(d, 8), _at(back, 8))
                )  # fmt: skip
        with copy_writer(ClassCheck, check_cols) as write:
            for row in checks:
                write(row)
        with copy_writer(Finding, finding_cols) as write:
            for row in findings:
                write(row)
        with copy_writer(Absence, absence_cols) as write:
            for row in absences:
                write(row)
        reports = [
            (school_id, d, True, "{}", "", doctor, _at(d, 15, rng.randrange(50)), True)
            for school_id, doctor in doctor_of.items()
        ]
        with copy_writer(
            DailyReport,
            ["school_id", "date", "nothing_found", "figures", "remarks", "confirmed_by_id",
             "confirmed_at", "on_time"],
        ) as write:  # fmt: skip
            for row in reports:
                write(row)
        counts["class_checks"] += len(checks)
        counts["findings"] += len(findings)
        counts["absences"] += len(absences)
        counts["daily_reports"] += len(reports)
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=200)
    parser.add_argument("--classes", type=int, default=40)
    parser.add_argument("--pupils", type=int, default=45)
    args = parser.parse_args()
    recreate_database()
    setup_django()
    counts = build(schools=args.schools, classes=args.classes, pupils=args.pupils)
    print(json.dumps(counts, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
