"""indexes on the posting date and district of the search documents

Revision ID: 0012
Revises: 0011

A search with a recent posting date (近 7 天) or in one district can then read the documents that
meet that condition and check each for the terms, instead of reading every document holding a
common term (``kiosk.store.search.Plan.FILTER``). Only indexes: nothing is rebuilt.
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE INDEX ix_search_docs_posted ON search_docs (posted_on)")
    op.execute("CREATE INDEX ix_search_docs_district ON search_docs (district)")


def downgrade() -> None:
    op.execute("DROP INDEX ix_search_docs_district")
    op.execute("DROP INDEX ix_search_docs_posted")
