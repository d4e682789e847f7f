"""Regenerates the bad-input corpus in this folder: each file small and named for what is wrong.

Run on purpose only (python tests/bad_inputs/make_corpus.py); the files are committed.
"""

from __future__ import annotations

import io
import struct
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEADER = "Deal ID,Stage,Amount,Created Date,Close Date\n"


def _xlsx(sheet_name: str) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = sheet_name
    sheet.append(["Deal ID", "Stage", "Amount", "Created Date", "Close Date"])
    sheet.append(["D1", "Closed Won", 100, "2025-01-02", "2025-02-01"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _ole_encrypted() -> bytes:
    """The start of an OLE compound file as Excel writes for a password-protected .xlsx: the magic,
    a minimal header and the UTF-16 names of its EncryptionInfo and EncryptedPackage streams."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack("<HHHH", 0x3E, 3, 0xFFFE, 9)
    header = header.ljust(512, b"\x00")
    names = "EncryptionInfo".encode("utf-16-le").ljust(64, b"\x00") + \
        "EncryptedPackage".encode("utf-16-le").ljust(64, b"\x00")
    return header + names.ljust(512, b"\x00")


def _zip_bomb() -> bytes:
    """A valid-looking .xlsx whose one part inflates to 8 MB of zeros (about 8 KB on disk)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (8 * 1024 * 1024))
    return out.getvalue()


FILES: dict[str, bytes] = {
    "empty.csv": b"",
    "blank_lines_only.csv": b"\n\n  \n\n",
    "header_only.csv": HEADER.encode(),
    "binary.csv": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10" + bytes(range(256)),
    "ragged_rows.csv": (HEADER + "D1,Closed Won,100,2025-01-02,2025-02-01\n"
                        "D2,Closed Won,200,2025-01-03,2025-02-01,extra,cells\n").encode(),
    "unterminated_quote.csv": (HEADER + 'D1,"Closed Won,100,2025-01-02,2025-02-01\n').encode(),
    "latin1_as_utf8.csv": (HEADER + "D1,Clôturé gagné,100,2025-01-02,2025-02-01\n").encode()
    + "D2,Clôturé perdu,200,2025-01-03,2025-02-01\n".encode("latin-1"),
    "corrupt.xlsx": _xlsx("Deals")[:700],
    "not_a_workbook.xlsx": b"Deal ID,Stage\nD1,Won\n",
    "password_protected.xlsx": _ole_encrypted(),
    "zip_bomb.xlsx": _zip_bomb(),
    "missing_sheet.xlsx": _xlsx("Opportunities"),
    "wrong_type.pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
    "not_a_mapping.yaml": b"- period: quarter\n- sources: {}\n",
    "yaml_syntax_error.yaml": b"period: quarter\nsources:\n  deals:\n    path: [deals.csv\n  spend: x\n",
    "code_in_yaml.yaml": b"period: !!python/object/apply:os.system ['echo pwned']\n",
    "missing_required_column.csv": b"Deal ID,Stage,Amount,Create Dt\nD1,Closed Won,100,2025-01-02\n",
}


def main() -> None:
    for name, data in FILES.items():
        (HERE / name).write_bytes(data)
    directory = HERE / "directory_not_file.csv"
    directory.mkdir(exist_ok=True)
    (directory / ".gitkeep").write_bytes(b"")


if __name__ == "__main__":
    main()
