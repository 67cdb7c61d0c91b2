"""The home's "today's daily report" cards: one for each community whose report the user
confirms. The home names the communities at no cost (from the units it already read); each
card's figures, status and one-tap confirm come from reports:daily_card once the page is
shown, so that the home's first screen does not wait for today's live figures."""

from shoumen.places.models import Level, OrgUnit
from shoumen.reports.daily import confirmable

# A staff member confirms one community, rarely a few: more are left to the report pages.
CARDS_LIMIT = 5


def daily_card_units(user, units: list[OrgUnit]) -> list[OrgUnit]:
    """Of ``units`` (the home's own), the communities whose report ``user`` confirms."""
    found = [u for u in units if u.level == Level.COMMUNITY and confirmable(user, u)]
    return found[:CARDS_LIMIT]
