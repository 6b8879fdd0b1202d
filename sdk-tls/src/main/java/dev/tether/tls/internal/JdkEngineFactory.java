package dev.tether.tls.internal;

import dev.tether.tls.spi.TlsEngineFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/** Engines from the JDK's TLS implementation; they hold nothing outside the heap, so release does nothing. */
final class JdkEngineFactory implements TlsEngineFactory {
    private final SSLContext context;

    JdkEngineFactory(SSLContext context) {
        this.context = context;
    }

    @Override
    public SSLEngine newClientEngine(String peerHost, int peerPort) {
        // The JDK caches client sessions by peer host and port: an engine without them never resumes.
        return peerHost == null ? context.createSSLEngine() : context.createSSLEngine(peerHost, peerPort);
    }

    @Override
    public SSLEngine newServerEngine() {
        return context.createSSLEngine();
    }

    @Override
    public void release(SSLEngine engine) {
        // Garbage-collected like any object.
    }

    @Override
    public String providerName() {
        return "JDK";
    }
}
