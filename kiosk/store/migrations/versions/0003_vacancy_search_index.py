"""vacancy search index: FTS5 trigram + per-character index, kept in step by triggers

Revision ID: 0003
Revises: 0001

``search_docs`` holds one row per vacancy with the searchable text, its pinyin (computed on
the kiosk when the feed did not carry it) and copies of the columns that filters and list rows
use, so a search reads one narrow table. Two FTS5 indexes read it:

* ``search_trigram`` (trigram tokenizer, external content) answers terms of 3+ characters;
* ``search_grams`` (contentless, no positions) answers 1- and 2-character terms, which trigram
  cannot (a trigram index matches nothing shorter than 3, and SQLite 3.40's LIKE on a trigram
  table silently returns no rows for them). Its tokens are every character and every
  2-character substring of each field, so a short term is exactly one token (``工``, ``保洁``):
  exact, and one doclist read.

Triggers on ``vacancies`` only queue the changed ids in ``search_dirty`` (plain SQL that cannot
fail); ``kiosk.store.search.refresh_index`` applies the queue, and every search applies what is
still queued before it reads, so results never lag the vacancies table.
"""

from alembic import op

revision = "0003"
down_revision = "0001"
branch_labels = None
depends_on = None

COLUMNS = ("title", "employer", "category", "title_initials", "employer_initials", "category_initials",
           "title_pinyin", "employer_pinyin", "category_pinyin")


#: Copies of what filters, sorts and list rows need, first in the row so that checking a hit is
#: cheap; ``dist`` is the distance in metres from this kiosk's station (NULL until computed).
FILTER_COLUMNS = (
    "dist REAL, status TEXT NOT NULL, expires_on TEXT NOT NULL, posted_on TEXT NOT NULL, "
    "salary_min INTEGER NOT NULL, salary_max INTEGER NOT NULL, salary_unit TEXT NOT NULL, job_type TEXT NOT NULL, "
    "district TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL"
)


def _require_fts5_trigram() -> None:
    import sqlite3

    try:
        op.execute("CREATE VIRTUAL TABLE temp.kiosk_trigram_probe USING fts5(x, tokenize='trigram')")
        op.execute("DROP TABLE temp.kiosk_trigram_probe")
    except Exception as e:  # noqa: BLE001 - any failure means the feature is missing
        raise RuntimeError(
            f"SQLite {sqlite3.sqlite_version} has no FTS5 trigram tokenizer ({e}); vacancy search needs "
            "SQLite 3.34 or newer built with FTS5 (Debian 12 and Raspberry Pi OS bookworm have it). "
            "Upgrade the system's libsqlite3 and start the kiosk again; the database was left unchanged."
        ) from None


def upgrade() -> None:
    _require_fts5_trigram()
    cols = ", ".join(f"{c} TEXT NOT NULL DEFAULT ''" for c in COLUMNS)
    op.execute(
        f"CREATE TABLE search_docs (docid INTEGER PRIMARY KEY, {FILTER_COLUMNS}, vacancy_id TEXT NOT NULL UNIQUE, "
        f"{cols})"
    )
    op.execute("CREATE INDEX ix_search_docs_dist ON search_docs (dist, vacancy_id)")
    names = ", ".join(COLUMNS)
    op.execute(
        f"CREATE VIRTUAL TABLE search_trigram USING fts5({names}, content='search_docs', "
        "content_rowid='docid', tokenize='trigram')"
    )
    op.execute(
        "CREATE VIRTUAL TABLE search_grams USING fts5(grams, content='', detail='none', "
        "tokenize='unicode61 remove_diacritics 0')"
    )
    op.execute("CREATE TABLE search_dirty (vacancy_id TEXT PRIMARY KEY) WITHOUT ROWID")
    op.execute(
        "CREATE TRIGGER vacancies_search_ai AFTER INSERT ON vacancies BEGIN "
        "INSERT OR IGNORE INTO search_dirty (vacancy_id) VALUES (new.id); END"
    )
    op.execute(
        "CREATE TRIGGER vacancies_search_au AFTER UPDATE ON vacancies BEGIN "
        "INSERT OR IGNORE INTO search_dirty (vacancy_id) VALUES (old.id); "
        "INSERT OR IGNORE INTO search_dirty (vacancy_id) VALUES (new.id); END"
    )
    op.execute(
        "CREATE TRIGGER vacancies_search_ad AFTER DELETE ON vacancies BEGIN "
        "INSERT OR IGNORE INTO search_dirty (vacancy_id) VALUES (old.id); END"
    )
    op.execute("INSERT OR IGNORE INTO search_dirty (vacancy_id) SELECT id FROM vacancies")


def downgrade() -> None:
    for t in ("vacancies_search_ai", "vacancies_search_au", "vacancies_search_ad"):
        op.execute(f"DROP TRIGGER IF EXISTS {t}")
    for t in ("search_grams", "search_trigram", "search_dirty", "search_docs"):
        op.execute(f"DROP TABLE IF EXISTS {t}")
