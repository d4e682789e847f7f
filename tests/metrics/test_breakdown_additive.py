"""On the bundled sample data, the groups of every additive metric add up to its total for every --by
field the metric can be split on (../shared/metrics.md section 3, "Breakdowns")."""

from __future__ import annotations

from datetime import date

import pytest

from crm_metrics.api import report as run
from crm_metrics.metrics.registry import all_metrics
from crm_metrics.pipeline import RunOptions, prepare
from crm_metrics.samples import sample_config

# Counts and sums of metrics.md section 3 (the `additive` flag of metrics/spec.py): their groups must
# add up to the total. Ratios, medians, means and scores are not additive.
ADDITIVE = {m.id for m in all_metrics() if m.additive}
_SPLIT = {m.id: m.breakdowns for m in all_metrics() if m.id in ADDITIVE}
# The sample tickets carry no type: --by type is checked by hand on typed tickets in test_by_type.py.
FIELDS = sorted({field for fields in _SPLIT.values() for field in fields} - {"type"})


def test_every_additive_metric_has_breakdowns() -> None:
    assert set(_SPLIT) == ADDITIVE and all(_SPLIT.values())


@pytest.mark.parametrize("field", FIELDS)
def test_groups_add_up_to_the_total(field: str) -> None:
    metrics = tuple(sorted(m for m, fields in _SPLIT.items() if field in fields))
    options = RunOptions(metrics=metrics, by=field, today=date(2026, 7, 1))
    report = run(sample_config(), options)
    frames = prepare(sample_config(), options).loaded.frames
    carrying = {name for name, frame in frames.items() if field in frame and frame[field].notna().any()}
    checked = 0
    for result in report.metrics:
        if result.groups is None:
            # Left unsplit only when no table it reads carries the field (the sample deals name no
            # campaign; there is no activities export), rather than split into groups of every row.
            assert not carrying & {t.value for t in result.metric.tables}, result.metric.id
            continue
        for label, cell in result.cells.items():
            parts = [cells[label] for cells in result.groups.values()]
            if cell.value is None:
                # n/a for the whole data (no deal names a campaign) is n/a in every group too.
                assert all(p.value is None for p in parts), (result.metric.id, label)
                continue
            assert all(p.value is not None for p in parts), (result.metric.id, label)
            total = sum(p.value or 0.0 for p in parts)
            assert total == pytest.approx(cell.value), (result.metric.id, field, label)
            checked += 1
    assert checked  # at least one period with numbers: the check is not vacuous
