"""story vectors: a pgvector copy of each story's centroid, on PostgreSQL with pgvector

Only on PostgreSQL, and only where ``CREATE EXTENSION IF NOT EXISTS vector`` succeeds
(the extension is installed on the server and the user may create it): the column
``stories.centroid_vec`` (type ``vector``, no fixed dimension, so another embedding
model needs no migration) is added and filled from the stored float32 centroids.
Elsewhere (SQLite, a PostgreSQL without pgvector) nothing changes and the stories
nearest in meaning are found in memory (see ``newsdesk.story_vectors``).

Revision ID: 0007_story_vectors
Revises: 0006_feed_schedule
Create Date: 2026-12-06 09:00:00.000000
"""

import numpy as np
import sqlalchemy as sa
from alembic import op

revision = '0007_story_vectors'
down_revision = '0006_feed_schedule'
branch_labels = None
depends_on = None

BATCH = 500  # stories filled per statement


def _literal(blob: bytes) -> str:
    # pgvector's text form; 9 significant digits give every float32 back exactly
    return "[" + ",".join(f"{v:.9g}" for v in np.frombuffer(blob, dtype="<f4")) + "]"


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    # A failed statement aborts a PostgreSQL transaction: try inside a savepoint, so a
    # server without the extension (or a user who may not create it) migrates on.
    savepoint = bind.begin_nested()
    try:
        bind.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS vector")
    except sa.exc.DBAPIError:
        savepoint.rollback()
        return
    savepoint.commit()
    op.execute("ALTER TABLE stories ADD COLUMN centroid_vec vector")
    rows = bind.execute(sa.text("SELECT id, centroid FROM stories WHERE merged_into IS NULL "
                                "ORDER BY id")).all()
    fill = sa.text("UPDATE stories SET centroid_vec = CAST(:v AS vector) WHERE id = :id")
    for start in range(0, len(rows), BATCH):
        bind.execute(fill, [{"id": i, "v": _literal(c)} for i, c in rows[start:start + BATCH]
                            if c])


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute("ALTER TABLE stories DROP COLUMN IF EXISTS centroid_vec")
