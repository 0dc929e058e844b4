"""residents' words, details and everyday groups in the vacancy search

Revision ID: 0010
Revises: 0009

``vacancies`` gets ``search_terms`` (residents' words for the occupation, with their pinyin, as
the producer wrote them) and ``job_group`` (the everyday group of 按类别找工作). The search
index gains the residents' words, the ``details`` (requirements, benefits, hours) and a copy of the
group. The words are kept once per distinct set (``search_wordsets``; documents point at theirs),
the details in ``search_details``, and the trigram index becomes contentless, so the
``search_docs`` rows every search reads stay nearly as narrow as before. FTS5 tables cannot gain columns, so the index is created anew and every vacancy queued:
the next search (or ``prepare`` at start-up) rebuilds it, and the vacancies themselves are
untouched.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

OLD_COLUMNS = ("title", "employer", "category", "title_initials", "employer_initials", "category_initials",
               "title_pinyin", "employer_pinyin", "category_pinyin")
COLUMNS = OLD_COLUMNS + ("details",)
FILTER_COLUMNS = (
    "dist REAL, status TEXT NOT NULL, expires_on TEXT NOT NULL, posted_on TEXT NOT NULL, "
    "salary_min INTEGER NOT NULL, salary_max INTEGER NOT NULL, salary_unit TEXT NOT NULL, job_type TEXT NOT NULL, "
    "district TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL"
)


def _create(columns: tuple[str, ...], new: bool) -> None:
    """``new``: the details in their own table (rows every search reads stay narrow) and a
    contentless trigram index (searches read only its rowids; removals pass the old values)."""
    doc_columns = tuple(c for c in columns if c != "details")
    cols = ", ".join(f"{c} TEXT NOT NULL DEFAULT ''" for c in doc_columns)
    new_cols = "job_group TEXT NOT NULL DEFAULT '', wordset INTEGER NOT NULL DEFAULT 0, " if new else ""
    op.execute(f"CREATE TABLE search_docs (docid INTEGER PRIMARY KEY, {FILTER_COLUMNS}, {new_cols}"
               f"vacancy_id TEXT NOT NULL UNIQUE, {cols})")
    op.execute("CREATE INDEX ix_search_docs_dist ON search_docs (dist, vacancy_id)")
    if new:
        op.execute("CREATE INDEX ix_search_docs_wordset ON search_docs (wordset)")
        op.execute("CREATE TABLE search_details (docid INTEGER PRIMARY KEY, details TEXT NOT NULL)")
        op.execute("CREATE TABLE search_wordsets (id INTEGER PRIMARY KEY, words TEXT NOT NULL UNIQUE)")
    content = "content=''" if new else "content='search_docs', content_rowid='docid'"
    op.execute(f"CREATE VIRTUAL TABLE search_trigram USING fts5({', '.join(columns)}, {content}, "
               "tokenize='trigram')")
    op.execute("CREATE VIRTUAL TABLE search_grams USING fts5(grams, content='', detail='none', "
               "tokenize='unicode61 remove_diacritics 0')")


def _rebuild(columns: tuple[str, ...], new: bool) -> None:
    for t in ("search_grams", "search_trigram", "search_details", "search_wordsets", "search_docs"):
        op.execute(f"DROP TABLE IF EXISTS {t}")
    _create(columns, new)
    op.execute("DELETE FROM search_dirty")
    op.execute("INSERT INTO search_dirty (vacancy_id) SELECT id FROM vacancies")


def upgrade() -> None:
    with op.batch_alter_table("vacancies") as b:
        b.add_column(sa.Column("search_terms", sa.String(1000), nullable=False, server_default=""))
        b.add_column(sa.Column("job_group", sa.String(8), nullable=False, server_default=""))
    _rebuild(COLUMNS, True)


def downgrade() -> None:
    with op.batch_alter_table("vacancies") as b:
        b.drop_column("job_group")
        b.drop_column("search_terms")
    _rebuild(OLD_COLUMNS, False)
