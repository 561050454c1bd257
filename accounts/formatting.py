"""How figures read to people: on pages, in PDF reports and in notifications alike."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.formats import number_format


def quantity(value: object) -> str:
    """A quantity without the decimals it does not need: 12.00 reads "12", 12.50 "12.5".

    Amounts are stored with two decimals, which on a page read as false precision.
    Anything that is not a number is shown as it is; nothing shows as an empty string.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return str(value)
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    if number == number.to_integral_value():
        return str(int(number))
    return format(number.normalize(), "f")


def figure(value: object) -> str:
    """A quantity as `quantity` shows it, in the number format of the active language and
    grouped: 4000000.00 reads "4,000,000" (in French "4 000 000"), 2.50 "2.5" ("2,5")."""
    shown = quantity(value)
    try:
        number = Decimal(shown)
    except (InvalidOperation, ValueError):
        return shown
    places = max(0, -number.as_tuple().exponent)  # type: ignore[operator]
    return number_format(number, places, use_l10n=True, force_grouping=True)
