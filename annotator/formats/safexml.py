"""Parsing XML files nobody here wrote: size capped, no DTD, no entities, no network.

Every importer reads XML through `parse_xml`. The file's size is checked before a byte is
parsed; lxml is told never to load a DTD, resolve an entity or open a URL; and a document that
declares entities (billion laughs, quadratic blowup, external entities) is refused outright
rather than parsed with them left unexpanded. A DOCTYPE that only names a DTD (InterText's
files point at one by URL) is allowed: it is never fetched.
"""

from __future__ import annotations

from pathlib import Path

from lxml import etree

from annotator.errors import InputError

XML_SIZE_LIMIT = 200 * 1024 * 1024
"""Bytes: a bigger XML file is refused before parsing (no aligned text of one pair is this big)."""


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


_ENTITY_MARKS = tuple("<!ENTITY".encode(codec) for codec in ("utf-8", "utf-16-le", "utf-16-be"))


def _declares_entities(path: Path) -> bool:
    """Return whether the prolog (before the root element) declares an entity."""
    with path.open("rb") as stream:
        head = stream.read(1 << 20)  # a DOCTYPE's internal subset: entity bombs are small
    return any(mark in head for mark in _ENTITY_MARKS)


def parse_xml(path: Path, limit: int = XML_SIZE_LIMIT) -> etree._Element:
    """Return the root element of the XML file at path; InputError naming the file if refused."""
    try:
        if not path.exists():
            raise InputError(f"{path}: no such file")
        if not path.is_file():
            raise InputError(f"{path}: not a regular file")
        size = path.stat().st_size
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if size > limit:
        raise InputError(
            f"{path}: {size / 1e6:.1f} MB is over the {limit / 1e6:.0f} MB limit for XML files"
        )
    if _declares_entities(path):
        raise InputError(f"{path}: the document declares XML entities; refused for safety")
    try:
        tree = etree.parse(str(path), _parser())
    except etree.XMLSyntaxError as exc:
        raise InputError(f"{path}: not well-formed XML ({exc.msg})") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc})") from None
    dtd = tree.docinfo.internalDTD
    if dtd is not None and any(True for _ in getattr(dtd, "iterentities")()):  # noqa: B009
        raise InputError(f"{path}: the document declares XML entities; refused for safety")
    root = tree.getroot()
    for _ in root.iter(etree.Entity):
        raise InputError(f"{path}: the document uses an undeclared XML entity; refused")
    return root


def local_name(element: etree._Element) -> str:
    """Return an element's tag without its namespace."""
    return str(etree.QName(element).localname)


def text_of(element: etree._Element) -> str:
    """Return all the text inside an element, its children's included."""
    return "".join(str(part) for part in element.itertext())


def line_of(element: etree._Element) -> int:
    """Return the line an element starts on (0 if unknown)."""
    line = element.sourceline
    return line if isinstance(line, int) else 0
