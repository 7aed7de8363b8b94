/**
 * Bulwark JWT cookies: JWT authentication carried in HttpOnly, Secure, SameSite=Strict cookies, with refresh rotation, reuse detection, CSRF defence and revocation.
 *
 * <p>Public API and SPI live in this package; {@code dev.bulwark.jwt.internal} is not API.
 */
package dev.bulwark.jwt;
