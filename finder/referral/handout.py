"""The one-page patient handout: what the result means in plain words, what happens next, the
chosen center's contact and hours, help with travel costs, and the standing safety message.

Written short and plain on purpose: tests hold every handout to a reading grade of 8 or less
(Flesch-Kincaid, via textstat).
"""
from dataclasses import dataclass, field

from finder.directory.listing import span_text
from finder.directory.models import Center
from finder.referral.assess import Assessment

MEANING = {
    "not_needed": "From what you told us, you may not need this treatment at all. "
                  "Your doctor will check with you.",
    "consider_delabelling": "You may not be allergic to this drug at all. Many people with a "
                            "rash long ago can take the drug today. A simple test can show it.",
    "test_first": "You need some allergy tests first. The tests show if the drug is safe "
                  "for you, or if you need more care.",
    "candidate": "A slow, careful way to give the drug may help you. It is called "
                 "desensitization. An allergy doctor will decide if it is right for you.",
    "specialist_review": "An allergy doctor needs to look at your story before anything "
                         "else. They will tell you what is best.",
    "not_suitable": "After the kind of reaction you had, this treatment is not safe for you. "
                    "An allergy doctor can help you find another good treatment.",
}

NEXT_STEPS = {
    "not_needed": ["See your GP to talk about the result."],
    "consider_delabelling": ["See your GP. Ask to see an allergy doctor.",
                             "The allergy team may do a skin test. They may give you a small "
                             "dose of the drug and watch you closely."],
    "test_first": ["See your GP. Ask to see an allergy doctor.",
                   "The allergy team may do skin tests or blood tests first."],
    "candidate": ["See your GP. Your GP can send the letter to the center.",
                  "The allergy team will talk with you first. They may do tests before "
                  "they plan the treatment."],
    "specialist_review": ["See your GP. Your GP can send the letter to an allergy doctor.",
                          "The allergy doctor will ask about your reactions."],
    "not_suitable": ["See your GP. Ask to see an allergy doctor about other drugs you can "
                     "take."],
}

SAFETY = ("This treatment is only done in a hospital, with staff who can treat a bad "
          "reaction. Never try small doses of the drug on your own. If you have trouble "
          "breathing or swelling of the face or throat, call 000 now.")

_DAYS = {"mon": "Monday", "tue": "Tuesday", "wed": "Wednesday", "thu": "Thursday",
         "fri": "Friday", "sat": "Saturday", "sun": "Sunday"}


@dataclass(frozen=True)
class Handout:
    meaning: str
    next_steps: list[str]
    center: list[str] = field(default_factory=list)  # name, phone, hours lines
    travel: str | None = None
    safety: str = SAFETY

    def paragraphs(self) -> list[str]:
        """All the text a patient reads, for the readability check."""
        return [self.meaning, *self.next_steps, *self.center[1:],
                *([self.travel] if self.travel else []), self.safety]


def hours_lines(center: Center) -> list[str]:
    """Opening hours in full day names: "Monday 08:30 to 16:30"."""
    lines = []
    for span in center.hours or []:
        day, _, times = span_text(span).partition(" ")
        opens, _, closes = times.partition("-")
        lines.append(f"{_DAYS.get(day, day)} {opens} to {closes}")
    if center.hours_note:
        lines.append(center.hours_note)
    return lines


def center_lines(center: Center | None) -> list[str]:
    if center is None:
        return []
    lines = [f"{center.name}, {center.organisation}, {center.locality}"]
    if center.phone:
        lines.append(f"Phone: {center.phone}")
    hours = hours_lines(center)
    lines += ["Open: " + "; ".join(hours)] if hours else []
    if center.verified_at is None:
        lines.append("This listing has not been checked by the center. Call them first.")
    return lines


def build_handout(assessment: Assessment, center: Center | None, travel: dict | None) -> Handout:
    """The handout for this result, this center and this place's travel help."""
    verdict = assessment.verdict
    return Handout(
        meaning=MEANING.get(verdict, MEANING["specialist_review"]),
        next_steps=NEXT_STEPS.get(verdict, NEXT_STEPS["specialist_review"]),
        center=center_lines(center),
        travel=(f"You may get help with travel costs. Ask about {travel['name']}."
                if travel else None),
    )
