/**
 * Internals shared by Bulwark's modules: environment reading with exact errors, daemon thread
 * factories and SHA-256 hashing. Not an API: nothing here is stable, and the package is exported
 * only to Bulwark's own modules. Services use the settings classes of each module instead.
 */
package dev.bulwark.core.internal;
