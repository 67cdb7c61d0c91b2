"""The supplies' numbers from rules, each a setting (defaults in shoumen/settings.py),
read here only."""

from django.conf import settings


def low_stock_due_minutes() -> int:
    """How long a low-stock alert's owner has to act before it climbs."""
    return int(settings.SHOUMEN_SUPPLIES_LOW_STOCK_DUE_MINUTES)


def cover_days() -> int:
    """The days of use that days of cover are averaged over."""
    return int(settings.SHOUMEN_SUPPLIES_COVER_DAYS)


def expiry_warn_days() -> int:
    """How many days ahead a received batch's expiry date is shown as expiring."""
    return int(settings.SHOUMEN_SUPPLIES_EXPIRY_WARN_DAYS)
