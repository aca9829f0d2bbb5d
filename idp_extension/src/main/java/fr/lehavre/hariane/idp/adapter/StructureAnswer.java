package fr.lehavre.hariane.idp.adapter;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The adapter's answer to {@code GET /api/structures/{siret}}: the normalised record, or an
 * error with its stable code ({@code invalid_format}, {@code not_found}, {@code closed}...) and
 * the French message meant for the user.
 */
public record StructureAnswer(JsonNode structure, String errorCode, String errorMessage) {

    public static final String UNAVAILABLE = "upstream_unavailable";
    public static final String UNAVAILABLE_MESSAGE =
            "Le répertoire SIRENE est momentanément indisponible. Veuillez réessayer dans quelques instants.";

    public static StructureAnswer found(JsonNode structure) {
        return new StructureAnswer(structure, null, null);
    }

    public static StructureAnswer error(String code, String message) {
        return new StructureAnswer(null, code, message);
    }

    public boolean isFound() {
        return structure != null && errorCode == null;
    }

    /** A text field of the record, or {@code null} when absent (masked values are absent). */
    public String text(String field) {
        JsonNode node = structure == null ? null : structure.get(field);
        return node == null || node.isNull() ? null : node.asText();
    }

    public String addressLine(String field) {
        JsonNode address = structure == null ? null : structure.get("address");
        JsonNode node = address == null ? null : address.get(field);
        return node == null || node.isNull() ? null : node.asText();
    }
}
