package io.vendpay.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.Security;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.wechat.pay.java.core.util.PemUtil;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Given this machine (linux-x86_64), the native provider serves; switched off or failing to load,
 * the JDK's do, and a signature made by either verifies with the other.
 */
class NativeCryptoTest {

    private static final byte[] MESSAGE = ("POST\n/v3/pay/transactions/native\n1795772689\nn0nce\n"
            + "{\"mchid\":\"1900000001\",\"out_trade_no\":\"V0384632306134597632\",\"amount\":{\"total\":350}}\n")
            .getBytes(StandardCharsets.UTF_8);

    private static NativeCrypto.Choice installed;

    @BeforeAll
    static void install() {
        List<String> lines = new ArrayList<>();
        installed = NativeCrypto.install("true", lines::add);
        assertThat(lines).hasSizeLessThanOrEqualTo(1); // another test's Spring context may have installed it first
    }

    @Test
    void onThisMachineTheNativeProviderIsInstalledFirstAndServesRsaHmacAndAesGcm() throws Exception {
        assertThat(installed.isNative()).as(installed.logLine()).isTrue();
        assertThat(installed.logLine()).isEqualTo("event=crypto.provider provider=AmazonCorrettoCryptoProvider version=2.4.1");
        assertThat(Security.getProviders()[0].getName()).isEqualTo("AmazonCorrettoCryptoProvider");
        assertThat(KeyFactory.getInstance("RSA").getProvider()).isSameAs(installed.provider());
        assertThat(Signature.getInstance("SHA256withRSA").getProvider()).isSameAs(installed.provider());
        assertThat(Mac.getInstance("HmacSHA256").getProvider()).isSameAs(installed.provider());
        assertThat(javax.crypto.Cipher.getInstance("AES/GCM/NoPadding").getProvider()).isSameAs(installed.provider());
        assertThat(NativeCrypto.inUse()).isSameAs(installed);
        assertThat(NativeCrypto.install("false", line -> { })).as("the first call decides").isSameAs(installed);
    }

    @Test
    void theWechatSdkParsesTheMerchantKeyThroughTheNativeKeyFactory() throws Exception {
        KeyPair pair = jdkRsa();
        String pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        assertThat(PemUtil.loadPrivateKeyFromString(pem).getClass().getName()).startsWith("com.amazon.corretto.crypto.provider.");
    }

    @Test
    void switchedOffTheJdkServesAndSaysWhy() {
        var choice = NativeCrypto.choose(false, () -> {
            throw new AssertionError("not even loaded when switched off");
        });
        assertThat(choice.isNative()).isFalse();
        assertThat(choice.logLine()).isEqualTo("event=crypto.provider provider=JDK reason=\"vendpay.crypto.native=false\"");
    }

    @Test
    void aNativeLibraryThatDoesNotLoadLeavesTheJdkAndSaysWhy() {
        var choice = NativeCrypto.choose(true, () -> {
            throw new UnsatisfiedLinkError("no amazonCorrettoCryptoProvider in java.library.path");
        });
        assertThat(choice.isNative()).isFalse();
        assertThat(choice.name()).isEqualTo("JDK");
        assertThat(choice.logLine()).startsWith("event=crypto.provider provider=JDK reason=\"AmazonCorrettoCryptoProvider unavailable: "
                + "java.lang.UnsatisfiedLinkError: no amazonCorrettoCryptoProvider");
    }

    @Test
    void aSignatureOfEitherProviderVerifiesWithTheOther() throws Exception {
        Provider accp = installed.provider();
        Provider jdk = Security.getProvider("SunRsaSign");
        KeyPair pair = jdkRsa();
        var accpKeys = KeyFactory.getInstance("RSA", accp);
        var accpPrivate = accpKeys.generatePrivate(new PKCS8EncodedKeySpec(pair.getPrivate().getEncoded()));
        var accpPublic = accpKeys.generatePublic(new X509EncodedKeySpec(pair.getPublic().getEncoded()));

        byte[] byAccp = sign(accp, accpPrivate);
        byte[] byJdk = sign(jdk, pair.getPrivate());
        assertThat(byAccp).as("PKCS#1 v1.5 is deterministic").isEqualTo(byJdk);
        assertThat(verify(jdk, pair.getPublic(), byAccp)).isTrue();
        assertThat(verify(accp, accpPublic, byJdk)).isTrue();
        assertThat(verify(accp, pair.getPublic(), byJdk)).as("a JDK-parsed key still works, converted").isTrue();
        byAccp[10] ^= 1;
        assertThat(verify(jdk, pair.getPublic(), byAccp)).isFalse();
        assertThat(verify(accp, accpPublic, byAccp)).isFalse();

        byte[] key = "device-secret-0123456789abcdef01".getBytes(StandardCharsets.UTF_8);
        assertThat(hmac(accp, key)).isEqualTo(hmac(Security.getProvider("SunJCE"), key));
    }

    @Test
    void oneEnginePerThreadIsReusedAcrossCalls() throws Exception {
        ThreadLocal<Signature> rsa = NativeCrypto.signaturePerThread("SHA256withRSA");
        KeyPair pair = jdkRsa();
        Signature first = rsa.get();
        for (int i = 0; i < 2; i++) {
            Signature s = rsa.get();
            s.initSign(pair.getPrivate());
            s.update(MESSAGE);
            assertThat(verify(Security.getProvider("SunRsaSign"), pair.getPublic(), s.sign())).isTrue();
        }
        assertThat(rsa.get()).isSameAs(first);
        Signature[] other = new Signature[1];
        Thread t = new Thread(() -> other[0] = rsa.get());
        t.start();
        t.join();
        assertThat(other[0]).isNotSameAs(first);
    }

    private static KeyPair jdkRsa() throws Exception {
        var g = KeyPairGenerator.getInstance("RSA", "SunRsaSign");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private static byte[] sign(Provider p, java.security.PrivateKey key) throws Exception {
        Signature s = Signature.getInstance("SHA256withRSA", p);
        s.initSign(key);
        s.update(MESSAGE);
        return s.sign();
    }

    private static boolean verify(Provider p, java.security.PublicKey key, byte[] signature) throws Exception {
        Signature s = Signature.getInstance("SHA256withRSA", p);
        s.initVerify(key);
        s.update(MESSAGE);
        return s.verify(signature);
    }

    private static byte[] hmac(Provider p, byte[] key) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256", p);
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(MESSAGE);
    }
}
