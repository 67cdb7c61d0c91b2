"""Scoped reads of schools, classes and pupils: the one path-prefix rule, on the org unit of
the school or class. A class teacher sees their class only; school roles their school;
the education bureau and CDC their district's schools."""

from django.db.models import QuerySet

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import scope_q
from shoumen.schools.models import Pupil, School, SchoolClass


def schools_visible_to(user, perm: str = Perm.VIEW_SCHOOLS) -> QuerySet[School]:
    return School.objects.filter(scope_q(user, perm, "unit__path")).select_related("unit")


def school_for(user, pk: int, perm: str = Perm.VIEW_SCHOOLS) -> School:
    """One school in scope, or School.DoesNotExist."""
    return schools_visible_to(user, perm).get(pk=pk)


def classes_visible_to(user, perm: str = Perm.VIEW_SCHOOLS) -> QuerySet[SchoolClass]:
    return SchoolClass.objects.filter(scope_q(user, perm, "unit__path")).select_related(
        "unit", "school__unit"
    )


def class_for(user, pk: int, perm: str = Perm.VIEW_SCHOOLS) -> SchoolClass:
    """One class in scope, or SchoolClass.DoesNotExist."""
    return classes_visible_to(user, perm).get(pk=pk)


def pupils_visible_to(user, perm: str = Perm.VIEW_SCHOOLS) -> QuerySet[Pupil]:
    return Pupil.objects.filter(scope_q(user, perm, "klass__unit__path")).select_related(
        "klass__unit", "school__unit"
    )


def pupil_for(user, pk: int, perm: str = Perm.VIEW_SCHOOLS) -> Pupil:
    """One pupil in scope, or Pupil.DoesNotExist."""
    return pupils_visible_to(user, perm).get(pk=pk)
