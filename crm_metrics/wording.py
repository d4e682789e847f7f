"""Counted words in messages ("1 row", "3 rows"), shared by the commands, the report and the metrics'
notes. Plain Python: the CLI imports it before pandas."""


def plural(count: int, one: str, many: str | None = None) -> str:
    """`1 kind`, `2 kinds`: the count with its thousands separator and the word that fits it."""
    return f"{count:,} {one if count == 1 else many or one + 's'}"
