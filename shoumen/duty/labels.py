"""The duty app's audit actions in words, gathered from each part."""

from shoumen.audit.labels import register_actions
from shoumen.duty import (
    checkin_services,
    people_services,
    resolve_services,
    rest_services,
    roster_services,
    setup_services,
    swap_services,
)

PARTS = (
    setup_services,
    people_services,
    roster_services,
    swap_services,
    resolve_services,
    checkin_services,
    rest_services,
)


def register() -> None:
    for part in PARTS:
        register_actions(part.ACTION_LABELS)
