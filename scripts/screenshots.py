"""Regenerate docs/screenshots/ from the browser test (the suite itself writes its screenshots to a temporary folder).

    python scripts/screenshots.py

Runs tests/system/test_browser_flow.py on SQLite with SCRIMMAGE_SCREENSHOTS pointing at
docs/screenshots/, so the pages are shot exactly as the test walks them. Needs
Chromium at /usr/bin/chromium and the test extras (pip install -e ".[test]").
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "docs" / "screenshots"


def main() -> int:
    env = dict(os.environ, SCRIMMAGE_SCREENSHOTS=str(SHOTS))
    env.pop("SCRIMMAGE_TEST_POSTGRES_URL", None)  # SQLite is enough for pictures
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "tests/system/test_browser_flow.py"], cwd=ROOT, env=env)
    if done.returncode == 0:
        print(f"wrote {len(list(SHOTS.glob('*.png')))} screenshots to {SHOTS.relative_to(ROOT)}/")
    return done.returncode


if __name__ == "__main__":
    sys.exit(main())
