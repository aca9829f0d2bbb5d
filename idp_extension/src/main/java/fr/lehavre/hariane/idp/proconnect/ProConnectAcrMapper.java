package fr.lehavre.hariane.idp.proconnect;

import fr.lehavre.hariane.idp.IdentityNames;
import fr.lehavre.hariane.idp.claims.ClaimMapper;
import java.util.Arrays;
import java.util.List;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.representations.IDToken;

/**
 * For a login through ProConnect, {@code acr} and {@code amr} say what ProConnect asserted rather
 * than what Keycloak computes: Keycloak's own mappers would give {@code "pwd"} and {@code []}
 * (no step of the realm's browser flow ran), which would claim a Hariane PRO password that was
 * never typed. Runs after them (a higher priority); other logins are left as they are.
 */
public final class ProConnectAcrMapper extends ClaimMapper {

    public static final String PROVIDER_ID = "hariane-proconnect-acr-mapper";
    static final String PROCONNECT = "proconnect";
    static final String AMR_NOTE = "idp_amr";

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Hariane PRO: acr and amr of ProConnect logins";
    }

    @Override
    public String getHelpText() {
        return "For a ProConnect login, the token's acr and amr are the ones ProConnect asserted.";
    }

    @Override
    public int getPriority() {
        return 100; // after Keycloak's acr and amr mappers (priority 0)
    }

    @Override
    protected void setClaim(
            IDToken token,
            ProtocolMapperModel mappingModel,
            UserSessionModel userSession,
            KeycloakSession session,
            ClientSessionContext clientSessionCtx) {
        if (!PROCONNECT.equals(userSession.getNote(IdentityNames.CLAIM_IDENTITY_PROVIDER))) {
            return;
        }
        String acr = userSession.getNote(ProConnectAcrCheckAuthenticator.ACR_NOTE);
        if (acr != null && !acr.isBlank()) {
            token.setAcr(acr);
        }
        String amr = userSession.getNote(AMR_NOTE);
        List<String> values = amr == null || amr.isBlank()
                ? List.of()
                : Arrays.asList(amr.strip().split("\\s+"));
        token.getOtherClaims().put("amr", values);
    }
}
