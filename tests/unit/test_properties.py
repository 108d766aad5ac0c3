"""Property-based tests: geometry's ranges and invariances, the whole coach's angles under image scale and
position, light measures for any picture, the person lock, and parsers that never crash."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from posecoach.adapters.landmarks_file import parse_landmarks
from posecoach.adapters.light import light_measures
from posecoach.adapters.video import InputError
from posecoach.core.coach import Coach
from posecoach.core.framing import light_is_poor
from posecoach.core.geometry import front_angle_deg, inner_angle_deg, tilt_from_vertical_deg
from posecoach.core.person_lock import PersonLock
from posecoach.exercises.catalogue import ConfigError, _Reader, apply_overrides, load_base, load_catalogue, parse_toml
from tests.poses import kneeling_lunge_facing_right, make_landmarks

coord = st.floats(-2000, 2000, allow_nan=False, allow_infinity=False)
point = st.tuples(coord, coord).map(np.array)


def distinct(a, b, c) -> bool:
    return np.hypot(*(a - b)) > 1e-3 and np.hypot(*(c - b)) > 1e-3


@given(point, point, point, point)
def test_angles_stay_in_range(a, b, c, front):
    if not distinct(a, b, c) or np.hypot(*front) < 1e-6:
        return
    inner = float(inner_angle_deg(a, b, c))
    assert 0.0 <= inner <= 180.0
    f = float(front_angle_deg(a, b, c, front))
    assert np.isnan(f) or 0.0 <= f < 360.0
    lean = float(tilt_from_vertical_deg(b, a, np.array(1.0)))
    assert np.isnan(lean) or -90.0 <= lean <= 90.0


@given(point, point, point, point, st.floats(0.01, 100), point)
def test_angles_do_not_change_with_image_scale_or_position(a, b, c, front, scale, shift):
    if not distinct(a, b, c) or np.hypot(*front) < 1e-3:
        return
    u, v = a - b, c - b
    if abs(u[0] * v[1] - u[1] * v[0]) < 1e-3 * np.hypot(*u) * np.hypot(*v):
        return  # nearly straight: the sign of a tiny turn is not stable
    if abs(u[0] * front[1] - u[1] * front[0]) < 1e-3 * np.hypot(*u) * np.hypot(*front):
        return
    moved = [p * scale + shift for p in (a, b, c)]
    assert np.isclose(inner_angle_deg(*moved), inner_angle_deg(a, b, c), atol=1e-6)
    assert np.isclose(front_angle_deg(*moved, front), front_angle_deg(a, b, c, front), atol=1e-6)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=8), children, max_size=5),
    max_leaves=30,
)
frame = st.fixed_dictionaries({"t_ms": json_values, "landmarks": json_values}, optional={"image_measures": json_values})
doc = st.fixed_dictionaries(
    {"schema": st.sampled_from([1, 1, 2, "1", None]), "kind": st.sampled_from(["landmarks", "report", None])},
    optional={"width": json_values, "height": json_values, "fps": json_values, "frames": st.lists(frame, max_size=4)},
)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=200)
@given(st.one_of(doc.map(json.dumps), st.text(max_size=200)))
def test_landmarks_parser_never_crashes(text):
    try:
        parsed = parse_landmarks("f.json", text)
    except InputError as exc:
        assert str(exc).startswith("f.json")
        return
    for t, lms, measures in parsed.frames:
        assert np.isfinite(t)
        assert lms is None or (lms.shape == (33, 4) and np.isfinite(lms).all())
        assert all(np.isfinite(v) for v in measures.values())


toml_text = st.one_of(
    st.text(max_size=120),
    st.builds(
        lambda ex, check, key, value: f"[{ex}.{check}]\n{key} = {value}\n",
        st.sampled_from(["lunge", "cobra", "plank", "squat", ""]),
        st.sampled_from(["front_knee_90", "elbow_bend", "body_line", "nope", "hold_s"]),
        st.sampled_from(["band", "margin", "required", "cue_low", "x"]),
        st.sampled_from(["[80, 100]", "[100, 80]", "[1]", '"wide"', "-3", "true", "nan", "inf", '[0, "none"]', "{}"]),
    ),
)


@settings(max_examples=300)
@given(toml_text)
def test_profile_parser_never_crashes(text):
    try:
        data = parse_toml("p.toml", text)
        apply_overrides(load_base(), {k: v for k, v in data.items() if k not in ("base", "name")}, _Reader("p.toml", text))
    except ConfigError as exc:
        assert str(exc).startswith("p.toml")


# The whole coach, the light measures and the person lock ------------------------------------


CATALOGUE = load_catalogue()


def _angles(landmarks: np.ndarray, width: int, height: int) -> dict:
    return Coach(CATALOGUE, "lunge").step(0.0, landmarks, width, height).angles


@settings(max_examples=60, deadline=None)
@given(st.integers(20, 1500), st.floats(-0.15, 0.15), st.floats(-0.15, 0.15), st.floats(-8, 8), st.floats(-8, 8))
def test_the_coachs_angles_do_not_change_with_image_size_or_where_the_person_stands(k, dx, dy, jx, jy):
    joints = {k: (x + jx * (i % 3), y + jy * (i % 2)) for i, (k, (x, y)) in enumerate(kneeling_lunge_facing_right().items())}
    base = make_landmarks(joints)
    moved = base.copy()
    moved[:, 0] += dx
    moved[:, 1] += dy
    reference = _angles(base, 640, 480)
    for angles in (_angles(base, 4 * k, 3 * k), _angles(moved, 640, 480)):  # any 4:3 size, 80 x 60 to 6000 x 4500
        for name, value in reference.items():
            if value is None:
                assert angles[name] is None
            else:
                assert angles[name] == pytest.approx(value, abs=0.11), name  # rounded to 0.1 degree


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 40), st.integers(1, 40), st.integers(0, 255), st.integers(0, 255), st.booleans())
def test_light_measures_are_fractions_for_any_picture(h, w, low, high, with_landmarks):
    rng = np.random.default_rng(h * 41 + w)
    rgb = rng.integers(min(low, high), max(low, high) + 1, (h, w, 3), dtype=np.uint8)
    lms = make_landmarks(kneeling_lunge_facing_right()) if with_landmarks else None
    measures = light_measures(rgb, lms)
    assert all(0.0 <= v <= 1.0 for v in measures.values()), measures
    assert isinstance(light_is_poor(measures), bool)


@given(st.dictionaries(st.sampled_from(["brightness", "contrast", "subject_brightness", "other"]),
                       st.floats(allow_nan=True, allow_infinity=True)))
def test_the_light_rule_takes_any_measures(measures):
    assert isinstance(light_is_poor(measures), bool)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.permutations([0, 1, 2]), min_size=5, max_size=40))
def test_the_locked_person_is_kept_whatever_the_order_of_the_people_found(orders):
    people = [make_landmarks({k: (x + dx, y) for k, (x, y) in kneeling_lunge_facing_right().items()}) for dx in (-200, 0, 200)]
    people[1][:, :2] = (people[1][:, :2] - 0.5) * 1.3 + 0.5  # the middle one is nearest the camera
    lock = PersonLock()
    for t, order in enumerate(orders):
        candidates = [people[i] for i in order]
        pick = lock.pick(t * 40.0, candidates, 640, 480)
        assert candidates[pick.index] is people[1]
    assert lock.changes == 0


def _bit_equal(a: np.ndarray, b: np.ndarray) -> bool:
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.dtype.kind == "f":
        return np.array_equal(a, b, equal_nan=True) and np.array_equal(np.signbit(a), np.signbit(b))
    return np.array_equal(a, b)


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["free", "nan_points", "nan_vis", "vis_at_bar", "zero_trunk", "grid",
                                                   "lying", "ties", "level_trunk"]))
def test_one_frame_body_is_the_batch_body_to_the_last_bit(seed, shape):
    """A frame alone (the live and review path, written in plain floats) gives every value of
    the body exactly as the same frame inside a batch (the vectorised path re-scoring uses)."""
    import dataclasses

    from posecoach.core.body import analyse_body, analyse_trunk

    rng = np.random.default_rng(seed)
    xy, vis, z = rng.uniform(-50, 700, (33, 2)), rng.uniform(0, 1, 33), rng.normal(0, 0.3, 33)
    if shape == "nan_points":
        xy[rng.integers(0, 33, 6)] = np.nan
        z[rng.integers(0, 33, 4)] = np.nan
    elif shape == "nan_vis":
        vis[rng.integers(0, 33, 6)] = np.nan
    elif shape == "vis_at_bar":  # exactly as visible as a landmark must be to count as seen
        from posecoach.core.body import BodyParams

        vis[rng.integers(0, 33, 12)] = BodyParams().min_visibility
    elif shape == "zero_trunk":
        xy[[11, 12]] = xy[[23, 24]]
    elif shape == "grid":  # straight and zero-length segments
        xy = np.round(xy / 150) * 150
    elif shape == "lying":
        xy[:, 1] = 240.0 + rng.uniform(-3, 3, 33)
    elif shape == "level_trunk":  # hips and shoulders at one height: the belly straight up or down
        xy[[11, 12, 23, 24], 1] = 240.0
        vis[:] = 1.0
    elif shape == "ties":  # both sides at one depth, both knees as far ahead
        z[:] = 0.0
        xy[[25, 26]] = xy[[23, 24]].mean(axis=0)
    batch = (np.stack([xy, xy[::-1]]), np.stack([vis, vis[::-1]]), np.stack([z, z[::-1]]))
    for one, many in ((analyse_trunk(xy[None], vis[None]), analyse_trunk(*batch[:2])),
                      (analyse_body(xy[None], vis[None], z[None]), analyse_body(*batch))):
        for field in dataclasses.fields(one):
            assert _bit_equal(getattr(one, field.name), getattr(many, field.name)[:1]), field.name


def _features_with_arrays(b, p) -> dict[str, float]:
    """Recognition's features of frame 0 computed as they were before the plain-float path:
    numpy arrays and the vectorised geometry throughout (the reference it is held to)."""
    from posecoach.core import landmarks as lm
    from posecoach.core.geometry import norm2
    from posecoach.core.measures import hip_front_angle, knee_angle, m_back_hip, m_front_knee, m_front_shin, m_hip_lift

    def first(x):
        return float(x[0])

    def segment_distance(q, a, c):
        d = c - a
        t = float(np.clip((q - a) @ d / max(float(d @ d), 1e-9), 0.0, 1.0))
        return float(norm2(q - (a + t * d)))

    legs = [np.full(1, s) for s in (0, 1)]
    knees = [first(knee_angle(b, leg)) for leg in legs]
    knees = [np.nan if k < p.folded_flat_knee_max_deg else k for k in knees]
    hips = [first(hip_front_angle(b, leg, lm.KNEE)) for leg in legs]
    xy, seen, hip, shoulder = b.xy[0], b.seen[0], b.hip_mid[0], b.shoulder_mid[0]
    trunk, scale = shoulder - hip, float(b.trunk_px[0])
    height = {}
    for name, pair in (("knee", lm.KNEE), ("ankle", lm.ANKLE), ("wrist", lm.WRIST)):
        vals = [(hip[1] - xy[pair[s], 1]) / scale for s in (0, 1) if seen[pair[s]]]
        height[name] = float(np.mean(vals)) if vals else np.nan
    ankle_knee = support_knee = np.nan
    for s in (0, 1):
        if seen[lm.ANKLE[s]] and seen[lm.KNEE[1 - s]]:
            d = float(norm2(xy[lm.ANKLE[s]] - xy[lm.KNEE[1 - s]])) / scale
            if np.isnan(ankle_knee) or d < ankle_knee:
                ankle_knee, support_knee = d, knees[1 - s]
    shin = [float(np.degrees(np.arctan2(*np.abs(xy[lm.ANKLE[s]] - xy[lm.KNEE[s]])[::-1]))) for s in (0, 1)
            if seen[lm.KNEE[s]] and seen[lm.ANKLE[s]]]
    ankles = [xy[lm.ANKLE[s]] for s in (0, 1) if seen[lm.ANKLE[s]]]
    rise = np.nan
    if ankles:
        d = hip - np.mean(ankles, axis=0)
        rise = float(np.degrees(np.arctan2(-d[1], abs(d[0]))))
    support = [(xy[lm.WRIST[s], 1] - shoulder[1]) / scale for s in (0, 1) if seen[lm.WRIST[s]]]
    hug = np.nan
    for w in (0, 1):
        for s in (0, 1):
            if seen[lm.WRIST[w]] and seen[lm.KNEE[s]] and seen[lm.ANKLE[s]]:
                d = segment_distance(xy[lm.WRIST[w]], xy[lm.KNEE[s]], xy[lm.ANKLE[s]]) / scale
                hug = d if np.isnan(hug) else min(hug, d)
    ankle_hip = [float(norm2(xy[lm.ANKLE[s]] - hip)) / scale for s in (0, 1) if seen[lm.ANKLE[s]]]
    foot_up = np.nan
    if b.front_leg[0] >= 0:
        fl = int(b.front_leg[0])
        feet = [xy[q[s], 1] for q in (lm.ANKLE, lm.HEEL, lm.FOOT) for s in (0, 1) if seen[q[s]]]
        front = [xy[q[fl], 1] for q in (lm.ANKLE, lm.HEEL, lm.FOOT) if seen[q[fl]]]
        if feet and front:
            foot_up = float(max(feet) - max(front)) / scale
    along = [float((xy[lm.WRIST[s]] - shoulder) @ (trunk / scale)) / scale for s in (0, 1) if seen[lm.WRIST[s]]]
    near = int(b.near[0])
    return {
        "tilt": float(np.degrees(np.arctan2(abs(trunk[0]), -trunk[1]))) if scale > 0 else np.nan,
        "leg_rise": rise,
        "knee_near": knees[near] if not np.isnan(knees[near]) else np.nanmin(knees + [np.inf]),
        "hip_near": hips[near],
        "arm_support": float(max(support)) if support else np.nan,
        "wrist_along": float(np.mean(along)) if along else np.nan,
        "belly_y": float(b.belly[0, 1]),
        "knee_min": float(np.nanmin(knees)) if not np.isnan(knees).all() else np.nan,
        "knee_max": float(np.nanmax(knees)) if not np.isnan(knees).all() else np.nan,
        "hip_min": float(np.nanmin(hips)) if not np.isnan(hips).all() else np.nan,
        "hip_max": float(np.nanmax(hips)) if not np.isnan(hips).all() else np.nan,
        "front_knee": first(m_front_knee(b)), "back_hip": first(m_back_hip(b)),
        "front_shin": first(m_front_shin(b)), "hip_lift": first(m_hip_lift(b)),
        "knee_h": height["knee"], "ankle_h": height["ankle"], "wrist_h": height["wrist"],
        "ankle_knee": ankle_knee, "support_knee": support_knee,
        "shin_tilt_min": min(shin) if shin else np.nan,
        "view": float(b.view[0]),
        "hug": hug,
        "ankle_hip_min": float(min(ankle_hip)) if ankle_hip else np.nan,
        "front_foot_up": foot_up,
        "elbow": first(inner_angle_deg(b.point(lm.SHOULDER, b.near), b.point(lm.ELBOW, b.near),
                                       b.point(lm.WRIST, b.near))),
    }


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["free", "nan_points", "grid", "lying", "ties"]))
def test_recognitions_plain_float_features_are_the_array_ones(seed, shape):
    """Recognition's features of a frame, in plain floats, are the array computation's to the
    last bit, but for the two written with a dot product (``hug``, ``wrist_along``): numpy's
    dot fuses a multiply and an add where the plain one rounds twice, so they may differ in
    the last bits."""
    import math

    from posecoach.core.body import analyse_body
    from posecoach.core.recognize import RecognizeParams, _features, _reliable

    rng = np.random.default_rng(seed)
    xy, vis, z = rng.uniform(-50, 700, (33, 2)), rng.uniform(0, 1, 33), rng.normal(0, 0.3, 33)
    vis[rng.integers(0, 33, 3)] = 0.0
    if shape == "nan_points":
        xy[rng.integers(0, 33, 6)] = np.nan
    elif shape == "grid":
        xy = np.round(xy / 150) * 150
    elif shape == "lying":
        xy[:, 1] = 240.0 + rng.uniform(-3, 3, 33)
    elif shape == "level_trunk":  # hips and shoulders at one height: the belly straight up or down
        xy[[11, 12, 23, 24], 1] = 240.0
        vis[:] = 1.0
    elif shape == "ties":
        xy[[25, 26]] = xy[[23, 24]].mean(axis=0)
    body, p = analyse_body(xy[None], vis[None], z[None]), RecognizeParams()
    if not _reliable(body):
        return
    got, want = _features(body, p), _features_with_arrays(body, p)
    assert got.keys() == want.keys()
    for name, value in got.items():
        expected = float(want[name])
        if name in ("hug", "wrist_along") and not math.isnan(expected):
            assert math.isclose(value, expected, rel_tol=1e-12, abs_tol=1e-12), name
        else:
            assert (math.isnan(value) and math.isnan(expected)) or (value == expected and
                                                                    math.copysign(1, value) == math.copysign(1, expected)), name


def _lumbar_with_arrays(mask, hip, shoulder, belly, threshold=0.5) -> float:
    """The lower-back curve as it was computed with arrays throughout (the reference the plain
    float path around the vectorised march is held to)."""
    from posecoach.core.silhouette import HIGH_ZONE, LOW_ZONE, MAX_DEPTH, SAMPLES

    if not (np.isfinite(belly).all() and np.isfinite(hip).all() and np.isfinite(shoulder).all()):
        return float("nan")
    length = float(np.hypot(*(shoulder - hip)))
    if length < 20:
        return float("nan")
    h, w = mask.shape
    chord, back_unit = shoulder - hip, -np.asarray(belly, float)
    back = back_unit - chord * (back_unit @ chord) / max(length**2, 1e-9)
    back = back / max(float(np.hypot(*back)), 1e-9)
    s = np.linspace(0.0, 1.0, SAMPLES)
    steps = np.arange(0, int(MAX_DEPTH * length) + 1, dtype=float)
    starts = hip[None, :] + s[:, None] * chord[None, :]
    px, py = starts[:, 0, None] + steps[None, :] * back[0], starts[:, 1, None] + steps[None, :] * back[1]
    xi, yi = np.clip(np.rint(px).astype(np.intp), 0, w - 1), np.clip(np.rint(py).astype(np.intp), 0, h - 1)
    inside = (mask[yi, xi] >= threshold) & ~((px < 0) | (px > w - 1) | (py < 0) | (py > h - 1))
    first_out = np.where((~inside).any(axis=1), (~inside).argmax(axis=1), -1).astype(float)
    d = np.where(inside[:, 0] & (first_out > 0), first_out, np.nan)
    if np.isnan(d).mean() > 0.3:
        return float("nan")
    low = (s >= LOW_ZONE[0]) & (s <= LOW_ZONE[1]) & ~np.isnan(d)
    high = (s >= HIGH_ZONE[0]) & (s <= HIGH_ZONE[1]) & ~np.isnan(d)
    if not low.any() or not high.any():
        return float("nan")
    i, k = np.flatnonzero(low)[np.argmax(d[low])], np.flatnonzero(high)[np.argmax(d[high])]
    between = np.arange(i + 1, k)
    between = between[~np.isnan(d[between])]
    if len(between) == 0:
        return 0.0
    line = d[i] + (d[k] - d[i]) * (s[between] - s[i]) / (s[k] - s[i])
    return float(max(0.0, np.max(line - d[between])) / length)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["torso", "noise", "binary", "off_picture", "not_contiguous",
                                                    "bottom_right"]))
def test_the_lower_back_curve_is_the_array_computation_to_the_last_bit(seed, shape):
    """Around the vectorised march, the curve is worked out in plain floats: the same value to
    the last bit as with arrays throughout, on masks of every kind."""
    import math

    from posecoach.core.silhouette import lumbar_curve

    rng = np.random.default_rng(seed)
    h, w = 120, 160
    yy, xx = np.mgrid[0:h, 0:w]
    if shape == "torso":  # a trunk-shaped blob with a dip of random depth in its back
        dip = rng.uniform(0, 12) * np.exp(-((yy - 60) / 15.0) ** 2)
        mask = ((xx > 50) & (xx < 100 - dip) & (yy > 15) & (yy < 105)).astype(np.float32)
    elif shape == "noise":
        mask = rng.random((h, w)).astype(np.float32)
        mask[rng.random((h, w)) < 0.05] = np.nan
    elif shape == "not_contiguous":  # a view every other pixel of a larger picture, in column order
        mask = np.asfortranarray(rng.random((2 * h, 2 * w)).astype(np.float32))[::2, ::2]
    else:
        mask = (rng.random((h, w)) < rng.uniform(0.3, 1.0)).astype(np.float32)
    hip = np.array([rng.uniform(55, 90), rng.uniform(80, 100)])
    shoulder = hip + rng.normal(0, [8.0, 40.0])
    if shape == "off_picture":
        hip[0] -= 70
    belly = rng.normal(size=2)
    if shape == "bottom_right":  # the march leaves the picture across its last row and column
        hip, shoulder, belly = np.array([w - 3.0, h - 1.2]), np.array([w - 3.0, h - 60.0]), np.array([-1.0, 0.0])
        mask = np.ones((h, w), np.float32)
    belly /= np.hypot(*belly)
    threshold = float(rng.choice([0.3, 0.5, 0.8]))
    got, want = lumbar_curve(mask, hip, shoulder, belly, threshold), _lumbar_with_arrays(mask, hip, shoulder, belly, threshold)
    assert (math.isnan(got) and math.isnan(want)) or (got == want and math.copysign(1, got) == math.copysign(1, want))


def _anchor_with_arrays(landmarks, w, h, min_visibility):
    """The person lock's trunk anchor as it was computed with arrays (the reference)."""
    from posecoach.core.person_lock import TRUNK

    xy = landmarks[:, :2] * np.array([w, h], dtype=float)
    seen = (landmarks[:, 3] >= min_visibility) & np.isfinite(xy).all(axis=1)
    if np.count_nonzero(seen) < 3:
        return None
    trunk = [i for i in TRUNK if seen[i]]
    centre = xy[trunk].mean(axis=0) if trunk else xy[seen].mean(axis=0)
    shoulders, hips = [i for i in TRUNK[:2] if seen[i]], [i for i in TRUNK[2:] if seen[i]]
    size = float(np.hypot(*(xy[shoulders].mean(axis=0) - xy[hips].mean(axis=0)))) if shoulders and hips else 0.0
    if size <= 1.0:
        spread = xy[seen].max(axis=0) - xy[seen].min(axis=0)
        size = float(max(np.hypot(*spread) / 3.0, 1.0))
    return centre, size


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["free", "nan_points", "trunk_hidden", "few_seen", "flat_trunk"]))
def test_the_person_locks_anchor_is_the_array_computation_to_the_last_bit(seed, shape):
    from posecoach.core.person_lock import trunk_anchor

    rng = np.random.default_rng(seed)
    lms = np.column_stack([rng.uniform(-0.2, 1.2, (33, 2)), rng.normal(0, 0.3, 33), rng.uniform(0, 1, 33)])
    if shape == "nan_points":
        lms[rng.integers(0, 33, 8), :2] = np.nan
    elif shape == "trunk_hidden":
        lms[[11, 12, 23, 24], 3] = rng.choice([0.0, 0.9], 4)
    elif shape == "few_seen":
        lms[:, 3] = 0.0
        lms[rng.integers(0, 33, 4), 3] = 0.9
    elif shape == "flat_trunk":
        lms[[11, 12], :2] = lms[[23, 24], :2]
    got, want = trunk_anchor(lms, 640, 480, 0.5), _anchor_with_arrays(lms, 640, 480, 0.5)
    assert (got is None) == (want is None)
    if got is not None:
        assert np.array_equal(got[0], want[0]) and got[0].dtype == want[0].dtype and got[1] == want[1]


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["free", "nan_points", "vis_at_bar", "grid", "lying", "knees_on_hips",
                                                   "folded"]))
def test_one_frame_measures_are_the_batch_measures_to_the_last_bit(seed, shape):
    """Every measure of a frame alone (hip and knee angles in plain floats) is the same frame's
    inside a batch, to the last bit and sign, for each leg label."""
    from posecoach.core import landmarks as lm
    from posecoach.core.body import BodyParams, analyse_body
    from posecoach.core.measures import MEASURES, compute_measures, hip_front_angle, knee_angle

    rng = np.random.default_rng(seed)
    xy, vis, z = rng.uniform(-50, 700, (33, 2)), rng.uniform(0, 1, 33), rng.normal(0, 0.3, 33)
    if shape == "nan_points":
        xy[rng.integers(0, 33, 6)] = np.nan
    elif shape == "vis_at_bar":
        vis[rng.integers(0, 33, 12)] = BodyParams().min_visibility
    elif shape == "grid":
        xy = np.round(xy / 150) * 150
    elif shape == "lying":
        xy[:, 1] = 240.0 + rng.uniform(-3, 3, 33)
    elif shape == "knees_on_hips":
        xy[[25, 26]] = xy[[23, 24]]
    elif shape == "folded":  # each knee on the line from its hip to the shoulders: a hip angle of 0 or 360
        vis[[11, 12, 23, 24, 25, 26]] = 0.9
        shoulders = analyse_body(xy[None], vis[None], z[None]).shoulder_mid[0]
        for hip, knee in ((23, 25), (24, 26)):
            xy[knee] = xy[hip] + rng.uniform(0.1, 0.9) * (shoulders - xy[hip])
    one = analyse_body(xy[None], vis[None], z[None])
    two = analyse_body(np.stack([xy, xy]), np.stack([vis, vis]), np.stack([z, z]))
    for label in (0, 1, -1):
        pairs = [(knee_angle(one, np.full(1, label)), knee_angle(two, np.full(2, label)))]
        pairs += [(hip_front_angle(one, np.full(1, label), end), hip_front_angle(two, np.full(2, label), end))
                  for end in (lm.KNEE, lm.ANKLE)]
        for a, b in pairs:
            assert _bit_equal(a, b[:1])
    alone, batch = compute_measures(one, list(MEASURES)), compute_measures(two, list(MEASURES))
    for name, values in alone.items():
        assert _bit_equal(values, batch[name][:1]), name


def _joint_speed_with_arrays(a_px, b_px, vis_a, vis_b, dt_s, min_visibility=0.5) -> float:
    """``core.rate.joint_speed`` as first written, with numpy's arrays: the reference the
    plain-float one is held to."""
    from posecoach.core import landmarks as lm
    from posecoach.core.rate import MOVING

    moving = np.array(MOVING)
    seen = (vis_a[moving] >= min_visibility) & (vis_b[moving] >= min_visibility)
    if dt_s <= 0 or not seen.any():
        return float("inf")
    hips = b_px[[lm.LEFT_HIP, lm.RIGHT_HIP]].mean(axis=0)
    shoulders = b_px[[lm.LEFT_SHOULDER, lm.RIGHT_SHOULDER]].mean(axis=0)
    with np.errstate(invalid="ignore"):  # inf - inf: not a trunk
        trunk_px = float(np.hypot(*(shoulders - hips)))
    if not np.isfinite(trunk_px) or trunk_px < 1.0:
        return float("inf")
    with np.errstate(invalid="ignore"):  # inf - inf
        moved = np.hypot(*(b_px[moving] - a_px[moving]).T)[seen]
    return float(np.nanmax(moved)) / trunk_px / dt_s if np.isfinite(moved).any() else float("inf")


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["free", "nan_points", "vis_at_bar", "still", "flat_trunk", "inf_points",
                                                    "no_time"]))
def test_the_review_rates_joint_speed_is_the_array_computation_to_the_last_bit(seed, shape):
    from posecoach.core.rate import joint_speed

    rng = np.random.default_rng(seed)
    a = rng.uniform(-50, 700, (33, 2))
    b = a + rng.normal(0, rng.choice([0.01, 1.0, 30.0]), (33, 2))
    va, vb = rng.uniform(0, 1, 33), rng.uniform(0, 1, 33)
    dt_s = 1 / 30
    if shape == "nan_points":
        a[rng.random(33) < 0.3] = np.nan
        b[rng.random(33) < 0.3] = np.nan
        va[rng.random(33) < 0.2] = np.nan
    elif shape == "vis_at_bar":
        va[rng.random(33) < 0.5] = 0.5
        vb[rng.random(33) < 0.5] = 0.5
    elif shape == "still":
        b = a.copy()
    elif shape == "flat_trunk":
        b[[11, 12, 23, 24]] = b[11] + rng.uniform(-0.6, 0.6, (4, 2))
    elif shape == "inf_points":
        b[rng.integers(0, 33, 3)] = np.inf
    elif shape == "no_time":
        dt_s = float(rng.choice([0.0, -1 / 30]))
    got, want = joint_speed(a, b, va, vb, dt_s), _joint_speed_with_arrays(a, b, va, vb, dt_s)
    assert got == want or (np.isnan(got) and np.isnan(want)), (got, want)
    assert type(got) is float


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["free", "nan_points", "nan_vis", "vis_at_bar"]),
       st.sampled_from([(640, 480), (256, 256), (1920, 1080), (37, 999)]))
def test_the_image_measures_trunk_is_the_batch_trunk_to_the_last_bit(seed, shape, size):
    """The image measures place the trunk from the landmarks in plain floats
    (``trunk_of_landmarks``): the same values as ``analyse_trunk``'s vectorised path on
    ``landmarks_to_px``."""
    from posecoach.core.body import analyse_trunk, trunk_of_landmarks
    from posecoach.core.landmarks import landmarks_to_px

    rng = np.random.default_rng(seed)
    lms = np.column_stack([rng.uniform(-0.1, 1.1, (33, 3)), rng.uniform(0, 1, 33)])
    if shape == "nan_points":
        lms[rng.random(33) < 0.3, :2] = np.nan
    elif shape == "nan_vis":
        lms[rng.random(33) < 0.3, 3] = np.nan
    elif shape == "vis_at_bar":
        lms[rng.random(33) < 0.5, 3] = 0.5
    width, height = size
    got = trunk_of_landmarks(lms, width, height)
    xy = landmarks_to_px(lms, width, height)
    want = analyse_trunk(np.stack([xy, xy]), np.stack([lms[:, 3]] * 2))  # two frames: the vectorised path
    for name in ("hip_mid", "shoulder_mid", "trunk", "belly"):
        np.testing.assert_array_equal(np.array(getattr(got, name)), getattr(want, name)[0], err_msg=name)
    for name in ("trunk_px", "trunk_ok", "belly_score", "known"):
        assert getattr(got, name) == getattr(want, name)[0] or (np.isnan(getattr(got, name)) and np.isnan(getattr(want, name)[0])), name
    assert got.seen == want.seen[0].tolist() and got.vis == want.vis[0].tolist()


class _OneEuroWithArrays:
    """``core.smoothing.OneEuroFilter`` as first written (numpy throughout): the reference the
    leaner one is held to."""

    def __init__(self, params) -> None:
        self.params = params
        self._x = self._dx = self._t_ms = self._raw = None

    @staticmethod
    def _alpha(cutoff_hz, dt_s):
        import math

        tau = 1.0 / (2.0 * math.pi * np.asarray(cutoff_hz))
        return 1.0 / (1.0 + tau / dt_s)

    def _jumped_from(self, before, x, dt_s) -> bool:
        p = self.params
        step = np.abs(x - before) if x.ndim < 2 else np.linalg.norm(x - before, axis=-1)
        step = step[np.isfinite(step)]
        return bool(step.size) and float(np.median(step)) > max(p.max_jump, p.max_speed * dt_s)

    def __call__(self, value, t_ms):
        x = np.asarray(value, dtype=float)
        p = self.params
        raw_before, self._raw = self._raw, x.copy()
        if (self._x is None or self._t_ms is None or self._x.shape != x.shape or t_ms <= self._t_ms
                or t_ms - self._t_ms > p.max_gap_ms
                or (raw_before is not None and raw_before.shape == x.shape
                    and self._jumped_from(raw_before, x, (t_ms - self._t_ms) / 1000.0))):
            self._x, self._dx, self._t_ms = x.copy(), np.zeros_like(x), t_ms
            return x.copy()
        dt_s = (t_ms - self._t_ms) / 1000.0
        prev = self._x
        fresh = np.isnan(prev) & ~np.isnan(x)
        prev = np.where(fresh, x, prev)
        dx = (x - prev) / dt_s
        a_d = self._alpha(p.d_cutoff_hz, dt_s)
        dx_hat = a_d * dx + (1.0 - a_d) * np.where(fresh, 0.0, self._dx)
        cutoff = p.min_cutoff_hz + p.beta * np.abs(dx_hat)
        a = self._alpha(cutoff, dt_s)
        x_hat = a * x + (1.0 - a) * prev
        self._x, self._dx, self._t_ms = x_hat, np.where(np.isnan(dx_hat), 0.0, dx_hat), t_ms
        return x_hat.copy()


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["points", "values"]),
       st.sampled_from(["steady", "gaps", "jumps", "irregular_time", "integer_settings"]))
def test_the_smoothing_filter_is_the_array_computation_to_the_last_bit(seed, kind, shape):
    """The One Euro filter skips the work of values coming back after NaN when there are none,
    and computes a vector's length and the speed's smoothing factor without numpy's overhead:
    every output the first implementation's to the last bit."""
    from posecoach.core.smoothing import OneEuroFilter, OneEuroParams, _steps

    rng = np.random.default_rng(seed)
    params = OneEuroParams()
    if shape == "integer_settings":
        params = OneEuroParams(min_cutoff_hz=1, beta=2, d_cutoff_hz=1, max_gap_ms=500, max_jump=1, max_speed=3)
    lean, reference = OneEuroFilter(params), _OneEuroWithArrays(params)
    size = (33, 2) if kind == "points" else (7,)
    value = rng.uniform(0, 1, size)
    t_ms = 0.0
    for _ in range(40):
        t_ms += 33.3 if shape != "irregular_time" else float(rng.choice([0.0, -5.0, 1.0, 33.3, 700.0]))
        value = value + rng.normal(0, 0.01, size)
        sample = value.copy()
        if shape == "gaps":
            sample[rng.random(size) < 0.2] = np.nan
        elif shape == "jumps" and rng.random() < 0.2:
            sample = sample + rng.choice([0.05, 0.3])
        if kind == "points" and lean._raw is not None:
            np.testing.assert_array_equal(_steps(sample, lean._raw), np.linalg.norm(sample - lean._raw, axis=-1))
        got, want = lean(sample, t_ms), reference(sample, t_ms)
        np.testing.assert_array_equal(got, want)
        assert np.array_equal(np.signbit(got), np.signbit(want))


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from([0.5, 0.02, 0.3]))
def test_framing_in_plain_floats_is_the_array_computation(seed, margin):
    """``only_in_frame`` and ``cut_by_side_edge`` read each landmark in plain floats: the same
    results as the array code they replaced, with points on, off and at the picture's edges,
    unplaced (NaN) and at the visibility bar."""
    from posecoach.core.framing import TRUNK, FramingParams, cut_by_side_edge, only_in_frame

    rng = np.random.default_rng(seed)
    lms = rng.uniform(-0.2, 1.2, (33, 4)).astype(rng.choice([np.float64, np.float32]))
    lms[:, :2] = np.where(rng.random((33, 2)) < 0.3, rng.choice([-0.0, 0.0, 1.0, np.nan, margin, 1 - margin], (33, 2)),
                          lms[:, :2])
    lms[:, 3] = np.where(rng.random(33) < 0.3, rng.choice([0.5, np.nan, 0.0], 33), rng.uniform(0, 1, 33))
    want = np.array(lms, dtype=float, copy=True)
    x, y = want[:, 0], want[:, 1]
    want[~((x >= 0.0) & (x <= 1.0) & (y >= 0.0) & (y <= 1.0)), 3] = 0.0
    got = only_in_frame(lms)
    assert got.dtype == np.float64 and got.shape == lms.shape
    np.testing.assert_array_equal(got, want)
    p = FramingParams(edge_margin_frac_width=margin)
    trunk = got[list(TRUNK)]
    xs = trunk[trunk[:, 3] >= p.min_visibility, 0]
    assert cut_by_side_edge(got, p) is (bool(xs.size) and bool(((xs < margin) | (xs > 1.0 - margin)).any()))


@given(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([(0.6, 0.95), (0.6, 0.98)]))
def test_recognitions_clamp_is_numpys_clip(value, bounds):
    import math

    from posecoach.core.recognize import _clamp

    got, want = _clamp(value, *bounds), float(np.clip(value, *bounds))
    assert type(got) is float and (got == want or (math.isnan(got) and math.isnan(want)))


def _histogram_reference(luma: np.ndarray) -> tuple[float, float, int, float]:
    """The whole picture's light measures as first written: OpenCV's meanStdDev and calcHist,
    numpy's cumsum, searchsorted and convolve."""
    import cv2

    from posecoach.adapters.light import HIGHLIGHTS_QUANTILE

    mean, std = cv2.meanStdDev(luma)
    counts = cv2.calcHist([luma], [0], None, [256], [0, 256]).ravel().astype(np.int64)
    n = float(luma.size)
    highlights = int(np.searchsorted(np.cumsum(counts), HIGHLIGHTS_QUANTILE * n))
    flat = float(np.convolve(counts, np.ones(3), mode="same").max()) / n
    return float(mean[0, 0]), float(std[0, 0]), highlights, flat


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["uniform", "dim", "two levels", "flat", "edges", "one pixel"]),
       st.tuples(st.integers(1, 700), st.integers(1, 700)))
def test_the_pictures_light_from_its_histogram_is_opencvs_to_the_last_bit(seed, kind, size):
    """Brightness, contrast, highlights and flat share from the luma sample's histogram are
    what OpenCV's mean and deviation and the first histogram code gave, to the last bit, for
    pictures of any size (sampled every step-th pixel or not) and of any spread of levels, the
    two end levels included."""
    from posecoach.adapters.light import _histogram_measures, _luma, picture_light

    rng = np.random.default_rng(seed)
    h, w = size
    if kind == "one pixel":
        h = w = 1
    if kind == "uniform":
        rgb = rng.integers(0, 256, (h, w, 3))
    elif kind == "dim":
        rgb = rng.integers(0, 12, (h, w, 3)) + rng.integers(0, 3, (h, w, 1)) * 100
    elif kind == "two levels":
        rgb = np.where(rng.random((h, w, 3)) < rng.random(), 255, rng.integers(0, 256))
    elif kind == "flat":
        rgb = np.full((h, w, 3), rng.integers(0, 256, 3))
    else:  # the two end levels and their neighbours
        rgb = rng.choice(np.array([0, 1, 2, 253, 254, 255]), (h, w, 3))
    rgb = rgb.astype(np.uint8)
    luma, light = picture_light(rgb)
    assert np.array_equal(luma, _luma(rgb))
    mean, std, highlights, flat = _histogram_measures(luma)
    assert (mean, std, highlights, flat) == _histogram_reference(luma)
    assert light == {"brightness": round(mean / 255.0, 3), "contrast": round(std / 255.0, 3),
                     "highlights": round(min(highlights, 255) / 255.0, 3), "flat_share": round(min(flat, 1.0), 3)}


def test_the_highlights_level_is_where_the_brightest_thousandth_begins_at_a_tie():
    """999 of 1000 pixels at one level and one brighter: the brightest thousandth is that one
    pixel, and the level the rest reach is the highlights' (as numpy's searchsorted, left)."""
    from posecoach.adapters.light import _histogram_measures

    luma = np.full((40, 25), 10, np.uint8)
    luma[0, 0] = 200
    assert _histogram_measures(luma)[2] == _histogram_reference(luma)[2] == 10


@settings(max_examples=400, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(["inside", "near the edges", "anywhere", "tiny steps"]))
def test_the_march_is_in_the_picture_exactly_when_its_four_corners_are(seed, where):
    """The lower back's march skips marking points outside the picture when its four corners
    are inside: every computed point of the march is then inside, and when a corner is not,
    some point is not (the same answer as testing every point)."""
    from posecoach.core.silhouette import _FRACTIONS, _march_in_picture

    rng = np.random.default_rng(seed)
    w, h = int(rng.integers(20, 1300)), int(rng.integers(20, 1300))
    if where == "inside":
        hx, hy = rng.uniform(0.3, 0.7) * w, rng.uniform(0.3, 0.7) * h
        cx, cy = rng.normal(0, 0.1) * w, rng.normal(0, 0.1) * h
    elif where == "near the edges":  # corners within a hair of the picture's edges
        hx, hy = float(rng.choice([0.0, w - 1.0, 1e-12, w - 1 - 1e-12])), float(rng.choice([0.0, h - 1.0]))
        cx, cy = float(rng.choice([0.0, 1e-13, -1e-13])), rng.uniform(-1, 1) * (h - 1)
    else:
        hx, hy = rng.uniform(-0.2, 1.2) * w, rng.uniform(-0.2, 1.2) * h
        cx, cy = rng.normal(0, 0.4) * w, rng.normal(0, 0.4) * h
    angle = rng.uniform(0, 2 * np.pi)
    bx, by = float(np.cos(angle)), float(np.sin(angle))
    depth = int(rng.integers(1, 200 if where != "tiny steps" else 3))
    if where == "tiny steps":
        bx, by = bx * 1e-9, by * 1e-9
    steps = np.arange(0, depth, dtype=float)
    px = (hx + _FRACTIONS * cx)[:, None] + steps[None, :] * bx
    py = (hy + _FRACTIONS * cy)[:, None] + steps[None, :] * by
    every = bool(((px >= 0) & (px <= w - 1) & (py >= 0) & (py <= h - 1)).all())
    assert _march_in_picture(hx, hy, cx, cy, bx, by, depth - 1, w, h) == every


def test_a_march_leaving_the_picture_at_its_last_step_or_lying_on_its_edge():
    """The corners decide exactly: a march on the picture's last column is in it, one whose
    last step only crosses the edge is not, and there the back's edge is the picture's (the
    whole picture being the person): every row leaves at that last step."""
    import math

    from posecoach.core.silhouette import _march_in_picture, back_edge_distances

    w, h = 200, 200
    assert _march_in_picture(w - 1.0, h - 1.0, 0.0, -(h - 1) / 2.0, 0.0, -1.0, 10, w, h)
    assert not _march_in_picture(w - 1.0, h - 1.0, 0.0, -(h - 1) / 2.0, 1e-12, -1.0, 10, w, h)
    # a chord 100 px long: 71 steps, 0..70; at x = 130 the step 69 reaches x = 199, the last
    hip, shoulder, back = np.array([130.0, 150.0]), np.array([130.0, 50.0]), np.array([1.0, 0.0])
    assert back_edge_distances(np.ones((h, w), np.float32), hip, shoulder, back) == [70.0] * 33
    # one column wider, the last step is in the picture: no edge within the march
    assert all(math.isnan(d) for d in back_edge_distances(np.ones((h, w + 1), np.float32), hip, shoulder, back))
