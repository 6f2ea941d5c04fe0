"""Alembic migrations of the store schema; run automatically when a store is opened."""
