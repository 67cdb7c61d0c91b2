"""OR-Tools takes about a second and a hundred megabytes to load: a web worker, a command or
the scheduler starting up does not load it; only solving and ranking replacements do."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_starting_the_platform_and_its_pages_does_not_load_or_tools():
    script = (
        "import json, os, sys, django;"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shoumen.settings');"
        "django.setup();"
        "import shoumen.urls, shoumen.schedule;"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('ortools', 'pandas'))))"
    )
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []
