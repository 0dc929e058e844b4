"""search: a cell mark (the place) in both text indexes; an index of each document's sort key

Revision ID: 0014
Revises: 0013

Each document gains the mark of its cell (0.01° of latitude by 0.01° of longitude,
``kiosk.store.search_marks.cell_of``), so a search in the station's circle reads the documents
that hold its terms in the cells around the station instead of every document in the circle.
Both indexes are emptied and every vacancy queued; the next search (or ``prepare`` at start-up)
rebuilds them. The vacancies and the swept day are untouched. The downgrade rebuilds the same
way, for the index without the mark.

``ix_search_docs_sort`` (docid, dist, vacancy_id): a page of documents known from the marks is
sorted from these narrow entries instead of the documents' rows, which at 1M vacancies are
mostly not in the cache (10k documents: 11 ms instead of 30).
"""

from alembic import op

revision = "0014"
down_revision = "0013"
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
    op.execute("CREATE INDEX ix_search_docs_sort ON search_docs (docid, dist, vacancy_id)")


def downgrade() -> None:
    op.execute("DROP INDEX ix_search_docs_sort")
    _queue_rebuild()
