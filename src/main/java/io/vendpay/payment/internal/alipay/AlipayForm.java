package io.vendpay.payment.internal.alipay;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;

/**
 * An Alipay notification's form body, parsed by vendpay from the exact bytes instead of by the servlet
 * container (issue 9 item 5): strictly, so that a broken form is a refusal with a reason instead of a 500,
 * and in the character set Alipay encoded it in. That is the form's own {@code charset} parameter (Alipay
 * sends the notification in the charset of the original request, GBK when it was not given:
 * payment-protocols.md 3.1), then the Content-Type's charset, then UTF-8. Values are decoded strictly in
 * it: bytes that are not text in that charset are a refusal, never replacement characters that would
 * only fail the signature later.
 */
final class AlipayForm {

    /** Alipay's notifications carry about 30 parameters; Tomcat's own limit is 1,000. */
    static final int MAX_PARAMETERS = 200;

    static final class Malformed extends RuntimeException {
        final String reason;
        final int status;

        Malformed(int status, String reason, String message) {
            super(message, null, false, false);
            this.status = status;
            this.reason = reason;
        }
    }

    private AlipayForm() {
    }

    /** The parameters in order of appearance; a repeated name is refused (Alipay never repeats one). */
    static Map<String, String> parse(String contentType, byte[] body) {
        Charset declared = contentTypeCharset(contentType);
        List<byte[][]> pairs = split(body);
        Charset charset = declared;
        for (byte[][] pair : pairs) {
            if (ascii(pair[0]).equals("charset")) {
                charset = charsetNamed(decode(pair[1], StandardCharsets.US_ASCII));
            }
        }
        var params = new LinkedHashMap<String, String>();
        for (byte[][] pair : pairs) {
            String name = decode(pair[0], charset);
            if (params.put(name, decode(pair[1], charset)) != null) {
                throw new Malformed(400, "PARAMETER_REPEATED", "parameter " + name + " appears more than once");
            }
        }
        return params;
    }

    private static Charset contentTypeCharset(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return StandardCharsets.UTF_8;
        }
        MediaType type;
        try {
            type = MediaType.parseMediaType(contentType);
        } catch (InvalidMediaTypeException e) {
            throw new Malformed(415, "UNSUPPORTED_MEDIA_TYPE", "Content-Type is not a media type");
        }
        if (!MediaType.APPLICATION_FORM_URLENCODED.equalsTypeAndSubtype(type)) {
            throw new Malformed(415, "UNSUPPORTED_MEDIA_TYPE", "Alipay notifications are application/x-www-form-urlencoded, not " + type);
        }
        String name = type.getParameter("charset");
        return name == null ? StandardCharsets.UTF_8 : charsetNamed(name.replace("\"", ""));
    }

    private static Charset charsetNamed(String name) {
        try {
            return Charset.forName(name.trim());
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new Malformed(400, "CHARSET_UNSUPPORTED", "charset " + name + " is not supported");
        }
    }

    /** Splits on {@code &} and the first {@code =}; empty pieces ({@code a=1&&b=2}) are skipped, as servlet containers do. */
    private static List<byte[][]> split(byte[] body) {
        var pairs = new ArrayList<byte[][]>();
        int start = 0;
        for (int i = 0; i <= body.length; i++) {
            if (i == body.length || body[i] == '&') {
                if (i > start) {
                    if (pairs.size() == MAX_PARAMETERS) {
                        throw new Malformed(400, "TOO_MANY_PARAMETERS", "more than " + MAX_PARAMETERS + " parameters");
                    }
                    int eq = start;
                    while (eq < i && body[eq] != '=') {
                        eq++;
                    }
                    byte[] name = java.util.Arrays.copyOfRange(body, start, eq);
                    if (name.length == 0) {
                        throw new Malformed(400, "FORM_MALFORMED", "a parameter without a name");
                    }
                    byte[] value = eq < i ? java.util.Arrays.copyOfRange(body, eq + 1, i) : new byte[0];
                    pairs.add(new byte[][] {name, value});
                }
                start = i + 1;
            }
        }
        return pairs;
    }

    private static String ascii(byte[] raw) {
        return new String(raw, StandardCharsets.ISO_8859_1);
    }

    /** Percent-decoding ({@code +} is a space), then the bytes as text in {@code charset}, strictly. */
    private static String decode(byte[] raw, Charset charset) {
        var bytes = new ByteArrayOutputStream(raw.length);
        for (int i = 0; i < raw.length; i++) {
            byte b = raw[i];
            if (b == '+') {
                bytes.write(' ');
            } else if (b == '%') {
                if (i + 2 >= raw.length) {
                    throw new Malformed(400, "FORM_MALFORMED", "a % not followed by two hex digits");
                }
                int hi = Character.digit(raw[i + 1], 16);
                int lo = Character.digit(raw[i + 2], 16);
                if (hi < 0 || lo < 0) {
                    throw new Malformed(400, "FORM_MALFORMED", "a % not followed by two hex digits");
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else {
                bytes.write(b);
            }
        }
        try {
            return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new Malformed(400, "FORM_MALFORMED", "a value is not " + charset.name() + " text");
        }
    }
}
