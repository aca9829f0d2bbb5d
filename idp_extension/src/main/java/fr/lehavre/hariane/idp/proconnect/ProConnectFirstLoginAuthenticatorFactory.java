package fr.lehavre.hariane.idp.proconnect;

import fr.lehavre.hariane.idp.adapter.AdapterClient;
import java.util.List;
import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

/** The first login through ProConnect; its setting: the accepted {@code acr} values. */
public final class ProConnectFirstLoginAuthenticatorFactory implements AuthenticatorFactory {

    public static final String PROVIDER_ID = "hariane-proconnect-first-login";

    static final List<ProviderConfigProperty> CONFIG = List.of(new ProviderConfigProperty(
            ProConnectAssertion.ACCEPTED_ACR,
            "Accepted acr values",
            "The levels (acr) ProConnect may assert, separated by spaces; any other level, or none, is refused.",
            ProviderConfigProperty.STRING_TYPE,
            ""));

    /** The post-login check's settings: the accepted levels, and those that count as a second factor. */
    static final List<ProviderConfigProperty> CHECK_CONFIG = List.of(
            CONFIG.get(0),
            new ProviderConfigProperty(
                    ProConnectAssertion.MULTI_FACTOR_ACR,
                    "Multi-factor acr values",
                    "The levels (acr) that say the person gave a second factor at ProConnect, separated by spaces:"
                            + " the login counts as mfa and Hariane PRO's own factor is not asked.",
                    ProviderConfigProperty.STRING_TYPE,
                    ""));

    private AdapterClient adapter;

    @Override
    public void init(Config.Scope config) {
        adapter = AdapterClient.configured(config, "adapterTimeoutSeconds", "HARIANE_ADAPTER_TIMEOUT_SECONDS", "10");
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return new ProConnectFirstLoginAuthenticator(adapter);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Hariane PRO: first login through ProConnect";
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
        return "No link by e-mail: checks ProConnect's acr and siret, then « Créer un compte Pro » from step 2/3"
                + " or a join request for an existing structure.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return CONFIG;
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}
}
