from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


class Level(models.TextChoices):
    DISTRICT = "district", _("District")
    STREET = "street", _("Street")
    COMMUNITY = "community", _("Community")
    GRID = "grid", _("Grid")
    SCHOOL = "school", _("School")
    CLASS = "class", _("Class")


LEVEL_ORDER = [Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.GRID, Level.SCHOOL, Level.CLASS]

# The tree's shape: a street holds communities and schools; a school holds its classes.
PARENT_LEVEL: dict[str, str] = {
    Level.STREET: Level.DISTRICT,
    Level.COMMUNITY: Level.STREET,
    Level.GRID: Level.COMMUNITY,
    Level.SCHOOL: Level.STREET,
    Level.CLASS: Level.SCHOOL,
}


def child_levels(level: str) -> list[str]:
    """The levels a unit of ``level`` may hold, the usual one first."""
    return [child for child, parent in PARENT_LEVEL.items() if parent == level]


def child_level(level: str) -> str | None:
    """The usual level under ``level`` (a street's communities; a school's classes)."""
    children = child_levels(level)
    return children[0] if children else None


class OrgUnit(MP_Node):
    """A unit of the jurisdiction tree; ``path`` prefixes make "everything under X" one filter."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=[lvl.value for lvl in LEVEL_ORDER]),
                name="orgunit_level_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_grid(self) -> bool:
        return self.level == Level.GRID
