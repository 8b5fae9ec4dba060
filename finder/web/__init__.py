"""The web layer: thin blueprints over the domain modules."""


def blueprints():
    """Every blueprint the app serves, in registration order."""
    from finder.web.api import bp as api
    from finder.web.api_referral import bp as api_referral
    from finder.web.api_search import bp as api_search
    from finder.web.api_write import bp as api_write
    from finder.web.fhir import bp as fhir
    from finder.web.manage import bp as manage
    from finder.web.manage import submit_bp as submit
    from finder.web.public import bp as public
    from finder.web.referral import bp as referral
    from finder.web.search import bp as search
    from finder.web.security import bp as security

    return [public, api, api_write, manage, submit, security, referral, api_referral,
            search, api_search, fhir]
