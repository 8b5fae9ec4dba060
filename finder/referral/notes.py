"""A coded message: a reason, a precaution or a side remark of the screening."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Note:
    code: str
    message: str

    def to_dict(self) -> dict:
        return {"code": self.code, "message": self.message}


def in_sentence(name: str) -> str:
    """A generic name inside a sentence: "carboplatin", not "Carboplatin"."""
    return name[:1].lower() + name[1:]
