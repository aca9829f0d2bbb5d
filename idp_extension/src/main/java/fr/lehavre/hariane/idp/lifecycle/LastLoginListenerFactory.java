package fr.lehavre.hariane.idp.lifecycle;

import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/** The event listener {@code hariane-last-login}, listed in the realm's {@code eventsListeners}. */
public final class LastLoginListenerFactory implements EventListenerProviderFactory {

    public static final String PROVIDER_ID = "hariane-last-login";

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new LastLoginListener(session);
    }

    @Override
    public void init(Config.Scope config) {}

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
