/**
 * Tether's transport: endpoints, deadlines, plain socket connections and the codecs that frame requests and
 * responses. {@code dev.tether.core.internal} is this module's own and is not exported.
 */
module dev.tether.core {
    requires jdk.net;

    exports dev.tether.core;
    exports dev.tether.core.codec;
}
