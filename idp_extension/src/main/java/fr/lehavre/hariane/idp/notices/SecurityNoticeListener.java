package fr.lehavre.hariane.idp.notices;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import fr.lehavre.hariane.idp.adapter.AdapterClient;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakTransactionManager;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;

/**
 * Posts the security events of a request to the portal adapter, which sends the e-mails. The post
 * runs after the request's transaction commits (never for a rolled-back change) and asynchronously
 * with a short timeout: a slow or down adapter loses the e-mail (logged), never the user's change.
 */
public final class SecurityNoticeListener implements EventListenerProvider {

    private static final Logger LOG = Logger.getLogger(SecurityNoticeListener.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final KeycloakSession session;
    private final AdapterClient adapter;
    private final Set<String> told = new HashSet<>(); // "user kind" already told in this request

    SecurityNoticeListener(KeycloakSession session, AdapterClient adapter) {
        this.session = session;
        this.adapter = adapter;
    }

    @Override
    public void onEvent(Event event) {
        Optional<String> kind = SecurityNotice.kindOf(event.getType(), event.getDetails());
        if (kind.isEmpty() || event.getUserId() == null || !told.add(event.getUserId() + " " + kind.get())) {
            return;
        }
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        UserModel user = realm == null ? null : session.users().getUserById(realm, event.getUserId());
        if (user == null || user.getEmail() == null || user.getEmail().isBlank()) {
            return;
        }
        Map<String, String> body = new LinkedHashMap<>();
        body.put("kind", kind.get());
        body.put("email", user.getEmail());
        body.put("previous_email", SecurityNotice.previousEmail(event.getDetails()));
        body.put("username", user.getUsername());
        body.put("factor", SecurityNotice.factorOf(event.getType(), event.getDetails()));
        body.put("client", event.getIpAddress() == null ? "" : event.getIpAddress());
        String json;
        try {
            json = JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            LOG.warnf("security notice %s not encoded: %s", kind.get(), e.toString());
            return;
        }
        afterCommit(() -> adapter.postNotice(json));
    }

    private void afterCommit(Runnable post) {
        KeycloakTransactionManager transactions = session.getTransactionManager();
        if (!transactions.isActive()) {
            post.run(); // the change is already committed
            return;
        }
        transactions.enlistAfterCompletion(new AbstractKeycloakTransaction() {
            @Override
            protected void commitImpl() {
                post.run();
            }

            @Override
            protected void rollbackImpl() {}
        });
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {}

    @Override
    public void close() {}
}
