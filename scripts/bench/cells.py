#!/usr/bin/env python3
"""Prepare the C floor's input (untimed): the Diffs cells of an estate, as drs-report writes them.

    python3 scripts/bench/cells.py ESTATE OUT.cells

Every inconsistent row of the archive ESTATE, in archive order, as the 11 values of drs-report's
Diffs sheet (job, task, source db, source table, target db, target table, kind label, source key,
target key, source SELECT, target SELECT). The rows come from scripts/bench/reference.py, the same
extraction the Python reference uses.

Format: each value is UTF-8 followed by one NUL byte, 11 values a row, nothing else. A value is
stored as drs-report stores it (docs/xlsx.md, Sources/XLSXWriter/CellText.swift): characters XML
cannot hold become `_xHHHH_`, a literal `_xHHHH_` that would read as an escape becomes
`_x005F_xHHHH_`, and text over 32,767 UTF-16 units is cut and ends with the truncation marker
(drs-report cuts between grapheme clusters; this cuts between characters). So a NUL in the data never reaches the file as a NUL, and xlsx_floor can
hand each value to libxlsxwriter where it lies.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from reference import diff_rows  # noqa: E402

MAX_CELL = 32_767
MARKER = "…[truncated; full value in csv/diffs.csv]"
_UNSAFE_CLASS = "\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff"
_UNSAFE = re.compile(f"[{_UNSAFE_CLASS}]")
# A literal "_" that a reader would take for the start of an _xHHHH_ escape once stored: followed
# by x or X, four hex digits, and then "_", CR or a character that is itself escaped.
_LITERAL_ESCAPE = re.compile(f"_(?=[xX][0-9A-Fa-f]{{4}}[_\r{_UNSAFE_CLASS}])")


def utf16_units(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def xml_safe(text: str) -> str:
    if "_" in text:
        text = _LITERAL_ESCAPE.sub("_x005F_", text)
    if _UNSAFE.search(text):
        text = _UNSAFE.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return text


def stored(value: str) -> str:
    text = xml_safe(value)
    if utf16_units(text) <= MAX_CELL:
        return text
    # Cut the original so that it, escaped, plus the marker fits (never inside a surrogate pair).
    room = MAX_CELL - utf16_units(MARKER)
    kept = value
    while utf16_units(xml_safe(kept)) > room:
        kept = kept[:max(0, len(kept) - max(1, utf16_units(xml_safe(kept)) - room))]
    return xml_safe(kept + MARKER)


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print("usage: cells.py ESTATE OUT.cells", file=sys.stderr)
        return 2
    rows = 0
    with open(argv[2], "wb") as out:
        for row in diff_rows(Path(argv[1])):
            out.write(b"".join(stored(v).encode("utf-8") + b"\0" for v in row))
            rows += 1
    print(f"cells: {rows} rows x 11 values -> {argv[2]}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
