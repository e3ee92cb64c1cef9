"""``python -m pct_tasks.cli`` is ``pct``."""

import sys

from pct_tasks.cli import main

sys.exit(main())
