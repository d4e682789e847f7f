"""Formatting a metric value for people, by its unit (tables, Markdown, HTML share this)."""

from __future__ import annotations

from crm_metrics.metrics.registry import Unit

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}


def currency_digits(values: list[float | None]) -> int:
    """Decimals for the amounts of one row: none once any of them reaches 1,000, so "$0.00" and
    "$300.00" never stand beside "$3,500" (cents matter only where every amount is small)."""
    return 0 if any(v is not None and abs(v) >= 1000 for v in values) else 2


def format_value(value: float | None, unit: Unit, currency: str, digits: int | None = None) -> str:
    """`value` in `unit` for people: "$3,500", "37.0 %", "4.5 d", "n/a" for None. `digits` fixes
    an amount's decimals (currency_digits of its row); by default they follow the value alone."""
    if value is None:
        return "n/a"
    match unit:
        case Unit.CURRENCY:
            symbol = CURRENCY_SYMBOLS.get(currency)
            if digits is None:
                digits = currency_digits([value])
            number = f"{abs(value):,.{digits}f}"
            sign = "-" if value < 0 else ""
            return f"{sign}{symbol}{number}" if symbol else f"{sign}{number} {currency}"
        case Unit.RATIO:
            return f"{value * 100:.1f} %"
        case Unit.COUNT:
            return f"{value:,.0f}"
        case Unit.DAYS:
            return f"{value:,.1f} d"
        case Unit.HOURS:
            return f"{value:,.1f} h"
        case Unit.MINUTES:
            return f"{value:,.1f} min"
        case Unit.MONTHS:
            return f"{value:,.1f} mo"
        case Unit.YEARS:
            return f"{value:,.1f} y"
        case Unit.SCORE:
            return f"{value:,.1f}"
        case Unit.MULTIPLE:
            return f"{value:,.1f}x"
