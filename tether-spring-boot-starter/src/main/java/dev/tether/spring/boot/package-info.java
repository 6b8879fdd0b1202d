/**
 * Spring Boot auto-configuration for Tether: {@link dev.tether.spring.boot.TetherProperties} describes the
 * {@code tether.clients.<name>} properties; {@link dev.tether.spring.boot.TetherAutoConfiguration} creates a
 * {@code TetherClient} bean per client, and the metrics and health auto-configurations report on them.
 */
package dev.tether.spring.boot;
