"""Alembic environment: runs newsdesk's migrations on the connection the store hands in."""

from __future__ import annotations

from alembic import context

from newsdesk.builtin.store_models import Base

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when alembic is run by hand without the store
    raise RuntimeError("run migrations through newsdesk (`newsdesk db upgrade`), not bare alembic")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode rebuilds the table
)
with context.begin_transaction():
    context.run_migrations()
