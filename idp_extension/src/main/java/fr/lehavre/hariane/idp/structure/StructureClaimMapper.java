package fr.lehavre.hariane.idp.structure;

import fr.lehavre.hariane.idp.IdentityNames;
import fr.lehavre.hariane.idp.claims.ClaimMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.OrganizationModel;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.representations.IDToken;

/**
 * Emits the {@code structure} claim, {@code {"siret": "...", "name": "..."}}, from the user's
 * organization — exactly these two values, not every organization attribute. No claim for a
 * user who belongs to no structure.
 */
public final class StructureClaimMapper extends ClaimMapper {

    public static final String PROVIDER_ID = "hariane-structure-mapper";

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Hariane PRO structure";
    }

    @Override
    public String getHelpText() {
        return "Adds the claim '" + IdentityNames.CLAIM_STRUCTURE + "': SIRET and name of the user's structure.";
    }

    @Override
    protected void setClaim(
            IDToken token,
            ProtocolMapperModel mappingModel,
            UserSessionModel userSession,
            KeycloakSession session,
            ClientSessionContext clientSessionCtx) {
        structureOf(session, userSession.getUser())
                .ifPresent(
                        organization -> token.getOtherClaims().put(IdentityNames.CLAIM_STRUCTURE, claim(organization)));
    }

    /** The claim's value: {@code siret} (the alias) and {@code name} (the register's name, else the display name). */
    public static Map<String, String> claim(OrganizationModel organization) {
        Map<String, String> structure = new LinkedHashMap<>();
        structure.put("siret", organization.getAlias());
        List<String> names = organization.getAttributes().get("name");
        structure.put("name", names == null || names.isEmpty() ? organization.getName() : names.get(0));
        return structure;
    }
}
