/** JWT cookie authentication for the JDK's built-in {@code com.sun.net.httpserver} (no dependency). */
package dev.bulwark.jwt.jdkhttp;
