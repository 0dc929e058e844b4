"""Freed memory goes back to the system when a visit ends (glibc keeps it otherwise)."""

from __future__ import annotations

import gc

import pytest

from kiosk.core.heap import release_free_memory


def _rss_anon_mb() -> float:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("RssAnon:")) / 1024


@pytest.mark.skipif(not release_free_memory(), reason="no malloc_trim in this C library")
def test_memory_freed_in_the_middle_of_the_heap_is_returned():
    gc.collect()
    release_free_memory()
    # 60 MB in blocks malloc keeps in its heap (under the mmap threshold), then one more on top
    blocks = [bytes(2000) + bytes([i % 256]) for i in range(30_000)]
    pin = bytes(2000) + b"pin"
    before = _rss_anon_mb()
    del blocks
    gc.collect()
    kept = _rss_anon_mb()
    release_free_memory()
    after = _rss_anon_mb()
    assert before - kept < 20, "freeing alone already returned the pages: the test shows nothing"
    assert kept - after > 40, f"RSS {kept:.0f} MB -> {after:.0f} MB after releasing the freed 60 MB"
    assert pin
