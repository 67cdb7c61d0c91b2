"""``{% load board_totals %}``: the total rows of the board tables, from the rows the board
already holds (no query)."""

from django import template

register = template.Library()


@register.filter
def value_of(mapping, key):
    """``{{ table.totals|value_of:status }}``: a count by key, 0 when absent."""
    return mapping.get(key, 0)


@register.filter
def sum_of(rows, attribute: str = ""):
    """``{{ rows|sum_of:"overdue" }}``: the sum of one attribute over the rows, or of the
    numbers themselves without an attribute."""
    if not attribute:
        return sum(rows)
    return sum(getattr(row, attribute) for row in rows)
