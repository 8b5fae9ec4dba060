"""The six screening verdicts and their words: one source for the page, the letter, the FHIR
note and the API description."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Verdict:
    code: str
    label: str      # the short tag
    summary: str    # one sentence: what it means
    advice: str     # what happens next
    rank: int       # when reactions point different ways, the higher rank decides


VERDICTS = {v.code: v for v in (
    Verdict("not_needed", "Desensitization not needed",
            "Desensitization does not look needed for this drug",
            "No past reaction bears on this drug, or it was taken again since without a "
            "reaction, or the reaction was not allergic and is handled by how the drug is "
            "given. Any other drug allergy is listed for the center's information.", 0),
    Verdict("consider_delabelling", "Allergy test first: likely not allergic",
            "This history is low risk: the allergy label may be removable",
            "The usual next step is an allergy assessment with a supervised challenge "
            "(a test dose given in clinic). If it is tolerated, no desensitization is needed.", 1),
    Verdict("specialist_review", "Allergist review needed",
            "An allergist needs to look at this history before anything else",
            "The history is mixed, unusual or incomplete: an allergist should review it "
            "before any test or treatment is planned.", 2),
    Verdict("test_first", "Testing first",
            "Skin testing or a supervised challenge comes before any decision on "
            "desensitization",
            "An allergist usually tests first; desensitization is considered only if the "
            "tests show an allergy and the drug is still needed.", 3),
    Verdict("candidate", "Possible candidate",
            "Desensitization may be an option: ask for a referral to an allergy center",
            "The allergist decides after an assessment, which usually includes skin testing "
            "or a challenge first. Desensitization is done only in hospital with emergency "
            "treatment ready.", 4),
    Verdict("not_suitable", "Not suitable",
            "Desensitization is not an option after this kind of reaction",
            "Desensitization must not be tried with this drug after a severe delayed reaction "
            "to it or to a drug that cross-reacts with it. An allergist and the treating "
            "doctor should choose an alternative treatment.", 5),
)}
