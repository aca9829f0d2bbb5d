package fr.lehavre.hariane.idp.proconnect;

import com.fasterxml.jackson.databind.JsonNode;
import org.keycloak.broker.oidc.OIDCIdentityProvider;
import org.keycloak.broker.provider.BrokeredIdentityContext;
import org.keycloak.representations.IDToken;
import org.keycloak.representations.JsonWebToken;

/**
 * Reads ProConnect's assertion out of Keycloak's brokered identity: the ID token Keycloak's OIDC
 * provider validated ({@code acr}) and its signed userinfo answer ({@code siret}, {@code
 * given_name}, {@code usual_name}, {@code email}), both kept in the context's data.
 */
final class ProConnectClaims {

    static final String SIRET = "siret";
    static final String USUAL_NAME = "usual_name";
    static final String GIVEN_NAME = "given_name";
    static final String EMAIL = "email";
    static final String ACR = "acr";

    private ProConnectClaims() {}

    static ProConnectAssertion of(BrokeredIdentityContext context) {
        Object userInfo = context.getContextData().get(OIDCIdentityProvider.USER_INFO);
        Object idToken = context.getContextData().get(OIDCIdentityProvider.VALIDATED_ID_TOKEN);
        return new ProConnectAssertion(
                context.getId(),
                acr(idToken),
                claim(userInfo, idToken, SIRET),
                firstNonBlank(claim(userInfo, idToken, EMAIL), context.getEmail()),
                firstNonBlank(claim(userInfo, idToken, GIVEN_NAME), context.getFirstName()),
                firstNonBlank(claim(userInfo, idToken, USUAL_NAME), context.getLastName()));
    }

    /** The {@code amr} values of ProConnect's ID token, separated by spaces ("" when none). */
    static String amr(BrokeredIdentityContext context) {
        Object idToken = context.getContextData().get(OIDCIdentityProvider.VALIDATED_ID_TOKEN);
        if (idToken instanceof JsonWebToken token && token.getOtherClaims().get("amr") != null) {
            Object amr = token.getOtherClaims().get("amr");
            if (amr instanceof java.util.Collection<?> values) {
                return String.join(" ", values.stream().map(String::valueOf).toList());
            }
            return amr.toString();
        }
        return "";
    }

    private static String acr(Object idToken) {
        if (idToken instanceof IDToken token && token.getAcr() != null) {
            return token.getAcr();
        }
        return fromToken(idToken, ACR);
    }

    private static String claim(Object userInfo, Object idToken, String name) {
        if (userInfo instanceof JsonNode node && node.hasNonNull(name)) {
            return node.get(name).asText();
        }
        return fromToken(idToken, name);
    }

    private static String fromToken(Object idToken, String name) {
        if (idToken instanceof JsonWebToken token) {
            Object value = token.getOtherClaims().get(name);
            return value == null ? null : value.toString();
        }
        return null;
    }

    private static String firstNonBlank(String first, String second) {
        return first != null && !first.isBlank() ? first : second;
    }
}
