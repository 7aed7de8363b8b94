/**
 * Bulwark backup: Scheduled, checksummed, compressed and optionally encrypted database backups with retention, restore tests and disaster-recovery drills.
 *
 * <p>Public API and SPI live in this package; {@code dev.bulwark.backup.internal} is not API.
 */
package dev.bulwark.backup;
