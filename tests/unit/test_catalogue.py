import pytest

from posecoach.exercises.catalogue import ConfigError, load_catalogue


def test_builtin_profiles_load():
    for name in ("beginner", "advanced"):
        cat = load_catalogue(name)
        assert cat.profile == name
        lunge = cat["lunge"]
        assert lunge.each_side and lunge.hold_s == 30
        assert [c.id for c in lunge.checks][:4] == ["front_knee_90", "knee_over_ankle", "no_lumbar_arch", "trunk_upright"]


def test_every_check_has_a_cue_and_a_reason():
    for spec in load_catalogue().exercises.values():
        for check in spec.checks:
            assert check.why
            assert any(c.cue_low or c.cue_high for c in check.conditions)


def test_profile_file_overrides_a_threshold(tmp_path):
    p = tmp_path / "anna.toml"
    p.write_text('name = "anna"\n[lunge]\nhold_s = 45\n[lunge.front_knee_90]\nband = [85, 100]\n'
                 '[lunge.no_lumbar_arch.trunk_lean]\nband = [-3, "none"]\n')
    cat = load_catalogue(p)
    assert cat.profile == "anna"
    assert cat["lunge"].hold_s == 45
    assert cat["lunge"].check("front_knee_90").conditions[0].low == 85
    assert cat["lunge"].check("no_lumbar_arch").conditions[0].low == -3


@pytest.mark.parametrize(
    "text, key, line",
    [
        ('[lunge.front_knee_90]\nband = [85]\n', "lunge.front_knee_90.band", 2),
        ('[lunge.front_knee_90]\nband = [100, 80]\n', "lunge.front_knee_90.band", 2),
        ('[lunge]\nhold_s = "long"\n', "lunge.hold_s", 2),
        ('[lunge.front_knee]\nband = [1, 2]\n', "lunge.front_knee", 1),
        ('[squat]\nhold_s = 3\n', "squat", 1),
        ('[lunge.front_knee_90]\nbandd = [80, 100]\n', "lunge.front_knee_90.bandd", 2),
    ],
)
def test_malformed_profile_names_file_line_and_key(tmp_path, text, key, line):
    p = tmp_path / "bad.toml"
    p.write_text(text)
    with pytest.raises(ConfigError) as exc:
        load_catalogue(p)
    msg = str(exc.value)
    assert str(p) in msg and key in msg and f"line {line}" in msg


def test_invalid_toml_names_the_line(tmp_path):
    p = tmp_path / "broken.toml"
    p.write_text('[lunge]\nhold_s = = 3\n')
    with pytest.raises(ConfigError, match=r"broken.toml.*line 2"):
        load_catalogue(p)


def test_missing_profile_file():
    with pytest.raises(ConfigError, match="no such file"):
        load_catalogue("/nonexistent/p.toml")
