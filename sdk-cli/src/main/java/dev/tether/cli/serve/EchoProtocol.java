package dev.tether.cli.serve;

/** How {@link EchoServer} frames what it echoes. */
public enum EchoProtocol {
    /** Newline-terminated UTF-8 lines ({@code LineCodec}); each line is echoed back with its newline. */
    LINE,
    /** Messages with a 4-byte big-endian length header ({@code LengthPrefixedCodec}), echoed back framed. */
    LENGTH,
    /** Bytes as they come, echoed back unchanged; works with any client protocol, RESP included. */
    RAW
}
