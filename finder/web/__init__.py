"""The web layer: thin blueprints over the domain modules."""


def blueprints():
    """Every blueprint the app serves, in registration order."""
    from finder.web.core.cors import bp as cors
    from finder.web.core.health import bp as health
    from finder.web.core.openapi import bp as openapi
    from finder.web.core.security import bp as security
    from finder.web.directory.api import bp as api
    from finder.web.directory.api_write import bp as api_write
    from finder.web.directory.center_page import bp as center
    from finder.web.directory.views import bp as public
    from finder.web.fhir.views import bp as fhir
    from finder.web.manage import bp as manage
    from finder.web.manage import submit_bp as submit
    from finder.web.referral.api import bp as api_referral
    from finder.web.referral.views import bp as referral
    from finder.web.search.api import bp as api_search
    from finder.web.search.views import bp as search

    return [public, center, api, api_write, manage, submit, security, referral, api_referral,
            search, api_search, fhir, openapi, health, cors]
