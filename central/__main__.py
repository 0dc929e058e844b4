"""``python -m central COMMAND``: serve, seed, import, register-kiosk, call, add-staff, disable-staff, add-advisor,
release, vacancy-image, db, bench."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from central.db import DEFAULT_URL, Database
from central.log_privacy import redact_logs  # noqa: F401 - also imported from here


def _progress(label: str):  # noqa: ANN202
    from kiosk.domain.progress import Progress

    return Progress(label)


class _Exit(Exception):
    def __init__(self, code: int) -> None:
        self.code = code


def _db(args: argparse.Namespace) -> Database:
    """The database, migrated to the newest schema (a database made before migrations is adopted)."""
    from central.schema import SchemaError

    db = Database(args.db)
    try:
        db.migrate()
    except SchemaError as e:
        print(f"{_safe_url(args.db)}: {e}", file=sys.stderr)
        db.dispose()
        raise _Exit(2) from None
    return db


def _safe_url(url: str) -> str:
    """The URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a URL SQLAlchemy cannot parse is shown as given
        return url


def cmd_db(args: argparse.Namespace) -> int:
    """``db upgrade | current | check | revision``: central's schema migrations (docs/DEPLOY.md)."""
    from central import schema

    if args.db_command == "revision":
        return _db_revision(args)
    db = Database(args.db)
    try:
        if args.db_command == "upgrade":
            ran = db.migrate()
            print(f"{_safe_url(args.db)}: {'migrated to' if ran else 'already at'} revision {schema.head()}")
            return 0
        with db.engine.connect() as conn:
            rev = schema.current(conn)
            if args.db_command == "current":
                state = ("at the newest revision" if rev == schema.head() else
                         f"behind: the newest is {schema.head()}; run `python -m central db upgrade`" if rev else
                         "made before migrations; `python -m central db upgrade` adopts it" if schema.is_legacy(conn)
                         else "empty; `python -m central db upgrade` creates the schema")
                print(f"{_safe_url(args.db)}: revision {rev or '(none)'}, {state}")
                return 0
            if rev != schema.head():  # check
                print(f"{_safe_url(args.db)} is at revision {rev or '(none)'}, not {schema.head()}: "
                      "run `python -m central db upgrade` first", file=sys.stderr)
                return 2
            diffs = schema.differences(conn)
        if diffs:
            print(schema.describe(diffs), file=sys.stderr)
            return 1
        print("central.models and the migrations agree")
        return 0
    except schema.SchemaError as e:
        print(f"{_safe_url(args.db)}: {e}", file=sys.stderr)
        return 2
    finally:
        db.dispose()


def _db_revision(args: argparse.Namespace) -> int:
    import tempfile

    from central import schema

    with tempfile.TemporaryDirectory(prefix="central-revision-") as tmp:
        db = Database(args.against or f"sqlite:///{Path(tmp) / 'scratch.db'}")
        try:
            path = schema.make_revision(args.message, autogenerate=args.autogenerate, against=db.engine,
                                        scratch=not args.against)
        except schema.SchemaError as e:
            print(str(e), file=sys.stderr)
            return 2
        finally:
            db.dispose()
    if path is None:
        print("central.models and the migrations agree: no revision written")
        return 0
    print(f"wrote {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}: review it "
          "(autogenerate does not see renames, and new NOT NULL columns of existing tables need a "
          "server_default), then commit it")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import json

    import uvicorn

    from central.app import create_app

    try:
        ice = json.loads(args.ice_servers or "[]")
        if not isinstance(ice, list) or not all(isinstance(x, dict) and "urls" in x for x in ice):
            raise ValueError("a JSON list of {\"urls\": …, \"username\": …, \"credential\": …}")
    except ValueError as e:
        print(f"--ice-servers: {e}", file=sys.stderr)
        return 2
    db = _db(args)
    if not args.demo:
        from central import audit

        failed = audit.failures(audit.run(db))
        if failed:
            print("central will not serve in production with these (run with --demo for a demo or a test):\n"
                  + "\n".join(c.line() for c in failed) + "\n(python -m central audit lists every check)",
                  file=sys.stderr)
            return 2
    if args.workers > 1:
        # each worker process builds its own app from the environment (central.app.app_from_env)
        os.environ.update(CENTRAL_DB_URL=args.db, CENTRAL_ICE_SERVERS=json.dumps(ice),
                          CENTRAL_PRODUCTION="" if args.demo else "1")
        uvicorn.run("central.app:app_from_env", factory=True, workers=args.workers, host=args.host, port=args.port,
                    log_level="warning" if args.quiet else "info", access_log=not args.quiet, proxy_headers=True,
                    forwarded_allow_ips=args.forwarded_allow_ips, timeout_graceful_shutdown=5)
        return 0
    app = create_app(db, ice_servers=ice, production=not args.demo)
    config = uvicorn.Config(app, host=args.host, port=args.port, log_level="warning" if args.quiet else "info",
                            access_log=not args.quiet, proxy_headers=True,
                            forwarded_allow_ips=args.forwarded_allow_ips,
                            # a stop (systemd, a deploy) cuts the open long-polls after 5 s; the kiosks poll again
                            timeout_graceful_shutdown=5)
    redact_logs()  # uvicorn's handlers exist now (Config sets them up)
    uvicorn.Server(config).run()
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    from central import audit

    checks = audit.run(_db(args))
    for c in checks:
        print(c.line())
    failed = audit.failures(checks)
    print(f"{len(checks) - len(failed)} OK, {len(failed)} FAIL", file=sys.stderr)
    return 1 if failed else 0


def cmd_rotate_data_key(args: argparse.Namespace) -> int:
    """Re-seal every personal field with the ring's first key (central/crypto.py)."""
    from central import crypto, reseal

    db = _db(args)
    keys = crypto.ring()
    print(f"re-sealing personal fields with key {keys.current!r} (ring from {keys.source}) ...", file=sys.stderr)
    n = reseal.rotate(db.engine, progress=_progress("tables"))
    print(f"re-sealed {n} values with key {keys.current!r}; keys {', '.join(k for k in keys.ids if k != keys.current) or '(none)'}"
          " may now be removed from the ring")
    return 0


def cmd_new_data_key(_args: argparse.Namespace) -> int:
    from central.crypto import new_key_line

    print(new_key_line())
    return 0


def cmd_seed(args: argparse.Namespace) -> int:
    from central.seed import seed

    n = seed(_db(args), args.vacancies, seed=args.seed, progress=_progress("vacancies"), demo_accounts=args.demo)
    print(f"seeded {n} vacancies, the demo stations, announcements, job fairs and service catalogue into {args.db}"
          + ("; and the demo advisor (demo-advisor / advisor-demo: never in production)" if args.demo else ""))
    return 0


def cmd_fleet_check(args: argparse.Namespace) -> int:
    from central.fleet import check_and_notify

    print(json.dumps(check_and_notify(_db(args)), ensure_ascii=False))
    return 0


def cmd_order(args: argparse.Namespace) -> int:
    """``order KIOSK KIND [key=value ...]``: a remote command, as the fleet page gives one."""
    from central.orders import KIND_NAMES, OrderRefused, give

    pairs = dict(a.partition("=")[::2] for a in args.args)
    try:
        with _db(args).session() as s:
            o = give(s, args.kiosk, args.kind, pairs, by="command line")
            oid = o.id
    except OrderRefused as e:
        print(f"refused: {e}", file=sys.stderr)
        return 2
    print(f"order {oid}: {KIND_NAMES[args.kind]} for {args.kiosk}; it goes with the kiosk's next heartbeat")
    return 0


def cmd_release(args: argparse.Namespace) -> int:
    """``release publish BUNDLE`` / ``release rollout VERSION`` / ``release list``."""
    from central import releases

    try:
        with _db(args).session() as s:
            if args.release_command == "publish":
                row = releases.publish(s, Path(args.bundle), by="command line")
                print(f"published {row.version} ({row.size} bytes, sha256 {row.sha256[:16]}…); no kiosk gets it "
                      f"until: python -m central release rollout {row.version} --percent N | --stations ID,…")
            elif args.release_command == "rollout":
                stations = [x for x in args.stations.split(",") if x] if args.stations is not None else None
                row = releases.rollout(s, args.version, percent=args.percent, stations=stations, by="command line")
                print(f"{row.version}: {row.percent}% of kiosks and stations {','.join(row.stations) or '-'}; "
                      "each gets it with its next heartbeat")
            else:
                from sqlalchemy import select

                from central.models import Kiosk

                beats = s.scalars(select(Kiosk.last_heartbeat).where(Kiosk.enabled.is_(True))).all()
                for line in releases.summary(s, [b or {} for b in beats]):
                    print(f"{line.version}\t{line.published_at:%Y-%m-%d %H:%M}\t{line.rollout}\t"
                          f"running {line.running}, updating {line.updating}, rolled back or failed {line.failed}")
    except (releases.ReleaseRefused, OSError) as e:
        print(f"refused: {e}", file=sys.stderr)
        return 2
    return 0


def cmd_vacancy_image(args: argparse.Namespace) -> int:
    """``vacancy-image publish FILE`` / ``vacancy-image show``."""
    from central import feed_images
    from central.models import FeedImage

    try:
        with _db(args).session() as s:
            if args.image_command == "publish":
                row = feed_images.publish(s, Path(args.file), by="command line")
                print(f"published the vacancy image: {row.rows} vacancies, {row.size} bytes, cursor {row.cursor}, "
                      f"sha256 {row.sha256[:16]}…; kiosks at schema {row.schema_rev} pulling from scratch "
                      "install it")
                return 0
            row = s.get(FeedImage, "vacancies")
            if row is None:
                print("vacancy image: none (kiosks page through the feed)")
                return 0
            print(f"vacancy image: {row.rows} vacancies, {row.size} bytes, cursor {row.cursor}, schema "
                  f"{row.schema_rev}, sha256 {row.sha256[:16]}…, built {row.built_at:%Y-%m-%d %H:%M} UTC, "
                  f"published {row.published_at:%Y-%m-%d %H:%M} UTC by {row.published_by or '-'}")
            why = feed_images.stale_reason(s, row.cursor)
            if why:
                print(f"not offered: {why}; {feed_images.REBUILD}")
    except (feed_images.ImageRefused, OSError) as e:
        print(f"refused: {e}", file=sys.stderr)
        return 2
    return 0


def cmd_maintain(args: argparse.Namespace) -> int:
    from central.maintenance import nightly

    print(json.dumps(nightly(_db(args), tombstone_days=args.tombstone_days)))
    return 0


def cmd_enable(args: argparse.Namespace) -> int:
    """``disable``/``enable`` a staff account, an advisor or a kiosk: a disabled one is refused at
    once (its sessions end; a kiosk's signed requests get a 401)."""
    from sqlalchemy import select

    from central.models import Advisor, Kiosk, StaffUser
    from central.staff_auth import set_enabled

    on = args.command == "enable"
    db = _db(args)
    with db.session() as s:
        if args.kind == "staff":
            uid = s.scalar(select(StaffUser.id).where(StaffUser.station_id == args.station,
                                                      StaffUser.name == args.name))
            row = None if uid is None else True
        elif args.kind == "advisor":
            row = s.scalar(select(Advisor).where(Advisor.login == args.name))
        else:
            row = s.get(Kiosk, args.name)
        if row is None:
            where = f" of station {args.station or '(none)'}" if args.kind == "staff" else ""
            print(f"no {args.kind} {args.name}{where}", file=sys.stderr)
            return 2
        if args.kind == "advisor":
            if not on:
                from central.sessions import close_all

                row.status = "offline"
                close_all(s, "advisor", row.id)
            row.enabled = on
        elif args.kind == "kiosk":
            row.enabled = on
    if args.kind == "staff":
        set_enabled(db, uid, on)
    print(f"{'enabled' if on else 'disabled'} {args.kind} {args.name}"
          + ("" if on or args.kind == "kiosk" else "; its sessions ended"))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from central.importer import import_file

    path = Path(args.file)
    if not path.exists():
        print(f"no such file: {path}", file=sys.stderr)
        return 2
    try:
        report = import_file(_db(args), path, progress=_progress("rows"), feed=args.feed)
    except (ValueError, UnicodeDecodeError) as e:
        print(f"cannot read {path}: {e}", file=sys.stderr)
        return 2
    for line, reason in report.bad:
        print(f"{path}:{line}: skipped: {reason}", file=sys.stderr)
    what = {"vacancies": "vacancies", "job_fairs": "job fairs", "services": "catalogue services"}[args.feed]
    print(f"imported {report.imported} {what}; {len(report.bad)} bad rows skipped")
    return 0 if report.imported or not report.bad else 1


def cmd_register(args: argparse.Namespace) -> int:
    from central.kiosks import register
    from central.models import StationConfig
    from central.seed import DEFAULT_SERVICES

    db = _db(args)
    secret = register(db, args.kiosk_id, args.station, args.secret)
    with db.session() as s:
        if s.get(StationConfig, args.station) is None:
            s.add(StationConfig(station_id=args.station, version=1,
                                config={"name": args.station_name or args.station, "services": DEFAULT_SERVICES}))
    print(f"kiosk {args.kiosk_id} registered for station {args.station}")
    print(f"put this in the kiosk's config [central]: kiosk_id = \"{args.kiosk_id}\", secret = \"{secret}\"")
    return 0


def cmd_call(args: argparse.Namespace) -> int:
    from central.calls import add

    with _db(args).session() as s:
        seq = add(s, args.station, args.number, args.counter, service=args.service)
    print(f"called {args.number} to counter {args.counter} (call {seq})")
    return 0


def cmd_add_staff(args: argparse.Namespace) -> int:
    import getpass

    from central.staff_auth import add_staff

    password = args.password or os.environ.get("STAFF_PASSWORD") or ""
    if not password:
        password = getpass.getpass(f"password for {args.name}: ")
        if password != getpass.getpass("again: "):
            print("the two passwords differ", file=sys.stderr)
            return 2
    role = "city" if args.admin else args.role
    try:
        new = add_staff(_db(args), args.station, args.name, password, role=role, district=args.district)
    except ValueError as e:
        print(str(e), file=sys.stderr)
        return 2
    where = (f"of station {args.station}" if role == "staff" else f"of district {args.district}" if role == "district"
             else "of the city")
    print(f"{'added' if new else 'updated'} {role} {args.name} {where}; log in at /staff/login"
          + ("" if args.station else " (station: 区/市管理员)"))
    return 0


def cmd_disable_staff(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from central.models import StaffUser
    from central.staff_auth import set_enabled

    db = _db(args)
    with db.session() as s:
        uid = s.scalar(select(StaffUser.id).where(StaffUser.station_id == args.station, StaffUser.name == args.name))
    if uid is None:
        print(f"no account {args.name} of station {args.station or '(none)'}", file=sys.stderr)
        return 2
    set_enabled(db, uid, args.enable)
    print(f"{'enabled' if args.enable else 'disabled'} {args.name}" + ("" if args.enable else "; its sessions ended"))
    return 0


def cmd_add_advisor(args: argparse.Namespace) -> int:
    import getpass

    from central.consult import add_advisor

    password = args.password or os.environ.get("ADVISOR_PASSWORD") or ""
    if not password:
        password = getpass.getpass(f"password for {args.login}: ")
        if password != getpass.getpass("again: "):
            print("the two passwords differ", file=sys.stderr)
            return 2
    try:
        with _db(args).session() as s:
            new = add_advisor(s, args.login, password, pool=args.pool, display_name=args.name)
    except ValueError as e:
        print(str(e), file=sys.stderr)
        return 2
    print(f"{'added' if new else 'updated'} advisor {args.login} of pool {args.pool}; log in at /advisor/login")
    return 0


#: the benchmarks of the central service (modules in bench/)
CENTRAL_BENCHES = ("body", "fleet", "pages", "report")


def cmd_bench(args: argparse.Namespace) -> int:
    """Run ``bench/NAME.py`` and print its figures as JSON (progress goes to stderr)."""
    import importlib
    import json

    if args.name not in CENTRAL_BENCHES:
        print(f"unknown benchmark {args.name!r}; available: {', '.join(CENTRAL_BENCHES)}", file=sys.stderr)
        return 2
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    result = importlib.import_module(f"bench.{args.name}").main(args.bench_args)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m central", description="津彩e就业 reference central service")
    parser.add_argument("--db", default=os.environ.get("CENTRAL_DB_URL", DEFAULT_URL),
                        help="SQLAlchemy URL (default $CENTRAL_DB_URL or %(default)s); "
                             "postgresql://user@host/db for a fleet")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser("serve", help="serve the sync API (and the staff pages)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8700)
    p.add_argument("--quiet", action="store_true")
    p.add_argument("--workers", type=int, default=1,
                   help="worker processes (PostgreSQL: they share nothing but the database; docs/DEPLOY.md)")
    p.add_argument("--ice-servers", default=os.environ.get("CENTRAL_ICE_SERVERS", ""),
                   help="STUN/TURN servers for the advisor console's browsers, as JSON "
                        "(default $CENTRAL_ICE_SERVERS), e.g. '[{\"urls\": \"stun:turn.example.cn:3478\"}]'")
    p.add_argument("--demo", action="store_true",
                   help="a demo or a test: start even with demo accounts and secrets, and without Secure cookies "
                        "(without it, serve refuses what `audit` fails)")
    p.add_argument("--forwarded-allow-ips", default=os.environ.get("CENTRAL_FORWARDED_ALLOW_IPS", "127.0.0.1"),
                   help="the TLS proxy's addresses whose X-Forwarded-For/-Proto are trusted (default "
                        "$CENTRAL_FORWARDED_ALLOW_IPS or %(default)s)")
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("audit", help="list the installation's accounts, secrets and file modes; exit 1 on any "
                                     "default or demo one")
    p.set_defaults(func=cmd_audit)
    p = sub.add_parser("new-data-key", help="print a new personal-data key line (id:base64) for "
                                            "$CENTRAL_DATA_KEYS or the key file")
    p.set_defaults(func=cmd_new_data_key)
    p = sub.add_parser("rotate-data-key", help="re-seal every personal field with the first key of the ring, "
                                               "after which the older keys can be removed")
    p.set_defaults(func=cmd_rotate_data_key)
    p = sub.add_parser("order", help="give a kiosk a remote command (resync_feed feed=…, restart, upload_logs "
                                     "lines=…, set_config key=value…, test_print, reboot, update version=… [now=1])")
    p.add_argument("kiosk")
    p.add_argument("kind", choices=("resync_feed", "restart", "upload_logs", "set_config", "test_print", "reboot",
                                    "update"))
    p.add_argument("args", nargs="*", metavar="KEY=VALUE")
    p.set_defaults(func=cmd_order)
    p = sub.add_parser("release", help="kiosk releases: publish a signed bundle (python -m kiosk release make), "
                                       "roll it out to a share of kiosks or to stations, list who runs what")
    rel = p.add_subparsers(dest="release_command", required=True)
    q = rel.add_parser("publish", help="store a bundle; no kiosk gets it before a rollout")
    q.add_argument("bundle")
    q = rel.add_parser("rollout", help="who gets a version: --percent of all kiosks (the same ones as it widens) "
                                       "and/or --stations")
    q.add_argument("version")
    q.add_argument("--percent", type=int)
    q.add_argument("--stations", help="station ids, comma-separated (\"\" for none)")
    rel.add_parser("list", help="the releases, their rollouts and how many kiosks run each")
    p.set_defaults(func=cmd_release)
    p = sub.add_parser("vacancy-image", help="the vacancy image new kiosks install instead of paging through "
                                             "the feed (python -m kiosk vacancy-image build): publish, show")
    img = p.add_subparsers(dest="image_command", required=True)
    q = img.add_parser("publish", help="check an image (a kiosk database of the current vacancy feed, gzip) "
                                       "and offer it in place of the previous one")
    q.add_argument("file")
    img.add_parser("show", help="the image on offer, and whether its cursor is still current")
    p.set_defaults(func=cmd_vacancy_image)
    p = sub.add_parser("fleet-check", help="open and close the fleet's alerts and send new ones to "
                                           "$CENTRAL_ALERT_WEBHOOK (every minute, from a timer); JSON")
    p.set_defaults(func=cmd_fleet_check)
    p = sub.add_parser("maintain", help="the nightly tidy-up: forget old feed tombstones and spent nonces (JSON)")
    p.add_argument("--tombstone-days", type=int, default=30,
                   help="keep deletions this long for kiosks to learn of them (older cursors reload the feed)")
    p.set_defaults(func=cmd_maintain)
    p = sub.add_parser("seed", help="fill the feeds with the demo data")
    p.add_argument("--vacancies", type=int, default=2000)
    p.add_argument("--seed", type=int, default=2024)
    p.add_argument("--demo", action="store_true", help="also the demo advisor (its password is published: a demo "
                                                       "only; serve refuses to start with it unless --demo)")
    p.set_defaults(func=cmd_seed)
    for verb in ("disable", "enable"):
        p = sub.add_parser(verb, help=f"{verb} a staff account, an advisor or a kiosk"
                                      + (" (its sessions end at once)" if verb == "disable" else ""))
        p.add_argument("kind", choices=("staff", "advisor", "kiosk"))
        p.add_argument("name", help="the staff name, the advisor's login or the kiosk id")
        p.add_argument("--station", default="", help="a staff account's station (none for an administrator)")
        p.set_defaults(func=cmd_enable)
    p = sub.add_parser("import", help="load vacancies (or job fairs, or the service catalogue) from a CSV or "
                                      "JSON export")
    p.add_argument("file")
    p.add_argument("--feed", choices=("vacancies", "job_fairs", "services"), default="vacancies",
                   help="which feed the rows belong to (default: vacancies)")
    p.set_defaults(func=cmd_import)
    p = sub.add_parser("register-kiosk", help="register a kiosk (prints its secret)")
    p.add_argument("kiosk_id")
    p.add_argument("--station", required=True)
    p.add_argument("--station-name", default="")
    p.add_argument("--secret", help="use this secret instead of a generated one")
    p.set_defaults(func=cmd_register)
    p = sub.add_parser("call", help="call a ticket number to a counter (what the staff console does)")
    p.add_argument("--station", required=True)
    p.add_argument("number")
    p.add_argument("counter")
    p.add_argument("--service", default="")
    p.set_defaults(func=cmd_call)
    p = sub.add_parser("add-staff", help="add a staff account for the counter console (or set a new password)")
    p.add_argument("--station", default="", help="the station (required for --role staff; an administrator "
                                                 "may have none)")
    p.add_argument("--name", required=True, help="the name staff log in with")
    p.add_argument("--password", help="the password or PIN (asked for when omitted; or $STAFF_PASSWORD)")
    p.add_argument("--role", choices=("staff", "district", "city"), default="staff",
                   help="staff: their station; district: the district's stations; city: every station, plus "
                        "accounts and the audit log (default %(default)s)")
    p.add_argument("--district", default="", help="the district of a --role district account, e.g. 和平区")
    p.add_argument("--admin", action="store_true", help="the older name of --role city")
    p.set_defaults(func=cmd_add_staff)
    p = sub.add_parser("disable-staff", help="disable a console account (ends its sessions at once)")
    p.add_argument("--station", default="", help="the account's station (none for an administrator)")
    p.add_argument("--name", required=True)
    p.add_argument("--enable", action="store_true", help="enable it again instead")
    p.set_defaults(func=cmd_disable_staff)
    p = sub.add_parser("add-advisor", help="add a video-consultation advisor (or set a new password / pool)")
    p.add_argument("login", help="the name the advisor logs in with")
    p.add_argument("--pool", default="tianjin", help="the advisor pool (stations use config consult_pool; "
                                                     "default %(default)s)")
    p.add_argument("--name", default="", help="the name residents see (default: the login)")
    p.add_argument("--password", help="the password (asked for when omitted; or $ADVISOR_PASSWORD)")
    p.set_defaults(func=cmd_add_advisor)
    p = sub.add_parser("bench", help="run a benchmark of the central service and print JSON (progress on stderr)")
    p.add_argument("name", help="benchmark name: " + ", ".join(CENTRAL_BENCHES))
    p.add_argument("bench_args", nargs=argparse.REMAINDER, help="arguments for the benchmark")
    p.set_defaults(func=cmd_bench)
    p = sub.add_parser("db", help="schema migrations: upgrade, current, check, revision")
    db_sub = p.add_subparsers(dest="db_command", metavar="DB_COMMAND", required=True)
    db_sub.add_parser("upgrade", help="bring the database to the newest revision (serve and the other "
                                      "commands do this too); adopts a database made before migrations")
    db_sub.add_parser("current", help="show the database's revision and whether it is behind")
    db_sub.add_parser("check", help="exit 1 if central.models differs from the migrations (the database "
                                    "must be at the newest revision)")
    q = db_sub.add_parser("revision", help="write a new revision under central/migrations/versions/")
    q.add_argument("-m", "--message", required=True, help="what the revision changes")
    q.add_argument("--autogenerate", action="store_true",
                   help="fill it with the differences between central.models and the migrations")
    q.add_argument("--against", metavar="URL",
                   help="compare with this database (at the newest revision) instead of a scratch SQLite one")
    p.set_defaults(func=cmd_db)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)  # central.schema says what it migrates
    redact_logs()
    try:
        return int(args.func(args) or 0)
    except _Exit as e:
        return e.code


if __name__ == "__main__":
    sys.exit(main())
