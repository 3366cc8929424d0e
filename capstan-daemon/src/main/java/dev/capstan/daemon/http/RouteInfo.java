package dev.capstan.daemon.http;

import java.util.Objects;

/**
 * One HTTP route as the router knows it.
 *
 * @param method HTTP method
 * @param path path pattern, for example {@code /api/tasks/{id}}
 * @param authenticated whether it requires the bearer token
 */
public record RouteInfo(String method, String path, boolean authenticated) {
  public RouteInfo {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
  }
}
