import subprocess
import sys

import pytest

from kiosk.domain.adminpin import PinGate, hash_pin, legacy_sha256, pin_matches


@pytest.fixture(scope="module")
def pin_hash() -> str:
    return hash_pin("2468")


def test_right_pin_opens_wrong_pins_lock_out(pin_hash):
    t = [1000.0]
    gate = PinGate(pin_hash, max_attempts=3, lockout_s=60, clock=lambda: t[0])
    assert gate.check("2468")
    assert not gate.check("1111") and not gate.check("2222")
    assert gate.locked_for() == 0
    assert not gate.check("3333")
    assert gate.locked_for() == 60
    assert not gate.check("2468")  # locked, even with the right PIN
    t[0] += 61
    assert gate.check("2468")


def test_the_hash_is_salted_and_slow_not_a_bare_sha256(pin_hash):
    again = hash_pin("2468")
    assert pin_hash != again and pin_hash.startswith("scrypt$32768$8$1$")  # a fresh salt each time
    assert pin_matches("2468", pin_hash) and pin_matches("2468", again) and not pin_matches("2469", pin_hash)
    assert legacy_sha256("2468") not in pin_hash
    assert not pin_matches("2468", "scrypt$bad") and not pin_matches("", "")
    assert pin_matches("2468", legacy_sha256("2468"))  # the older config value still opens the demo


def test_the_lockout_survives_a_restart(pin_hash, store):
    from kiosk.core.pin_lockout import load_lockout, save_lockout

    t = [1_800_000_000.0]

    def gate() -> PinGate:  # what the staff screen builds after a restart
        return PinGate(pin_hash, max_attempts=3, lockout_s=300, clock=lambda: t[0], load=lambda: load_lockout(store),
                       save=lambda n, until: save_lockout(store, n, until))

    first = gate()
    assert not first.check("0000") and not first.check("1111")
    second = gate()  # restarted after two wrong tries: the count is kept
    assert second.failures == 2 and not second.check("2222")
    assert gate().locked_for() == 300 and not gate().check("2468")
    t[0] += 301
    assert gate().check("2468") and load_lockout(store) == (0, 0.0)
    store.set_setting("admin.pin_lockout", "garbage")
    assert load_lockout(store) == (0, 0.0)
    t[0] -= 10_000  # a clock set back cannot stretch a lockout past its length
    save_lockout(store, 0, t[0] + 10_300)
    assert gate().locked_for() == 300


def test_no_pin_configured_never_opens():
    assert not PinGate("").check("")


def test_hash_pin_command():
    p = subprocess.run([sys.executable, "-m", "kiosk", "hash-pin"], input="2468\n", capture_output=True, text=True)
    assert p.returncode == 0
    assert p.stdout.startswith("scrypt$") and pin_matches("2468", p.stdout.strip())
    bad = subprocess.run([sys.executable, "-m", "kiosk", "hash-pin"], input="12\n", capture_output=True, text=True)
    assert bad.returncode == 2
