/**
 * Implementation of {@code dev.tether.tls}: the engine wrapper, buffer pooling, trust and key managers and
 * failure mapping. Not API; it may change in any release.
 */
package dev.tether.tls.internal;
