"""The vacancy image on central (docs/PROTOCOL.md, "Vacancy image"): a gzip-compressed kiosk
database holding the whole vacancy feed as of one cursor, which a new kiosk installs instead of
paging through the feed and indexing every row.

Central never builds one (``python -m kiosk vacancy-image build`` does, pulling the feed like a
kiosk); here a file is checked and stored. The checks read the unpacked database with the standard
library's ``sqlite3``, read-only: central does not import the kiosk's store. An image is offered
only while its cursor is current: a kiosk that installed an older one could keep vacancies whose
deletion central has forgotten, or carry a cursor of a feed rebuilt since.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import sqlite3
import tempfile
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from central import feeds
from central.models import AuditEntry, FeedClock, FeedImage
from kiosk.sync import protocol as p

if TYPE_CHECKING:
    from collections.abc import Iterator

    from central.db import Database

#: the feeds that can have an image
FEEDS = ("vacancies",)
#: what PostgreSQL holds in one value (bytea: 1 GB, less room for the value's header)
MAX_POSTGRESQL_VALUE = 2**30 - 2**20
REBUILD = "build a new one (python -m kiosk vacancy-image build --out FILE) and publish that"
_SQLITE_HEADER = b"SQLite format 3\x00"


class ImageRefused(ValueError):
    """A file central does not offer as an image; the message says why and what to do."""


@dataclass(frozen=True)
class _Inside:
    schema_rev: str
    cursor: str
    rows: int
    updated_at: object


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def publish(s: Session, path: Path, *, by: str = "") -> FeedImage:
    """Check the image at ``path`` and offer it to kiosks in place of the vacancy feed's previous one."""
    name = path.name
    size = path.stat().st_size
    if size > p.MAX_IMAGE_GZIP:
        raise ImageRefused(f"{name} is {size} bytes, more than the {p.MAX_IMAGE_GZIP} a kiosk accepts; "
                           "kiosks page through the feed instead")
    if s.get_bind().dialect.name == "postgresql" and size > MAX_POSTGRESQL_VALUE:
        raise ImageRefused(f"{name} is {size} bytes; central on PostgreSQL stores at most "
                           f"{MAX_POSTGRESQL_VALUE} bytes in one value, so kiosks page through the feed instead")
    data = path.read_bytes()
    with tempfile.TemporaryDirectory(prefix="central-image-") as tmp:
        unpacked = Path(tmp) / "image.sqlite"
        _unpack(data, unpacked, name)
        inside = _read(unpacked, name)
    why = stale_reason(s, inside.cursor)
    if why:
        raise ImageRefused(f"{name}: {why}; {REBUILD}")
    row = s.get(FeedImage, "vacancies")
    if row is None:
        row = FeedImage(feed="vacancies")
        s.add(row)
    row.schema_rev, row.rows, row.cursor = inside.schema_rev, inside.rows, inside.cursor
    row.sha256, row.size, row.data = hashlib.sha256(data).hexdigest(), len(data), data
    row.built_at = _built_at(inside.updated_at, path)
    row.published_at, row.published_by = _now(), by[:40]
    s.add(AuditEntry(at=row.published_at, user_id=0, user_name=(by or "command line")[:40], role="cli",
                     action="vacancy_image_published", record_type="feed_image", record_id="vacancies",
                     record_station="",
                     detail=(f"{row.rows} vacancies at cursor {row.cursor}, schema {row.schema_rev}, "
                             f"{row.size} bytes sha256 {row.sha256[:16]}")[:200]))
    s.flush()
    return row


def current(s: Session, feed: str) -> FeedImage | None:
    """The image kiosks are offered for ``feed``: the stored one while its cursor is current."""
    row = s.get(FeedImage, feed)
    return row if row is not None and not stale_reason(s, row.cursor, feed) else None


def stale_reason(s: Session, cursor: str, feed: str = "vacancies") -> str:
    """Why a kiosk must not start ``feed`` from ``cursor`` today ("" when it may). The same rules
    as a kiosk's own cursor (``central.feeds``), and a pull from scratch that stopped part way is
    no starting point either."""
    try:
        epoch, version, scratch = feeds.parse_cursor(cursor)
    except feeds.BadCursor as e:
        return f"its {feed} cursor is not one central gives: {e}"
    if scratch:
        return (f"its {feed} cursor {cursor} is of a pull from scratch that was still paging "
                "(it ends in .s): the build stopped part way")
    clock = s.get(FeedClock, feed) or FeedClock(feed=feed, value=0, purged_below=0, epoch="1")
    if epoch != clock.epoch:
        return (f"its {feed} cursor {cursor} is of epoch {epoch}, and the feed is at epoch {clock.epoch} "
                "(it was loaded again from scratch since)")
    if version < clock.purged_below:
        return (f"its {feed} cursor {cursor} is older than the deletions central has forgotten (version "
                f"{clock.purged_below}): a kiosk starting from it could keep deleted vacancies")
    if version > clock.value:
        return (f"its {feed} cursor {cursor} is beyond the feed's newest version {clock.value}: it was not "
                "built from this central's feed")
    return ""


def _unpack(data: bytes, dest: Path, name: str) -> None:
    if not data.startswith(b"\x1f\x8b"):
        raise ImageRefused(f"{name} is not gzip-compressed; an image is the kiosk database compressed with "
                           f"gzip: {REBUILD}")
    limit = p.MAX_IMAGE_SQLITE
    written = 0
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz, open(dest, "wb") as out:
            while block := gz.read(1 << 20):
                written += len(block)
                if written > limit:
                    raise ImageRefused(f"{name} unpacks to more than the {limit} bytes a kiosk accepts; "
                                       "kiosks page through the feed instead")
                out.write(block)
    except (gzip.BadGzipFile, EOFError, zlib.error) as e:
        raise ImageRefused(f"{name} is not a whole gzip file ({type(e).__name__}: {str(e)[:80]}); "
                           "copy it again, or " + REBUILD) from None
    except OSError as e:
        raise ImageRefused(f"could not unpack {name} into {dest.parent} ({e.strerror or e}); set TMPDIR to a "
                           f"directory with {limit // 2**30} GB free") from None
    with open(dest, "rb") as f:
        if f.read(len(_SQLITE_HEADER)) != _SQLITE_HEADER:
            raise ImageRefused(f"{name} unpacks to something that is not an SQLite database: {REBUILD}")


def _read(db: Path, name: str) -> _Inside:
    """What the kiosk database ``db`` holds, or ImageRefused naming what it lacks."""
    con = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        missing = [t for t in ("alembic_version", "feed_cursors", "vacancies") if t not in tables]
        if missing:
            raise ImageRefused(f"{name} is not a kiosk database: it has no table {', '.join(missing)}; {REBUILD}")
        revs = [r[0] for r in con.execute("SELECT version_num FROM alembic_version")]
        if len(revs) != 1 or not isinstance(revs[0], str) or not 1 <= len(revs[0]) <= 40:
            raise ImageRefused(f"{name}: its alembic_version does not hold one schema revision "
                               f"(found {revs[:3]!r}); {REBUILD}")
        found = con.execute("SELECT cursor, updated_at FROM feed_cursors WHERE feed = 'vacancies'").fetchone()
        if found is None or not isinstance(found[0], str) or not found[0]:
            raise ImageRefused(f"{name} has no vacancies cursor in feed_cursors: the build did not pull the "
                               f"feed to the end; {REBUILD}")
        rows = con.execute("SELECT count(*) FROM vacancies").fetchone()[0]
    except sqlite3.DatabaseError as e:
        raise ImageRefused(f"{name}: the database inside cannot be read ({str(e)[:120]}); {REBUILD}") from None
    finally:
        con.close()
    return _Inside(schema_rev=revs[0], cursor=found[0], rows=rows, updated_at=found[1])


def _built_at(value: object, path: Path) -> datetime:
    """When the build pulled its last page (naive UTC); the file's time if the row does not say."""
    if isinstance(value, str):
        try:
            t = datetime.fromisoformat(value.strip())
        except ValueError:
            pass
        else:
            return t.astimezone(UTC).replace(tzinfo=None) if t.tzinfo else t
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(tzinfo=None)


#: bytes of an image read from the database at a time while it is sent
PART = 4 * 1024 * 1024


def parts(db: Database, feed: str, sha256: str, size: int) -> Iterator[bytes]:
    """The stored image's bytes, ``PART`` at a time, each read in a transaction of its own. If the
    image is replaced meanwhile the stream stops short, and the kiosk, finding fewer bytes than
    announced, pages through the feed instead."""
    for start in range(0, size, PART):
        with db.session() as s:
            piece = s.execute(select(func.substr(FeedImage.data, start + 1, PART))
                              .where(FeedImage.feed == feed, FeedImage.sha256 == sha256)).scalar()
        if not piece:
            return
        yield bytes(piece)


def offer(row: FeedImage) -> p.FeedImage:
    """The image as the protocol describes it to a kiosk."""
    return p.FeedImage(feed=row.feed, schema_rev=row.schema_rev, rows=row.rows, cursor=row.cursor,
                       sha256=row.sha256, size=row.size, built_at=row.built_at.replace(tzinfo=UTC))
