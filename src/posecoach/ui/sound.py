"""Spoken cues and the hold-complete chime, played by the browser (speechSynthesis, Web Audio).

``SoundPlanner`` decides what to play (pure, times in seconds passed in): a cue is spoken
only when it changes, at most once every ``cooldown_s``; a chime when a hold completes.
``play`` hands the newest event to a small script in the page, which plays each event once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from posecoach.core.holds import HoldStatus


@dataclass(frozen=True)
class SoundEvent:
    """Something to play. ``id`` increases with each new event; the page plays each id once."""

    id: int
    say: str | None = None
    chime: bool = False


class SoundPlanner:
    """One cue at a time: speak a new cue at most every ``cooldown_s``; chime on completion.

    ``token`` tells the page's player that event ids restarted (a new planner).
    """

    def __init__(self, cooldown_s: float = 4.0) -> None:
        self.cooldown_s = cooldown_s
        self.token = uuid.uuid4().hex
        self._spoken: str | None = None
        self._spoken_at_s: float | None = None
        self._was_complete = False
        self._next_id = 1
        self.last: SoundEvent | None = None

    def update(self, now_s: float, cue: str | None, hold: HoldStatus | None) -> SoundEvent | None:
        """The event to play now, if any (also kept as ``last``)."""
        chime = self._chime(hold)
        say = self._say(now_s, cue)
        if not chime and say is None:
            return None
        self.last = SoundEvent(self._next_id, say, chime)
        self._next_id += 1
        return self.last

    def _say(self, now_s: float, cue: str | None) -> str | None:
        if cue is None:
            self._spoken = None  # form is right: the same cue later is news again
            return None
        if cue == self._spoken:
            return None
        if self._spoken_at_s is not None and now_s - self._spoken_at_s < self.cooldown_s:
            return None
        self._spoken, self._spoken_at_s = cue, now_s
        return cue

    def _chime(self, hold: HoldStatus | None) -> bool:
        complete = hold is not None and hold.exercise is not None and hold.complete
        chime = complete and not self._was_complete
        self._was_complete = complete
        return chime


JS = """
export default function(component) {
  const { data } = component;
  if (!data || !data.enabled) { return; }
  const state = window.__posecoachSound || (window.__posecoachSound = { lastId: 0, token: null, audio: null });
  if (state.token !== data.token) { state.token = data.token; state.lastId = 0; }
  if (!data.event || data.event.id <= state.lastId) { return; }
  state.lastId = data.event.id;
  try {
    if (data.event.chime && data.chime) {
      const Ctx = window.AudioContext || window.webkitAudioContext;
      state.audio = state.audio || new Ctx();
      const ctx = state.audio;
      [880, 1320].forEach((hz, i) => {
        const osc = ctx.createOscillator(), gain = ctx.createGain();
        const t = ctx.currentTime + i * 0.18;
        osc.frequency.value = hz;
        gain.gain.setValueAtTime(0.0001, t);
        gain.gain.exponentialRampToValueAtTime(0.3, t + 0.02);
        gain.gain.exponentialRampToValueAtTime(0.0001, t + 0.6);
        osc.connect(gain).connect(ctx.destination);
        osc.start(t); osc.stop(t + 0.65);
      });
    }
    if (data.event.say && data.speech && window.speechSynthesis) {
      window.speechSynthesis.cancel();
      const u = new SpeechSynthesisUtterance(data.event.say);
      u.rate = 0.95;
      window.speechSynthesis.speak(u);
    }
  } catch (e) { console.warn("posecoach sound:", e); }
}
"""

_component = None


def play(planner: SoundPlanner, speech: bool, chime: bool, key: str = "posecoach-sound") -> None:
    """Mount the sound player with the planner's newest event (nothing plays when both are off)."""
    global _component
    import streamlit as st

    if _component is None:
        _component = st.components.v2.component("posecoach_sound", js=JS)
    event = planner.last
    data = {
        "enabled": speech or chime, "speech": speech, "chime": chime, "token": planner.token,
        "event": None if event is None else {"id": event.id, "say": event.say, "chime": event.chime},
    }
    _component(key=key, data=data, height=0)
