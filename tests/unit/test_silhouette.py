"""The lower-back curve from a mask, on drawn silhouettes with known curves."""

import numpy as np
import pytest

from posecoach.core.silhouette import lumbar_curve


def kneeling_torso_mask(arch_px: float, h=480, w=640) -> np.ndarray:
    """An upright torso facing right: belly edge at x=340, back edge at x=280 with a
    buttock bulge at the bottom and an inward curve of ``arch_px`` in the lumbar region."""
    mask = np.zeros((h, w), np.float32)
    ys = np.arange(120, 321)
    frac = (320 - ys) / 200.0  # 0 at the hip, 1 at the shoulder
    bulge = 12 * np.exp(-((frac - 0.05) / 0.12) ** 2) + 8 * np.exp(-((frac - 0.8) / 0.15) ** 2)
    dip = arch_px * np.exp(-((frac - 0.35) / 0.12) ** 2)
    back_x = 280 - bulge + dip
    for y, bx in zip(ys, back_x, strict=True):
        mask[y, int(round(bx)):341] = 1.0
    mask[321:400, 250:360] = 1.0  # the thighs below the hip
    return mask


HIP, SHOULDER = np.array([310.0, 320.0]), np.array([310.0, 120.0])
BELLY = np.array([1.0, 0.0])


def test_flat_back_reads_near_zero_and_deeper_arch_reads_more():
    flat = lumbar_curve(kneeling_torso_mask(0), HIP, SHOULDER, BELLY)
    mild = lumbar_curve(kneeling_torso_mask(10), HIP, SHOULDER, BELLY)
    deep = lumbar_curve(kneeling_torso_mask(25), HIP, SHOULDER, BELLY)
    # Even a neutral back dips a little between the buttocks and the shoulder blades.
    assert flat < 0.06
    assert flat < mild < deep
    assert deep - flat == pytest.approx(25 / 200, abs=0.01)


def test_mirrored_silhouette_reads_the_same():
    m = kneeling_torso_mask(20)
    a = lumbar_curve(m, HIP, SHOULDER, BELLY)
    flipped = m[:, ::-1]
    b = lumbar_curve(flipped, np.array([639 - 310.0, 320]), np.array([639 - 310.0, 120]), -BELLY)
    assert a == pytest.approx(b, abs=0.005)


def test_unknown_without_a_mask_or_belly_direction():
    m = kneeling_torso_mask(10)
    assert np.isnan(lumbar_curve(m, HIP, SHOULDER, np.array([np.nan, np.nan])))
    assert np.isnan(lumbar_curve(np.zeros_like(m), HIP, SHOULDER, BELLY))


def test_quartiles_are_numpys_percentiles_to_the_bit():
    from posecoach.core.silhouette import quartiles

    rng = np.random.default_rng(4)
    for n in range(1, 60):
        for values in (rng.normal(size=n), np.round(rng.uniform(0, 0.2, n), 4), rng.choice([0.0, 0.01, 0.2], n)):
            expected = np.percentile(values, [25, 50, 75])
            assert np.array(quartiles(values)).tobytes() == expected.tobytes()
