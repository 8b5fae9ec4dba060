"""The words of the mail the directory sends (or shows, or prints, when it has no mail)."""
from finder.directory.links import LINK_LIFETIME

SUBJECTS = {"invite": "You are invited to keep your listing up to date",
            "reset": "Set a new password for the desensitization center finder"}


def link_message(purpose: str, url: str) -> tuple[str, str]:
    """(subject, body) of an invitation or password-reset mail."""
    days = LINK_LIFETIME.days
    if purpose == "invite":
        opening = ("You have been invited to keep your center's listing in the desensitization "
                   "center finder up to date.\n\nChoose your password here:")
    else:
        opening = "Someone asked to set a new password for your account. Choose it here:"
    body = (f"{opening}\n\n{url}\n\nThe link works once, for {days} days. If you did not expect "
            "this message, you can ignore it: nothing changes until the link is used.\n")
    return SUBJECTS[purpose], body


def reminder_message(center_name: str, confirmed: str, url: str) -> tuple[str, str]:
    """(subject, body) of the reminder to confirm a listing; `confirmed` says when it last was."""
    body = (f"Patients and GPs rely on the listing of {center_name} in the desensitization "
            f"center finder. It was {confirmed}.\n\nPlease check it and confirm it is current "
            f"(one click when nothing changed):\n\n{url}\n")
    return f"Please confirm your listing: {center_name}", body
