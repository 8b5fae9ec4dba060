"""What makes a password acceptable, after NIST SP 800-63B (section 5.1.1.2, memorized
secrets): at least 12 characters, checked against common and easily guessed passwords (here
zxcvbn's estimate, told the account's email), never the email itself, no composition rules.

zxcvbn (its word lists, ~12 MB a process) is loaded when a password is first judged, not by
every worker that only serves searches."""

MIN_LENGTH = 12
MAX_LENGTH = 256  # NIST asks for at least 64; longer input only slows the estimate down
MIN_SCORE = 3  # zxcvbn: 3 = "safely unguessable: moderate protection from offline attacks"
_SCORED_PREFIX = 100  # zxcvbn's time grows with length; a longer password is long enough


def password_problem(password: str | None, email: str) -> str | None:
    """Why `password` may not be used by the account `email`, in words; None when it may."""
    password = password or ""
    email = (email or "").strip().lower()
    local_part = email.partition("@")[0]
    if not password.strip():
        return "must not be empty or only spaces"
    if len(password) < MIN_LENGTH:
        return f"must be at least {MIN_LENGTH} characters"
    if len(password) > MAX_LENGTH:
        return f"must be at most {MAX_LENGTH} characters"
    lowered = password.lower()
    if email and (email in lowered or (len(local_part) >= 4 and local_part in lowered)):
        return "must not contain your email address"
    from zxcvbn import zxcvbn

    score = zxcvbn(password[:_SCORED_PREFIX], user_inputs=[email, local_part])["score"]
    if score < MIN_SCORE:
        return ("is too easy to guess: it is common or follows a pattern. Try a few unrelated "
                "words together, e.g. a short sentence only you would think of")
    return None
