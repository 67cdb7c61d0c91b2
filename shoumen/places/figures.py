"""Figures a unit page shows beside each grid it lists (households, residents, ...).

The apps that own the rows add their figures in their ``AppConfig.ready()``; places, below
them, knows none of their tables. Each figure is a per-grid expression (``OuterRef("pk")``
is the grid), so the whole list stays one query."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from shoumen.places.models import OrgUnit


@dataclass(frozen=True)
class GridFigure:
    name: str  # the annotation, unique across apps
    label: Any  # lazily translated
    expression: Callable[[], Any]


_figures: dict[str, GridFigure] = {}


def grid_figure_add(figure: GridFigure) -> None:
    _figures[figure.name] = figure


def with_grid_figures(grids: QuerySet[OrgUnit]) -> QuerySet[OrgUnit]:
    """``grids`` annotated with every registered figure."""
    return grids.annotate(**{f.name: f.expression() for f in _figures.values()})


def figures_of(grid: OrgUnit) -> list[tuple[Any, Any]]:
    """(label, value) of each figure of a grid from ``with_grid_figures``, in added order."""
    return [(f.label, getattr(grid, f.name)) for f in _figures.values()]
