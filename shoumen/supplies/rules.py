"""The supplies' numbers from rules, each a setting with its default (read here only)."""

from django.conf import settings

LOW_STOCK_DUE_MINUTES = 1440
COVER_DAYS = 14
EXPIRY_WARN_DAYS = 30


def low_stock_due_minutes() -> int:
    """How long a low-stock alert's owner has to act before it climbs."""
    return int(getattr(settings, "SHOUMEN_SUPPLIES_LOW_STOCK_DUE_MINUTES", LOW_STOCK_DUE_MINUTES))


def cover_days() -> int:
    """The days of use that days of cover are averaged over."""
    return int(getattr(settings, "SHOUMEN_SUPPLIES_COVER_DAYS", COVER_DAYS))


def expiry_warn_days() -> int:
    """How many days ahead a received batch's expiry date is shown as expiring."""
    return int(getattr(settings, "SHOUMEN_SUPPLIES_EXPIRY_WARN_DAYS", EXPIRY_WARN_DAYS))
