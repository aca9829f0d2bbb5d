"""Names of identity attributes, groups, roles and claims, defined once for Python.

Each is the value ``contract/names.json`` gives under the same key (the one place for the
names Java and Python share; checked by tests/test_realm_config.py, which also checks the
realm); relying applications read ``docs/claims.md``.
"""

REALM = "hariane-pro"

# Token claims
CLAIM_PROFILE = "pro_profile"  # "standard" | "privileged" | "admin" (not OIDC's own `profile`, a URL)
CLAIM_ROLES = "roles"  # the profile realm roles held, e.g. ["profile-admin"]; never any other role
CLAIM_STRUCTURE = "structure"  # {"siret": "20008495200015", "name": "LE HAVRE SEINE METROPOLE"}
CLAIM_CONCESSIONS = "concessions"  # [{"id": "ECR-0001", "label": "..."}]; absent when none is linked
CLAIM_CONCESSION_IDS = "concession_ids"  # ["ECR-0001"]: the same ids, flat, for every RP library
CLAIM_IDENTITY_PROVIDER = "identity_provider"  # "proconnect" when signed in through ProConnect; absent otherwise
CLAIM_IDP_ACR = "idp_acr"  # the acr ProConnect asserted (e.g. "eidas1"), ProConnect logins only

# Structure (Keycloak organization) attributes
ORG_ATTR_CONCESSIONS = "concessions"  # one "<id>|<label>" value per linked concession account
# Written by the SIRENE re-sync (portal-adapter structures resync, docs/sirene.md), never by members:
ORG_ATTR_SIRENE_STATE = "sireneState"  # "active" | "closed": the establishment as the register last said
ORG_ATTR_SIRENE_CLOSED_AT = "sireneClosedAt"  # when the re-sync first saw it closed (ISO 8601, UTC)
ORG_ATTR_SIRENE_SUCCESSOR = "sireneSuccessorSiret"  # the successor establishment the register names
ORG_ATTR_SIRENE_CHANGED_AT = "sireneChangedAt"  # when the register's differing values last changed
ORG_ATTR_SIRENE_PREFIX = "sirene."  # "sirene.<field>": the register's value where it differs from <field>

# Profiles: realm groups of the same name, carrying realm roles "profile-<name>"
PROFILES = ("standard", "privileged", "admin")
PROFILE_ROLE_PREFIX = "profile-"

# The realm role of metropolis agents (the back-office, /agents/), granted by staff in the admin console
ROLE_METROPOLIS_AGENT = "metropolis-agent"

# The required action of an account whose activation is pending (the extension's)
ACTIVATION_ACTION = "hariane-activation"

# Second factor (the extension's secondfactor package; docs/claims.md « Niveaux d'authentification »)
SECOND_FACTOR_ROLE = "second-factor-required"  # realm role of the admin and privileged groups
SECOND_FACTOR_ACTION = "hariane-second-factor"  # « Protéger votre compte », the enrolment choice
ACR_PASSWORD = "pwd"  # `acr` of a login with the password alone (level 1 of acr.loa.map)
ACR_SECOND_FACTOR = "mfa"  # `acr` of a login with a second factor (level 2); what acr_values asks

# User attributes the user fills in
ATTR_JOB_TITLE = "jobTitle"
ATTR_NEWSLETTER_OPT_IN = "newsletterOptIn"

# User attributes only administrators and service accounts write
ATTR_STRUCTURE_SIRET = "structureSiret"
ATTR_CGU_VERSION = "cguVersion"
ATTR_CGU_TEXT_SHA256 = "cguTextSha256"
ATTR_CGU_ACCEPTED_AT = "cguAcceptedAt"
ATTR_LAST_LOGIN_DATE = "harianeLastLoginDate"  # the last login's day (UTC), docs/account-lifecycle.md
ADMIN_ONLY_ATTRIBUTES = (
    ATTR_STRUCTURE_SIRET,
    ATTR_CGU_VERSION,
    ATTR_CGU_TEXT_SHA256,
    ATTR_CGU_ACCEPTED_AT,
    ATTR_LAST_LOGIN_DATE,
)


def profile_role(profile: str) -> str:
    """The realm role a profile group carries: ``admin`` -> ``profile-admin``."""
    return PROFILE_ROLE_PREFIX + profile
