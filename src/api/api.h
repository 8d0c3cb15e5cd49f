// api: `custodian serve`, the HTTP API (JSON under /api/v1/) over a repository, and the web
// app's static files at /. Every route is in one table (routes.cc) from which the OpenAPI 3
// description at /api/v1/openapi.json is generated, so the two cannot drift apart.
//
// What it promises:
// - Every request acts as one account: a session cookie from POST /api/v1/session (HttpOnly,
//   SameSite=Strict, Secure over TLS; sessions live in the server's memory and end at logout,
//   after `session_ttl` of inactivity, or when the server stops), or an API token as
//   "Authorization: Bearer cst_...". Nothing but the session routes and the OpenAPI document
//   answers without one (401). Each request then goes through the same Repository methods,
//   and so the same permission checks, as the CLI.
// - A request carried by a session cookie that would change something (POST, PATCH, PUT,
//   DELETE) must repeat the session's CSRF token in the X-CSRF-Token header (403 otherwise).
//   Tokens sent as bearer headers are not sent by browsers on their own and need none.
// - Failed logins are limited per account and per client address (429 with Retry-After).
// - Errors are JSON {"error": {"code": "not_found", "message": "..."}} with the matching
//   4xx/5xx status; a message never carries a stack trace, and a request body over
//   `max_body_bytes` is refused (413) before it is read.
// - The repository is opened `handles` times at start, each unlocked with the same key, so
//   requests run in parallel without reopening or re-deriving anything; a request takes one
//   handle for its duration.
#ifndef CUSTODIAN_API_API_H_
#define CUSTODIAN_API_API_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "base/status.h"
#include "repo/repo.h"

namespace custodian::api {

struct ServeOptions {
  std::string bind = "127.0.0.1";
  int port = 8080;  // 0: any free port (see Server::port)
  // PEM files; both or neither. Without them the server speaks plain HTTP, for use behind a
  // TLS-terminating proxy or on loopback.
  std::string tls_cert, tls_key;
  // Connections served at once: cpp-httplib gives each open (keep-alive) connection a thread
  // for as long as it stays open, so this bounds concurrent clients, not CPU use.
  int threads = 64;
  // Repository handles (SQLite connections, each unlocked); requests wait for a free one.
  int handles = 8;
  // The web app's built files (web/dist); "" serves no app, only the API.
  std::string static_dir;
  std::chrono::seconds session_ttl{std::chrono::hours(8)};
  size_t max_body_bytes = 16 << 20;
  // Failed logins allowed per account and per address in `login_window` before 429.
  int max_failed_logins = 5;
  std::chrono::seconds login_window{std::chrono::minutes(15)};
};

class Server {
 public:
  // Opens the repository `options.handles` times and unlocks each handle with `unlock` (which
  // may be empty: then sealing, revealing and searching sealed names are refused, as in the
  // CLI). Binds the socket, so port() is known before Run.
  static Result<std::unique_ptr<Server>> Create(const std::string& repo_dir,
                                                const repo::Options& repo_options,
                                                const protect::Unlocker& unlock,
                                                const ServeOptions& options);
  ~Server();

  int port() const;
  // Serves until Stop (from another thread or a signal handler's thread).
  Status Run();
  void Stop();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The OpenAPI 3.0 description of every route.
repo::Json OpenApiDocument();

}  // namespace custodian::api

#endif  // CUSTODIAN_API_API_H_
