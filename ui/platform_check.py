"""Say which system libraries Qt's X11 plugin lacks, before Qt aborts the process over them."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import PySide6


def xcb_plugin() -> Path:
    """Return the path of Qt's xcb platform plugin inside the PySide6 wheel."""
    return Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"


def missing_libraries(ldd_output: str) -> list[str]:
    """Return the shared libraries `ldd` reported as not found, in order, without repeats."""
    found = re.findall(r"^\s*(\S+) => not found", ldd_output, flags=re.MULTILINE)
    return list(dict.fromkeys(found))


def debian_package(library: str) -> str:
    """Guess the Debian/Ubuntu package of a library soname (libxcb-icccm.so.4 → libxcb-icccm4)."""
    match = re.match(r"^(lib.+?)\.so\.(\d+)", library)
    if match is None:
        return library
    name, version = match.groups()
    return f"{name}-{version}" if name[-1].isdigit() else f"{name}{version}"


def xcb_problem() -> str | None:
    """Return a message naming the packages to install if Qt would use xcb and cannot load it."""
    if os.environ.get("QT_QPA_PLATFORM") or not os.environ.get("DISPLAY"):
        return None
    if os.environ.get("WAYLAND_DISPLAY") or not xcb_plugin().exists():
        return None
    try:
        ldd = subprocess.run(
            ["ldd", str(xcb_plugin())], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    missing = missing_libraries(ldd)
    if not missing:
        return None
    packages = " ".join(debian_package(lib) for lib in missing)
    return (
        f"Qt's X11 plugin needs system libraries that are missing: {', '.join(missing)}. "
        f"On Debian/Ubuntu: sudo apt-get install {packages}"
    )
