package dev.tether.cli.probe;

import dev.tether.core.Deadline;
import dev.tether.core.Endpoint;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Probe-only diagnosis: fetches the certificate chain a server presents even when it is not trusted, so that
 * {@code tether probe} can show it after a failed verification. The handshake is always aborted right after
 * the server's certificates arrive: this trust manager trusts nothing, no session is ever established and no
 * byte of application data is sent. It lives here, not in any library, so that no code path that carries
 * data can use it; "insecure" in its name warns against reusing it anywhere else.
 */
final class InsecureChainCapture {
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|.*:.*");

    private InsecureChainCapture() {
    }

    /**
     * Connects to {@code endpoint}, sends {@code serverName} as SNI and returns the chain the server presented,
     * leaf first; empty when none could be had within the deadline.
     */
    static List<X509Certificate> fetch(Endpoint endpoint, String serverName, List<String> protocols,
                                       Deadline deadline) {
        AtomicReference<List<X509Certificate>> captured = new AtomicReference<>(List.of());
        long millis = deadline.remainingMillisRoundedUp();
        if (millis <= 0) {
            return List.of();
        }
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), (int) Math.min(millis, Integer.MAX_VALUE));
            plain.setSoTimeout((int) Math.max(1, Math.min(deadline.remainingMillisRoundedUp(), Integer.MAX_VALUE)));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new CapturingTrustManager(captured)}, null);
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory()
                    .createSocket(plain, serverName, endpoint.port(), false)) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setProtocols(protocols.toArray(new String[0]));
                if (!IP_LITERAL.matcher(serverName).matches()) {
                    parameters.setServerNames(List.of(new SNIHostName(serverName)));
                }
                socket.setSSLParameters(parameters);
                socket.startHandshake();
            }
        } catch (SSLException expected) {
            // The capturing trust manager aborts every handshake; the chain was recorded before that.
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            // The diagnosis only adds detail to a failure already reported; without it the report stands.
        }
        return captured.get();
    }

    /** Records the server's chain and refuses it, which ends the handshake. */
    private static final class CapturingTrustManager extends X509ExtendedTrustManager {
        private final AtomicReference<List<X509Certificate>> captured;

        CapturingTrustManager(AtomicReference<List<X509Certificate>> captured) {
            this.captured = captured;
        }

        private void captureAndRefuse(X509Certificate[] chain) throws CertificateException {
            captured.set(chain == null ? List.of() : List.of(chain));
            throw new CertificateException("diagnostic handshake: chain recorded for display, never trusted");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            captureAndRefuse(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            captureAndRefuse(chain);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            captureAndRefuse(chain);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            throw new CertificateException("a probe never acts as a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            throw new CertificateException("a probe never acts as a server");
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("a probe never acts as a server");
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
