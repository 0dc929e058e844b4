"""Pinyin typed with a slip: ``baojei`` → 保洁, ``cushi`` → 厨师, ``kuaidiyaun`` → 快递员.

A :class:`Lexicon` holds the words worth finding (the titles on the kiosk and the vocabulary's
words) as pinyin, with every run of two or more of their syllables (``baojieyuan`` gives
``baojie``, ``jieyuan`` and ``baojieyuan``), so a resident who types only part of a title is
corrected to that part. Before comparing, both sides are *folded* the way many speakers blur
sounds: zh/ch/sh as z/c/s, and -ing/-eng as -in/-en; a folded match costs nothing.

:meth:`Lexicon.correct` allows one wrong, missing, extra or swapped letter (optimal string
alignment distance 1) for terms of four letters or more; a three-letter term may only have lost
a letter (``sji`` → ``siji``), as any other slip in three letters is anyone's guess. Candidates come from a deletion index (every key
and every key with one letter dropped), so a lookup is a few dictionary reads, not a scan.
:meth:`Lexicon.suggest` looks further (distance 2) for the 0-result page's "您是不是要找".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

#: (written, blurred) in the order they are applied
FOLDS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("ing", "in"), ("eng", "en"))
MIN_EDIT_LETTERS = 4
MIN_LETTERS = 3


def fold(text: str) -> str:
    for a, b in FOLDS:
        text = text.replace(a, b)
    return text


def distance(a: str, b: str, limit: int = 2) -> int:
    """Optimal string alignment distance (a swap of neighbours is one edit), capped at limit + 1."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > limit:
            return limit + 1
        prev2, prev = prev, cur
    return min(prev[len(b)], limit + 1)


@dataclass(frozen=True)
class Spelling:
    """A typed term and what it was read as: the pinyin to search for and the Chinese to show."""

    typed: str
    pinyin: str
    word: str
    distance: int


@dataclass(frozen=True)
class _Entry:
    pinyin: str
    word: str
    whole: bool
    weight: int


def _better(a: _Entry, b: _Entry) -> bool:
    return (a.whole, a.weight, len(a.word), a.word) > (b.whole, b.weight, len(b.word), b.word)


class Lexicon:
    """Words as pinyin, for correcting a term that finds nothing."""

    def __init__(self, words: Iterable[tuple[str, int]], syllables: Callable[[str], list[str]]) -> None:
        """``words``: (Chinese word, weight: how many vacancies it stands for); ``syllables``:
        one toneless syllable per character (``kiosk.domain.pinyin.syllables``)."""
        self._syllables = syllables
        self._entries: dict[str, _Entry] = {}
        for word, weight in words:
            syl = syllables(word)
            if len(syl) != len(word) or len(syl) < 2:
                continue  # not all Chinese: leave it to the exact search
            n = len(syl)
            for i in range(n):
                for j in range(i + 2, n + 1):
                    e = _Entry("".join(syl[i:j]), word[i:j], i == 0 and j == n, weight)
                    key = fold(e.pinyin)
                    old = self._entries.get(key)
                    if old is None or _better(e, old):
                        self._entries[key] = e
        self._deletes: dict[str, set[str]] = {}
        for key in self._entries:
            for d in _deletions(key):
                self._deletes.setdefault(d, set()).add(key)

    def __len__(self) -> int:
        return len(self._entries)

    def _best(self, typed: str, keys: Iterable[str], limit: int) -> Spelling | None:
        folded = fold(typed)
        best: tuple | None = None
        for key in keys:
            d = distance(folded, key, limit)
            if d > limit:
                continue
            e = self._entries[key]
            rank = (d, not e.whole, -e.weight, -len(e.word), e.word)
            if best is None or rank < best[0]:
                best = (rank, Spelling(typed, e.pinyin, e.word, d))
        return best[1] if best else None

    def correct(self, typed: str) -> Spelling | None:
        """The word a Latin or Chinese term most likely meant, or None. Chinese is read as its
        pinyin first (保杰 → 保洁)."""
        latin = self._latin(typed)
        if len(latin) < MIN_LETTERS:
            return None
        folded = fold(latin)
        if folded in self._entries:
            found = self._best(latin, [folded], 0)
        elif len(latin) >= MIN_EDIT_LETTERS:
            keys = set().union(*(self._deletes.get(d, set()) for d in _deletions(folded)))
            found = self._best(latin, keys, 1)
        else:  # three letters: only one left out (sji → siji); a wrong one is anyone's guess
            found = self._best(latin, self._deletes.get(folded, set()), 1)
        if found is None or found.pinyin == typed or found.word == typed:
            return None
        return Spelling(typed, found.pinyin, found.word, found.distance)

    def suggest(self, typed: str, limit: int = 3) -> list[Spelling]:
        """Up to ``limit`` nearest words (distance ≤ 2), nearest and most used first."""
        latin = self._latin(typed)
        if len(latin) < MIN_LETTERS:
            return []
        folded = fold(latin)
        ranked = []
        for key, e in self._entries.items():
            d = distance(folded, key, 2)
            if d <= 2:
                ranked.append(((d, not e.whole, -e.weight, e.word), Spelling(typed, e.pinyin, e.word, d)))
        ranked.sort(key=lambda r: r[0])
        out: list[Spelling] = []
        for _, s in ranked:
            if s.word not in {o.word for o in out} and s.word != typed:
                out.append(s)
            if len(out) == limit:
                break
        return out

    def _latin(self, typed: str) -> str:
        if typed.isascii():
            return typed.lower()
        syl = self._syllables(typed)
        return "".join(syl) if len(syl) == len(typed) else ""


def _deletions(key: str) -> set[str]:
    return {key} | {key[:i] + key[i + 1:] for i in range(len(key))}
