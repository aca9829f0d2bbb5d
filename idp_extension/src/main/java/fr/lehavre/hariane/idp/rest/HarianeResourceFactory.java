package fr.lehavre.hariane.idp.rest;

import org.keycloak.Config;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;
import org.keycloak.services.resource.RealmResourceProvider;
import org.keycloak.services.resource.RealmResourceProviderFactory;

/** Mounts {@link HarianeResource} at {@code /realms/{realm}/hariane}. */
public final class HarianeResourceFactory implements RealmResourceProviderFactory {

    public static final String ID = "hariane";

    @Override
    public RealmResourceProvider create(KeycloakSession session) {
        return new HarianeResource(session);
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
