package fr.lehavre.hariane.idp;

/**
 * Names of the identity attributes, groups, roles and token claims this extension reads or
 * writes, each the value {@code contract/names.json} gives under the same key (the one place for
 * the names Java and Python share; {@code ContractNamesTest} checks it). Relying applications read
 * {@code docs/claims.md}.
 */
public final class IdentityNames {

    public static final String REALM = "hariane-pro";

    /**
     * Token claim carrying the user's profile: {@code standard}, {@code privileged} or {@code admin}.
     * Not {@code profile}: OIDC's standard claim of that name is the URL of a profile page.
     */
    public static final String CLAIM_PROFILE = "pro_profile";

    /**
     * Token claim carrying the profile realm roles the user holds ({@code ["profile-admin"]}) and no
     * other role, whatever the client's role scope; emitted with {@link #CLAIM_PROFILE}.
     */
    public static final String CLAIM_ROLES = "roles";

    /** Token claim carrying the user's structure: {@code {"siret": "...", "name": "..."}}. */
    public static final String CLAIM_STRUCTURE = "structure";

    /**
     * Token claim carrying the road-works concession accounts linked to the user's structure:
     * {@code [{"id": "ECR-0001", "label": "..."}]}; absent when none.
     */
    public static final String CLAIM_CONCESSIONS = "concessions";

    /**
     * Token claim carrying the ids of those accounts only, {@code ["ECR-0001"]}: an array of strings
     * every relying-party library can pass on (mod_auth_openidc drops arrays of objects); absent when none.
     */
    public static final String CLAIM_CONCESSION_IDS = "concession_ids";

    /**
     * Token claim naming the identity provider of a login through a federation ({@code
     * "proconnect"}); absent for a Hariane PRO password login. Keycloak's user session note of the same name.
     */
    public static final String CLAIM_IDENTITY_PROVIDER = "identity_provider";

    /** Token claim carrying the {@code acr} ProConnect asserted (e.g. {@code "eidas1"}); ProConnect logins only. */
    public static final String CLAIM_IDP_ACR = "idp_acr";

    /** Structure (organization) attribute holding the links, one {@code "<id>|<label>"} value each. */
    public static final String ORG_ATTR_CONCESSIONS = "concessions";

    /** Prefix of the realm roles carried by the profile groups ({@code profile-admin}, ...). */
    public static final String PROFILE_ROLE_PREFIX = "profile-";

    /**
     * Realm role of the users who must give a second factor at every login, given by the
     * {@code admin} and {@code privileged} groups (fr.lehavre.hariane.idp.secondfactor).
     */
    public static final String SECOND_FACTOR_ROLE = "second-factor-required";

    /** User attributes only administrators and service accounts may write. */
    public static final String ATTR_STRUCTURE_SIRET = "structureSiret";

    public static final String ATTR_CGU_VERSION = "cguVersion";
    public static final String ATTR_CGU_TEXT_SHA256 = "cguTextSha256";
    public static final String ATTR_CGU_ACCEPTED_AT = "cguAcceptedAt";
    /** The day (ISO date, UTC) of the last login, written by the lifecycle package; docs/account-lifecycle.md. */
    public static final String ATTR_LAST_LOGIN_DATE = "harianeLastLoginDate";

    /** User attributes the user fills in. */
    public static final String ATTR_JOB_TITLE = "jobTitle";

    public static final String ATTR_NEWSLETTER_OPT_IN = "newsletterOptIn";

    private IdentityNames() {}
}
