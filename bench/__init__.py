"""Benchmarks and their tools, run as ``python -m bench.<name>`` from the project's root."""

import os
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    """Make the project importable and set Django up with its settings, for a benchmark run as a script."""
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
