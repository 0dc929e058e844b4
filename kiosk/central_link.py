"""The kiosk's link to the central system: the sync worker, the calls listener and their
staff-screen section, composed for the app. No Kivy here: the app passes callbacks that
hand results to the main thread.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from kiosk.config import KioskConfig
from kiosk.domain.calls import Call
from kiosk.domain.connectivity import status_line, when
from kiosk.domain.status import Section, StatusRow
from kiosk.store.engine import Store
from kiosk.store.outbox import OutboxCipher, OutboxQueue

log = logging.getLogger(__name__)


class CentralLink:
    def __init__(self, cfg: KioskConfig, store: Store, cipher: Callable[[], OutboxCipher], *,
                 on_status: Callable[[str], None], on_call: Callable[[Call], None],
                 health: Callable[[], dict] = dict, on_config: Callable[[dict], object] | None = None,
                 worker_options: dict | None = None) -> None:
        self.cfg = cfg
        #: passed on to the SyncWorker (which feeds, how often it beats): for tools and tests
        self.worker_options = worker_options or {}
        self._on_config = on_config
        self.store = store
        self._cipher = cipher
        self._on_status = on_status
        self._on_call = on_call
        self._health = health
        #: what the kiosk does for city IT's remote commands, by kind (kiosk.remote); set by the app,
        #: called when the link starts (the handlers' imports are not on the way to the first frame)
        self.order_handlers: Callable[[], dict] = dict
        self.worker = None
        self.calls = None
        #: kiosk.sync.updates.Updater on a kiosk installed to update itself (update.root), else None
        self.updater = None

    @property
    def enabled(self) -> bool:
        return self.cfg.central.enabled and bool(self.cfg.central.kiosk_id and self.cfg.central.secret)

    def clock_offset_s(self) -> float:
        """Central's clock minus ours in seconds, as the sync client measured it on central's last
        reply (0 until central has answered). The station's day and ticket numbers follow it."""
        worker = self.worker
        return worker.client.clock_offset_s if worker is not None else 0.0

    def load_stored_config(self) -> None:
        """Apply the station config central sent last time (kept in the database), if any; the
        built-in one stays when there is none or it cannot be used."""
        import json

        raw = self.store.get_setting("central.config")
        if not raw or self._on_config is None:
            return
        try:
            self._on_config(json.loads(raw))
        except ValueError as e:
            log.warning("the stored station config cannot be used, keeping the built-in one: %s", e)

    def _config(self, reply) -> None:  # noqa: ANN001 - a protocol.StationConfigReply
        if self._on_config is not None:
            self._on_config(reply.model_dump(mode="json"))
            log.info("station config version %s from central applied", reply.version)

    def start(self) -> None:
        self._on_status(status_line(self.enabled, None, None))
        if not self.enabled:
            return
        from kiosk.sync import make_worker
        from kiosk.sync.worker import CallsListener

        options = {"heartbeat_s": self.cfg.central.heartbeat_s, **self.worker_options}
        self.worker = make_worker(self.cfg, self.store, self._cipher(), health=self._heartbeat_health,
                                  on_config=self._config, on_change=lambda st: self._on_status(
                                      status_line(True, st.online, st.last_success_at)), **options)
        self.calls = CallsListener(self.store, self.worker.client, self.cfg.station.id, self._call)
        from kiosk.sync.orders import OrderTaker, Outcome

        worker = self.worker

        def resync_feed(args: dict) -> Outcome:
            worker.resync(str(args.get("feed", "")))
            return Outcome(True, f"reloading {args.get('feed')} whole")

        handlers = {**self.order_handlers(), "resync_feed": resync_feed}
        if self.cfg.update.root:
            from pathlib import Path

            from kiosk import version
            from kiosk.sync.updates import Updater

            up = self.cfg.update
            self.updater = Updater(Path(up.root), up.public_keys, worker.client, self.cfg.data_path / "updates",
                                   version(), switch=up.switch, trial_s=up.trial_s, min_free_mb=up.min_free_mb)
            handlers["update"] = self.updater.order
            worker.on_heartbeat = self.updater.heartbeat_accepted
        worker.on_orders = OrderTaker(self.store, worker.client, self.cfg.central.kiosk_id, self.cfg.central.secret,
                                      handlers).take
        self.worker.start()
        self.calls.start()

    def _heartbeat_health(self) -> dict:
        health = self._health()
        status = self.updater.status() if self.updater is not None else None
        return {**health, "update": status} if status is not None else health

    def stop(self) -> None:
        for part in (self.calls, self.worker):
            if part is not None:
                part.stop()

    def _call(self, c) -> None:  # noqa: ANN001 - a protocol.Call
        if c.kind == "help":
            self._on_call(Call(call_id=f"central-{c.seq}", ticket_number=c.number, counter=c.counter,
                               called_at=c.called_at, kind="help", help_id=c.ticket_id))
            return
        try:
            note_central_call(self.store, c.ticket_id, c.counter, c.called_at)
        except Exception:  # noqa: BLE001 - the call is announced whatever the database says
            log.exception("could not note a call from central on the local ticket")
        self._on_call(Call(call_id=f"central-{c.seq}", ticket_number=c.number, counter=c.counter,
                           service_name=c.service, called_at=c.called_at))

    def section(self) -> Section:
        def rows() -> list[StatusRow]:
            if not self.enabled:
                return [StatusRow("状态", "未启用（central.enabled = false 或未登记终端）", None)]
            st = self.worker.status
            state = {None: "连接中", True: "在线", False: "离线，稍后自动重试"}[st.online]
            return [
                StatusRow("状态", state, st.online),
                StatusRow("中心地址", self.cfg.central.url),
                StatusRow("上次成功同步", when(st.last_success_at), st.last_success_at is not None),
                StatusRow("待上传记录", str(st.pending), st.pending < 1000),
                StatusRow("被拒记录（本次开机）", str(st.rejected_total), st.rejected_total == 0),
                *self._rejected_rows(),
                StatusRow("格式不符的回复", str(st.bad_replies), st.bad_replies == 0),
                StatusRow("时钟偏差", f"{st.clock_offset_s:+.1f} 秒", abs(st.clock_offset_s) < 60),
                StatusRow("站点业务配置", f"中心第 {self.cfg_version()} 版" if self.cfg_version() else "本机内置",
                          not st.config_rejected),
                *([StatusRow("被拒的站点配置", st.config_rejected, False)] if st.config_rejected else []),
                StatusRow("最近错误", " / ".join(st.errors[:3]) or "无", not st.errors or st.online),
            ]

        actions = {"立即同步": self.sync_now} if self.enabled else {}
        return Section("市就业系统同步", rows, actions)

    def _rejected_rows(self) -> list[StatusRow]:
        """The newest events central (or this kiosk's own check) refused, kept here for staff: the
        kind, when and why; they are not resent."""
        return [StatusRow(f"被拒：{kind}", f"{when(at)}  {reason[:80]}", False)
                for kind, at, reason in OutboxQueue(self.store).rejected(5)]

    def cfg_version(self) -> int | None:
        import json

        raw = self.store.get_setting("central.config")
        try:
            return json.loads(raw).get("version") if raw else None
        except ValueError:
            return None

    def sync_now(self) -> str:
        if self.worker is None:
            return "同步未启用"
        return self.worker.sync_now()


def note_central_call(store: Store, ticket_id: str, counter: str, called_at) -> bool:  # noqa: ANN001
    """A counter called this kiosk's ticket from the central console: the local copy follows, so
    a scan of the ticket says it was called, and the kiosk's own panel (when central is
    unreachable later) neither calls it again nor loses which number the counter has."""
    from sqlalchemy import update

    from kiosk.domain.queue_rules import STATION_TZ
    from kiosk.store.models import Ticket

    local = called_at.astimezone(STATION_TZ).replace(tzinfo=None) if called_at.tzinfo else called_at
    with store.session() as s:
        return bool(s.execute(update(Ticket).where(Ticket.id == ticket_id, Ticket.status == "waiting")
                              .values(status="called", counter=counter[:20], called_at=local)).rowcount)
