"""Carnet de bord: the logic behind the Annecy open-data logbook.

The notebooks in ``chapters/`` narrate; this package reads the sources,
checks and cleans them, and draws the charts.
"""

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
