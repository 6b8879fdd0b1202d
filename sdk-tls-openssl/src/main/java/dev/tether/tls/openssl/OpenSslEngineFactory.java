package dev.tether.tls.openssl;

import dev.tether.tls.spi.TlsEngineFactory;
import dev.tether.tls.spi.TlsEngineSpec;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.OpenSslCachingX509KeyManagerFactory;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.lang.ref.Cleaner;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Native OpenSSL contexts for one config (a client one, and a server one when there is key material) and the
 * reference-counted engines made from them.
 *
 * <p>Lifetimes: each engine holds a reference to its context and gives it back when {@link #release} frees the
 * engine. The factory's own reference is given back by a {@link Cleaner} once the factory (that is, the
 * {@code TlsConfig} owning it) is unreachable, so a reloaded config's contexts are freed when the last
 * connection made with them closes, and never while one is still open.
 */
final class OpenSslEngineFactory implements TlsEngineFactory {
    private static final Logger log = LoggerFactory.getLogger(OpenSslEngineFactory.class);
    private static final Cleaner CLEANER = Cleaner.create();

    private final SslContext client;
    private final SslContext server;

    private OpenSslEngineFactory(SslContext client, SslContext server) {
        this.client = client;
        this.server = server;
        CLEANER.register(this, new ContextReleaser(client, server));
    }

    static OpenSslEngineFactory create(TlsEngineSpec spec) throws SSLException {
        // The key material of one config never changes: netty may cache its native form instead of re-encoding
        // the private key on every handshake.
        KeyManagerFactory keys = new OpenSslCachingX509KeyManagerFactory(new KeyManagerFactoryOf(spec.keyManager()));
        // The client always gets the key manager: it records that the server asked for a certificate even when
        // none is configured, for the "certificate required" message.
        SslContext client = configure(SslContextBuilder.forClient().keyManager(keys), spec)
                // Tether verifies the server's name itself (its trust manager), with its own messages.
                .endpointIdentificationAlgorithm(null)
                .build();
        SslContext server = null;
        try {
            if (spec.hasKeyMaterial()) {
                server = configure(SslContextBuilder.forServer(keys), spec)
                        .clientAuth(switch (spec.clientAuth()) {
                            case NONE -> ClientAuth.NONE;
                            case REQUESTED -> ClientAuth.OPTIONAL;
                            case REQUIRED -> ClientAuth.REQUIRE;
                        })
                        .build();
            }
        } catch (SSLException | RuntimeException e) {
            ReferenceCountUtil.release(client);
            throw e;
        }
        return new OpenSslEngineFactory(client, server);
    }

    private static SslContextBuilder configure(SslContextBuilder b, TlsEngineSpec spec) {
        b.sslProvider(SslProvider.OPENSSL_REFCNT)
                .trustManager(new AlertingTrustManager(spec.trustManager()))
                .protocols(spec.protocols());
        if (!spec.cipherSuites().isEmpty()) {
            // Exactly the configured suites: one OpenSSL lacks fails the build instead of being dropped quietly.
            b.ciphers(spec.cipherSuites(), IdentityCipherSuiteFilter.INSTANCE);
        }
        if (!spec.applicationProtocols().isEmpty()) {
            b.applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    spec.applicationProtocols()));
        }
        return b;
    }

    @Override
    public SSLEngine newClientEngine(String peerHost, int peerPort) {
        return peerHost == null ? client.newEngine(ByteBufAllocator.DEFAULT)
                : client.newEngine(ByteBufAllocator.DEFAULT, peerHost, peerPort);
    }

    @Override
    public SSLEngine newServerEngine() {
        if (server == null) {
            throw new IllegalStateException("no server context: the config has no key material");
        }
        return server.newEngine(ByteBufAllocator.DEFAULT);
    }

    @Override
    public void release(SSLEngine engine) {
        ReferenceCountUtil.release(engine);
    }

    /** Netty's engine hands records to BoringSSL by address; heap buffers cost a copy each way per call. */
    @Override
    public boolean prefersDirectBuffers() {
        return true;
    }

    @Override
    public String providerName() {
        return "OpenSSL";
    }

    /** Gives back the factory's references to its contexts; holds no reference to the factory itself. */
    private record ContextReleaser(SslContext client, SslContext server) implements Runnable {
        @Override
        public void run() {
            try {
                ReferenceCountUtil.release(client);
                if (server != null) {
                    ReferenceCountUtil.release(server);
                }
            } catch (RuntimeException e) {
                log.warn("could not free an OpenSSL context: {}", e.toString());
            }
        }
    }
}
