package io.vendpay.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.math.BigInteger;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The sandbox merchant: the key material a real merchant gets from WeChat Pay, made once on
 * first start and kept under {@code <data-dir>/sandbox} so restarts keep talking to the same
 * "merchant". Both sides read it: the payment module as configuration (PEM paths, like production),
 * the sandbox as WeChat's side (its own private key, the merchant's public key).
 */
public record SandboxCredentials(
        Path dir,
        String mchid,
        String appid,
        String apiV3Key,
        String merchantSerialNo,
        String platformPublicKeyId) {

    public Path merchantPrivateKeyPem() {
        return dir.resolve("merchant_private_key.pem");
    }

    public Path merchantPublicKeyPem() {
        return dir.resolve("merchant_public_key.pem");
    }

    public Path platformPrivateKeyPem() {
        return dir.resolve("wechatpay_private_key.pem");
    }

    public Path platformPublicKeyPem() {
        return dir.resolve("wechatpay_public_key.pem");
    }

    public PrivateKey platformPrivateKey() {
        return readPrivateKey(platformPrivateKeyPem());
    }

    public PublicKey merchantPublicKey() {
        return readPublicKey(merchantPublicKeyPem());
    }

    /** A WeChat Pay platform certificate (certificate mode) and the key that signs with it. */
    public record PlatformCertificate(String serialNo, X509Certificate certificate, PrivateKey privateKey, Path pem) {
    }

    /** The platform certificates issued so far, newest last. The first is issued with the merchant. */
    public synchronized List<PlatformCertificate> certificates() {
        Path certs = dir.resolve("certs");
        try (var files = Files.list(certs)) {
            return files.filter(f -> f.getFileName().toString().endsWith("_cert.pem")).sorted().map(f -> {
                String name = f.getFileName().toString();
                String stem = name.substring(0, name.length() - "_cert.pem".length());
                X509Certificate c = readCertificate(f);
                return new PlatformCertificate(c.getSerialNumber().toString(16).toUpperCase(), c,
                        readPrivateKey(certs.resolve(stem + "_key.pem")), f);
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Issues a new platform certificate (WeChat rotates them; the old ones stay valid for a while). */
    public synchronized PlatformCertificate issueCertificate() {
        try {
            Path certs = dir.resolve("certs");
            Files.createDirectories(certs);
            KeyPair pair = rsa();
            var random = new SecureRandom();
            byte[] serialBytes = new byte[20];
            random.nextBytes(serialBytes);
            serialBytes[0] &= 0x7f;
            BigInteger serial = new BigInteger(1, serialBytes);
            var now = java.time.Instant.now();
            var subject = new X500Name("CN=Tenpay.com Root CA sandbox, O=vendpay sandbox, C=CN");
            var builder = new JcaX509v3CertificateBuilder(subject, serial, Date.from(now.minusSeconds(60)),
                    Date.from(now.plus(java.time.Duration.ofDays(5 * 365))), subject, pair.getPublic());
            var signer = new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate());
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(builder.build(signer));
            String stem = String.format("%013d", System.currentTimeMillis()) + "_" + serial.toString(16).toUpperCase();
            writePem(certs.resolve(stem + "_key.pem"), "PRIVATE KEY", pair.getPrivate().getEncoded());
            Path pem = certs.resolve(stem + "_cert.pem");
            writePem(pem, "CERTIFICATE", cert.getEncoded());
            return new PlatformCertificate(serial.toString(16).toUpperCase(), cert, pair.getPrivate(), pem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
            throw new IllegalStateException("Cannot issue a sandbox platform certificate", e);
        }
    }

    public static synchronized SandboxCredentials loadOrCreate(Path dataDir) {
        Path dir = dataDir.resolve("sandbox");
        Path props = dir.resolve("wechat.properties");
        try {
            boolean fresh = !Files.exists(props);
            if (fresh) {
                create(dir, props);
            }
            var p = new Properties();
            try (var in = Files.newBufferedReader(props, StandardCharsets.UTF_8)) {
                p.load(in);
            }
            var credentials = new SandboxCredentials(dir, p.getProperty("mchid"), p.getProperty("appid"),
                    p.getProperty("api-v3-key"), p.getProperty("merchant-serial-no"),
                    p.getProperty("platform-public-key-id"));
            if (!Files.isDirectory(dir.resolve("certs"))) {
                credentials.issueCertificate();
            }
            return credentials;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create or read the sandbox merchant under " + dir, e);
        }
    }

    private static void create(Path dir, Path props) throws IOException {
        Files.createDirectories(dir);
        var random = new SecureRandom();
        KeyPair merchant = rsa();
        KeyPair platform = rsa();
        writePem(dir.resolve("merchant_private_key.pem"), "PRIVATE KEY", merchant.getPrivate().getEncoded());
        writePem(dir.resolve("merchant_public_key.pem"), "PUBLIC KEY", merchant.getPublic().getEncoded());
        writePem(dir.resolve("wechatpay_private_key.pem"), "PRIVATE KEY", platform.getPrivate().getEncoded());
        writePem(dir.resolve("wechatpay_public_key.pem"), "PUBLIC KEY", platform.getPublic().getEncoded());
        byte[] serial = new byte[20];
        random.nextBytes(serial);
        var p = new Properties();
        p.setProperty("mchid", "1900009" + (100 + random.nextInt(900)));
        p.setProperty("appid", "wxsandbox" + HexFormat.of().formatHex(serial, 0, 5));
        p.setProperty("api-v3-key", alphanumeric(random, 32));
        p.setProperty("merchant-serial-no", HexFormat.of().withUpperCase().formatHex(serial));
        p.setProperty("platform-public-key-id", "PUB_KEY_ID_01" + digits(random, 30));
        Path tmp = props.resolveSibling("wechat.properties.tmp");
        try (var out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(out, "vendpay sandbox merchant (generated; not a real WeChat Pay merchant)");
        }
        Files.move(tmp, props, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static void writePem(Path file, String type, byte[] der) throws IOException {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        Files.writeString(file, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
    }

    static X509Certificate readCertificate(Path pem) {
        try (var in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("Not an X.509 certificate: " + pem, e);
        }
    }

    static PrivateKey readPrivateKey(Path pem) {
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der(pem)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Not an RSA PKCS#8 private key: " + pem, e);
        }
    }

    static PublicKey readPublicKey(Path pem) {
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der(pem)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Not an RSA public key: " + pem, e);
        }
    }

    private static byte[] der(Path pem) {
        try {
            String text = Files.readString(pem).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            return Base64.getDecoder().decode(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String alphanumeric(SecureRandom random, int n) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        var b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    private static String digits(SecureRandom random, int n) {
        var b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append((char) ('0' + random.nextInt(10)));
        }
        return b.toString();
    }
}
