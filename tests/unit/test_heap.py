"""The allocator settings, each in a fresh process: they change the whole process's malloc."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from kiosk import heap

PRELUDE = textwrap.dedent("""
    import ctypes, sys
    from kiosk import heap
    libc = ctypes.CDLL("libc.so.6")
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    class Info(ctypes.Structure):
        _fields_ = [(n, ctypes.c_size_t) for n in
                    "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()]
    libc.mallinfo2.restype = Info
    def rss_mb():
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * 4096 / 2**20
""")


def _run(code: str, *args: str) -> str:
    out = subprocess.run([sys.executable, "-c", PRELUDE + textwrap.dedent(code), *args],
                         capture_output=True, text=True, check=True)
    return out.stdout.strip()


LARGE_BLOCK = """
    if sys.argv[1] == "tuned":
        assert heap.tune()
    libc.free(libc.malloc(8 << 20))  # an mmapped block freed: glibc's default raises its threshold to 8 MB
    before = libc.mallinfo2().hblks
    block = libc.malloc(1 << 20)
    print(libc.mallinfo2().hblks - before)
"""


def test_tuned_large_blocks_stay_out_of_the_heap():
    assert _run(LARGE_BLOCK, "default") == "0"  # the 1 MB block came from the heap
    assert _run(LARGE_BLOCK, "tuned") == "1"  # it was mapped, and goes back to the system when freed


def test_give_back_returns_free_heap_pages_to_the_system():
    out = _run("""
        blocks = [libc.malloc(32 << 10) for _ in range(2048)]  # 64 MB of heap, each page touched
        for b in blocks:
            ctypes.memset(b, 1, 32 << 10)
        pin = libc.malloc(64)  # holds the heap's top, so freeing the blocks alone gives nothing back
        for b in blocks:
            libc.free(b)
        before = rss_mb()
        gave = heap.give_back()
        print(gave, round(before - rss_mb()))
    """)
    gave, freed_mb = out.split()
    assert gave == "True"
    assert int(freed_mb) > 48, f"only {freed_mb} MB went back"


def test_without_the_calls_both_do_nothing(monkeypatch):
    monkeypatch.setattr(heap, "_LIBC", None)
    assert heap.tune() is False
    assert heap.give_back() is False
