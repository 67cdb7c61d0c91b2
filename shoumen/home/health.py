"""The home's ways into the health centre for those whose home is not the centre's day:
its indicators board for the officers of an area a centre serves and the CDC, its hub for
one who also holds the centre's records (the system administrator), and the centres'
set-up for the officers of a street or district. (The centre's own people get the hub as
their home.)"""

from shoumen.accounts.roles import Perm
from shoumen.accounts.scoping import can
from shoumen.healthcentre.centre_selectors import sets_up_centres
from shoumen.healthcentre.setup_selectors import centres_of


def _sees(user, perm: str) -> bool:
    """Whether ``user`` holds ``perm`` over an area a health centre serves (one query, and
    only for those who hold the right)."""
    return can(user, perm) and centres_of(user, perm).exists()


def health_links(user) -> dict[str, bool]:
    return {
        "health_board": _sees(user, Perm.VIEW_HEALTH_INDICATORS),
        "health_hub": _sees(user, Perm.VIEW_HEALTH_RECORDS),
        "health_centres": sets_up_centres(user),
    }
