"""Sending a link: by mail when FINDER_SMTP_URL is set, else back to the admin to pass on."""
import logging

from flask import url_for

from finder.directory.messages import link_message
from finder.mail import MailError, send_mail
from finder.web.core.context import settings

log = logging.getLogger(__name__)


def link_url(plain: str) -> str:
    """The link as the invitee must receive it: on FINDER_PUBLIC_URL, never on the Host
    header of the request that made it (a spoofed Host would send the secret elsewhere)."""
    return settings().public_url + url_for("manage.use_link", token=plain)


def deliver_link(email: str, purpose: str, plain: str) -> bool:
    """True when the link went out by mail; False when the caller must show it instead."""
    config = settings()
    if not config.smtp_url:
        return False
    subject, body = link_message(purpose, link_url(plain))
    try:
        send_mail(config.smtp_url, config.mail_from, email, subject, body)
    except MailError as error:
        log.warning("%s", error)
        return False
    return True
