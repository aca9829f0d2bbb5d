package fr.lehavre.hariane.idp.activation;

import org.keycloak.Config;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

public final class ActivationRequiredActionFactory implements RequiredActionFactory {

    private static final ActivationRequiredAction INSTANCE = new ActivationRequiredAction();

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return INSTANCE;
    }

    @Override
    public String getId() {
        return ActivationRequiredAction.PROVIDER_ID;
    }

    @Override
    public String getDisplayText() {
        return "Hariane PRO: activer mon compte (mot de passe + CGU)";
    }

    @Override
    public void init(Config.Scope config) {}

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}
}
