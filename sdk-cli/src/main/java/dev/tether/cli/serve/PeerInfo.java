package dev.tether.cli.serve;

import java.net.SocketAddress;
import java.util.Optional;

/**
 * What {@link EchoServer} knows about one accepted client once it is ready to echo: never payloads or key
 * material.
 *
 * @param id the connection's number since the server was created, from 1
 * @param remoteAddress the client's address
 * @param tlsProtocol the negotiated TLS version, or empty for a plain connection
 * @param cipherSuite the negotiated cipher suite, or empty for a plain connection
 * @param clientSubject the subject of the client certificate, when the client presented one
 */
public record PeerInfo(long id, SocketAddress remoteAddress, Optional<String> tlsProtocol,
                       Optional<String> cipherSuite, Optional<String> clientSubject) {
}
