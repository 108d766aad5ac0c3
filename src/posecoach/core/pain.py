"""Pain and difficulty after an exercise: the 0-10 rating, an optional word, and the seeds'
stop-and-seek-care rule.

The seeds: "stop immediately if you feel a sharp or pulsating pain, which could indicate
pressure on a nerve or blood vessel"; "if you experience sharp, shooting pain in the lower
back, groin, or down the leg, stop all self-treatment immediately ... requires medical
attention"; "if your tightness is accompanied by fever, night pain, or unexplained weight
loss, seek medical advice promptly". A stretch may feel deep and intense; it must not hurt
sharply. A rating of ``stop_at`` or more, or one of the warning words, marks the set and shows
the guidance. Pure: a number and a word in, a verdict out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The numeric rating at or above which the seeds' guidance is shown: 7 of 10 is "severe" on the
# usual numeric rating scale; a stretch's intensity is felt as 3-5.
STOP_AT = 7
WARNING_WORDS: dict[str, str] = {
    "sharp": "sharp pain", "shooting": "shooting pain", "stabbing": "sharp pain",
    "pulsing": "pulsating pain", "pulsating": "pulsating pain", "throbbing": "pulsating pain",
    "numb": "numbness", "numbness": "numbness", "tingling": "tingling", "pins": "tingling",
    "electric": "shooting pain", "fever": "fever",
}
# Phrases whose words alone are harmless ("good night"; a tight psoas may burn or ache).
WARNING_PHRASES: dict[str, str] = {"night pain": "night pain", "pain at night": "night pain", "hurts at night": "night pain"}
GUIDANCE = (
    "Stop the stretches now. Sharp, shooting or pulsating pain (or numbness, tingling, night pain or a fever) "
    "can mean pressure on a nerve or blood vessel, or a cause that is not muscular: do not continue "
    "self-treatment, and see a doctor or physiotherapist."
)
MAX_WORD_CHARS = 200


class RatingError(ValueError):
    """A rating that cannot be stored: one line saying why."""


@dataclass(frozen=True)
class PainRating:
    pain: int  # 0 (none) to 10 (worst imaginable)
    word: str  # optional, as the person typed it (trimmed)
    stop: bool  # the seeds' rule says stop and seek care
    reasons: tuple[str, ...]  # why (the words matched, or the rating)


def rate(pain: int | float | str, word: str = "", stop_at: int = STOP_AT) -> PainRating:
    """Validate a rating and apply the rule; ``RatingError`` (one line) when it cannot be used."""
    if isinstance(pain, bool):
        raise RatingError(f"pain must be a whole number from 0 to 10, not {pain!r}")
    try:
        value = float(str(pain).strip()) if isinstance(pain, str) else float(pain)
    except ValueError:
        raise RatingError(f"pain must be a whole number from 0 to 10, not {str(pain)[:20]!r}") from None
    if value != value or value != int(value) or not 0 <= value <= 10:
        raise RatingError(f"pain must be a whole number from 0 to 10, not {str(pain)[:20]}")
    text = " ".join(str(word).split())
    if len(text) > MAX_WORD_CHARS:
        raise RatingError(f"the word is {len(text)} characters long; keep it under {MAX_WORD_CHARS}")
    reasons = []
    for token in re.findall(r"[a-z]+", text.lower()):
        what = WARNING_WORDS.get(token)
        if what and what not in reasons:
            reasons.append(what)
    for phrase, what in WARNING_PHRASES.items():
        if phrase in text.lower() and what not in reasons:
            reasons.append(what)
    if int(value) >= stop_at:
        reasons.append(f"pain {int(value)} of 10")
    return PainRating(int(value), text, bool(reasons), tuple(reasons))
