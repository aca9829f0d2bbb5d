package fr.lehavre.hariane.idp.secondfactor;

import org.keycloak.Config;
import org.keycloak.authentication.RequiredActionFactory;
import org.keycloak.authentication.RequiredActionProvider;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

public final class SecondFactorChoiceActionFactory implements RequiredActionFactory {

    private static final SecondFactorChoiceAction INSTANCE = new SecondFactorChoiceAction();

    @Override
    public RequiredActionProvider create(KeycloakSession session) {
        return INSTANCE;
    }

    @Override
    public String getId() {
        return SecondFactorChoiceAction.PROVIDER_ID;
    }

    @Override
    public String getDisplayText() {
        return "Hariane PRO: protéger votre compte (choix du second facteur)";
    }

    @Override
    public void init(Config.Scope config) {}

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}
}
