"""Keystrokes as a terminal sends them, for the prompt tests and the pseudo-terminal tests."""

from __future__ import annotations

ENTER = "\r"
SPACE = " "
UP = "\x1b[A"
DOWN = "\x1b[B"
LEFT = "\x1b[D"
#: a lone Esc: send it last in a batch, or it reads as Alt with the next key
ESC = "\x1b"
BACKSPACE = "\x7f"
CTRL_C = "\x03"
CTRL_D = "\x04"


def number(value: int) -> str:
    return f"{value}{ENTER}"


#: one answer a screen, answering like spinetriage.batch.template.BASELINE (a 40-year-old with
#: three weeks of pain, no red flags, nothing tried: non-surgical care); yes/no with y/n shortcuts
BASELINE_KEYS: list[str] = [
    number(40),  # age
    *["n"] * 11,  # rf_bladder_bowel .. rf_night_pain
    ENTER,  # rf_trauma: No injury or fall
    "n",  # rf_bone_risk
    "n",  # rf_sudden_severe
    "n",  # had_spine_surgery
    "y",  # back_pain
    ENTER,  # leg_pain: No leg pain
    ENTER,  # numbness: No
    ENTER,  # tingling: No
    ENTER,  # leg_weakness: No weakness
    DOWN + ENTER,  # walking_tolerance: More than 30 minutes
    number(4),  # pain_now
    number(6),  # pain_worst
    "n",  # constant_pain
    "n",  # first_episode
    number(3),  # symptom_weeks
    "n",  # diagnosis_known
    DOWN * 3 + SPACE + ENTER,  # imaging_done: None
    *[DOWN + ENTER] * 7,  # dis_*: Slightly
    *["n"] * 8,  # ps_* yes/no items
    DOWN * 2 + ENTER,  # ps_bothered: Moderately
    UP + SPACE + ENTER,  # treatments_tried: None of these (up wraps to the last)
    DOWN * 2 + ENTER,  # pregnancy: No, or this does not apply to me
    "y",  # avoid_surgery
]
