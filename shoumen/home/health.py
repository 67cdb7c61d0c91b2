"""The home's way into the health centre's indicators board, for the officers of an area a
centre serves and the CDC. (The centre's own people get the centre's day, its hub, as their
home.)"""

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.healthcentre.setup_selectors import centres_of


def sees_health_board(user) -> bool:
    """Whether ``user`` sees the indicators of an area a health centre serves (one query,
    and only for those who hold the right)."""
    perm = Perm.VIEW_HEALTH_INDICATORS
    return can(user, perm) and centres_of(user, perm).exists()
