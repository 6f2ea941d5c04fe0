"""Projects, their entity label schemas, and the people who annotate them."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from annotator.audit import record
from annotator.errors import InputError
from annotator.model import Annotator, Project, Role
from annotator.store.serialize import serialize

DEFAULT_SCHEMA = "news"
_COLOR = re.compile(r"^#[0-9a-fA-F]{6}$")
_LANG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def builtin_schema_names() -> list[str]:
    """Return the names of the label schemas shipped in resources/schemas."""
    files = resources.files("resources.schemas").iterdir()
    return sorted(f.name.removesuffix(".json") for f in files if f.name.endswith(".json"))


def load_schema(name_or_path: str = DEFAULT_SCHEMA) -> dict[str, Any]:
    """Load a label schema by built-in name or from a JSON file, validated."""
    if name_or_path in builtin_schema_names():
        raw = (
            resources.files("resources.schemas").joinpath(f"{name_or_path}.json").read_text("utf-8")
        )
        where = f"built-in schema {name_or_path!r}"
    else:
        path = Path(name_or_path)
        where = str(path)
        try:
            raw = path.read_text("utf-8")
        except OSError as exc:
            known = ", ".join(builtin_schema_names())
            raise InputError(
                f"{where}: cannot read label schema ({exc.strerror}); built-in schemas: {known}"
            ) from None
        except UnicodeDecodeError as exc:
            raise InputError(f"{where}: byte {exc.start}: label schema is not UTF-8") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: line {exc.lineno}: not valid JSON ({exc.msg})") from None
    return validate_schema(data, where)


def validate_schema(data: Any, where: str = "label schema") -> dict[str, Any]:
    """Return the schema if well formed (unique names and keys, #rrggbb colours), else raise."""
    if not isinstance(data, dict) or not isinstance(data.get("labels"), list) or not data["labels"]:
        raise InputError(f"{where}: needs a non-empty list 'labels'")
    names: set[str] = set()
    keys: set[str] = set()
    for i, label in enumerate(data["labels"]):
        if not isinstance(label, dict):
            raise InputError(f"{where}: label {i} is not an object")
        name, key, color = label.get("name"), label.get("key"), label.get("color")
        if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z][A-Za-z0-9_-]{0,31}", name):
            raise InputError(f"{where}: label {i}: name must be a short identifier, got {name!r}")
        if name in names:
            raise InputError(f"{where}: label name {name!r} appears twice")
        if not isinstance(key, str) or len(key) != 1 or not key.isalnum():
            raise InputError(f"{where}: label {name}: key must be one letter or digit, got {key!r}")
        if key.lower() in keys:
            raise InputError(f"{where}: label {name}: key {key!r} is used twice")
        if not isinstance(color, str) or not _COLOR.match(color):
            raise InputError(f"{where}: label {name}: color must be #rrggbb, got {color!r}")
        names.add(name)
        keys.add(key.lower())
    return data


def check_language(code: str) -> str:
    """Return a language code (ISO 639-1/3, optional subtags) lower-cased, or raise InputError."""
    if not _LANG.match(code):
        raise InputError(
            f"not a language code: {code!r} (use ISO 639 codes such as en, ar, fr, de)"
        )
    return code


def create_project(
    session: Session,
    name: str,
    source_lang: str,
    target_lang: str,
    actor: Annotator | str,
    schema: dict[str, Any] | None = None,
) -> Project:
    """Create a project; refuse a name already in use."""
    name = name.strip()
    if not name:
        raise InputError("a project needs a name")
    if session.scalar(select(Project).where(Project.name == name)) is not None:
        raise InputError(f"a project named {name!r} exists already")
    project = Project(
        name=name,
        source_lang=check_language(source_lang),
        target_lang=check_language(target_lang),
        label_schema=schema if schema is not None else load_schema(),
    )
    session.add(project)
    session.flush()
    _make_reviewer(session, actor)
    record(
        session,
        actor,
        "create_project",
        project_id=project.id,
        name=name,
        source_lang=source_lang,
        target_lang=target_lang,
    )
    return project


def _make_reviewer(session: Session, actor: Annotator | str) -> None:
    """Make whoever creates a project a reviewer (creating them as one if new)."""
    from annotator.review.roles import identity_name

    name = identity_name(actor)
    found = get_or_create_annotator(session, name, Role.REVIEWER, actor=name)
    if found.role != Role.REVIEWER.value:
        found.role = Role.REVIEWER.value
        record(session, name, "set_role", name=found.name, role=Role.REVIEWER.value)


def find_project(session: Session, ref: str | None) -> Project:
    """Return the project named or numbered `ref`, or the only project when `ref` is None."""
    if ref is None:
        projects = session.scalars(select(Project).order_by(Project.id)).all()
        if len(projects) == 1:
            return projects[0]
        if not projects:
            raise InputError("the store has no project yet; create one with `annotator init`")
        raise InputError("the store has several projects; name one with --project")
    project = session.scalar(select(Project).where(Project.name == ref))
    if project is None and ref.isdigit():
        project = session.get(Project, int(ref))
    if project is None:
        names = ", ".join(session.scalars(select(Project.name).order_by(Project.id)).all())
        raise InputError(f"no project {ref!r}" + (f" (projects: {names})" if names else ""))
    return project


def get_or_create_annotator(
    session: Session, name: str, role: Role = Role.ANNOTATOR, *, actor: str | None = None
) -> Annotator:
    """Return the annotator with this name, creating it with the given role if new."""
    name = name.strip()
    if not name:
        raise InputError("an annotator needs a name")
    found = session.scalar(select(Annotator).where(func.lower(Annotator.name) == name.lower()))
    if found is not None:
        return found
    serialize(session, "annotators")  # two first opens under one new name: one creates it
    found = session.scalar(select(Annotator).where(func.lower(Annotator.name) == name.lower()))
    if found is not None:
        return found
    annotator = Annotator(name=name, role=role.value)
    session.add(annotator)
    session.flush()
    record(session, actor or annotator, "create_annotator", name=name, role=role.value)
    return annotator
