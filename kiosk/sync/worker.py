"""The sync worker: one thread that pushes the outbox, pulls the feeds and sends heartbeats.

It never touches a widget: the UI reads ``status`` (a snapshot) and the staff screen can ask
for ``sync_now()``. Failures back off with full jitter (Retry-After honoured); a reply that
does not match the protocol is counted and retried later like a network error. Calls from the
counters come through a second thread that long-polls, so a slow pull never delays a call.
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from kiosk.sync import feeds, images, pusher
from kiosk.sync import protocol as p
from kiosk.sync.backoff import Backoff
from kiosk.sync.client import (
    BadReply,
    CentralClient,
    CursorExpired,
    NotModified,
    Refused,
    SyncError,
    Unavailable,
)
from kiosk.sync.ports import PayloadCipher, SyncStore

log = logging.getLogger(__name__)

BOOT_ID = uuid.uuid4().hex[:16]
_STARTED = time.monotonic()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class SyncStatus:
    online: bool | None = None  # None: not tried yet
    last_success_at: datetime | None = None
    last_error: str = ""
    errors: tuple[str, ...] = ()
    pending: int = 0
    rejected_total: int = 0
    sent_total: int = 0
    bad_replies: int = 0
    clock_offset_s: float = 0.0
    next_try_in_s: float = 0.0
    pulled: dict[str, int] = field(default_factory=dict)
    #: why central's latest station config was not used ("" when it was, or none came)
    config_rejected: str = ""


class SyncWorker:
    def __init__(self, store: SyncStore, client: CentralClient, cipher: PayloadCipher | None, *,
                 station_id: str, interval_s: float = 30.0, heartbeat_s: float = 60.0, page_size: int = 2000,
                 feeds_to_pull: tuple[str, ...] = p.FEEDS, health: Callable[[], dict] | None = None,
                 on_change: Callable[[SyncStatus], None] | None = None, backoff: Backoff | None = None,
                 on_page: Callable[[str, int], None] | None = None,
                 on_config: Callable[[p.StationConfigReply], None] | None = None, take_images: bool = True) -> None:
        self.store = store
        self.client = client
        self.cipher = cipher
        self.station_id = station_id
        self.interval_s = interval_s
        self.heartbeat_s = heartbeat_s
        self.page_size = page_size
        self.feeds = feeds_to_pull
        self.health = health or (lambda: {})
        self.on_change = on_change or (lambda _s: None)
        self.on_page = on_page or (lambda _f, _n: None)
        #: checks and applies a new station config; a ValueError rejects it (the previous one stays)
        self.on_config = on_config
        #: called with (sent, rejected) so far while the outbox drains (progress for commands)
        self.on_push: Callable[[int, int], None] | None = None
        #: remote commands on a heartbeat reply (kiosk.sync.orders.OrderTaker.take)
        self.on_orders: Callable[[list[p.Order]], object] | None = None
        #: each heartbeat central accepted (a new version's trial ends with the first, kiosk.sync.updates)
        self.on_heartbeat: Callable[[p.HeartbeatReply], object] | None = None
        #: a pull from scratch installs central's vacancy image when it offers one (kiosk.sync.images)
        self.take_images = take_images
        #: called with (bytes so far, bytes in all) while an image downloads (progress for commands)
        self.on_image: Callable[[int, int], None] | None = None
        #: (feed, rows) of each image installed, oldest first
        self.images_installed: list[tuple[str, int]] = []
        self.backoff = backoff or Backoff()
        self.status = SyncStatus()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_heartbeat = 0.0
        self._config_due = True  # at start, then when central asks (heartbeat command reload_config)
        self._lock = threading.Lock()

    # --- control ------------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="sync", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread:
            self._thread.join(timeout=10)

    def sync_now(self) -> str:
        self._wake.set()
        return "已开始同步"

    # --- one round ----------------------------------------------------------------------

    def run_once(self) -> SyncStatus:
        """Push everything, pull every feed, heartbeat if due; raises SyncError on failure."""
        with self._lock:
            sent, rejected = pusher.push_all(self.store, self.client, self.cipher, progress=self.on_push)
            pulled = {feed: self.pull(feed) for feed in self.feeds}
            if pulled.get("vacancies"):
                # here, on the sync thread, so that a resident's next search does not pay for it
                self.store.feeds.refresh_index()
            if time.monotonic() - self._last_heartbeat >= self.heartbeat_s or self._last_heartbeat == 0:
                if "reload_config" in self.heartbeat().commands:
                    self._config_due = True
            if self._config_due:
                self._refresh_config()
            self._update(online=True, last_success_at=_now(), last_error="", pulled=pulled,
                         sent_total=self.status.sent_total + sent,
                         rejected_total=self.status.rejected_total + rejected)
            return self.status

    def pull(self, feed: str) -> int:
        """Pull one feed to the end; returns the rows changed (upserts + deletions).

        A pull from scratch starts from central's image of the feed when it offers one this
        kiosk can use (``kiosk.sync.images``), and goes on from the image's cursor.

        The next page is fetched while this one is applied (its cursor is in this page), so the
        network and the database work side by side; a page is still applied only after the one
        before it committed.
        """
        from concurrent.futures import ThreadPoolExecutor

        changed = 0
        cursor = feeds.cursor(self.store, feed)
        if cursor is None:
            cursor, changed = self._from_image(feed)
        from_scratch = cursor is None
        refetched = False
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="sync-fetch") as pool:
            ahead = pool.submit(self._fetch, feed, cursor)
            while True:
                try:
                    page = ahead.result()
                except CursorExpired:
                    if refetched:
                        raise BadReply(f"central expired the {feed} cursor of a pull from scratch") from None
                    refetched = True
                    log.warning("the %s cursor expired on central; pulling the whole feed again", feed)
                    feeds.start_refetch(self.store, feed)
                    cursor, installed = self._from_image(feed)
                    changed += installed
                    from_scratch = cursor is None  # an image replaces every row
                    ahead = pool.submit(self._fetch, feed, cursor)
                    continue
                if page.more:
                    ahead = pool.submit(self._fetch, feed, page.cursor)
                try:
                    applied = feeds.apply_page(self.store, page)
                except feeds.InvalidPage as e:
                    self.client.bad_replies += 1
                    log.warning("central sent a %s page that does not match the protocol: %s", feed, e)
                    raise BadReply(str(e)) from None
                changed += applied.upserted + applied.deleted
                self.on_page(feed, applied.upserted + applied.deleted)
                if not applied.more:
                    break
        if from_scratch:
            changed += feeds.finish_refetch(self.store, feed)
        return changed

    def _from_image(self, feed: str) -> tuple[str | None, int]:
        """(cursor, rows) after installing central's image of ``feed``; (None, 0) without one."""
        if not self.take_images:
            return None, 0
        rows = images.install(self.client, self.store, feed, self.on_image)
        if rows is None:
            return None, 0
        self.images_installed.append((feed, rows))
        self.on_page(feed, rows)
        return feeds.cursor(self.store, feed), rows

    def _fetch(self, feed: str, cursor: str | None) -> p.FeedPage:
        params: dict = {"limit": self.page_size}
        if cursor:
            params["cursor"] = cursor
        page, _ = self.client.call("GET", f"{p.PREFIX}/feeds/{feed}", p.FeedPage, params=params)
        if page.feed != feed:
            self.client.bad_replies += 1
            raise BadReply(f"asked for {feed}, got {page.feed}")
        return page

    def heartbeat(self) -> p.HeartbeatReply:
        beat = p.Heartbeat(
            sent_at=datetime.now(UTC), app_version=_version(), boot_id=BOOT_ID,
            uptime_s=time.monotonic() - _STARTED, outbox_pending=pusher.pending_count(self.store),
            outbox_oldest_age_s=pusher.oldest_pending_age_s(self.store),
            outbox_rejected=self.status.rejected_total, clock_offset_s=round(self.client.clock_offset_s, 3),
            last_pull_at=self.status.last_success_at, **self.health(),
        )
        reply, _ = self.client.call("POST", p.PREFIX + "/heartbeat", p.HeartbeatReply, body=beat)
        self._last_heartbeat = time.monotonic()
        if self.on_heartbeat is not None:
            self.on_heartbeat(reply)
        if "sync_now" in reply.commands:
            self._wake.set()
        if reply.orders and self.on_orders is not None:
            self.on_orders(reply.orders)
        return reply

    def resync(self, feed: str) -> None:
        """Reload ``feed`` whole at the next round (a remote ``resync_feed`` order)."""
        if feed not in self.feeds:
            raise ValueError(f"no feed {feed!r} on this kiosk; feeds: {', '.join(self.feeds)}")
        feeds.start_refetch(self.store, feed)
        self._wake.set()

    def _refresh_config(self) -> None:
        try:
            self.fetch_config()
        except Refused as e:
            if e.status != 404:
                raise
            log.info("central has no config for station %s yet; using the local one", self.station_id)
        self._config_due = False

    def fetch_config(self) -> p.StationConfigReply | None:
        """The station's config from central, with ETag; None if unchanged since last time."""
        etag = self.store.get_setting("central.config_etag")
        try:
            reply, resp = self.client.call("GET", f"{p.PREFIX}/stations/{self.station_id}/config",
                                           p.StationConfigReply, headers={"If-None-Match": etag} if etag else None)
        except NotModified:
            return None
        if self.on_config is not None:
            try:
                self.on_config(reply)
            except ValueError as e:
                # not stored (nor its ETag): the next fetch gets it again, maybe corrected by then
                log.warning("station config version %s from central rejected, keeping the previous one: %s",
                            reply.version, e)
                self._update(config_rejected=f"第 {reply.version} 版：{e}"[:200])
                return None
            if self.status.config_rejected:
                self._update(config_rejected="")
        self.store.set_setting("central.config", reply.model_dump_json())
        self.store.set_setting("central.config_etag", resp.headers.get("ETag", ""))
        return reply

    # --- the loop -----------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            # a heartbeat is due at most once a round; heartbeat_s 0 means one every round
            delay = min(self.interval_s, self.heartbeat_s) if self.heartbeat_s > 0 else self.interval_s
            try:
                self.run_once()
                self.backoff.reset()
            except Unavailable as e:
                delay = self._failed(str(e), e.retry_after_s)
            except (BadReply, Refused, SyncError) as e:
                delay = self._failed(str(e), None)
            except Exception as e:  # noqa: BLE001 - the worker must outlive any single failure
                log.exception("sync round failed")
                delay = self._failed(f"{type(e).__name__}: {e}", None)
            self._wake.wait(delay)
            self._wake.clear()

    def _failed(self, message: str, retry_after_s: float | None) -> float:
        delay = self.backoff.next_delay(retry_after_s)
        log.info("sync failed (%s); next try in %.1f s", message, delay)
        self._update(online=False, last_error=message[:200], errors=(message[:200], *self.status.errors[:4]),
                     next_try_in_s=delay)
        return delay

    def _update(self, **changes) -> None:  # noqa: ANN003
        try:
            pending = pusher.pending_count(self.store)
        except Exception:  # noqa: BLE001 - a busy database must not hide the status
            pending = self.status.pending
        self.status = replace(self.status, pending=pending, bad_replies=self.client.bad_replies,
                              clock_offset_s=self.client.clock_offset_s, **changes)
        self.on_change(self.status)


class CallsListener:
    """Long-polls the station's calls and hands each to ``on_call`` (from this thread)."""

    def __init__(self, store: SyncStore, client: CentralClient, station_id: str,
                 on_call: Callable[[p.Call], None], wait_s: float = 25.0, backoff: Backoff | None = None) -> None:
        self.store = store
        self.client = client
        self.station_id = station_id
        self.on_call = on_call
        self.wait_s = wait_s
        self.backoff = backoff or Backoff(base_s=1.0, cap_s=30.0)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="calls", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=2)

    def poll_once(self) -> list[p.Call]:
        after = int(self.store.get_setting("central.calls_after", "0") or 0)
        reply, _ = self.client.call("GET", f"{p.PREFIX}/stations/{self.station_id}/calls", p.CallsReply,
                                    params={"after": after, "wait": self.wait_s},
                                    read_timeout_s=self.wait_s + self.client.timeout[1])
        for call in reply.calls:
            self.on_call(call)
        if reply.last != after:
            self.store.set_setting("central.calls_after", str(reply.last))
        return reply.calls

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self.poll_once()
                self.backoff.reset()
            except SyncError as e:
                self._stop.wait(self.backoff.next_delay(getattr(e, "retry_after_s", None)))
            except Exception:  # noqa: BLE001
                log.exception("calls long-poll failed")
                self._stop.wait(self.backoff.next_delay())


def _version() -> str:
    from kiosk import version

    return version()
