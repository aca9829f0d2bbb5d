package fr.lehavre.hariane.idp.activation;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/** Mounts {@link ColleagueActivationResource} at {@code /realms/{realm}/hariane}. */
public final class ColleagueActivationResourceFactory implements RealmResourceProviderFactory {

    public static final String ID = "hariane";

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new ColleagueActivationResource(session);
    }

    @Override
    public void init(Config.Scope config) {}

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}

    @Override
    public String getId() {
        return ID;
    }
}
