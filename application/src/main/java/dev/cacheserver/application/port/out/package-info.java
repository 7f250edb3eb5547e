/**
 * Outbound ports the application defines for an adapter to implement, where the port speaks in application types
 * (inbound-port values such as {@code PartGrant}) and so cannot live in the domain. Every other outbound port is in
 * {@code dev.cacheserver.domain.port}.
 */
package dev.cacheserver.application.port.out;
