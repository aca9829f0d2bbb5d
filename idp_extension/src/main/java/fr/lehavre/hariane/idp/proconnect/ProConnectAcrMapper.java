package fr.lehavre.hariane.idp.proconnect;

import fr.lehavre.hariane.idp.IdentityNames;
import fr.lehavre.hariane.idp.claims.ClaimMapper;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.keycloak.models.ClientSessionContext;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.ProtocolMapperModel;
import org.keycloak.models.UserSessionModel;
import org.keycloak.representations.IDToken;

/**
 * For a login through ProConnect, {@code amr} says what ProConnect asserted (e.g. {@code pwd}, a
 * password at the person's ProConnect identity provider) followed by the Hariane PRO factor given
 * after it, if any (Keycloak's {@code oidc-amr-mapper}, e.g. {@code otp}); Keycloak's alone would
 * give {@code []} after a single-factor ProConnect login. {@code acr} is left to Keycloak: the level
 * the post-login flow recorded ({@code pwd} or {@code mfa}, docs/claims.md). Runs after Keycloak's
 * mappers (a higher priority); other logins are left as they are.
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
        return "Hariane PRO: amr of ProConnect logins";
    }

    @Override
    public String getHelpText() {
        return "For a ProConnect login, the token's amr is ProConnect's, then Hariane PRO's factor if one was given.";
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
        String amr = userSession.getNote(AMR_NOTE);
        Set<String> values = new LinkedHashSet<>();
        if (amr != null && !amr.isBlank()) {
            values.addAll(Arrays.asList(amr.strip().split("\\s+")));
        }
        if (token.getOtherClaims().get("amr") instanceof Collection<?> hariane) {
            hariane.forEach(value -> values.add(String.valueOf(value)));
        }
        token.getOtherClaims().put("amr", List.copyOf(values));
    }
}
