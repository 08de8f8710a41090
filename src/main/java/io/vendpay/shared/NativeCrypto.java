package io.vendpay.shared;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.function.Supplier;

import javax.crypto.Cipher;
import javax.crypto.Mac;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import org.apache.commons.logging.Log;
import org.slf4j.LoggerFactory;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * The JCA provider of every signature, MAC, cipher and RSA key of the process: Amazon Corretto
 * Crypto Provider (AWS-LC, native) first when it loads and passes its self-tests, else the JDK's
 * providers unchanged. {@code vendpay.crypto.native=false} keeps the JDK's. Decided once per JVM,
 * before anything parses a key: a key parsed by the JDK's KeyFactory is converted again by ACCP on
 * every {@code initSign}, one parsed through ACCP's (what {@code KeyFactory.getInstance("RSA")} returns
 * after the install) is not. Installed by {@link AtStart} for the server, by the command-line modes
 * for themselves.
 */
public final class NativeCrypto {

    public static final String PROPERTY = "vendpay.crypto.native";

    private static Choice installed;

    private NativeCrypto() {
    }

    /** Which provider serves, and when the JDK's, why. */
    public record Choice(Provider provider, String reason) {

        public boolean isNative() {
            return provider != null;
        }

        public String name() {
            return provider == null ? "JDK" : provider.getName();
        }

        public String logLine() {
            return isNative()
                    ? "event=crypto.provider provider=" + name() + " version=" + ((AmazonCorrettoCryptoProvider) provider).getVersionStr()
                    : "event=crypto.provider provider=JDK reason=\"" + ErrorResponses.escape(reason) + "\"";
        }
    }

    /**
     * Installs ACCP at position 1 unless {@code setting} is {@code "false"} or ACCP is not healthy here.
     * The first call decides; later ones (another Spring context of the same JVM) return its choice and
     * say nothing, so the log has one line per process.
     *
     * @param say receives the one log line, from the call that decided only
     */
    public static synchronized Choice install(String setting, java.util.function.Consumer<String> say) {
        if (installed == null) {
            installed = choose(!"false".equalsIgnoreCase(setting == null ? "" : setting.trim()), NativeCrypto::healthyAccp);
            if (installed.isNative()) {
                Security.insertProviderAt(installed.provider(), 1);
            }
            say.accept(installed.logLine());
        }
        return installed;
    }

    /** For the command-line modes, before Spring: the system property, else {@code VENDPAY_CRYPTO_NATIVE}. */
    public static Choice installFromSystem() {
        return install(System.getProperty(PROPERTY, System.getenv("VENDPAY_CRYPTO_NATIVE")),
                LoggerFactory.getLogger("vendpay")::info);
    }

    /** The choice made, or the JDK's when nothing installed (a test without Spring). */
    public static synchronized Choice inUse() {
        return installed != null ? installed : new Choice(null, "not installed in this JVM");
    }

    static Choice choose(boolean wanted, Supplier<Provider> accp) {
        if (!wanted) {
            return new Choice(null, PROPERTY + "=false");
        }
        try {
            return new Choice(accp.get(), null);
        } catch (RuntimeException | LinkageError e) {
            // LinkageError: the jar or its native library missing or built for another platform
            return new Choice(null, "AmazonCorrettoCryptoProvider unavailable: " + e);
        }
    }

    private static Provider healthyAccp() {
        AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
        if (accp.getLoadingError() != null) {
            throw new IllegalStateException("native library did not load: " + accp.getLoadingError(), accp.getLoadingError());
        }
        accp.assertHealthy(); // runs the self-tests
        return accp;
    }

    /**
     * The same public key parsed by the installed provider's KeyFactory, for keys that arrive parsed by
     * the JDK (a certificate's): done once per key instead of ACCP converting it on every {@code initVerify}.
     */
    public static PublicKey ownPublicKey(PublicKey key) {
        try {
            return KeyFactory.getInstance(key.getAlgorithm()).generatePublic(new X509EncodedKeySpec(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            return key; // not an encoding the provider reads: its Signature converts it, or refuses, as before
        }
    }

    /*
     * One engine per thread: getInstance walks the provider list and allocates (ACCP: a native context)
     * on every call, while an engine re-initialised with init* is as good as new. Created on a thread's
     * first use, so from the provider installed by then.
     */

    public static ThreadLocal<Signature> signaturePerThread(String algorithm) {
        return ThreadLocal.withInitial(() -> {
            try {
                return Signature.getInstance(algorithm);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    public static ThreadLocal<Mac> macPerThread(String algorithm) {
        return ThreadLocal.withInitial(() -> {
            try {
                return Mac.getInstance(algorithm);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    public static ThreadLocal<Cipher> cipherPerThread(String transformation) {
        return ThreadLocal.withInitial(() -> {
            try {
                return Cipher.getInstance(transformation);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * The server's install: right after the configuration files are read (so {@code vendpay.crypto.native}
     * may come from any of them) and before {@code EmbeddedDefaults} reads or makes the sandbox's keys. The
     * line is logged once logging is configured.
     */
    static final class AtStart implements EnvironmentPostProcessor, Ordered {

        private final Log log;

        AtStart(DeferredLogFactory logs) {
            this.log = logs.getLog(() -> org.apache.commons.logging.LogFactory.getLog("vendpay"));
        }

        @Override
        public int getOrder() {
            return ConfigDataEnvironmentPostProcessor.ORDER + 1;
        }

        @Override
        public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
            install(env.getProperty(PROPERTY), log::info);
        }
    }
}
