// The HTTP server: repository handles, sessions, login limits, authentication and CSRF checks
// around every route of routes.cc, JSON errors, static files.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <mutex>
#include <regex>
#include <unordered_map>

#include "api/api.h"
#include "api/internal.h"
#include "base/canonical_json.h"
#include "crypto/crypto.h"

namespace custodian::api {
namespace {

using internal::Call;
using internal::Reply;
using internal::Route;
using repo::Json;
using Clock = std::chrono::steady_clock;

constexpr char kSessionCookie[] = "custodian_session";

int HttpStatus(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kDataLoss:
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

void ReplyError(httplib::Response& response, int status, std::string_view code,
                const std::string& message) {
  Reply(response, {{"error", {{"code", code}, {"message", message}}}}, status);
}

void ReplyError(httplib::Response& response, const Status& status) {
  std::string code(StatusCodeName(status.code()));
  // "InvalidArgument" -> "invalid_argument"
  std::string snake;
  for (char c : code) {
    if (std::isupper(static_cast<unsigned char>(c)) && !snake.empty()) snake += '_';
    snake += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  ReplyError(response, HttpStatus(status.code()), snake, status.message());
}

std::string RandomToken(Env& env) {
  std::array<uint8_t, 32> bytes{};
  env.RandomBytes(bytes);
  std::string out = crypto::Base64Encode({reinterpret_cast<const char*>(bytes.data()), 32});
  // URL- and cookie-safe
  for (char& c : out) c = c == '+' ? '-' : c == '/' ? '_' : c;
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

std::string Digest(std::string_view secret) { return crypto::HexEncode(crypto::Sha256(secret)); }

// Repository handles, one per request at a time.
class Pool {
 public:
  class Lease {
   public:
    Lease(Pool& pool, repo::Repository* repo) : pool_(pool), repo_(repo) {}
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() {
      repo_->SignOut();
      pool_.Give(repo_);
    }
    repo::Repository& operator*() { return *repo_; }
    repo::Repository* operator->() { return repo_; }

   private:
    Pool& pool_;
    repo::Repository* repo_;
  };

  void Add(std::unique_ptr<repo::Repository> repo) {
    free_.push_back(repo.get());
    all_.push_back(std::move(repo));
  }
  Lease Take() {
    std::unique_lock lock(mu_);
    ready_.wait(lock, [&] { return !free_.empty(); });
    repo::Repository* repo = free_.back();
    free_.pop_back();
    return Lease(*this, repo);
  }

 private:
  void Give(repo::Repository* repo) {
    std::lock_guard lock(mu_);
    free_.push_back(repo);
    ready_.notify_one();
  }
  std::mutex mu_;
  std::condition_variable ready_;
  std::vector<repo::Repository*> free_;
  std::vector<std::unique_ptr<repo::Repository>> all_;
};

// Browser sessions, in memory: keyed by a digest of the cookie, so the map holds no cookie.
class Sessions {
 public:
  struct Session {
    std::string account, csrf;
    Clock::time_point last_used;
  };

  explicit Sessions(std::chrono::seconds ttl) : ttl_(ttl) {}

  // The new session's cookie value; `csrf` is set to its CSRF token.
  std::string Begin(const std::string& account, Env& env, std::string& csrf) {
    std::string id = RandomToken(env);
    csrf = RandomToken(env);
    std::lock_guard lock(mu_);
    sessions_[Digest(id)] = {account, csrf, Clock::now()};
    return id;
  }
  std::optional<Session> Find(const std::string& id) {
    std::lock_guard lock(mu_);
    auto it = sessions_.find(Digest(id));
    if (it == sessions_.end()) return std::nullopt;
    if (Clock::now() - it->second.last_used > ttl_) {
      sessions_.erase(it);
      return std::nullopt;
    }
    it->second.last_used = Clock::now();
    return it->second;
  }
  void End(const std::string& id) {
    std::lock_guard lock(mu_);
    sessions_.erase(Digest(id));
  }

 private:
  std::chrono::seconds ttl_;
  std::mutex mu_;
  std::unordered_map<std::string, Session> sessions_;
};

// Failed logins per key (an account, a client address) within a sliding window.
class LoginLimiter {
 public:
  LoginLimiter(int max_failures, std::chrono::seconds window)
      : max_(max_failures), window_(window) {}

  // Seconds until `key` may try again; 0 if it may now.
  int64_t Wait(const std::string& key) {
    std::lock_guard lock(mu_);
    auto& times = failures_[key];
    Prune(times);
    if (static_cast<int>(times.size()) < max_) return 0;
    return std::chrono::duration_cast<std::chrono::seconds>(times.front() + window_ - Clock::now())
               .count() +
           1;
  }
  void Fail(const std::string& key) {
    std::lock_guard lock(mu_);
    auto& times = failures_[key];
    Prune(times);
    times.push_back(Clock::now());
  }
  void Succeed(const std::string& key) {
    std::lock_guard lock(mu_);
    failures_.erase(key);
  }

 private:
  void Prune(std::deque<Clock::time_point>& times) {
    while (!times.empty() && Clock::now() - times.front() > window_) times.pop_front();
  }
  int max_;
  std::chrono::seconds window_;
  std::mutex mu_;
  std::unordered_map<std::string, std::deque<Clock::time_point>> failures_;
};

std::string Cookie(const httplib::Request& request, std::string_view name) {
  const std::string header = request.get_header_value("Cookie");
  size_t at = 0;
  while (at < header.size()) {
    size_t end = header.find(';', at);
    if (end == std::string::npos) end = header.size();
    std::string_view part(header.data() + at, end - at);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.starts_with(name) && part.size() > name.size() && part[name.size()] == '=') {
      return std::string(part.substr(name.size() + 1));
    }
    at = end + 1;
  }
  return "";
}

// The route's path as a regular expression, and the names of its {parameters}.
std::pair<std::string, std::vector<std::string>> PathPattern(const std::string& path) {
  std::string pattern;
  std::vector<std::string> names;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '{') {
      const size_t close = path.find('}', i);
      names.push_back(path.substr(i + 1, close - i - 1));
      pattern += "([^/]+)";
      i = close;
    } else {
      pattern += path[i];
    }
  }
  return {pattern, names};
}

}  // namespace

struct Server::Impl {
  explicit Impl(const ServeOptions& o)
      : options(o), sessions(o.session_ttl), limiter(o.max_failed_logins, o.login_window) {}

  ServeOptions options;
  Env* env = nullptr;
  std::unique_ptr<httplib::Server> http;
  Pool pool;
  Sessions sessions;
  LoginLimiter limiter;
  std::mutex search_index;
  bool tls = false;

  // Authenticates the request, checks CSRF, runs the route with a repository handle.
  void Handle(const Route& route, const std::vector<std::string>& names,
              const httplib::Request& request, httplib::Response& response) {
    auto lease = pool.Take();
    bool via_session = false;
    std::string csrf;
    const std::string authorization = request.get_header_value("Authorization");
    Status signed_in;
    if (authorization.starts_with("Bearer ")) {
      signed_in = lease->SignInWithToken(authorization.substr(7));
      if (!signed_in.ok()) {
        return ReplyError(response, 401, "unauthenticated", signed_in.message());
      }
    } else if (std::string id = Cookie(request, kSessionCookie); !id.empty()) {
      std::optional<Sessions::Session> session = sessions.Find(id);
      if (!session) {
        return ReplyError(response, 401, "unauthenticated",
                          "the session has ended (logged out or expired): log in again");
      }
      signed_in = lease->ResumeSession(session->account);
      if (!signed_in.ok()) return ReplyError(response, 401, "unauthenticated", signed_in.message());
      via_session = true;
      csrf = session->csrf;
    } else {
      return ReplyError(response, 401, "unauthenticated",
                        "log in (POST /api/v1/session) or send an API token as "
                        "'Authorization: Bearer cst_...'");
    }
    if (via_session && request.method != "GET" && request.method != "HEAD") {
      const std::string sent = request.get_header_value("X-CSRF-Token");
      if (sent.size() != csrf.size() ||
          !crypto::ConstantTimeEqual(
              {reinterpret_cast<const uint8_t*>(sent.data()), sent.size()},
              {reinterpret_cast<const uint8_t*>(csrf.data()), csrf.size()})) {
        return ReplyError(response, 403, "csrf",
                          "a request that changes something must carry the session's CSRF "
                          "token in the X-CSRF-Token header");
      }
    }
    Call call{request, response, *lease, {}, search_index, csrf};
    for (size_t i = 0; i < names.size() && i + 1 < request.matches.size(); ++i) {
      call.path[names[i]] = request.matches[i + 1].str();
    }
    Status status = route.handler(call);
    if (!status.ok()) ReplyError(response, status);
  }

  void Login(const httplib::Request& request, httplib::Response& response) {
    Result<Json> body = ParseJson(request.body, {.max_bytes = 4096, .max_depth = 4});
    auto text = [&](const char* name) -> const Json* {
      auto it = body->find(name);
      return it != body->end() && it->is_string() ? &*it : nullptr;
    };
    if (!body.ok() || !body->is_object() || body->size() != 2 || !text("account") ||
        !text("password")) {
      return ReplyError(response, 400, "invalid_argument",
                        "log in with {\"account\": \"...\", \"password\": \"...\"}");
    }
    const std::string account = text("account")->get<std::string>();
    const std::string password = text("password")->get<std::string>();
    const std::string address = "address " + request.remote_addr;
    const std::string who = "account " + account;
    for (const std::string& key : {who, address}) {
      if (int64_t wait = limiter.Wait(key); wait > 0) {
        response.set_header("Retry-After", std::to_string(wait));
        return ReplyError(response, 429, "too_many_attempts",
                          "too many failed logins; try again in " + std::to_string(wait) + " s");
      }
    }
    auto lease = pool.Take();
    Status signed_in = lease->SignIn(account, password);
    if (!signed_in.ok()) {
      limiter.Fail(who);
      limiter.Fail(address);
      return ReplyError(response, 401, "unauthenticated", signed_in.message());
    }
    limiter.Succeed(who);
    std::string csrf;
    const std::string id = sessions.Begin(account, *env, csrf);
    response.set_header("Set-Cookie", std::string(kSessionCookie) + "=" + id +
                                          "; Path=/; HttpOnly; SameSite=Strict" +
                                          (tls ? "; Secure" : ""));
    Reply(response, Me(lease->principal(), csrf), 201);
  }

  static Json Me(const protect::Principal& who, const std::string& csrf) {
    Json out = {
        {"account", who.account},
        {"role", protect::RoleName(who.role)},
        {"clearance", who.clearance},
        {"dossiers", Json(std::vector<std::string>(who.dossiers.begin(), who.dossiers.end()))}};
    if (!csrf.empty()) out["csrf_token"] = csrf;
    return out;
  }

  void Install() {
    http->set_payload_max_length(options.max_body_bytes);
    // Small JSON answers must not wait for the client's delayed ACK (40 ms on Linux).
    http->set_tcp_nodelay(true);
    http->new_task_queue = [n = options.threads] {
      return new httplib::ThreadPool(static_cast<size_t>(n));
    };
    http->set_exception_handler(
        [](const httplib::Request&, httplib::Response& response, std::exception_ptr) {
          ReplyError(response, 500, "internal", "the server failed to answer this request");
        });
    // httplib answers an oversized body with 413 and an empty page; make it JSON too.
    http->set_error_handler([](const httplib::Request& request, httplib::Response& response) {
      if (!response.body.empty()) return;
      switch (response.status) {
        case 413:
          return ReplyError(response, 413, "too_large", "the request body is too large");
        case 400:
          return ReplyError(response, 400, "invalid_argument",
                            "the request could not be read (a POST, PATCH or PUT needs a "
                            "Content-Length, even for an empty body)");
        case 404:
          return ReplyError(response, 404, "not_found",
                            "no such route: " + request.method + " " + request.path);
        default:
          return ReplyError(response, response.status, "error", "the request failed");
      }
    });

    http->Post("/api/v1/session",
               [this](const httplib::Request& q, httplib::Response& r) { Login(q, r); });
    http->Get("/api/v1/session", [this](const httplib::Request& q, httplib::Response& r) {
      // With the CSRF token again, so that a reloaded page can go on writing.
      Route me{"GET", "/api/v1/session", "", {}, "", 200, [](Call& call) {
                 Reply(call.response, Me(call.repo.principal(), call.csrf));
                 return OkStatus();
               }};
      Handle(me, {}, q, r);
    });
    http->Delete("/api/v1/session", [this](const httplib::Request& q, httplib::Response& r) {
      const std::string id = Cookie(q, kSessionCookie);
      const std::optional<Sessions::Session> session =
          id.empty() ? std::nullopt : sessions.Find(id);
      if (!session) return ReplyError(r, 401, "unauthenticated", "no session to end");
      const std::string sent = q.get_header_value("X-CSRF-Token");
      if (sent != session->csrf) {
        return ReplyError(r, 403, "csrf", "logging out needs the session's CSRF token");
      }
      sessions.End(id);
      r.set_header("Set-Cookie",
                   std::string(kSessionCookie) + "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
      Reply(r, {{"ended", true}});
    });
    http->Get("/api/v1/openapi.json",
              [](const httplib::Request&, httplib::Response& r) { Reply(r, OpenApiDocument()); });

    for (const Route& route : internal::Routes()) {
      auto [pattern, names] = PathPattern(route.path);
      auto handler = [this, &route, names = names](const httplib::Request& q,
                                                   httplib::Response& r) {
        Handle(route, names, q, r);
      };
      if (route.method == "GET") http->Get(pattern, handler);
      if (route.method == "POST") http->Post(pattern, handler);
      if (route.method == "PATCH") http->Patch(pattern, handler);
      if (route.method == "DELETE") http->Delete(pattern, handler);
    }
    if (!options.static_dir.empty()) {
      // httplib refuses paths that climb out of the directory ("..").
      http->set_mount_point("/", options.static_dir);
    }
  }
};

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() { Stop(); }

Result<std::unique_ptr<Server>> Server::Create(const std::string& repo_dir,
                                               const repo::Options& repo_options,
                                               const protect::Unlocker& unlock,
                                               const ServeOptions& options) {
  if (options.threads < 1 || options.threads > 1024) {
    return InvalidArgumentError("--threads must be from 1 to 1024");
  }
  if (options.handles < 1 || options.handles > 64) {
    return InvalidArgumentError("--handles must be from 1 to 64");
  }
  if (options.tls_cert.empty() != options.tls_key.empty()) {
    return InvalidArgumentError("give both --tls-cert and --tls-key, or neither");
  }
  auto impl = std::make_unique<Impl>(options);
  impl->env = repo_options.env;
  std::unique_ptr<repo::Repository> first;
  for (int i = 0; i < options.handles; ++i) {
    ASSIGN_OR_RETURN(std::unique_ptr<repo::Repository> repo,
                     repo::Repository::Open(repo_dir, repo_options));
    if (!unlock.empty()) {
      // The passphrase's argon2id derivation runs once, not once per handle.
      RETURN_IF_ERROR(i == 0 ? repo->Unlock(unlock) : repo->UnlockLike(*first));
    }
    if (i == 0)
      first = std::move(repo);
    else
      impl->pool.Add(std::move(repo));
  }
  impl->pool.Add(std::move(first));
  if (!options.tls_cert.empty()) {
    auto tls =
        std::make_unique<httplib::SSLServer>(options.tls_cert.c_str(), options.tls_key.c_str());
    if (!tls->is_valid()) {
      return InvalidArgumentError("cannot use the TLS certificate '" + options.tls_cert +
                                  "' with the key '" + options.tls_key + "'");
    }
    impl->http = std::move(tls);
    impl->tls = true;
  } else {
    impl->http = std::make_unique<httplib::Server>();
  }
  if (!options.static_dir.empty() && !std::filesystem::is_directory(options.static_dir)) {
    return NotFoundError("no web app in '" + options.static_dir + "' (build it with npm)");
  }
  impl->Install();
  if (options.port == 0) {
    impl->options.port = impl->http->bind_to_any_port(options.bind);
    if (impl->options.port < 0) return UnavailableError("cannot bind to " + options.bind);
  } else if (!impl->http->bind_to_port(options.bind, options.port)) {
    return UnavailableError("cannot listen on " + options.bind + ":" +
                            std::to_string(options.port) + " (in use, or not allowed)");
  }
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

int Server::port() const { return impl_->options.port; }

Status Server::Run() {
  if (!impl_->http->listen_after_bind()) return UnavailableError("the server stopped on an error");
  return OkStatus();
}

void Server::Stop() {
  if (impl_ && impl_->http) impl_->http->stop();
}

}  // namespace custodian::api
