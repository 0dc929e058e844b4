"""The database for request handlers: ``SessionDep`` is one transaction per request, ``DatabaseDep``
the app's ``Database`` for handlers that must not hold a transaction (long polls, several
transactions in a row, async handlers).

``SessionDep`` commits when the handler returns and before the response is sent
(``scope="function"``), so a client never hears "done" for something that was not committed; an
exception from the handler rolls it back. On SQLite a transaction holds the write lock from its
first statement, so a handler with a ``SessionDep`` must not open a second session of its own
after using it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from central.db import Database


def get_database(request: Request) -> Database:
    """The app's database (``create_app(db)``)."""
    return request.app.state.db


DatabaseDep = Annotated[Database, Depends(get_database)]


def db_session(db: DatabaseDep) -> Iterator[Session]:
    """A transaction around the handler: committed on return, rolled back on an exception."""
    with db.session() as s:
        yield s


SessionDep = Annotated[Session, Depends(db_session, scope="function")]
