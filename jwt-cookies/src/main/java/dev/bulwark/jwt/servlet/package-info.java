/** JWT cookie authentication for Jakarta Servlet containers (optional {@code jakarta.servlet-api}). */
package dev.bulwark.jwt.servlet;
