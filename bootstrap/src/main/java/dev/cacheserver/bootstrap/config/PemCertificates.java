package dev.cacheserver.bootstrap.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;

/**
 * Checks a file of trusted certificates (PEM, one or more {@code BEGIN CERTIFICATE} blocks) at start, so that a
 * wrong path or a key file given by mistake is a config error naming the key rather than a TLS failure later.
 */
final class PemCertificates {
    private PemCertificates() {
    }

    /** {@code file} when it holds at least one PEM certificate; IllegalArgumentException saying what is wrong. */
    static Path check(Path file) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException("is not a readable file: " + file);
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(1 << 20);
            if (!new String(head, StandardCharsets.US_ASCII).contains("-----BEGIN CERTIFICATE-----")) {
                throw new IllegalArgumentException("must be PEM certificates (-----BEGIN CERTIFICATE-----): " + file);
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot be read (" + e.getMessage() + "): " + file);
        }
        try (InputStream in = Files.newInputStream(file)) {
            if (CertificateFactory.getInstance("X.509").generateCertificates(in).isEmpty()) {
                throw new IllegalArgumentException("holds no certificate: " + file);
            }
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("holds a certificate that cannot be parsed: " + file);
        }
        return file;
    }
}
