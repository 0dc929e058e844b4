"""A new kiosk's first vacancy pull from central's vacancy image (docs/PROTOCOL.md, "Vacancy
image"): ask what is on offer, stream it to the data directory, check its size and digest, and
hand it to the store, which checks the tables and copies them in one transaction.

Anything wrong with the image (a reply off the protocol, another schema, a digest that does not
match, a file the store refuses) is logged with its reason and the caller pages through the feed
as before: a bad image costs time, never data. A network failure is a network failure: the
round fails and is tried again, image first.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from collections.abc import Callable
from pathlib import Path

from kiosk.sync import protocol as p
from kiosk.sync.client import BadReply, CentralClient, Refused
from kiosk.sync.ports import SyncStore

log = logging.getLogger(__name__)
#: disk an install needs, in multiples of the image's gzip: the download, the database it unpacks
#: to (about 4.5 times as large) and the same again in the database's log while it is copied in
DISK_FACTOR = 12


def install(client: CentralClient, store: SyncStore, feed: str,
            progress: Callable[[int, int], None] | None = None) -> int | None:
    """Install central's image of ``feed``; returns its rows, or None when the kiosk should page
    through the feed instead (no image, or one it cannot use: the log says why)."""
    work = store.feeds.image_path(feed)
    if work is None:
        return None
    gz = work.with_name(work.name + ".gz")
    for left in (work, gz):  # from an install cut off by a power cut: hundreds of MB
        left.unlink(missing_ok=True)
    try:
        offer, _ = client.call("GET", f"{p.PREFIX}/feeds/{feed}/image", p.FeedImage)
    except Refused as e:
        if e.status != 404:
            raise
        log.info("central offers no %s image (%s); paging through the feed", feed, e)
        return None
    except BadReply as e:
        log.warning("central's %s image offer does not match the protocol (%s); paging through the feed", feed, e)
        return None
    ours = store.feeds.schema_rev()
    if offer.schema_rev != ours:
        log.info("central's %s image is at schema %s, this kiosk at %s; paging through the feed",
                 feed, offer.schema_rev, ours)
        return None
    free = shutil.disk_usage(work.parent).free
    if free < offer.size * DISK_FACTOR:
        log.warning("%d MB free beside the database, and installing central's %s image (%d MB) needs about %d MB; "
                    "paging through the feed", free // 2**20, feed, offer.size // 2**20,
                    offer.size * DISK_FACTOR // 2**20)
        return None
    try:
        got = client.download(f"{p.PREFIX}/feeds/{feed}/image/data", gz, max_bytes=offer.size,
                              progress=None if progress is None else (lambda n: progress(n, offer.size)))
        problem = _problem(gz, got, offer)
        if problem:
            client.bad_replies += 1
            log.warning("central's %s image is unusable (%s); paging through the feed", feed, problem)
            return None
        try:
            rows = store.feeds.install_image(feed, gz, p.MAX_IMAGE_SQLITE)
        except ValueError as e:
            client.bad_replies += 1
            log.warning("the %s image was not installed (%s); paging through the feed", feed, e)
            return None
    except Refused as e:
        client.bad_replies += 1
        log.warning("central's %s image could not be fetched (%s); paging through the feed", feed, e)
        return None
    finally:
        gz.unlink(missing_ok=True)
    log.info("installed central's %s image: %d rows as of %s, built %s", feed, rows, offer.cursor,
             offer.built_at.isoformat(timespec="minutes"))
    return rows


def _problem(gz: Path, got: int, offer: p.FeedImage) -> str:
    if got != offer.size:
        return f"{got} bytes came, {offer.size} were announced"
    digest = hashlib.sha256()
    with gz.open("rb") as f:
        while block := f.read(1 << 20):
            digest.update(block)
    if digest.hexdigest() != offer.sha256:
        return "its SHA-256 is not the one announced"
    return ""
