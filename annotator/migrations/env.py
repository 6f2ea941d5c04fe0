"""Alembic environment: runs on the connection annotator.store.migrate hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from annotator.model import Base

config = context.config
connection = config.attributes.get("connection")

if connection is not None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    context.run_migrations()
else:  # the `alembic` command line, used by developers to draft a revision
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "sqlite://")
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=Base.metadata, render_as_batch=True)
        context.run_migrations()
