package fr.lehavre.hariane.idp.proconnect;

import java.util.List;
import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

/** The acr check of every ProConnect login of a linked account (post-broker-login flow). */
public final class ProConnectAcrCheckAuthenticatorFactory implements AuthenticatorFactory {

    public static final String PROVIDER_ID = "hariane-proconnect-acr-check";

    @Override
    public void init(Config.Scope config) {}

    @Override
    public Authenticator create(KeycloakSession session) {
        return new ProConnectAcrCheckAuthenticator();
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Hariane PRO: ProConnect's acr check";
    }

    @Override
    public String getReferenceCategory() {
        return "proconnect";
    }

    @Override
    public boolean isConfigurable() {
        return true;
    }

    @Override
    public AuthenticationExecutionModel.Requirement[] getRequirementChoices() {
        return new AuthenticationExecutionModel.Requirement[] {AuthenticationExecutionModel.Requirement.REQUIRED};
    }

    @Override
    public boolean isUserSetupAllowed() {
        return false;
    }

    @Override
    public String getHelpText() {
        return "Refuses a ProConnect login whose acr is not one of the accepted values; records the level reached"
                + " (mfa for a multi-factor acr, else pwd) for the second factor's steps that follow.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return ProConnectFirstLoginAuthenticatorFactory.CHECK_CONFIG;
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}
}
