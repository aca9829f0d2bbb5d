package fr.lehavre.hariane.idp.concession;

import fr.lehavre.hariane.idp.IdentityNames;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The structure attribute {@value IdentityNames#ORG_ATTR_CONCESSIONS}: one value per linked
 * road-works concession account, {@code "<id>|<label>"} (e.g. {@code "ECR-0001|EAU DU HAVRE"}),
 * written only by the adapter's service account. Pure: parsing never throws, malformed values
 * are skipped, duplicates (same id) kept once, order by id so tokens are stable.
 */
public final class ConcessionLinks {

    /** The same rule as the adapter's import (legacy_rows.py): both run contract/concession-id-vectors.json. */
    static final Pattern ID = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$");

    static final int MAX_LABEL = 200;

    private ConcessionLinks() {}

    /** The claim value: a list of {@code {"id": ..., "label": ...}}, empty when nothing valid is linked. */
    public static List<Map<String, String>> claim(List<String> values) {
        Map<String, Map<String, String>> byId = new java.util.TreeMap<>();
        if (values == null) {
            return new ArrayList<>();
        }
        for (String value : values) {
            if (value == null) {
                continue;
            }
            int bar = value.indexOf('|');
            if (bar <= 0) {
                continue;
            }
            String id = value.substring(0, bar).trim();
            String label = value.substring(bar + 1).trim();
            if (!ID.matcher(id).matches() || label.isEmpty() || label.length() > MAX_LABEL) {
                continue;
            }
            Map<String, String> link = new LinkedHashMap<>();
            link.put("id", id);
            link.put("label", label);
            byId.putIfAbsent(id, link);
        }
        return new ArrayList<>(byId.values());
    }

    /** The flat claim value: the ids of {@link #claim(List)}'s links, in the same order. */
    public static List<String> ids(List<Map<String, String>> links) {
        return links.stream().map(link -> link.get("id")).toList();
    }
}
