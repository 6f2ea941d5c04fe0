"""Per-user settings kept by Qt (QSettings): who you are, the text size."""

from __future__ import annotations

from PySide6.QtCore import QSettings

from ui.fonts import DEFAULT_POINT_SIZE


class Settings:
    """Typed access to the settings the window remembers between sessions."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self.q = qsettings or QSettings("annotator", "annotator")

    @property
    def annotator_name(self) -> str | None:
        """Return the name the user annotates under, None before the first start."""
        value = self.q.value("identity/name")
        return str(value) if value else None

    @annotator_name.setter
    def annotator_name(self, name: str) -> None:
        self.q.setValue("identity/name", name)

    @property
    def point_size(self) -> int:
        """Return the remembered text size in points."""
        value = self.q.value("view/point_size", DEFAULT_POINT_SIZE)
        try:
            return int(value)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            return DEFAULT_POINT_SIZE

    @point_size.setter
    def point_size(self, size: int) -> None:
        self.q.setValue("view/point_size", int(size))
        self.q.sync()
