"""What every follow-up change shares: the compare-and-set on a row's version."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

#: what the second of two staff members moving the same record at once reads
STALE = "已被他人更新"


class Refused(ValueError):
    """A change staff cannot make; the message is for them. ``status``: the HTTP status."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


class Stale(Refused):
    def __init__(self) -> None:
        super().__init__(f"{STALE}，请看最新状态后再操作", 409)


def compare_and_set(s: Session, model, row_id: str, version: int, values: dict) -> None:  # noqa: ANN001
    """``UPDATE … SET …, version = version + 1 WHERE id = :id AND version = :version``: of two
    changes made against the same version only the first matches a row; the second raises Stale.
    The same on SQLite and PostgreSQL, with no lock held across the staff member's think time."""
    res = s.execute(update(model).where(model.id == row_id, model.version == version)
                    .values(**values, version=model.version + 1).execution_options(synchronize_session=False))
    if res.rowcount != 1:
        raise Stale()
    s.expire_all()
