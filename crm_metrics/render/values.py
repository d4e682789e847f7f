"""Formatting a metric value for people, by its unit (tables, Markdown, HTML share this)."""

from __future__ import annotations

from crm_metrics.metrics.registry import Unit

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹"}


def format_value(value: float | None, unit: Unit, currency: str) -> str:
    if value is None:
        return "n/a"
    match unit:
        case Unit.CURRENCY:
            symbol = CURRENCY_SYMBOLS.get(currency)
            digits = 0 if abs(value) >= 1000 else 2
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
