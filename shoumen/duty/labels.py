"""The duty app's audit actions in words, gathered from each part."""

from shoumen.audit.labels import register_actions
from shoumen.duty import (
    checkin_services,
    rest_services,
    roster_services,
    setup_services,
    swap_services,
)


def register() -> None:
    for part in (setup_services, roster_services, swap_services, checkin_services, rest_services):
        register_actions(part.ACTION_LABELS)
