"""Numbers of the reporting pages, as the active language writes them (reporting.charts)."""

from decimal import Decimal

from django import template

from motcua.reporting import charts

register = template.Library()


@register.filter
def percent(rate: float | None) -> str:
    """A rate in [0, 1]: 0.955 → "95,5%" in Vietnamese; None → "–"."""
    return charts.percent(rate)


@register.filter
def points(value: Decimal | int | float | None) -> str:
    """Points of the 766 index, up to two decimals: 13.33 → "13,33"; None → "–"."""
    return charts.number(value, decimals=2)
