package io.vendpay.testing;

import java.net.URLEncoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

import com.alipay.api.internal.util.AlipaySignature;
import io.vendpay.sandbox.AlipaySandboxCredentials;

/** Alipay notifications as form bodies, re-signed with the sandbox's Alipay key after a test changed them. */
public final class AlipayNotifications {

    private final String alipayPrivateKey;

    public AlipayNotifications(String dataDir) {
        var app = AlipaySandboxCredentials.loadOrCreate(Path.of(dataDir));
        this.alipayPrivateKey = java.util.Base64.getEncoder().encodeToString(app.alipayPrivateKey().getEncoded());
    }

    /** Signs {@code params} (without sign/sign_type) the way Alipay does, RSA2. */
    public Map<String, String> resign(Map<String, String> params) {
        return resign(params, StandardCharsets.UTF_8);
    }

    /** Signs over the bytes of {@code charset}, as Alipay does for a notification whose {@code charset} parameter names it. */
    public Map<String, String> resign(Map<String, String> params, Charset charset) {
        var p = new LinkedHashMap<>(params);
        p.remove("sign");
        p.remove("sign_type");
        try {
            String sign = AlipaySignature.rsaSign(AlipaySignature.getSignCheckContentV1(new HashMap<>(p)), alipayPrivateKey,
                    charset.name(), "RSA2");
            p.put("sign", sign);
            p.put("sign_type", "RSA2");
            return p;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] form(Map<String, String> params) {
        return form(params, StandardCharsets.UTF_8);
    }

    /** The form body with every value percent-encoded from its bytes in {@code charset}. */
    public static byte[] form(Map<String, String> params, Charset charset) {
        var b = new StringBuilder();
        params.forEach((k, v) -> b.append(b.length() == 0 ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, charset)));
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static Map<String, String> formHeaders() {
        return Map.of("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    }
}
