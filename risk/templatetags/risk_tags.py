from django import template

from risk.tables import plain_number

register = template.Library()


@register.filter
def risk_number(value) -> str:
    """A table value or score as people write it: 6, 0.5, 540, 1.8 (never 1.80 or 540.00)."""
    number = plain_number(value)
    return "" if number is None else str(number)
