"""The breathing pacing guide of the rest positions: a shape that grows while the person breathes
in and shrinks while they breathe out, the words "Breathe in" / "Breathe out", and a soft tone.

Everything moves in the browser: the shape is a Web Animation (drawn by the compositor), the
words and the tone follow one timer of the page's own, so the guide costs the frame loop and
Streamlit nothing; the page only tells it whether to show and at which rhythm. Its phase follows
the wall clock from the moment it first shows, so the status panel's refreshes never restart it.
The tone is a quiet sine (a rising glide in, a falling glide out), started from the person's
click (Start, or the guide's own button: browsers allow sound only after one) and muted with the
guide's button.
"""

from __future__ import annotations

from posecoach.exercises.catalogue import Pacing

TONE_VOLUME = 0.06  # peak gain of the tone, 0..1 of full scale: quiet beside the spoken cues (0.3 chime)
TONE_HZ = (220.0, 330.0)  # the tone glides between these (Hz): up while breathing in, down while out
LINGER_S = 3.0  # the guide and the readout stay this long (seconds) after the rest position was last seen
SHAPE_SCALE = (0.45, 1.0)  # the shape's size at the end of a breath out and of a breath in (of its full size)

HTML = """
<div class="pcb" data-testid="posecoach-pacing" hidden>
  <div class="pcb-stage" role="img" aria-label="A circle growing as you breathe in, shrinking as you breathe out">
    <div class="pcb-shape"></div></div>
  <div class="pcb-words">
    <div class="pcb-read"></div>
    <div class="pcb-word">Breathe in</div>
    <div class="pcb-line"><span class="pcb-rhythm"></span><button type="button" class="pcb-sound"></button></div>
  </div>
</div>
"""

CSS = """
.pcb{display:flex;align-items:center;gap:0.9rem;background:#eaf3f7;border-radius:0.6rem;padding:0.35rem 0.8rem;
  margin:0.35rem 0 0 0;font-family:inherit;color:#0d2b3e}
.pcb[hidden]{display:none}
.pcb-stage{width:min(15vh,120px);height:min(15vh,120px);display:flex;align-items:center;justify-content:center;
  flex:none;border:3px solid #b9d7e6;border-radius:50%;box-sizing:border-box}
.pcb-shape{width:100%;height:100%;border-radius:50%;background:radial-gradient(circle at 40% 35%,#7cc3e0,#1f6f94);
  transform:scale(0.45);will-change:transform}
.pcb-read{font-size:clamp(1.15rem,3.1vh,1.8rem);font-weight:700;line-height:1.2}
.pcb-read.pcb-dim{color:#555}
.pcb-read:empty{display:none}
.pcb-word{font-size:clamp(1.6rem,4.2vh,2.6rem);font-weight:800;line-height:1.1;margin:0.1rem 0}
.pcb-line{display:flex;flex-wrap:wrap;align-items:center;gap:0.2rem 0.7rem}
.pcb-rhythm{font-size:clamp(0.95rem,2vh,1.2rem);font-weight:600;color:#23465c}
.pcb-sound{font:inherit;font-size:0.9rem;font-weight:600;padding:0.1rem 0.6rem;border-radius:0.4rem;
  border:1px solid #1f6f94;background:#fff;color:#0d2b3e;cursor:pointer}
"""

JS = """
export default function(component) {
  const { data, parentElement } = component;
  const box = parentElement.querySelector('.pcb');
  if (!box) { return; }
  const MUTED = 'posecoach-pacing-muted';  // the mute is remembered by this browser
  const remembered = () => { try { return localStorage.getItem(MUTED) === '1'; } catch (e) { return false; } };
  const remember = (muted) => { try { localStorage.setItem(MUTED, muted ? '1' : '0'); } catch (e) {} };
  const g = window.__posecoachPacing || (window.__posecoachPacing = {
    epoch: null, timer: null, ctx: null, muted: remembered(), box: null, anim: null, key: null, voice: null, data: null,
    tones: 0 });
  const hush = () => { if (g.voice) { try { g.voice.stop(); } catch (e) {} g.voice = null; } };
  const stop = () => {
    if (g.timer) { clearTimeout(g.timer); g.timer = null; }
    if (g.anim) { g.anim.cancel(); g.anim = null; }
    hush();
    g.epoch = null; g.key = null;
  };
  const active = !!(data && data.active);
  box.hidden = !active;
  if (!active) { stop(); return; }
  g.data = data;
  const inS = Number(data.in_s), outS = Number(data.out_s);
  const cycle = (inS + outS) * 1000, key = inS + '/' + outS;
  box.querySelector('.pcb-rhythm').textContent = `In for ${inS} s, out for ${outS} s`;
  const read = box.querySelector('.pcb-read');
  read.textContent = data.reading || '';
  read.classList.toggle('pcb-dim', !!data.reading_dim);
  const audio = (clicked) => {
    // Sound only after the person's click (Start, or this guide's button): browsers refuse it before.
    const Ctx = window.AudioContext || window.webkitAudioContext;
    const allowed = clicked || (navigator.userActivation && navigator.userActivation.hasBeenActive);
    if (!Ctx || (!g.ctx && !allowed)) { return null; }
    g.ctx = g.ctx || new Ctx();
    return g.ctx;
  };
  const label = () => {
    const button = g.box && g.box.querySelector('.pcb-sound');
    if (!button) { return; }
    const running = g.ctx && g.ctx.state === 'running';
    button.textContent = g.muted ? 'Tone off: turn on' : (running ? 'Tone on: mute' : 'Tap for the tone');
  };
  box.querySelector('.pcb-sound').onclick = () => {
    const sounding = !g.muted && g.ctx && g.ctx.state === 'running';
    if (sounding) { g.muted = true; remember(true); hush(); label(); return; }
    g.muted = false;
    remember(false);
    const ctx = audio(true);
    if (ctx) {
      ctx.resume().then(() => { const p = phase(); tone(p.breathingIn, p.left / 1000); label(); }).catch(() => {});
    }
    label();
  };
  const tone = (breathingIn, seconds) => {
    if (g.muted || seconds < 0.5) { return; }
    try {
      const ctx = audio(false);
      if (!ctx) { return; }
      if (ctx.state !== 'running') { ctx.resume().catch(() => {}); return; }
      const d = g.data, vol = Number(d.volume), low = d.hz[0], high = d.hz[1];
      const osc = ctx.createOscillator(), gain = ctx.createGain(), t = ctx.currentTime;
      osc.type = 'sine';
      osc.frequency.setValueAtTime(breathingIn ? low : high, t);
      osc.frequency.linearRampToValueAtTime(breathingIn ? high : low, t + seconds);
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(vol, t + Math.min(0.8, seconds / 3));
      gain.gain.setValueAtTime(vol, t + seconds * 0.7);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + seconds * 0.98);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t); osc.stop(t + seconds);
      g.voice = osc;
      g.tones += 1;
    } catch (e) { console.warn('posecoach pacing:', e); }
  };
  const now = () => performance.timeOrigin + performance.now();
  const fresh = g.key !== key || g.epoch === null;
  if (fresh) { stop(); g.epoch = now(); g.key = key; }
  if (g.box !== box || !g.anim) {
    if (g.anim) { g.anim.cancel(); }
    g.anim = box.querySelector('.pcb-shape').animate([
      { transform: `scale(${data.scale[0]})`, offset: 0, easing: 'ease-in-out' },
      { transform: `scale(${data.scale[1]})`, offset: inS / (inS + outS), easing: 'ease-in-out' },
      { transform: `scale(${data.scale[0]})`, offset: 1 }], { duration: cycle, iterations: Infinity });
    g.anim.currentTime = (now() - g.epoch) % cycle;
    g.box = box;
  }
  const phase = () => {
    const at = (now() - g.epoch) % cycle, breathingIn = at < inS * 1000;
    return { breathingIn, left: breathingIn ? inS * 1000 - at : cycle - at };
  };
  const show = (p) => {
    g.box.querySelector('.pcb-word').textContent = p.breathingIn ? 'Breathe in' : 'Breathe out';
    g.box.dataset.phase = p.breathingIn ? 'in' : 'out';
    label();
  };
  const tick = (sound) => {
    const p = phase();
    show(p);
    if (sound) { tone(p.breathingIn, p.left / 1000); }
    g.timer = setTimeout(() => tick(true), p.left + 15);
  };
  if (!g.timer) { tick(fresh); } else { show(phase()); }
  return () => {
    setTimeout(() => { if (g.box === box && !box.isConnected) { stop(); g.box = null; } }, 400);
  };
}
"""

_component = None


def guide_data(pacing: Pacing, active: bool, reading: str = "", reading_dim: bool = False) -> dict[str, object]:
    """What the page hands the guide: show it or not, the seconds in and out, the live breathing
    readout it heads (``reading_dim``: shown grey, the breathing cannot be read), the tone's
    volume, its pitches and the shape's sizes."""
    return {"active": bool(active), "in_s": float(pacing.breathe_in_s), "out_s": float(pacing.breathe_out_s),
            "reading": reading, "reading_dim": bool(reading_dim),
            "volume": TONE_VOLUME, "hz": list(TONE_HZ), "scale": list(SHAPE_SCALE)}


def show_guide(pacing: Pacing, active: bool, reading: str = "", reading_dim: bool = False,
               key: str = "posecoach-pacing") -> None:
    """Mount the pacing guide (hidden while ``active`` is false: it keeps its place and its sound
    permission), headed by the breathing readout; the browser runs it from here on."""
    global _component
    import streamlit as st

    if _component is None:
        _component = st.components.v2.component("posecoach_pacing", html=HTML, css=CSS, js=JS)
    _component(key=key, data=guide_data(pacing, active, reading, reading_dim))
