"""`python -m annotator` runs the command line."""

from __future__ import annotations

import sys

from annotator.cli import main

sys.exit(main())
