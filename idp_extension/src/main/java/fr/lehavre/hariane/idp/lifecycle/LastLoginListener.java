package fr.lehavre.hariane.idp.lifecycle;

import fr.lehavre.hariane.idp.IdentityNames;
import java.util.Optional;
import org.keycloak.events.Event;
import org.keycloak.events.EventListenerProvider;
import org.keycloak.events.EventType;
import org.keycloak.events.admin.AdminEvent;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.models.utils.KeycloakModelUtils;

/**
 * Records the day of a user's last login in {@code harianeLastLoginDate} (admin-only in the user
 * profile), which {@code portal-adapter accounts lifecycle} reads. A login on a day already
 * recorded writes nothing: the user is the one the login just loaded (Keycloak's user cache), the
 * attribute is compared in memory, and only the first login of a day writes, inside the login's
 * own transaction. No HTTP call.
 */
public final class LastLoginListener implements EventListenerProvider {

    private final KeycloakSession session;

    LastLoginListener(KeycloakSession session) {
        this.session = session;
    }

    @Override
    public void onEvent(Event event) {
        if (event.getType() != EventType.LOGIN || event.getUserId() == null) {
            return;
        }
        if (session.getTransactionManager().isActive()) {
            record(session, event);
        } else {
            KeycloakModelUtils.runJobInTransaction(session.getKeycloakSessionFactory(), job -> record(job, event));
        }
    }

    private static void record(KeycloakSession session, Event event) {
        RealmModel realm = session.realms().getRealm(event.getRealmId());
        UserModel user = realm == null ? null : session.users().getUserById(realm, event.getUserId());
        if (user == null) {
            return;
        }
        Optional<String> day =
                LastLoginDate.toWrite(user.getFirstAttribute(IdentityNames.ATTR_LAST_LOGIN_DATE), event.getTime());
        day.ifPresent(value -> user.setSingleAttribute(IdentityNames.ATTR_LAST_LOGIN_DATE, value));
    }

    @Override
    public void onEvent(AdminEvent event, boolean includeRepresentation) {}

    @Override
    public void close() {}
}
