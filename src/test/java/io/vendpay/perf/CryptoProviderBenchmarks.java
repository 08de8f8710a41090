package io.vendpay.perf;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The three primitives of every order, per provider, as NativeCrypto's callers use them: one engine
 * kept, re-initialised per message. {@code ACCP-JDK-key}: ACCP with a key the JDK's KeyFactory parsed
 * (what a key loaded before the install gets; ACCP converts it on every init).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class CryptoProviderBenchmarks {

    /** ~200 bytes: a device's order request as signed (method, path, timestamp, nonce, body). */
    private static final byte[] MESSAGE = ("POST\n/api/v1/device/orders\n1795772689666\n0123456789abcdef0123\n"
            + "{\"clientOrderId\":\"sim-002-1795772689666-3\",\"slot\":\"A1\",\"channel\":\"WECHAT\",\"amount\":350,"
            + "\"currency\":\"CNY\",\"firmware\":\"2.4.1\",\"seq\":18}").getBytes(StandardCharsets.UTF_8);

    @Param({"JDK", "ACCP", "ACCP-JDK-key"})
    public String provider;

    private Signature rsa;
    private Mac hmac;
    private PrivateKey privateKey;
    private PublicKey publicKey;
    private byte[] signature;
    private SecretKeySpec deviceKey;

    @Setup
    public void setUp() throws Exception {
        AmazonCorrettoCryptoProvider.INSTANCE.assertHealthy(); // no silent JDK numbers under the ACCP label
        Provider accp = AmazonCorrettoCryptoProvider.INSTANCE;
        boolean jdk = provider.equals("JDK");
        Provider signer = jdk ? Security.getProvider("SunRsaSign") : accp;
        Provider keys = provider.equals("ACCP") ? accp : Security.getProvider("SunRsaSign");
        var g = KeyPairGenerator.getInstance("RSA", "SunRsaSign");
        g.initialize(2048);
        KeyPair pair = g.generateKeyPair();
        privateKey = KeyFactory.getInstance("RSA", keys).generatePrivate(new PKCS8EncodedKeySpec(pair.getPrivate().getEncoded()));
        publicKey = KeyFactory.getInstance("RSA", keys).generatePublic(new X509EncodedKeySpec(pair.getPublic().getEncoded()));
        rsa = Signature.getInstance("SHA256withRSA", signer);
        hmac = Mac.getInstance("HmacSHA256", jdk ? Security.getProvider("SunJCE") : accp);
        deviceKey = new SecretKeySpec(new byte[32], "HmacSHA256");
        signature = rsaSign();
    }

    /** Merchant request signature (platform), notification signature (channel). */
    @Benchmark
    public byte[] rsaSign() throws Exception {
        rsa.initSign(privateKey);
        rsa.update(MESSAGE);
        return rsa.sign();
    }

    /** Notification and API answer verification (platform), request verification (channel). */
    @Benchmark
    public boolean rsaVerify() throws Exception {
        rsa.initVerify(publicKey);
        rsa.update(MESSAGE);
        return rsa.verify(signature);
    }

    /** Every device request, on both ends. */
    @Benchmark
    public byte[] hmacSha256() throws Exception {
        hmac.init(deviceKey);
        return hmac.doFinal(MESSAGE);
    }
}
