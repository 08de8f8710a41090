package io.vendpay.testing;

import tools.jackson.databind.JsonNode;

public final class Json {

    private Json() {
    }

    public static JsonNode read(String text) {
        return TestMachine.JSON.readTree(text);
    }

    public static String write(Object value) {
        return TestMachine.JSON.writeValueAsString(value);
    }
}
