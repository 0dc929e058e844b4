"""search triggers that also work inside an UPSERT

Revision ID: 0004
Revises: 0003

SQLite applies the outer statement's conflict policy to the statements of its triggers, so the
``INSERT OR IGNORE`` of the 0003 triggers fails with a UNIQUE error when the feed puller
upserts a vacancy that is already queued. The triggers now skip queued ids with NOT EXISTS,
which needs no conflict handling at all.
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def _queue(ref: str) -> str:
    return (f"INSERT INTO search_dirty (vacancy_id) SELECT {ref}.id "
            f"WHERE NOT EXISTS (SELECT 1 FROM search_dirty WHERE vacancy_id = {ref}.id);")


def upgrade() -> None:
    for t in ("vacancies_search_ai", "vacancies_search_au", "vacancies_search_ad"):
        op.execute(f"DROP TRIGGER IF EXISTS {t}")
    op.execute(f"CREATE TRIGGER vacancies_search_ai AFTER INSERT ON vacancies BEGIN {_queue('new')} END")
    op.execute(f"CREATE TRIGGER vacancies_search_au AFTER UPDATE ON vacancies BEGIN {_queue('old')} {_queue('new')} END")
    op.execute(f"CREATE TRIGGER vacancies_search_ad AFTER DELETE ON vacancies BEGIN {_queue('old')} END")


def downgrade() -> None:
    for t in ("vacancies_search_ai", "vacancies_search_au", "vacancies_search_ad"):
        op.execute(f"DROP TRIGGER IF EXISTS {t}")
    op.execute("CREATE TRIGGER vacancies_search_ai AFTER INSERT ON vacancies BEGIN "
               "INSERT OR IGNORE INTO search_dirty (vacancy_id) VALUES (new.id); END")
    op.execute("CREATE TRIGGER vacancies_search_au AFTER UPDATE ON vacancies BEGIN "
               "INSERT OR IGNORE INTO search_dirty (vacancy_id) VALUES (old.id); "
               "INSERT OR IGNORE INTO search_dirty (vacancy_id) VALUES (new.id); END")
    op.execute("CREATE TRIGGER vacancies_search_ad AFTER DELETE ON vacancies BEGIN "
               "INSERT OR IGNORE INTO search_dirty (vacancy_id) VALUES (old.id); END")
