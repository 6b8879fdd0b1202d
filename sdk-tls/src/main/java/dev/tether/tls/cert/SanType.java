package dev.tether.tls.cert;

/** The kinds of subject alternative name Tether issues and checks. */
public enum SanType {
    /** A DNS host name, possibly with a leading wildcard label ({@code *.example.com}). */
    DNS,
    /** An IPv4 or IPv6 address. */
    IP,
    /** A URI, such as a SPIFFE ID ({@code spiffe://trust-domain/workload}). */
    URI,
    /** An e-mail address (rfc822Name). */
    EMAIL
}
