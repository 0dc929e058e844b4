"""search: span marks of the posting day and the pay steps in both text indexes

Revision ID: 0015
Revises: 0014

Each document gains, per level 1 … ``SPAN_LEVELS``, the mark of the aligned span of 2, 4, …
posting days and of pay steps its own lies in (``kiosk.store.search_marks.spans``), so a search
within a range of days or pay names a few posting lists instead of one per day or step. Both
indexes are emptied and every vacancy queued; the next search (or ``prepare`` at start-up)
rebuilds them. The vacancies and the swept day are untouched. The downgrade rebuilds the same
way, for the index without the spans.
"""

from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def _queue_rebuild() -> None:
    op.execute("INSERT INTO search_trigram (search_trigram) VALUES ('delete-all')")
    op.execute("INSERT INTO search_grams (search_grams) VALUES ('delete-all')")
    op.execute("DELETE FROM search_docs")
    op.execute("DELETE FROM search_details")
    op.execute("DELETE FROM search_dirty")
    op.execute("INSERT INTO search_dirty (vacancy_id) SELECT id FROM vacancies")


def upgrade() -> None:
    _queue_rebuild()


def downgrade() -> None:
    _queue_rebuild()
