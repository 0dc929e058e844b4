"""The unified social credit code (统一社会信用代码) of GB 32100-2015: 18 characters, the last one a
check character over the first 17, so a mistyped code is caught on the form before a person
has to look it up."""

from __future__ import annotations

#: the code's alphabet: digits and the capitals without I, O, S, V and Z
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_char(first17: str) -> str:
    """The 18th character for the 17 before it (ValueError for a character outside the alphabet)."""
    if len(first17) != 17:
        raise ValueError(f"a credit code has 17 characters before its check character, not {len(first17)}")
    total = 0
    for ch, w in zip(first17, WEIGHTS, strict=True):
        i = ALPHABET.find(ch)
        if i < 0:
            raise ValueError(f"{ch!r} is not in the credit code alphabet")
        total += i * w
    return ALPHABET[(31 - total % 31) % 31]


def normalise(text: str) -> str:
    """What was typed, without spaces and in capitals (codes are often copied with spaces)."""
    return "".join(text.split()).upper()


def problem(code: str) -> str:
    """Why ``code`` (normalised) is not a valid credit code, in the words a form shows; "" when it is."""
    if len(code) != 18:
        return f"统一社会信用代码是 18 位，您填了 {len(code)} 位"
    bad = [ch for ch in code if ch not in ALPHABET]
    if bad:
        return f"统一社会信用代码里不会有“{bad[0]}”（不用 I、O、S、V、Z），请对照营业执照再填"
    if check_char(code[:17]) != code[17]:
        return "统一社会信用代码的最后一位校验不对，请对照营业执照检查有没有填错"
    return ""
