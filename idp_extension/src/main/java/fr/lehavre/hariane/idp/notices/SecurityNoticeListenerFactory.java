package fr.lehavre.hariane.idp.notices;

import fr.lehavre.hariane.idp.adapter.AdapterClient;
import org.keycloak.Config;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventListenerProviderFactory;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakSessionFactory;

/**
 * The event listener {@code hariane-security-notices}, listed in the realm's {@code eventsListeners}.
 * Its adapter settings are the extension's ({@link AdapterClient#configured}), with a short timeout
 * of its own: {@code noticeTimeoutSeconds} / {@code HARIANE_NOTICE_TIMEOUT_SECONDS} (3 s).
 */
public final class SecurityNoticeListenerFactory implements EventListenerProviderFactory {

    public static final String PROVIDER_ID = "hariane-security-notices";

    private AdapterClient adapter;

    @Override
    public void init(Config.Scope config) {
        adapter = AdapterClient.configured(config, "noticeTimeoutSeconds", "HARIANE_NOTICE_TIMEOUT_SECONDS", "3");
    }

    @Override
    public EventListenerProvider create(KeycloakSession session) {
        return new SecurityNoticeListener(session, adapter);
    }

    @Override
    public void postInit(KeycloakSessionFactory factory) {}

    @Override
    public void close() {}

    @Override
    public String getId() {
        return PROVIDER_ID;
    }
}
