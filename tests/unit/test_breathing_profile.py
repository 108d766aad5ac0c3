"""The breathing pacing guide's settings in a profile: seconds in and out and the guide on or
off, read from a profile file, written back by the page's form and the Tune page, refused in one
line naming the file, line and key when wrong."""

from __future__ import annotations

import pytest

from posecoach.exercises.catalogue import ConfigError, Pacing, load_catalogue
from posecoach.exercises.tuning import profile_toml, with_values
from posecoach.ui.profiles import catalogue_for, check_profile, form_toml


def test_the_built_in_profiles_pace_4_s_in_and_6_s_out_with_the_guide_off():
    for name in ("beginner", "advanced"):
        assert load_catalogue(name).pacing == Pacing(4.0, 6.0, False)
    assert Pacing().breaths_per_min == 6.0


def test_a_profile_file_sets_the_seconds_and_the_guide_beside_its_thresholds(tmp_path):
    path = tmp_path / "calm.toml"
    path.write_text('base = "advanced"\nbreathe_in_s = 5\nbreathe_out_s = 7.5\npacing_guide = true\n\n'
                    "[lunge]\nhold_s = 40\n", encoding="utf-8")
    catalogue = load_catalogue(path)
    assert catalogue.pacing == Pacing(5.0, 7.5, True)
    assert catalogue["lunge"].hold_s == 40 and catalogue["cobra"].check("elbow_bend").conditions[0].low == 160
    path.write_text("breathe_out_s = 8\n", encoding="utf-8")
    assert load_catalogue(path).pacing == Pacing(4.0, 8.0, False)  # the rest from the base


@pytest.mark.parametrize("text, words", [
    ('breathe_in_s = "slow"\n', 'line 1: breathe_in_s: must be a number, not str'),
    ("name = 'x'\nbreathe_out_s = 40\n", "line 2: breathe_out_s: must be between 1 and 15 seconds, not 40"),
    ("breathe_in_s = 0.5\n", "breathe_in_s: must be between 1 and 15 seconds, not 0.5"),
    ("breathe_in_s = true\n", "breathe_in_s: must be a number, not True"),
    ("pacing_guide = 1\n", "line 1: pacing_guide: must be true or false, not int"),
    ("pacing_guide = 'yes'\n", "pacing_guide: must be true or false, not str"),
])
def test_a_wrong_pacing_value_is_refused_in_one_line_naming_the_file_line_and_key(tmp_path, text, words):
    path = tmp_path / "wrong.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_catalogue(path)
    message = str(caught.value)
    assert words in message and str(path) in message
    assert "\n" not in message and "Traceback" not in message and "Errno" not in message


def test_the_forms_profile_file_keeps_the_pacing_and_loads_back_to_it():
    text = form_toml("calm", "beginner", {"lunge": 45.0}, "From my physiotherapist.", Pacing(5.0, 7.0, True))
    assert "breathe_in_s = 5\n" in text and "breathe_out_s = 7\n" in text and "pacing_guide = true\n" in text
    assert check_profile("calm", text) is None
    catalogue = catalogue_for("calm", text)
    assert catalogue.pacing == Pacing(5.0, 7.0, True) and catalogue["lunge"].hold_s == 45
    plain = form_toml("plain", "beginner", {}, "", Pacing())
    assert "breathe" not in plain and "pacing" not in plain  # the defaults are not written out


def test_thresholds_tuned_from_a_paced_profile_keep_its_pacing():
    paced = catalogue_for("calm", form_toml("calm", "beginner", {}, "", Pacing(3.0, 9.0, True)))
    tuned = with_values(paced, {"lunge.hold_s": 50})
    assert tuned.pacing == Pacing(3.0, 9.0, True)
    text = profile_toml("calm2", "beginner", load_catalogue("beginner"), tuned)
    assert catalogue_for("calm2", text).pacing == Pacing(3.0, 9.0, True)
