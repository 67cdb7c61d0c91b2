"""The registry's figures beside each grid on a unit page: households and residents."""

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shoumen.places.figures import GridFigure, grid_figure_add
from shoumen.registry.models import Household, Person, Status
from shoumen.registry.selectors import _count_of


def register() -> None:
    grid_figure_add(GridFigure("household_count", _("households"), lambda: _count_of(Household)))
    grid_figure_add(
        GridFigure(
            "resident_count",
            _("residents"),
            lambda: _count_of(Person, filter_q=Q(status=Status.RESIDENT)),
        )
    )
