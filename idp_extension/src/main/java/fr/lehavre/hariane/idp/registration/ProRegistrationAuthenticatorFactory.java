package fr.lehavre.hariane.idp.registration;

import fr.lehavre.hariane.idp.adapter.AdapterClient;
import java.util.List;
import org.keycloak.Config;
import org.keycloak.authentication.Authenticator;
import org.keycloak.authentication.AuthenticatorFactory;
import org.keycloak.models.AuthenticationExecutionModel;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.provider.ProviderConfigProperty;

/**
 * Server-level settings (SPI config, or the environment): {@code adapterUrl} /
 * {@code HARIANE_ADAPTER_URL}, {@code adapterApiSecret} / {@code HARIANE_ADAPTER_API_SECRET},
 * {@code adapterTimeoutSeconds} / {@code HARIANE_ADAPTER_TIMEOUT_SECONDS}.
 */
public final class ProRegistrationAuthenticatorFactory implements AuthenticatorFactory {

    public static final String PROVIDER_ID = "hariane-pro-registration";

    private AdapterClient adapter;

    @Override
    public void init(Config.Scope config) {
        adapter = AdapterClient.configured(config, "adapterTimeoutSeconds", "HARIANE_ADAPTER_TIMEOUT_SECONDS", "10");
    }

    @Override
    public Authenticator create(KeycloakSession session) {
        return new ProRegistrationAuthenticator(adapter);
    }

    @Override
    public String getId() {
        return PROVIDER_ID;
    }

    @Override
    public String getDisplayType() {
        return "Hariane PRO: Créer un compte Pro";
    }

    @Override
    public String getReferenceCategory() {
        return "registration";
    }

    @Override
    public boolean isConfigurable() {
        return false;
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
        return "SIRET, structure and person steps; creates the structure and its administrator, sends the activation e-mail.";
    }

    @Override
    public List<ProviderConfigProperty> getConfigProperties() {
        return List.of();
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}
}
