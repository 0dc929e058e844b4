"""``python -m kiosk search QUERY [--json]``: matching vacancies in rank order from the local database."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("search", help="search the local vacancies as the kiosk does (Chinese, pinyin initials, pinyin)")
    p.add_argument("query", nargs="*", help="what a resident would type: 保洁, bj, baojie ... (empty: browse)")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--scope", choices=["circle", "district", "city"], default="city",
                   help="the station's walking circle, its district, or the whole city (default: city)")
    p.add_argument("--district", default="", help="district for --scope district (default: the station's)")
    p.add_argument("--sort", choices=["distance", "salary", "newest"], default="distance")
    p.add_argument("--salary-min", type=int, default=None, help="monthly yuan (hourly wages count x174)")
    p.add_argument("--salary-max", type=int, default=None)
    p.add_argument("--job-type", action="append", default=[], help="全职, 兼职, 公益性岗位 or 实习 (repeatable)")
    p.add_argument("--category", action="append", default=[], help="category (repeatable)")
    p.add_argument("--group", action="append", default=[],
                   help="everyday group, as on the 按类别 tiles: 家政服务, 餐饮, 司机 ... (repeatable)")
    p.add_argument("--literal", action="store_true",
                   help="match the text as typed only (no residents' words, no spelling correction)")
    p.add_argument("--days", type=int, default=None, help="posted within this many days")
    p.add_argument("--limit", type=int, default=20)
    p.add_argument("--today", type=date.fromisoformat, default=None, help="reference date, YYYY-MM-DD")
    p.add_argument("--db", default=None, help="database file (default: the config's data_dir)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from kiosk.config import load_config
    from kiosk.domain.search import Station, make_query
    from kiosk.errors import KioskError
    from kiosk.store.engine import open_store
    from kiosk.store.search import search

    cfg = load_config(args.config)
    path = args.db or cfg.database_path
    try:
        q = make_query(" ".join(args.query), scope=args.scope, district=args.district, salary_min=args.salary_min,
                       salary_max=args.salary_max, job_types=args.job_type, categories=args.category,
                       groups=args.group, posted_within_days=args.days, sort=args.sort, literal=args.literal)
    except ValueError as e:
        raise KioskError(f"{e}. Check the search options (python -m kiosk search --help).") from None
    store = open_store(path)
    try:
        res = search(store, q, Station.from_config(cfg.station), today=args.today, limit=args.limit)
    finally:
        store.close()
    rows = [dict(id=h.id, title=h.title, employer=h.employer, distance_m=round(h.distance_m),
                 walking_minutes=h.walking_minutes, salary=h.salary_text, job_type=h.job_type, district=h.district,
                 tier=h.tier)
            for h in res.hits]
    spelled = [dict(typed=s.typed, read_as=s.word, pinyin=s.pinyin) for s in res.spelled]
    if args.json:
        print(json.dumps(dict(query=q.text, terms=[t.text for t in res.query.terms], scope=str(q.scope),
                              sort=str(q.sort), total=res.total, spelled=spelled, also=list(res.also),
                              suggestions=[s.word for s in res.suggestions], results=rows),
                         ensure_ascii=False, indent=2))
        return 0
    print(f"{res.total} 个岗位 / vacancies match {q.text!r} (scope {q.scope}, sort {q.sort}); "
          f"showing {len(rows)}", file=sys.stderr)
    for s in res.spelled:
        print(f"已按“{s.word}”（{s.pinyin}）查找 / read {s.typed!r} as {s.word}", file=sys.stderr)
    if res.also:
        print(f"也为您找了：{'、'.join(res.also)}", file=sys.stderr)
    if res.suggestions:
        print(f"您是不是要找：{'、'.join(s.word for s in res.suggestions)}", file=sys.stderr)
    for r in rows:
        print(f"{r['id']}\t{r['title']}\t{r['employer']}\t{r['distance_m']} m\t{r['salary']}")
    return 0
