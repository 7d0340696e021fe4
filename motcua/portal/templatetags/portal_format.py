"""Formatting filters of the portal."""

from django import template
from django.utils import formats, numberformat

register = template.Library()


@register.filter
def vnd(amount: int) -> str:
    """An amount of đồng grouped by thousands as the active language writes it: 8.000 / 8,000."""
    return numberformat.format(
        amount,
        decimal_sep=formats.get_format("DECIMAL_SEPARATOR"),
        decimal_pos=0,
        grouping=3,
        thousand_sep=formats.get_format("THOUSAND_SEPARATOR"),
        force_grouping=True,
    )


@register.filter
def plural_count(value: object) -> int:
    """An integer for choosing a plural form: 1 stays singular, anything else (0.5, 2) plural."""
    return 1 if value == 1 else 2
