"""search: indexes on posting date, district and expiry; marks in both text indexes; mark codes

Revision ID: 0012
Revises: 0011

A search with a recent posting date (近 7 天) or in one district can read the documents that
meet that condition and check each for the terms, instead of every document holding a common
term (``kiosk.store.search.Plan.FILTER``). The short-term index (``search_grams``) gains marks
for withdrawal, expiry and posting day, district, job type and the title's grams; the trigram
index gains the residents' words and the same marks as columns (an FTS5 table cannot gain
columns, so it is created anew). A search is then counted from the index alone. A district, job
type, category or group is marked by its code in ``search_mark_codes`` (one per distinct value,
``kiosk.store.search_marks``). Both indexes are emptied and every vacancy queued; the next
search (or ``prepare`` at start-up) rebuilds them. The vacancies are untouched. The downgrade rebuilds the same way, for the older index.
"""

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


TRIGRAM_COLUMNS = ("title", "employer", "category", "title_initials", "employer_initials", "category_initials",
                   "title_pinyin", "employer_pinyin", "category_pinyin", "details")


def _queue_rebuild(trigram_columns: tuple[str, ...]) -> None:
    op.execute("DROP TABLE search_trigram")
    op.execute(f"CREATE VIRTUAL TABLE search_trigram USING fts5({', '.join(trigram_columns)}, content='', "
               "tokenize='trigram')")
    op.execute("INSERT INTO search_grams (search_grams) VALUES ('delete-all')")
    op.execute("DELETE FROM search_docs")
    op.execute("DELETE FROM search_details")
    op.execute("DELETE FROM search_dirty")
    op.execute("INSERT INTO search_dirty (vacancy_id) SELECT id FROM vacancies")


def upgrade() -> None:
    op.execute("CREATE INDEX ix_search_docs_posted ON search_docs (posted_on)")
    op.execute("CREATE INDEX ix_search_docs_district ON search_docs (district)")
    op.execute("CREATE INDEX ix_search_docs_expires ON search_docs (expires_on)")
    op.execute("CREATE TABLE search_mark_codes (code INTEGER PRIMARY KEY, kind TEXT NOT NULL, value TEXT NOT NULL, "
               "UNIQUE (kind, value))")
    _queue_rebuild(TRIGRAM_COLUMNS + ("terms", "marks"))


def downgrade() -> None:
    op.execute("DROP TABLE search_mark_codes")
    op.execute("DROP INDEX ix_search_docs_expires")
    op.execute("DROP INDEX ix_search_docs_district")
    op.execute("DROP INDEX ix_search_docs_posted")
    _queue_rebuild(TRIGRAM_COLUMNS)
