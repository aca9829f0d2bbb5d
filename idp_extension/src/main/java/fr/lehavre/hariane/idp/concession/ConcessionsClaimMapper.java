package fr.lehavre.hariane.idp.concession;

import fr.lehavre.hariane.idp.IdentityNames;
import fr.lehavre.hariane.idp.claims.ClaimMapper;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.representations.IDToken;

/**
 * Emits the {@code concessions} claim — {@code [{"id": "ECR-0001", "label": "..."}]} — and its flat
 * twin {@code concession_ids} — {@code ["ECR-0001"]}, for relying-party libraries that cannot pass on
 * an array of objects (Apache mod_auth_openidc) — from the
 * user's structure (organization) attribute {@value IdentityNames#ORG_ATTR_CONCESSIONS}. Every
 * member of the structure gets it; members cannot write organization attributes, only the
 * adapter's service account (manage-organizations) and metropolis staff can. Neither claim when the
 * structure has no linked concession or the user has no structure.
 */
public final class ConcessionsClaimMapper extends ClaimMapper {

    public static final String PROVIDER_ID = "hariane-concessions-mapper";

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Hariane PRO concessions";
    }

    @Override
    public String getHelpText() {
        return "Adds the claim '" + IdentityNames.CLAIM_CONCESSIONS
                + "': the road-works concession accounts linked to the user's structure, and '"
                + IdentityNames.CLAIM_CONCESSION_IDS + "': their ids only.";
    }

    @Override
    protected void setClaim(
            IDToken token,
            ProtocolMapperModel mappingModel,
            UserSessionModel userSession,
            KeycloakSession session,
            ClientSessionContext clientSessionCtx) {
        structureOf(session, userSession.getUser()).ifPresent(organization -> {
            var links = ConcessionLinks.claim(organization.getAttributes().get(IdentityNames.ORG_ATTR_CONCESSIONS));
            if (!links.isEmpty()) {
                token.getOtherClaims().put(IdentityNames.CLAIM_CONCESSIONS, links);
                token.getOtherClaims().put(IdentityNames.CLAIM_CONCESSION_IDS, ConcessionLinks.ids(links));
            }
        });
    }
}
