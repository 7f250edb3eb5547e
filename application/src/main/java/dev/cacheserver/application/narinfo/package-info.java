/**
 * The narinfos of one cache: serving them from a bounded memory cache over the repository
 * ({@link dev.cacheserver.application.narinfo.ServedNarInfos}), publishing uploaded ones after checking their NAR
 * ({@link dev.cacheserver.application.narinfo.NarInfoPublisher}), removing them, recording reads for retention
 * ({@link dev.cacheserver.application.narinfo.AccessTimes}), all wired by
 * {@link dev.cacheserver.application.narinfo.NarInfoService}; and the Nix protocol's inbound ports over them, each
 * deciding the caller's access first, built by {@link dev.cacheserver.application.narinfo.NixCachePorts}.
 */
package dev.cacheserver.application.narinfo;
