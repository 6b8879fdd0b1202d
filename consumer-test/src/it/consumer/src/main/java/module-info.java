/** A service using Tether as a named module: it reads only what dev.tether.pool exports (and re-exports). */
module dev.tether.consumer {
    requires dev.tether.pool;

    exports dev.tether.consumer;
}
