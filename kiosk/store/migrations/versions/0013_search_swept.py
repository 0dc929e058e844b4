"""search: the day before which expired vacancies are marked withdrawn in the text indexes

Revision ID: 0013
Revises: 0012

A search counted from the text indexes' marks left out the withdrawn mark and one expiry-day
mark per past day (about 20 posting lists for every count). ``search_swept`` holds one day: every
indexed vacancy that expires before it carries the withdrawn mark (``kiosk.store.search.
sweep_expired`` moves it on), so those vacancies are left out with one posting list and only
the days since need their own. It is a ``search_*`` table, so a vacancy image carries it with the
indexes whose marks it describes. Empty means nothing was swept, which is what the indexes hold
now: nothing is rebuilt. The downgrade rebuilds, since swept marks mean nothing to the older code.
"""

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE TABLE search_swept (day TEXT NOT NULL)")


def downgrade() -> None:
    op.execute("DROP TABLE search_swept")
    op.execute("INSERT INTO search_trigram (search_trigram) VALUES ('delete-all')")
    op.execute("INSERT INTO search_grams (search_grams) VALUES ('delete-all')")
    op.execute("DELETE FROM search_docs")
    op.execute("DELETE FROM search_details")
    op.execute("DELETE FROM search_dirty")
    op.execute("INSERT INTO search_dirty (vacancy_id) SELECT id FROM vacancies")
