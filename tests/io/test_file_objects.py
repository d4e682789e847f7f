"""read_table takes a binary file object as well as a path (an upload, or a test without a file on
disk): the same frame, and the same one-line errors named after the file object's name."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
import pytest

from crm_metrics.errors import InputError
from crm_metrics.io.files import read_table
from tests.clean.test_categories import EXPORT_FILES

BAD = Path(__file__).parents[1] / "bad_inputs"


@pytest.mark.parametrize("export", EXPORT_FILES, ids=lambda p: p.name)
def test_a_file_object_reads_as_its_path_does(export: Path) -> None:
    from_path = read_table(export)
    from_object = read_table(io.BytesIO(export.read_bytes()), name=export.name)
    pd.testing.assert_frame_equal(from_object, from_path)


def test_a_workbook_from_memory(tmp_path: Path) -> None:
    path = tmp_path / "deals.xlsx"
    pd.DataFrame({"Deal ID": [12417, 12418], "Amount": [1.5, 2.0]}).to_excel(path, index=False)
    frame = read_table(io.BytesIO(path.read_bytes()), name="deals.xlsx")
    # Whole numbers typed in a sheet stay whole (12417, not 12417.0), as from the path.
    assert frame["Deal ID"].tolist() == [12417, 12418]
    pd.testing.assert_frame_equal(frame, read_table(path))


def test_semicolons_and_decimal_commas_are_cells_as_read() -> None:
    frame = read_table(io.BytesIO(b"Deal ID;Amount\nD1;1,5\nD2;2\n"), name="deals.csv")
    assert frame.to_dict("list") == {"Deal ID": ["D1", "D2"], "Amount": ["1,5", "2"]}


@pytest.mark.parametrize(("name", "data", "message"), [
    ("x.csv", b"", "x.csv: the file is empty"),
    ("binary.csv", (BAD / "binary.csv").read_bytes(), "binary.csv: this is not a text CSV file"),
    ("ragged.csv", (BAD / "ragged_rows.csv").read_bytes(), "ragged.csv: rows do not have the same number"),
    ("corrupt.xlsx", (BAD / "not_a_workbook.xlsx").read_bytes(), "corrupt.xlsx: is not a valid .xlsx"),
    ("locked.xlsx", (BAD / "password_protected.xlsx").read_bytes(), "locked.xlsx: is password-protected"),
    ("report.pdf", b"%PDF-1.4", "report.pdf: unsupported file type '.pdf'"),
])
def test_errors_name_the_file_object(name: str, data: bytes, message: str) -> None:
    with pytest.raises(InputError, match="^" + message.replace(".", r"\.").replace("(", r"\(")):
        read_table(io.BytesIO(data), name=name)


def test_a_text_mode_file_is_refused_with_what_to_do() -> None:
    with pytest.raises(InputError, match="opened in binary mode"):
        read_table(io.StringIO("a,b\n1,2\n"), name="x.csv")  # type: ignore[arg-type]
