"""Names of the environment variables annotator reads (a leaf module the CLI loads at once)."""

from __future__ import annotations

from typing import Final

DB_ENV_VAR: Final = "ANNOTATOR_DB"  # the store to open when --db is not given
