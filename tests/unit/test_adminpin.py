import subprocess
import sys

from kiosk.domain.adminpin import PinGate, hash_pin


def test_right_pin_opens_wrong_pins_lock_out():
    t = [0.0]
    gate = PinGate(hash_pin("2468"), max_attempts=3, lockout_s=60, clock=lambda: t[0])
    assert gate.check("2468")
    assert not gate.check("1111") and not gate.check("2222")
    assert gate.locked_for() == 0
    assert not gate.check("3333")
    assert gate.locked_for() == 60
    assert not gate.check("2468")  # locked, even with the right PIN
    t[0] += 61
    assert gate.check("2468")


def test_no_pin_configured_never_opens():
    assert not PinGate("").check("")


def test_hash_pin_command():
    p = subprocess.run([sys.executable, "-m", "kiosk", "hash-pin"], input="2468\n", capture_output=True, text=True)
    assert p.returncode == 0
    assert p.stdout.strip() == hash_pin("2468")
    bad = subprocess.run([sys.executable, "-m", "kiosk", "hash-pin"], input="12\n", capture_output=True, text=True)
    assert bad.returncode == 2
