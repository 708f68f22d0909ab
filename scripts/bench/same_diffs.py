#!/usr/bin/env python3
"""Check that two workbooks hold the same Diffs cells (same rows, same order, same values).

    python3 scripts/bench/same_diffs.py drs-report/report.xlsx floor.xlsx [more.xlsx...]

Reads "Diffs", "Diffs (2)", ... of each workbook with openpyxl (read-only) and compares them with
the first, cell by cell: header row included, an empty cell equal to an empty string. Prints the
first differences and exits 1 if there are any. For the benchmark's own check on a small estate;
openpyxl needs about a minute per million rows.
"""

from __future__ import annotations

import itertools
import sys

import openpyxl


def diffs_rows(path: str):
    workbook = openpyxl.load_workbook(path, read_only=True)
    names = [n for n in workbook.sheetnames if n == "Diffs" or (n.startswith("Diffs (") and n.endswith(")"))]
    if not names:
        raise SystemExit(f"{path}: no Diffs sheet")
    for number, name in enumerate(names, start=1):
        for index, row in enumerate(workbook[name].iter_rows(values_only=True)):
            if index == 0 and number > 1:
                continue  # each continuation repeats the header
            yield tuple("" if v is None else v for v in row)


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    status = 0
    for other in argv[2:]:
        differences = 0
        rows = 0
        for rows, (a, b) in enumerate(itertools.zip_longest(diffs_rows(argv[1]), diffs_rows(other)), start=1):
            if a != b:
                differences += 1
                if differences <= 5:
                    print(f"{other}: row {rows} differs:\n  {argv[1]}: {a}\n  {other}: {b}")
        print(f"{other}: {rows} rows (header included), {differences} differ from {argv[1]}")
        status |= 1 if differences else 0
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
