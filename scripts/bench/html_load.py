#!/usr/bin/env python3
"""Load time of a report.html in headless Chromium (Debian's chromium through Playwright).

    python3 scripts/bench/html_load.py OUT/report.html [RUNS]

Opens the page RUNS times (default 3) in one browser, each in a new page, and prints each
`page.goto(file://..., wait_until="load")` time and their median. A benchmark, not a test.
"""
import os
import statistics
import sys
import time

from playwright.sync_api import sync_playwright


def main() -> int:
    path = os.path.abspath(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"), args=["--no-sandbox"])
        times = []
        for _ in range(runs):
            page = browser.new_page()
            start = time.monotonic()
            page.goto("file://" + path, wait_until="load")
            times.append(time.monotonic() - start)
            page.close()
        browser.close()
    print(f"{os.path.getsize(path)} bytes; load " + ", ".join(f"{t:.2f}" for t in times) + f" s; median {statistics.median(times):.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
